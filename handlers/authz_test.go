package handlers_test

import (
	"fmt"
	"testing"

	"github.com/linshu/portal/tender"
)

// TestRouteGuards walks every guarded route as each role: anonymous callers
// get 401, other roles 403, and the allowed roles get past the guard (to
// whatever the handler answers for an unknown id: never 401 or 403 from the guard).
func TestRouteGuards(t *testing.T) {
	e := newEnv(t)
	_, orgTok := e.org("guardorg", true)
	_, evTok := e.staff(tender.RoleEvaluator, "guardev", nil)
	_, audTok := e.staff(tender.RoleAuditor, "guardaud", nil)
	_, comTok := e.staff(tender.RoleCommunity, "guardcom", map[string]any{"community_id": e.communities["临沭街道兴大社区"]})
	tokens := map[string]string{"admin": e.admin, "org": orgTok, "evaluator": evTok, "auditor": audTok, "community": comTok}
	const id = "00000000-0000-0000-0000-000000000000"
	routes := []struct {
		method, path string
		roles        []string // nil: any logged-in user
	}{
		{"GET", "/api/v1/me", nil},
		{"POST", "/api/v1/me/password", nil},
		{"POST", "/api/v1/users", []string{"admin"}},
		{"GET", "/api/v1/users", []string{"admin"}},
		{"PATCH", "/api/v1/users/" + id, []string{"admin"}},
		{"GET", "/api/v1/organizations", []string{"admin", "auditor"}},
		{"GET", "/api/v1/organizations/" + id, []string{"admin", "auditor", "org"}},
		{"PATCH", "/api/v1/organizations/" + id, []string{"admin", "org"}},
		{"POST", "/api/v1/organizations/" + id + "/approve", []string{"admin"}},
		{"POST", "/api/v1/organizations/" + id + "/reject", []string{"admin"}},
		{"POST", "/api/v1/organizations/" + id + "/suspend", []string{"admin"}},
		{"POST", "/api/v1/organizations/" + id + "/reinstate", []string{"admin"}},
		{"POST", "/api/v1/communities", []string{"admin"}},
		{"PATCH", "/api/v1/communities/" + id, []string{"admin", "community"}},
		{"POST", "/api/v1/needs/" + id + "/accept", []string{"admin"}},
		{"POST", "/api/v1/needs/" + id + "/decline", []string{"admin"}},
		{"POST", "/api/v1/project-list/items", []string{"admin"}},
		{"PATCH", "/api/v1/project-list/items/" + id, []string{"admin"}},
		{"POST", "/api/v1/project-list/items/" + id + "/publish", []string{"admin"}},
		{"POST", "/api/v1/project-list/items/" + id + "/drop", []string{"admin"}},
		{"POST", "/api/v1/project-list/items/" + id + "/tender", []string{"admin"}},
		{"POST", "/api/v1/catalog", []string{"admin"}},
		{"PATCH", "/api/v1/catalog/" + id, []string{"admin"}},
		{"POST", "/api/v1/tenders", []string{"admin"}},
		{"PATCH", "/api/v1/tenders/" + id, []string{"admin"}},
		{"POST", "/api/v1/tenders/" + id + "/publish", []string{"admin"}},
		{"POST", "/api/v1/tenders/" + id + "/cancel", []string{"admin"}},
		{"POST", "/api/v1/tenders/" + id + "/documents", []string{"admin"}},
		{"DELETE", "/api/v1/documents/" + id, []string{"admin", "org"}},
		{"POST", "/api/v1/tenders/" + id + "/questions", []string{"org"}},
		{"POST", "/api/v1/questions/" + id + "/answer", []string{"admin"}},
		{"POST", "/api/v1/tenders/" + id + "/bids", []string{"org"}},
		{"GET", "/api/v1/tenders/" + id + "/bids", nil},
		{"GET", "/api/v1/me/bids", []string{"org"}},
		{"GET", "/api/v1/bids/" + id, nil},
		{"PATCH", "/api/v1/bids/" + id, []string{"org"}},
		{"POST", "/api/v1/bids/" + id + "/documents", []string{"org"}},
		{"GET", "/api/v1/bids/" + id + "/documents", nil},
		{"POST", "/api/v1/bids/" + id + "/submit", []string{"org"}},
		{"POST", "/api/v1/bids/" + id + "/withdraw", []string{"org"}},
		{"POST", "/api/v1/bids/" + id + "/qualify", []string{"admin"}},
		{"POST", "/api/v1/tenders/" + id + "/panel", []string{"admin"}},
		{"GET", "/api/v1/me/panels", []string{"evaluator"}},
		{"POST", "/api/v1/tenders/" + id + "/declaration", []string{"evaluator"}},
		{"PUT", "/api/v1/tenders/" + id + "/bids/" + id + "/scores", []string{"evaluator"}},
		{"GET", "/api/v1/tenders/" + id + "/scores", []string{"admin", "auditor", "evaluator"}},
		{"POST", "/api/v1/tenders/" + id + "/scores/submit", []string{"evaluator"}},
		{"GET", "/api/v1/tenders/" + id + "/recommendation", []string{"admin"}},
		{"POST", "/api/v1/tenders/" + id + "/award", []string{"admin"}},
		{"POST", "/api/v1/tenders/" + id + "/objections", []string{"org"}},
		{"GET", "/api/v1/tenders/" + id + "/objections", []string{"admin", "auditor", "org"}},
		{"POST", "/api/v1/objections/" + id + "/resolve", []string{"admin"}},
		{"POST", "/api/v1/awards/" + id + "/performance", []string{"admin"}},
		{"PUT", "/api/v1/calendar/2027", []string{"admin"}},
		{"GET", "/api/v1/feedback", []string{"admin"}},
		{"POST", "/api/v1/feedback/" + id + "/approve", []string{"admin"}},
		{"POST", "/api/v1/feedback/" + id + "/reject", []string{"admin"}},
		{"GET", "/api/v1/contracts/ledger.xlsx", []string{"admin", "auditor"}},
		{"PUT", "/api/v1/contracts/" + id + "/milestones", []string{"admin"}},
		{"POST", "/api/v1/contracts/" + id + "/documents", []string{"admin"}},
		{"POST", "/api/v1/contracts/" + id + "/sign", []string{"admin"}},
		{"POST", "/api/v1/contracts/" + id + "/suspend", []string{"admin"}},
		{"POST", "/api/v1/contracts/" + id + "/reinstate", []string{"admin"}},
		{"POST", "/api/v1/contracts/" + id + "/terminate", []string{"admin"}},
		{"POST", "/api/v1/contracts/" + id + "/milestones/" + id + "/documents", []string{"org"}},
		{"POST", "/api/v1/contracts/" + id + "/milestones/" + id + "/report", []string{"org"}},
		{"POST", "/api/v1/contracts/" + id + "/milestones/" + id + "/accept", []string{"admin"}},
		{"POST", "/api/v1/contracts/" + id + "/milestones/" + id + "/return", []string{"admin"}},
		{"POST", "/api/v1/contracts/" + id + "/payments", []string{"admin"}},
		{"POST", "/api/v1/contracts/" + id + "/milestones/" + id + "/panel", []string{"admin"}},
		{"GET", "/api/v1/contracts/" + id + "/milestones/" + id + "/panel", []string{"admin", "auditor", "evaluator"}},
		{"POST", "/api/v1/contracts/" + id + "/milestones/" + id + "/declaration", []string{"evaluator"}},
		{"PUT", "/api/v1/contracts/" + id + "/milestones/" + id + "/scores", []string{"evaluator"}},
		{"GET", "/api/v1/contracts/" + id + "/milestones/" + id + "/scores", []string{"admin", "auditor", "evaluator"}},
		{"POST", "/api/v1/contracts/" + id + "/milestones/" + id + "/scores/submit", []string{"evaluator"}},
		{"GET", "/api/v1/audit", []string{"admin", "auditor"}},
		{"GET", "/api/v1/audit/verify", []string{"admin", "auditor"}},
	}
	for _, r := range routes {
		t.Run(r.method+" "+r.path, func(t *testing.T) {
			e.do(r.method, r.path, "", map[string]any{}).problem(t, 401, "unauthenticated")
			for role, tok := range tokens {
				res := e.do(r.method, r.path, tok, map[string]any{})
				allowed := r.roles == nil || contains(r.roles, role)
				code := ""
				if res.Status >= 400 {
					code = fmt.Sprint(res.json(t)["code"])
				}
				guardRefused := res.Status == 401 || (res.Status == 403 && code == "forbidden" && res.json(t)["key"] == "forbidden")
				switch {
				case allowed && guardRefused:
					t.Errorf("%s refused by the guard: %d %s", role, res.Status, res.Body)
				case !allowed && (res.Status != 403 || code != "forbidden"):
					t.Errorf("%s not refused: %d %s", role, res.Status, res.Body)
				}
			}
		})
	}
}
