package handlers_test

import (
	"fmt"
	"net/http"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/linshu/portal/tender"
)

// guard is who gets past a route's guard.
type guard struct {
	public bool     // anyone, the anonymous public included
	roles  []string // logged-in roles allowed; empty (and not public): every logged-in user
}

var (
	public  = guard{public: true}
	anyUser = guard{}
)

func only(roles ...string) guard { return guard{roles: roles} }

// guards has one row per route of the router, keyed "METHOD /fiber/path". A
// route added without a row fails TestRouteGuards, as does a row whose route
// is gone. To add a route: add its row here (and its object-level rows to
// TestObjectLevelAccess when it reads or changes one organization's object).
var guards = map[string]guard{
	"GET /healthz":          public,
	"GET /readyz":           public,
	"GET /api/openapi.json": public,
	"GET /api/docs":         public,
	"GET /api/docs.js":      public,
	"GET /robots.txt":       public,
	"GET /sitemap.xml":      public,

	"POST /api/v1/auth/login":   public,
	"POST /api/v1/auth/refresh": public,
	"POST /api/v1/auth/logout":  public,
	"GET /api/v1/me":            anyUser,
	"POST /api/v1/me/password":  anyUser,

	"POST /api/v1/users":      only("admin"),
	"GET /api/v1/users":       only("admin"),
	"PATCH /api/v1/users/:id": only("admin"),

	"POST /api/v1/organizations/register":                      public,
	"GET /api/v1/organizations":                                only("admin", "auditor"),
	"GET /api/v1/organizations/:id":                            only("admin", "auditor", "org"),
	"PATCH /api/v1/organizations/:id":                          only("admin", "org"),
	"POST /api/v1/organizations/:id/approve":                   only("admin"),
	"POST /api/v1/organizations/:id/reject":                    only("admin"),
	"POST /api/v1/organizations/:id/suspend":                   only("admin"),
	"POST /api/v1/organizations/:id/reinstate":                 only("admin"),
	"GET /api/v1/communities/:id/indicators":                   public,
	"POST /api/v1/needs":                                       public,
	"GET /api/v1/needs":                                        public,
	"GET /api/v1/needs/:id":                                    public,
	"POST /api/v1/needs/:id/accept":                            only("admin"),
	"POST /api/v1/needs/:id/decline":                           only("admin"),
	"GET /api/v1/project-list":                                 public,
	"POST /api/v1/project-list/items":                          only("admin"),
	"GET /api/v1/project-list/items/:id":                       public,
	"PATCH /api/v1/project-list/items/:id":                     only("admin"),
	"POST /api/v1/project-list/items/:id/publish":              only("admin"),
	"POST /api/v1/project-list/items/:id/drop":                 only("admin"),
	"POST /api/v1/project-list/items/:id/tender":               only("admin"),
	"GET /api/v1/communities":                                  public,
	"GET /api/v1/communities/:id":                              public,
	"POST /api/v1/communities":                                 only("admin"),
	"PATCH /api/v1/communities/:id":                            only("admin", "community"),
	"GET /api/v1/catalog":                                      public,
	"POST /api/v1/catalog":                                     only("admin"),
	"PATCH /api/v1/catalog/:id":                                only("admin"),
	"GET /api/v1/procedures":                                   public,
	"POST /api/v1/tenders":                                     only("admin"),
	"GET /api/v1/tenders":                                      public,
	"GET /api/v1/tenders/:id":                                  public,
	"PATCH /api/v1/tenders/:id":                                only("admin"),
	"POST /api/v1/tenders/:id/publish":                         only("admin"),
	"POST /api/v1/tenders/:id/cancel":                          only("admin"),
	"POST /api/v1/tenders/:id/documents":                       only("admin"),
	"GET /api/v1/tenders/:id/documents":                        public,
	"GET /api/v1/documents/:id":                                public,
	"GET /api/v1/documents/:id/content":                        public,
	"DELETE /api/v1/documents/:id":                             only("admin", "org"),
	"POST /api/v1/tenders/:id/questions":                       only("org"),
	"GET /api/v1/tenders/:id/questions":                        public,
	"POST /api/v1/questions/:id/answer":                        only("admin"),
	"POST /api/v1/tenders/:id/bids":                            only("org"),
	"GET /api/v1/tenders/:id/bids":                             anyUser,
	"GET /api/v1/me/bids":                                      only("org"),
	"GET /api/v1/bids/:id":                                     anyUser,
	"PATCH /api/v1/bids/:id":                                   only("org"),
	"POST /api/v1/bids/:id/documents":                          only("org"),
	"GET /api/v1/bids/:id/documents":                           anyUser,
	"POST /api/v1/bids/:id/submit":                             only("org"),
	"POST /api/v1/bids/:id/withdraw":                           only("org"),
	"POST /api/v1/bids/:id/qualify":                            only("admin"),
	"GET /api/v1/tenders/:id/opening":                          public,
	"GET /api/v1/keys/receipts":                                public,
	"POST /api/v1/tenders/:id/panel":                           only("admin"),
	"GET /api/v1/tenders/:id/panel":                            public,
	"GET /api/v1/tenders/:id/draws":                            public,
	"GET /api/v1/me/panels":                                    only("evaluator"),
	"GET /api/v1/me/contract-panels":                           only("evaluator"),
	"POST /api/v1/tenders/:id/declaration":                     only("evaluator"),
	"PUT /api/v1/tenders/:id/bids/:bid_id/scores":              only("evaluator"),
	"GET /api/v1/tenders/:id/scores":                           only("admin", "auditor", "evaluator"),
	"POST /api/v1/tenders/:id/scores/submit":                   only("evaluator"),
	"GET /api/v1/tenders/:id/evaluation":                       public,
	"GET /api/v1/tenders/:id/evaluation.xlsx":                  public,
	"GET /api/v1/tenders/:id/recommendation":                   only("admin"),
	"POST /api/v1/tenders/:id/award":                           only("admin"),
	"GET /api/v1/tenders/:id/awards":                           public,
	"POST /api/v1/tenders/:id/objections":                      only("org"),
	"GET /api/v1/tenders/:id/objections":                       only("admin", "auditor", "org"),
	"POST /api/v1/objections/:id/resolve":                      only("admin"),
	"POST /api/v1/awards/:id/performance":                      only("admin"),
	"GET /api/v1/calendar/:year":                               public,
	"PUT /api/v1/calendar/:year":                               only("admin"),
	"GET /api/v1/public/organizations":                         public,
	"GET /api/v1/public/organizations/:id":                     public,
	"POST /api/v1/public/tenders/:id/feedback":                 public,
	"GET /api/v1/public/tenders/:id/feedback":                  public,
	"GET /api/v1/feedback":                                     only("admin"),
	"POST /api/v1/feedback/:id/approve":                        only("admin"),
	"POST /api/v1/feedback/:id/reject":                         only("admin"),
	"GET /api/v1/stats":                                        public,
	"GET /api/v1/ocds/releases":                                public,
	"GET /api/v1/contracts/ledger.xlsx":                        only("admin", "auditor"),
	"GET /api/v1/contracts":                                    public,
	"GET /api/v1/contracts/:id":                                public,
	"GET /api/v1/contracts/:id/milestones/:mid/evaluation":     public,
	"POST /api/v1/public/contracts/:id/feedback":               public,
	"PUT /api/v1/contracts/:id/milestones":                     only("admin"),
	"POST /api/v1/contracts/:id/documents":                     only("admin"),
	"POST /api/v1/contracts/:id/sign":                          only("admin"),
	"POST /api/v1/contracts/:id/suspend":                       only("admin"),
	"POST /api/v1/contracts/:id/reinstate":                     only("admin"),
	"POST /api/v1/contracts/:id/terminate":                     only("admin"),
	"POST /api/v1/contracts/:id/milestones/:mid/documents":     only("org"),
	"POST /api/v1/contracts/:id/milestones/:mid/report":        only("org"),
	"POST /api/v1/contracts/:id/milestones/:mid/accept":        only("admin"),
	"POST /api/v1/contracts/:id/milestones/:mid/return":        only("admin"),
	"POST /api/v1/contracts/:id/payments":                      only("admin"),
	"POST /api/v1/contracts/:id/milestones/:mid/panel":         only("admin"),
	"GET /api/v1/contracts/:id/milestones/:mid/panel":          only("admin", "auditor", "evaluator"),
	"POST /api/v1/contracts/:id/milestones/:mid/declaration":   only("evaluator"),
	"PUT /api/v1/contracts/:id/milestones/:mid/scores":         only("evaluator"),
	"GET /api/v1/contracts/:id/milestones/:mid/scores":         only("admin", "auditor", "evaluator"),
	"POST /api/v1/contracts/:id/milestones/:mid/scores/submit": only("evaluator"),
	"GET /api/v1/audit":                                        only("admin", "auditor"),
	"GET /api/v1/audit/verify":                                 only("admin", "auditor"),
	"GET /api/v1/audit/checkpoints":                            public,
}

var routeParam = regexp.MustCompile(`:(\w+)`)

// TestRouteGuards walks every route of the router (app.GetRoutes) as the
// anonymous public and as each role: anonymous callers of a guarded route get
// 401, other roles 403, and the allowed ones get past the guard (to whatever
// the handler answers for an unknown id: never 401 or the guard's 403).
func TestRouteGuards(t *testing.T) {
	e := newEnv(t)
	_, orgTok := e.org("guardorg", true)
	_, evTok := e.staff(tender.RoleEvaluator, "guardev", nil)
	_, audTok := e.staff(tender.RoleAuditor, "guardaud", nil)
	_, comTok := e.staff(tender.RoleCommunity, "guardcom", map[string]any{"community_id": e.communities["临沭街道兴大社区"]})
	tokens := map[string]string{"admin": e.admin, "org": orgTok, "evaluator": evTok, "auditor": audTok, "community": comTok}
	const id = "00000000-0000-0000-0000-000000000000"
	routed := map[string]bool{}
	var keys []string
	for _, r := range e.app.GetRoutes(true) {
		if r.Method == http.MethodHead || r.Path == "/*" {
			continue // HEAD mirrors GET; /* is the single-page app
		}
		key := r.Method + " " + r.Path
		if !routed[key] {
			keys = append(keys, key)
		}
		routed[key] = true
	}
	sort.Strings(keys)
	for key := range guards {
		if !routed[key] {
			t.Errorf("authz row for a route that does not exist: %s", key)
		}
	}
	for _, key := range keys {
		g, ok := guards[key]
		if !ok {
			t.Errorf("route without an authorization row in handlers/authz_test.go: %s", key)
			continue
		}
		method, path, _ := strings.Cut(key, " ")
		path = routeParam.ReplaceAllStringFunc(path, func(p string) string {
			if p == ":year" {
				return "2027"
			}
			return id
		})
		t.Run(key, func(t *testing.T) {
			anon := e.do(method, path, "", map[string]any{})
			if g.public {
				if guardRefused(t, anon) {
					t.Errorf("anonymous refused by the guard of a public route: %d %s", anon.Status, anon.Body)
				}
			} else {
				anon.problem(t, 401, "unauthenticated")
			}
			for role, tok := range tokens {
				res := e.do(method, path, tok, map[string]any{})
				allowed := g.public || len(g.roles) == 0 || contains(g.roles, role)
				switch {
				case allowed && guardRefused(t, res):
					t.Errorf("%s refused by the guard: %d %s", role, res.Status, res.Body)
				case !allowed && (res.Status != 403 || fmt.Sprint(res.json(t)["code"]) != "forbidden"):
					t.Errorf("%s not refused: %d %s", role, res.Status, res.Body)
				}
			}
		})
	}
}

// guardRefused: the answer of a guard (401 "log in first", or 403 forbidden
// with the guard's own key), not a handler's (a bad refresh token is a 401 too).
func guardRefused(t *testing.T, r response) bool {
	if r.Status == 401 {
		return r.json(t)["key"] == "auth.required"
	}
	return r.Status == 403 && r.json(t)["code"] == "forbidden" && r.json(t)["key"] == "forbidden"
}
