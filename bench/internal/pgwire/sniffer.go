// Package pgwire captures the SQL a Go client sends to PostgreSQL: a TCP
// proxy between lib/pq and the server reads the frontend's messages, so that
// pgbench can run exactly the statements a request made the store send —
// every one of them, in order — not a copy that could drift.
package pgwire

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"net"
	"net/url"
	"regexp"
	"strings"
	"sync"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"
)

// A Statement is one query as the driver sent it: simple (a Query message)
// or extended (the SQL of its Parse, named or not, and the text values of
// its Bind; nil for NULL).
type Statement struct {
	SQL    string
	Params []*string
	Simple bool
}

// Sniffer is a TCP proxy between lib/pq and PostgreSQL that records every
// query passing through it: simple queries, and extended ones with their
// bound values, including statements prepared once and bound by name
// afterwards (the store's stmtCache).
type Sniffer struct {
	ln     net.Listener
	target string

	mu      sync.Mutex
	queries []Statement
}

// New starts a sniffer in front of the server of dbURL and returns it with
// the URL to connect through it (sslmode=disable: it reads the protocol in
// clear).
func New(dbURL string) (*Sniffer, string, error) {
	u, err := url.Parse(dbURL)
	if err != nil {
		return nil, "", err
	}
	target := u.Host
	if u.Port() == "" {
		target = net.JoinHostPort(u.Hostname(), "5432")
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, "", err
	}
	s := &Sniffer{ln: ln, target: target}
	go s.serve()
	u.Host = ln.Addr().String()
	q := u.Query()
	q.Set("sslmode", "disable") // the proxy reads the protocol in clear
	u.RawQuery = q.Encode()
	return s, u.String(), nil
}

// Close stops accepting connections.
func (s *Sniffer) Close() error { return s.ln.Close() }

// Take returns and forgets the queries recorded so far.
func (s *Sniffer) Take() []Statement {
	s.mu.Lock()
	defer s.mu.Unlock()
	q := s.queries
	s.queries = nil
	return q
}

// Extended is the extended-protocol statements of sts (those with a Bind).
func Extended(sts []Statement) []Statement {
	var out []Statement
	for _, st := range sts {
		if !st.Simple {
			out = append(out, st)
		}
	}
	return out
}

func (s *Sniffer) serve() {
	for {
		client, err := s.ln.Accept()
		if err != nil {
			return
		}
		go s.relay(client)
	}
}

func (s *Sniffer) relay(client net.Conn) {
	defer client.Close()
	server, err := net.Dial("tcp", s.target)
	if err != nil {
		return
	}
	defer server.Close()
	go func() {
		_, _ = io.Copy(client, server) // ends when either side closes
		client.Close()
	}()
	_ = s.readClient(io.TeeReader(client, server))
}

// readClient parses the frontend's messages (they are forwarded as read).
// The startup packet has no type byte; every later message has one.
func (s *Sniffer) readClient(r io.Reader) error {
	var hdr [5]byte
	for {
		// Startup, or an SSL/GSS request that precedes it (sslmode=disable sends none).
		if _, err := io.ReadFull(r, hdr[:4]); err != nil {
			return err
		}
		body := make([]byte, binary.BigEndian.Uint32(hdr[:4])-4)
		if _, err := io.ReadFull(r, body); err != nil {
			return err
		}
		if code := binary.BigEndian.Uint32(body[:4]); code != 80877103 && code != 80877104 {
			break
		}
	}
	// Statements by name: a prepared statement is parsed once per
	// connection and bound many times, maybe after others were parsed.
	parsed := map[string]string{}
	for {
		if _, err := io.ReadFull(r, hdr[:]); err != nil {
			return err
		}
		body := make([]byte, binary.BigEndian.Uint32(hdr[1:])-4)
		if _, err := io.ReadFull(r, body); err != nil {
			return err
		}
		switch hdr[0] {
		case 'Q':
			s.add(Statement{SQL: string(bytes.TrimRight(body, "\x00")), Simple: true})
		case 'P': // Parse: statement name, query, parameter types
			if f := bytes.SplitN(body, []byte{0}, 3); len(f) == 3 {
				parsed[string(f[0])] = string(f[1])
			}
		case 'B': // Bind: portal, statement, formats, values
			stmt, params, err := bindParams(body)
			if err != nil {
				return err
			}
			s.add(Statement{SQL: parsed[stmt], Params: params})
		}
	}
}

func (s *Sniffer) add(st Statement) {
	s.mu.Lock()
	s.queries = append(s.queries, st)
	s.mu.Unlock()
}

// bindParams reads a Bind message: the statement's name and its values.
func bindParams(b []byte) (string, []*string, error) {
	bad := errors.New("malformed Bind message")
	var stmt string
	for range 2 { // portal and statement names
		i := bytes.IndexByte(b, 0)
		if i < 0 {
			return "", nil, bad
		}
		stmt = string(b[:i])
		b = b[i+1:]
	}
	u16 := func() (int, bool) {
		if len(b) < 2 {
			return 0, false
		}
		v := int(binary.BigEndian.Uint16(b))
		b = b[2:]
		return v, true
	}
	nf, ok := u16()
	if !ok {
		return "", nil, bad
	}
	for range nf {
		f, ok := u16()
		if !ok {
			return "", nil, bad
		}
		if f != 0 {
			return "", nil, errors.New("binary parameters cannot be inlined")
		}
	}
	np, ok := u16()
	if !ok {
		return "", nil, bad
	}
	params := make([]*string, np)
	for i := range params {
		if len(b) < 4 {
			return "", nil, bad
		}
		n := int32(binary.BigEndian.Uint32(b))
		b = b[4:]
		if n < 0 {
			continue
		}
		if len(b) < int(n) {
			return "", nil, bad
		}
		v := string(b[:n])
		params[i] = &v
		b = b[n:]
	}
	return stmt, params, nil
}

var placeholder = regexp.MustCompile(`\$([0-9]+)`)

// Inline replaces $n by the bound value as a literal of the type PostgreSQL
// inferred for $n (asked with PREPARE on db), so the text runs alone, in
// pgbench. Simple queries and statements without values are returned as sent.
func Inline(ctx context.Context, db *sqlx.DB, c Statement) (string, error) {
	if c.Simple || len(c.Params) == 0 {
		return c.SQL, nil
	}
	conn, err := db.Connx(ctx)
	if err != nil {
		return "", err
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, `PREPARE bench_probe AS `+c.SQL); err != nil {
		return "", fmt.Errorf("prepare captured SQL: %w\n%s", err, c.SQL)
	}
	var types pq.StringArray
	err = conn.GetContext(ctx, &types, `SELECT parameter_types::text[] FROM pg_prepared_statements WHERE name = 'bench_probe'`)
	if _, derr := conn.ExecContext(ctx, `DEALLOCATE bench_probe`); err == nil {
		err = derr
	}
	if err != nil {
		return "", err
	}
	if len(types) != len(c.Params) {
		return "", fmt.Errorf("%d parameter types for %d values", len(types), len(c.Params))
	}
	var bad error
	sql := placeholder.ReplaceAllStringFunc(c.SQL, func(m string) string {
		var n int
		fmt.Sscanf(m[1:], "%d", &n)
		if n < 1 || n > len(c.Params) {
			bad = fmt.Errorf("placeholder %s out of range", m)
			return m
		}
		if c.Params[n-1] == nil {
			return "NULL::" + types[n-1]
		}
		return "'" + strings.ReplaceAll(*c.Params[n-1], "'", "''") + "'::" + types[n-1]
	})
	return sql, bad
}
