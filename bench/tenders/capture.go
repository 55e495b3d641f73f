package main

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

	"github.com/lib/pq"

	"github.com/linshu/portal/storage"
)

// A capture is one query as the driver sent it: the SQL text of the Parse
// message and the text-format values of the Bind message (nil for NULL).
type capture struct {
	SQL    string
	Params []*string
}

// sniffer is a TCP proxy between lib/pq and PostgreSQL that records every
// extended-protocol query passing through it. The pgbench baseline runs
// exactly the SQL that Store.Tenders sent, not a copy that could drift.
type sniffer struct {
	ln     net.Listener
	target string

	mu      sync.Mutex
	queries []capture
}

func newSniffer(target string) (*sniffer, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	s := &sniffer{ln: ln, target: target}
	go s.serve()
	return s, nil
}

func (s *sniffer) Close() error { return s.ln.Close() }

// take returns and forgets the queries recorded so far.
func (s *sniffer) take() []capture {
	s.mu.Lock()
	defer s.mu.Unlock()
	q := s.queries
	s.queries = nil
	return q
}

func (s *sniffer) serve() {
	for {
		client, err := s.ln.Accept()
		if err != nil {
			return
		}
		go s.relay(client)
	}
}

func (s *sniffer) relay(client net.Conn) {
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
func (s *sniffer) readClient(r io.Reader) error {
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
		case 'P': // Parse: statement name, query, parameter types
			f := bytes.SplitN(body, []byte{0}, 3)
			if len(f) == 3 {
				parsed[string(f[0])] = string(f[1])
			}
		case 'B': // Bind: portal, statement, formats, values
			stmt, params, err := bindParams(body)
			if err != nil {
				return err
			}
			s.mu.Lock()
			s.queries = append(s.queries, capture{SQL: parsed[stmt], Params: params})
			s.mu.Unlock()
		}
	}
}

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

// captureTenders calls Store.Tenders once per filter through the sniffer and
// returns the query each call sent.
func captureTenders(ctx context.Context, dbURL string, filters []storage.TenderFilter) ([]capture, error) {
	u, err := url.Parse(dbURL)
	if err != nil {
		return nil, err
	}
	target := u.Host
	if u.Port() == "" {
		target = net.JoinHostPort(u.Hostname(), "5432")
	}
	sn, err := newSniffer(target)
	if err != nil {
		return nil, err
	}
	defer sn.Close()
	u.Host = sn.ln.Addr().String()
	q := u.Query()
	q.Set("sslmode", "disable") // the proxy reads the protocol in clear
	u.RawQuery = q.Encode()
	store, err := storage.Open(ctx, u.String())
	if err != nil {
		return nil, err
	}
	defer store.Close()
	out := make([]capture, len(filters))
	for i, f := range filters {
		sn.take()
		if _, err := store.Tenders(ctx, f); err != nil {
			return nil, err
		}
		got := sn.take()
		if len(got) != 1 {
			return nil, fmt.Errorf("Store.Tenders sent %d extended-protocol queries, want 1", len(got))
		}
		out[i] = got[0]
	}
	return out, nil
}

var placeholder = regexp.MustCompile(`\$([0-9]+)`)

// inline replaces $n by the bound value as a literal of the type PostgreSQL
// inferred for $n (asked with PREPARE), so the text runs alone, in pgbench.
func inline(ctx context.Context, store *storage.Store, c capture) (string, error) {
	conn, err := store.DB().Connx(ctx)
	if err != nil {
		return "", err
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, `PREPARE bench_probe AS `+c.SQL); err != nil {
		return "", fmt.Errorf("prepare captured SQL: %w", err)
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
