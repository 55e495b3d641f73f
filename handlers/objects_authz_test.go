package handlers_test

import (
	"fmt"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/linshu/portal/tender"
)

// objectRule is the expected status of one request on organization A's
// objects, per caller, in one phase of the tender. Another organization gets
// 404 for A's bid, document and objection: it may not know they exist.
type objectRule struct {
	method, path string            // {tender}, {bid}, {doc}, {objection} stand for A's real ids
	want         map[string]string // caller → "status" or "status code"
}

// TestObjectLevelAccess walks A's bid, its document, the tender's bid list,
// scores, evaluation and objections with real ids as anonymous, org A, org B,
// an assigned evaluator, an unassigned evaluator, the auditor and the admin,
// with the tender open (sealed), evaluating and awarded. One table; extend it
// when a route reads or changes one organization's object.
func TestObjectLevelAccess(t *testing.T) {
	e := newEnv(t)
	var orgToks []string
	for i := 0; i < 3; i++ {
		_, tok := e.org(fmt.Sprintf("objorg%d", i), true)
		orgToks = append(orgToks, tok)
	}
	var expertIDs, expertToks []string
	for i := 0; i < 3; i++ {
		id, tok := e.staff(tender.RoleEvaluator, fmt.Sprintf("objex%d", i), map[string]any{"expertise": []string{"居家养老"}})
		expertIDs, expertToks = append(expertIDs, id), append(expertToks, tok)
	}
	_, outsider := e.staff(tender.RoleEvaluator, "objoutsider", nil)
	_, aud := e.staff(tender.RoleAuditor, "objaud", nil)
	callers := map[string]string{"anonymous": "", "org A": orgToks[0], "org B": orgToks[1], "assigned evaluator": expertToks[0],
		"unassigned evaluator": outsider, "auditor": aud, "admin": e.admin}

	tid := e.shortTender(time.Hour)
	var bids []string
	for i, tok := range orgToks {
		bids = append(bids, e.bid(tid, tok, int64(27000000+i*1000000)))
	}
	up := e.upload("/api/v1/bids/"+bids[0]+"/documents", orgToks[0], "方案.pdf", []byte("%PDF-1.4 sealed proposal"))
	up.ok(t, 201)
	ids := map[string]string{"{tender}": tid, "{bid}": bids[0], "{doc}": up.json(t)["id"].(string)}
	for i, tok := range orgToks {
		e.submit(bids[i], tok)
	}
	check := func(phase string, rules []objectRule) {
		t.Helper()
		for _, r := range rules {
			path := r.path
			for k, v := range ids {
				path = strings.ReplaceAll(path, k, v)
			}
			names := make([]string, 0, len(r.want))
			for n := range r.want {
				names = append(names, n)
			}
			sort.Strings(names)
			for _, who := range names {
				want := r.want[who]
				var body any
				if r.method != "GET" {
					body = map[string]any{}
				}
				res := e.do(r.method, path, callers[who], body)
				got := fmt.Sprint(res.Status)
				if res.Status >= 400 {
					got += " " + fmt.Sprint(res.json(t)["code"])
				}
				if got != want && !strings.HasPrefix(got, want+" ") {
					t.Errorf("%s: %s %s as %s: %s, want %s", phase, r.method, r.path, who, got, want)
				}
			}
		}
	}
	all := func(m map[string]string) map[string]string { return m }

	// Open: sealed. Only A reads its bid; everyone else, the bureau included, learns nothing.
	check("open", []objectRule{
		{"GET", "/api/v1/bids/{bid}", all(map[string]string{"anonymous": "401", "org A": "200", "org B": "404",
			"assigned evaluator": "404", "unassigned evaluator": "404", "auditor": "404", "admin": "404"})},
		{"GET", "/api/v1/bids/{bid}/documents", all(map[string]string{"anonymous": "401", "org A": "200", "org B": "404",
			"assigned evaluator": "404", "unassigned evaluator": "404", "auditor": "404", "admin": "404"})},
		{"GET", "/api/v1/documents/{doc}/content", all(map[string]string{"anonymous": "404", "org A": "200", "org B": "404",
			"assigned evaluator": "404", "unassigned evaluator": "404", "auditor": "404", "admin": "404"})},
		{"PATCH", "/api/v1/bids/{bid}", all(map[string]string{"org B": "404"})},
		{"GET", "/api/v1/tenders/{tender}/bids", all(map[string]string{"anonymous": "401", "org B": "200",
			"assigned evaluator": "403 sealed", "unassigned evaluator": "403 sealed", "auditor": "403 sealed", "admin": "403 sealed"})},
	})

	e.openNow(tid)
	for _, b := range bids {
		e.do("POST", "/api/v1/bids/"+b+"/qualify", e.admin, map[string]any{"qualified": true}).ok(t, 200)
	}
	e.do("POST", "/api/v1/tenders/"+tid+"/panel", e.admin, map[string]any{"evaluator_ids": expertIDs, "reason": "测试"}).ok(t, 201)
	for _, tok := range expertToks {
		e.do("POST", "/api/v1/tenders/"+tid+"/declaration", tok, map[string]any{"conflict": false}).ok(t, 200)
	}
	// Evaluating: the bureau, the auditor and the panel read bids; other organizations and outsiders do not.
	check("evaluating", []objectRule{
		{"GET", "/api/v1/bids/{bid}", all(map[string]string{"anonymous": "401", "org A": "200", "org B": "404",
			"assigned evaluator": "200", "unassigned evaluator": "404", "auditor": "200", "admin": "200"})},
		{"GET", "/api/v1/documents/{doc}/content", all(map[string]string{"anonymous": "404", "org A": "200", "org B": "404",
			"assigned evaluator": "200", "unassigned evaluator": "404", "auditor": "200", "admin": "200"})},
		{"PATCH", "/api/v1/bids/{bid}", all(map[string]string{"org B": "404"})},
		{"GET", "/api/v1/tenders/{tender}/scores", all(map[string]string{"anonymous": "401", "org A": "403",
			"assigned evaluator": "200", "unassigned evaluator": "403", "auditor": "200", "admin": "200"})},
		{"GET", "/api/v1/tenders/{tender}/evaluation", all(map[string]string{"anonymous": "403", "org A": "403",
			"unassigned evaluator": "403"})},
	})

	ev := evaluating{id: tid, bids: bids, orgs: orgToks, experts: expertToks, expertID: expertIDs}
	e.awardedTender(ev)
	obj := e.do("POST", "/api/v1/tenders/"+tid+"/objections", orgToks[0], map[string]any{"text": "质疑评分"})
	obj.ok(t, 201)
	ids["{objection}"] = obj.json(t)["id"].(string)
	// Awarded: the evaluation is public; bids stay with their readers; A's objection is A's and the bureau's.
	check("awarded", []objectRule{
		{"GET", "/api/v1/bids/{bid}", all(map[string]string{"anonymous": "401", "org A": "200", "org B": "404",
			"unassigned evaluator": "404", "auditor": "200", "admin": "200"})},
		{"GET", "/api/v1/tenders/{tender}/evaluation", all(map[string]string{"anonymous": "200", "org B": "200"})},
		{"POST", "/api/v1/objections/{objection}/resolve", all(map[string]string{"org A": "403", "org B": "403", "auditor": "403"})},
	})
	var seen []tender.Objection
	var list struct {
		Items []tender.Objection `json:"items"`
	}
	e.do("GET", "/api/v1/tenders/"+tid+"/objections", orgToks[1], nil).decode(t, &list)
	seen = list.Items
	if len(seen) != 0 {
		t.Fatalf("org B sees A's objection: %v", seen)
	}
}
