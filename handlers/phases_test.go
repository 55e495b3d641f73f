package handlers_test

import (
	"fmt"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/linshu/portal/tender"
)

// phaseActors are the columns of phaseMatrix, in order.
var phaseActors = []string{"anon", "bidder", "other-org", "community", "panel", "off-panel", "auditor", "admin"}

// phaseMatrix states, for each tender-scoped read whose answer depends on the
// tender's phase, the status each caller gets in each phase (SPEC §5, §7;
// issue 15 item 5). Columns: anonymous, the organization that bid, another
// approved organization, a community user, an evaluator on the tender's panel
// (evaluating, awarded), an evaluator not on it, the auditor, the bureau.
// TestRouteGuards covers who passes each route's guard at all; this covers
// what the tender's phase then allows.
var phaseMatrix = map[string]map[string]string{
	// columns: anon, bidder, other-org, community, panel, off-panel, auditor, admin
	"GET /api/v1/tenders/:id": {
		"draft":      "404 404 404 404 404 404 200 200",
		"open":       "200 200 200 200 200 200 200 200",
		"evaluating": "200 200 200 200 200 200 200 200",
		"awarded":    "200 200 200 200 200 200 200 200",
	},
	"GET /api/v1/tenders/:id/documents": {
		"draft":      "404 404 404 404 404 404 200 200",
		"open":       "200 200 200 200 200 200 200 200",
		"evaluating": "200 200 200 200 200 200 200 200",
		"awarded":    "200 200 200 200 200 200 200 200",
	},
	"GET /api/v1/tenders/:id/questions": {
		"draft":      "404 404 404 404 404 404 200 200",
		"open":       "200 200 200 200 200 200 200 200",
		"evaluating": "200 200 200 200 200 200 200 200",
		"awarded":    "200 200 200 200 200 200 200 200",
	},
	"GET /api/v1/tenders/:id/bids": {
		"draft":      "401 404 404 404 404 404 403 403",
		"open":       "401 200 200 403 403 403 403 403",
		"evaluating": "401 200 200 403 200 403 200 200",
		"awarded":    "401 200 200 403 200 403 200 200",
	},
	"GET /api/v1/tenders/:id/opening": {
		"draft":      "404 404 404 404 404 404 403 403",
		"open":       "403 403 403 403 403 403 403 403",
		"evaluating": "200 200 200 200 200 200 200 200",
		"awarded":    "200 200 200 200 200 200 200 200",
	},
	"GET /api/v1/tenders/:id/panel": {
		"draft":      "404 404 404 404 404 404 200 200",
		"open":       "403 403 403 403 403 403 200 200",
		"evaluating": "403 403 403 403 200 403 200 200",
		"awarded":    "200 200 200 200 200 200 200 200",
	},
	"GET /api/v1/tenders/:id/draws": {
		"draft":      "404 404 404 404 404 404 409 409",
		"open":       "409 409 409 409 409 409 409 409",
		"evaluating": "409 409 409 409 409 409 409 409",
		"awarded":    "200 200 200 200 200 200 200 200",
	},
	"GET /api/v1/tenders/:id/scores": {
		"draft":      "401 403 403 403 404 404 200 200",
		"open":       "401 403 403 403 403 403 200 200",
		"evaluating": "401 403 403 403 200 403 200 200",
		"awarded":    "401 403 403 403 200 403 200 200",
	},
	"GET /api/v1/tenders/:id/evaluation": {
		"draft":      "404 404 404 404 404 404 403 403",
		"open":       "403 403 403 403 403 403 403 403",
		"evaluating": "403 403 403 403 403 403 200 200",
		"awarded":    "200 200 200 200 200 200 200 200",
	},
	"GET /api/v1/tenders/:id/recommendation": {
		"draft":      "401 403 403 403 403 403 403 409",
		"open":       "401 403 403 403 403 403 403 409",
		"evaluating": "401 403 403 403 403 403 403 409",
		"awarded":    "401 403 403 403 403 403 403 200",
	},
	"GET /api/v1/tenders/:id/awards": {
		"draft":      "404 404 404 404 404 404 200 200",
		"open":       "403 403 403 403 403 403 200 200",
		"evaluating": "403 403 403 403 403 403 200 200",
		"awarded":    "200 200 200 200 200 200 200 200",
	},
	"GET /api/v1/tenders/:id/objections": {
		"draft":      "401 404 404 403 403 403 200 200",
		"open":       "401 200 200 403 403 403 200 200",
		"evaluating": "401 200 200 403 403 403 200 200",
		"awarded":    "401 200 200 403 403 403 200 200",
	},
	"GET /api/v1/public/tenders/:id/feedback": {
		"draft":      "404 404 404 404 404 404 200 200",
		"open":       "200 200 200 200 200 200 200 200",
		"evaluating": "200 200 200 200 200 200 200 200",
		"awarded":    "200 200 200 200 200 200 200 200",
	},
}

// phaseTenders brings one tender into each phase with the same bidder and panel.
func (e *env) phaseTenders() (ids map[string]string, tokens map[string]string) {
	e.t.Helper()
	ev := e.evaluatingTender("purchase", 3, []int64{28000000, 27000000, 29000000})
	_, other := e.org("phaseother", true)
	_, offPanel := e.staff(tender.RoleEvaluator, "offpanel", nil)
	_, aud := e.staff(tender.RoleAuditor, "phaseaud", nil)
	_, com := e.staff(tender.RoleCommunity, "phasecom", map[string]any{"community_id": e.communities["临沭街道兴大社区"]})
	tokens = map[string]string{"anon": "", "bidder": ev.orgs[0], "other-org": other, "community": com,
		"panel": ev.experts[0], "off-panel": offPanel, "auditor": aud, "admin": e.admin}

	awarded := e.shortTender(time.Hour)
	var bids []string
	for i, tok := range ev.orgs {
		b := e.bid(awarded, tok, 27000000+int64(i)*100000)
		e.submit(b, tok)
		bids = append(bids, b)
	}
	e.openNow(awarded)
	for _, b := range bids {
		e.do("POST", "/api/v1/bids/"+b+"/qualify", e.admin, map[string]any{"qualified": true}).ok(e.t, 200)
	}
	e.do("POST", "/api/v1/tenders/"+awarded+"/panel", e.admin, map[string]any{"evaluator_ids": ev.expertID,
		"reason": "阶段矩阵测试"}).ok(e.t, 201)
	for _, tok := range ev.experts {
		e.do("POST", "/api/v1/tenders/"+awarded+"/declaration", tok, map[string]any{"conflict": false}).ok(e.t, 200)
	}
	e.awardedTender(evaluating{id: awarded, bids: bids, experts: ev.experts})

	open := e.openTender(tenderBody("阶段矩阵：投标中"))
	e.bid(open, ev.orgs[0], 27000000)
	ids = map[string]string{"draft": e.createTender(tenderBody("阶段矩阵：草稿")), "open": open,
		"evaluating": ev.id, "awarded": awarded}
	return ids, tokens
}

// TestTenderPhaseMatrix asks every route of phaseMatrix in every phase as
// every caller and compares the status with the table.
func TestTenderPhaseMatrix(t *testing.T) {
	e := newEnv(t)
	ids, tokens := e.phaseTenders()
	var diffs []string
	for _, route := range sortedKeys(phaseMatrix) {
		for _, phase := range []string{"draft", "open", "evaluating", "awarded"} {
			want := strings.Fields(phaseMatrix[route][phase])
			var got []string
			for _, actor := range phaseActors {
				method, path, _ := strings.Cut(route, " ")
				r := e.do(method, strings.ReplaceAll(path, ":id", ids[phase]), tokens[actor], nil)
				got = append(got, fmt.Sprint(r.Status))
			}
			if strings.Join(got, " ") != strings.Join(want, " ") {
				diffs = append(diffs, fmt.Sprintf("%-45s %-10s got %s want %s", route, phase, strings.Join(got, " "), strings.Join(want, " ")))
			}
			if phase != "draft" {
				continue
			}
			// Those who do not see drafts get for a draft what they get for a tender that does not exist.
			for i, actor := range phaseActors {
				if actor == "auditor" || actor == "admin" {
					continue
				}
				method, path, _ := strings.Cut(route, " ")
				if r := e.do(method, strings.ReplaceAll(path, ":id", missingID), tokens[actor], nil); fmt.Sprint(r.Status) != got[i] {
					t.Errorf("%s as %s: %s on a draft, %d on a tender that does not exist: the draft's existence shows", route, actor, got[i], r.Status)
				}
			}
		}
	}
	if len(diffs) > 0 {
		t.Errorf("columns %v:\n%s", phaseActors, strings.Join(diffs, "\n"))
	}
	// A 200 on a sealed list is the caller's own items only.
	for actor, n := range map[string]int{"bidder": 1, "other-org": 0} {
		var p idPage
		e.do("GET", "/api/v1/tenders/"+ids["open"]+"/bids", tokens[actor], nil).decode(t, &p)
		if len(p.Items) != n {
			t.Errorf("%s lists %d bids of an open tender, want %d", actor, len(p.Items), n)
		}
	}
}

func sortedKeys[V any](m map[string]V) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
