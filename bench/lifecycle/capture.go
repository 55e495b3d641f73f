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

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"
)

// A statement is one query as the driver sent it: simple (a Query message)
// or extended (the SQL of its Parse, named or not, and the text values of
// its Bind; nil for NULL).
type statement struct {
	SQL    string
	Params []*string
	Simple bool
}

// sniffer is a TCP proxy between lib/pq and PostgreSQL that records every
// query passing through it, so that pgbench runs exactly the SQL a request
// made the store send — every statement of it, in order. Unlike
// bench/tenders' it also records simple queries and statements prepared once
// and bound by name afterwards (the store's stmtCache).
type sniffer struct {
	ln     net.Listener
	target string

	mu      sync.Mutex
	queries []statement
}

func newSniffer(dbURL string) (*sniffer, string, error) {
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
	s := &sniffer{ln: ln, target: target}
	go s.serve()
	u.Host = ln.Addr().String()
	q := u.Query()
	q.Set("sslmode", "disable") // the proxy reads the protocol in clear
	u.RawQuery = q.Encode()
	return s, u.String(), nil
}

func (s *sniffer) Close() error { return s.ln.Close() }

// take returns and forgets the queries recorded so far.
func (s *sniffer) take() []statement {
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
		_, _ = io.Copy(client, server)
		client.Close()
	}()
	_ = s.readClient(io.TeeReader(client, server))
}

func (s *sniffer) readClient(r io.Reader) error {
	var hdr [5]byte
	for {
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
	named := map[string]string{} // this connection's prepared statements
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
			s.add(statement{SQL: string(bytes.TrimRight(body, "\x00")), Simple: true})
		case 'P': // Parse: statement name, query, parameter types
			if f := bytes.SplitN(body, []byte{0}, 3); len(f) == 3 {
				named[string(f[0])] = string(f[1])
			}
		case 'B': // Bind: portal, statement, formats, values
			f := bytes.SplitN(body, []byte{0}, 3)
			if len(f) < 3 {
				return errors.New("malformed Bind message")
			}
			params, err := bindParams(body)
			if err != nil {
				return err
			}
			s.add(statement{SQL: named[string(f[1])], Params: params})
		}
	}
}

func (s *sniffer) add(st statement) {
	s.mu.Lock()
	s.queries = append(s.queries, st)
	s.mu.Unlock()
}

func bindParams(b []byte) ([]*string, error) {
	bad := errors.New("malformed Bind message")
	for range 2 { // portal and statement names
		i := bytes.IndexByte(b, 0)
		if i < 0 {
			return nil, bad
		}
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
		return nil, bad
	}
	for range nf {
		f, ok := u16()
		if !ok {
			return nil, bad
		}
		if f != 0 {
			return nil, errors.New("binary parameters cannot be inlined")
		}
	}
	np, ok := u16()
	if !ok {
		return nil, bad
	}
	params := make([]*string, np)
	for i := range params {
		if len(b) < 4 {
			return nil, bad
		}
		n := int32(binary.BigEndian.Uint32(b))
		b = b[4:]
		if n < 0 {
			continue
		}
		if len(b) < int(n) {
			return nil, bad
		}
		v := string(b[:n])
		params[i] = &v
		b = b[n:]
	}
	return params, nil
}

var placeholder = regexp.MustCompile(`\$([0-9]+)`)

// inline replaces $n by the bound value as a literal of the type PostgreSQL
// inferred for $n (asked with PREPARE), so the text runs alone, in pgbench.
func inline(ctx context.Context, db *sqlx.DB, c statement) (string, error) {
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
