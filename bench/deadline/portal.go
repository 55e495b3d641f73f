package main

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"sync"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/golang-jwt/jwt/v5"
	"golang.org/x/sync/errgroup"

	"github.com/linshu/portal/handlers"
	"github.com/linshu/portal/storage"
	"github.com/linshu/portal/tender"
)

// instance is one `portal serve`: its own pool, Fiber app, listener and
// timers, against the shared database (as handlers/race_test.go starts them).
type instance struct {
	url   string
	store *storage.Store
	app   *fiber.App
}

// cluster is the portal instances and what every client needs to talk to them.
type cluster struct {
	cfg        config
	secret     []byte
	receiptPub ed25519.PublicKey
	instances  []instance
	adminToken string
	// communityID is the registered community of the organizations and tenders.
	communityID string
	cancel      context.CancelFunc
	wg          sync.WaitGroup
	watch       *storage.Store // connected as the instances' role, for the pg_stat_activity watch

	mu        sync.Mutex
	openCalls []openCall // the opening timer's calls that opened something
}

// openCall is one run of an instance's opening timer that opened tenders.
type openCall struct {
	instance   int
	start, end time.Time
	ids        []string
}

// openCallFor returns the timer call that opened tender id.
func (cl *cluster) openCallFor(id string) (openCall, bool) {
	cl.mu.Lock()
	defer cl.mu.Unlock()
	for _, c := range cl.openCalls {
		for _, x := range c.ids {
			if x == id {
				return c, true
			}
		}
	}
	return openCall{}, false
}

func startCluster(ctx context.Context, cfg config, dbURL string, setup *storage.Store, objects *storage.Objects) (*cluster, error) {
	secret := make([]byte, 32)
	rand.Read(secret)
	sealKey := make([]byte, 32)
	rand.Read(sealKey)
	sealer, err := storage.NewSealer(b64(sealKey))
	if err != nil {
		return nil, err
	}
	// Every instance signs with the key kept in the database (PORTAL_RECEIPT_KEY
	// unset), stored wrapped by the seal key.
	setup.UseSealer(sealer)
	key, err := setup.ReceiptKey(ctx, "")
	if err != nil {
		return nil, err
	}
	opts := handlers.Options{
		JWTSecret:   secret,
		MaxUpload:   50 << 20,
		Domain:      tender.Config{MinBidWindow: 0, PublicTenderFen: 100000000, MinPublicity: 0},
		ReceiptKey:  key,
		MaxInFlight: cfg.Pool, // as cmd/portal: the gate as wide as the pool
		// Only internal errors reach stderr: a 500 during the burst must show its cause.
		Logger: slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelError})),
	}
	jobCtx, cancel := context.WithCancel(context.Background())
	cl := &cluster{cfg: cfg, secret: secret, receiptPub: key.Public().(ed25519.PublicKey), cancel: cancel}
	for range cfg.Instances {
		store, err := storage.OpenPool(ctx, dbURL, cfg.Pool)
		if err != nil {
			cl.stop()
			return nil, err
		}
		store.UseSealer(sealer)
		store.UseObjects(objects)
		app, err := handlers.New(opts, store)
		if err != nil {
			store.Close()
			cl.stop()
			return nil, err
		}
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			store.Close()
			cl.stop()
			return nil, err
		}
		go app.Listener(ln)
		cl.instances = append(cl.instances, instance{url: "http://" + ln.Addr().String(), store: store, app: app})
		// The timers of cmd/portal/jobs.go that touch bids and their audit streams.
		n := len(cl.instances) - 1
		cl.every(jobCtx, "opening", cfg.OpeningEvery, func(ctx context.Context) error {
			start := time.Now()
			ids, err := store.OpenDue(ctx)
			if len(ids) > 0 {
				cl.mu.Lock()
				cl.openCalls = append(cl.openCalls, openCall{instance: n, start: start, end: time.Now(), ids: ids})
				cl.mu.Unlock()
			}
			return err
		})
		cl.every(jobCtx, "audit-checkpoint", 5*time.Second, func(ctx context.Context) error {
			_, err := store.Checkpoint(ctx)
			return err
		})
	}
	return cl, nil
}

// every runs fn now and then every period, like cmd/portal's startJobs.
func (cl *cluster) every(ctx context.Context, name string, period time.Duration, fn func(context.Context) error) {
	cl.wg.Add(1)
	go func() {
		defer cl.wg.Done()
		t := time.NewTicker(period)
		defer t.Stop()
		for {
			runCtx, cancel := context.WithTimeout(ctx, time.Minute)
			if err := fn(runCtx); err != nil && ctx.Err() == nil {
				fmt.Fprintf(os.Stderr, "job %s failed: %v\n", name, err)
			}
			cancel()
			select {
			case <-ctx.Done():
				return
			case <-t.C:
			}
		}
	}()
}

func (cl *cluster) stop() {
	cl.cancel()
	cl.wg.Wait()
	for _, in := range cl.instances {
		in.app.ShutdownWithTimeout(5 * time.Second)
		in.store.Close()
	}
	cl.instances = nil
}

// url returns the base URL of instance i modulo the number of instances.
func (cl *cluster) url(i int) string { return cl.instances[i%len(cl.instances)].url }

// accessClaims mirror handlers/auth.go's claims.
type accessClaims struct {
	jwt.RegisteredClaims
	Role  tender.Role `json:"role"`
	OrgID string      `json:"org_id,omitempty"`
	Name  string      `json:"name,omitempty"`
}

// signToken signs an access token as handlers.issueAccess does (issuer,
// audience, HS256 with the instances' secret), instead of 1000 bcrypt logins.
// It lives an hour rather than 15 minutes so a slow machine's baselines still use it.
func (cl *cluster) signToken(o org) (string, error) {
	now := time.Now()
	c := accessClaims{
		RegisteredClaims: jwt.RegisteredClaims{
			Subject:   o.userID,
			Issuer:    "lsmz-portal",
			Audience:  jwt.ClaimStrings{"lsmz-portal-api"},
			IssuedAt:  jwt.NewNumericDate(now),
			NotBefore: jwt.NewNumericDate(now.Add(-time.Minute)),
			ExpiresAt: jwt.NewNumericDate(now.Add(time.Hour)),
		},
		Role: tender.RoleOrg, OrgID: o.id, Name: o.name,
	}
	return jwt.NewWithClaims(jwt.SigningMethodHS256, c).SignedString(cl.secret)
}

const adminPassword = "bench-admin-password-2026"

// loginAdmin creates the bureau's account in the store and logs it in once through the API.
func (cl *cluster) loginAdmin(ctx context.Context) error {
	if _, err := cl.instances[0].store.CreateUser(ctx, tender.Actor{},
		tender.User{Username: "admin", Role: tender.RoleAdmin, Name: "民政局管理员"}, adminPassword); err != nil {
		return err
	}
	var out struct {
		AccessToken string `json:"access_token"`
	}
	c := newClient()
	if err := c.expect(ctx, 200, "POST", cl.url(0)+"/api/v1/auth/login", "",
		map[string]string{"username": "admin", "password": adminPassword}, &out); err != nil {
		return err
	}
	cl.adminToken = out.AccessToken
	return nil
}

// client is the HTTP client of every measurement: one pool, room for a
// connection per organization.
type client struct{ c *http.Client }

func newClient() *client {
	return &client{c: &http.Client{
		Timeout: 60 * time.Second,
		Transport: &http.Transport{
			Proxy:               nil,
			MaxIdleConns:        4096,
			MaxIdleConnsPerHost: 2048,
			IdleConnTimeout:     90 * time.Second,
			DialContext:         (&net.Dialer{Timeout: 10 * time.Second}).DialContext,
		},
	}}
}

func (c *client) close() { c.c.CloseIdleConnections() }

// do sends a JSON request and reads the whole answer.
func (c *client) do(ctx context.Context, method, url, token string, body any) (int, []byte, error) {
	var rd io.Reader
	if body != nil {
		buf, err := json.Marshal(body)
		if err != nil {
			return 0, nil, err
		}
		rd = bytes.NewReader(buf)
	}
	req, err := http.NewRequestWithContext(ctx, method, url, rd)
	if err != nil {
		return 0, nil, err
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	res, err := c.c.Do(req)
	if err != nil {
		return 0, nil, err
	}
	defer res.Body.Close()
	raw, err := io.ReadAll(res.Body)
	return res.StatusCode, raw, err
}

// expect sends a request that must answer with status, decoding the answer into out.
func (c *client) expect(ctx context.Context, status int, method, url, token string, body, out any) error {
	st, raw, err := c.do(ctx, method, url, token, body)
	if err != nil {
		return fmt.Errorf("%s %s: %w", method, url, err)
	}
	if st != status {
		return fmt.Errorf("%s %s: %d, want %d: %s", method, url, st, status, raw)
	}
	if out != nil {
		return json.Unmarshal(raw, out)
	}
	return nil
}

// problemCode is the RFC 9457 `code` of an error answer.
func problemCode(raw []byte) string {
	var p struct {
		Code string `json:"code"`
	}
	json.Unmarshal(raw, &p)
	return p.Code
}

// tenderBody is a purchase tender of the community communityID that every
// seeded organization may bid on.
func tenderBody(title, communityID string, deadline time.Time) map[string]any {
	return map[string]any{
		"kind": "purchase", "title": title, "description": "截止时刻压力测试：为辖区老年人提供助餐、助洁等居家养老服务",
		"community_id": communityID, "funding_source": "welfare_lottery", "budget_fen": 30000000,
		"max_awards": 1, "min_bids": 2, "service_start": "2027-01-01", "service_end": "2027-12-31",
		"eligibility":              map[string]any{"org_types": []string{"social_org", "social_work_agency"}, "registered_only": true, "min_social_workers": 1},
		"community_preference_pct": 5,
		"evaluation": map[string]any{"method": "comprehensive", "panel_size": 3, "trim_extremes": false,
			"criteria": []map[string]any{{"name": "服务方案", "max_score": 40, "kind": "quality"},
				{"name": "团队与资质", "max_score": 30, "kind": "quality"}, {"name": "报价", "max_score": 30, "kind": "price"}}},
		"enquiry_deadline": deadline.Add(-time.Second).Format(time.RFC3339Nano),
		"bid_deadline":     deadline.Format(time.RFC3339Nano),
	}
}

// publishedTender is what the bench reads of a tender answer.
type publishedTender struct {
	ID          string    `json:"id"`
	Code        string    `json:"code"`
	Status      string    `json:"status"`
	BidDeadline time.Time `json:"bid_deadline"`
}

// publishTender creates and publishes a tender through the API as the bureau
// and returns it as stored (the deadline as the database keeps it).
func (cl *cluster) publishTender(ctx context.Context, title string, deadline time.Time) (publishedTender, error) {
	c := newClient()
	defer c.close()
	var t publishedTender
	if err := c.expect(ctx, 201, "POST", cl.url(0)+"/api/v1/tenders", cl.adminToken, tenderBody(title, cl.communityID, deadline), &t); err != nil {
		return t, err
	}
	if err := c.expect(ctx, 200, "POST", cl.url(1)+"/api/v1/tenders/"+t.ID+"/publish", cl.adminToken, nil, &t); err != nil {
		return t, err
	}
	return t, nil
}

// createDrafts creates every organization's draft bid through the API,
// workers at a time, alternating instances, and returns the bid ids.
func (cl *cluster) createDrafts(ctx context.Context, tenderID string, orgs []org, workers int) ([]string, error) {
	c := newClient()
	defer c.close()
	ids := make([]string, len(orgs))
	var g errgroup.Group
	g.SetLimit(workers)
	for i := range orgs {
		g.Go(func() error {
			var b tender.Bid
			body := map[string]any{"price_fen": 20000000 + int64(i)*100, "summary": fmt.Sprintf("第%d号服务方案摘要：助餐、助洁、助浴", i+1)}
			if err := c.expect(ctx, 201, "POST", cl.url(i)+"/api/v1/tenders/"+tenderID+"/bids", orgs[i].token, body, &b); err != nil {
				return err
			}
			ids[i] = b.ID
			return nil
		})
	}
	return ids, g.Wait()
}

func b64(b []byte) string { return base64.StdEncoding.EncodeToString(b) }
