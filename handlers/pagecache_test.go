package handlers_test

import (
	"context"
	"strings"
	"testing"

	"github.com/linshu/portal/tender"
)

// TestTenderListPagesFollowChanges: list pages are kept encoded by the list
// version (Store.TenderListVersion); every change of a listed tender (an edit, a
// publication, a cancellation, a new tender) shows in the next list, for the
// public and for the bureau alike, and the two never see each other's page.
func TestTenderListPagesFollowChanges(t *testing.T) {
	e := newEnv(t)
	first := e.openTender(tenderBody("兴大社区居家养老服务"))
	draft := e.createTender(tenderBody("草稿：文化社区助餐"))
	list := func(token string) (string, []tender.Tender) {
		t.Helper()
		r := e.do("GET", "/api/v1/tenders?limit=20", token, nil)
		r.ok(t, 200)
		if ct := r.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
			t.Fatalf("content type %q", ct)
		}
		var p struct {
			Items []tender.Tender `json:"items"`
		}
		r.decode(t, &p)
		return string(r.Body), p.Items
	}
	titles := func(items []tender.Tender) string {
		var out []string
		for _, it := range items {
			out = append(out, it.Title+"/"+string(it.Status))
		}
		return strings.Join(out, "|")
	}
	public1, items := list("")
	if got := titles(items); got != "兴大社区居家养老服务/open" {
		t.Fatalf("public list: %s", got)
	}
	if public2, _ := list(""); public2 != public1 {
		t.Fatalf("the same list twice differs:\n%s\n%s", public1, public2)
	}
	if _, items := list(e.admin); titles(items) != "草稿：文化社区助餐/draft|兴大社区居家养老服务/open" {
		t.Fatalf("bureau list: %s", titles(items))
	}
	if _, items := list(""); titles(items) != "兴大社区居家养老服务/open" {
		t.Fatalf("public list after the bureau's: %s", titles(items))
	}

	// An edit of the draft: the bureau's next list shows it.
	e.do("PATCH", "/api/v1/tenders/"+draft, e.admin, map[string]any{"title": "草稿：文化社区老年助餐"}).ok(t, 200)
	if _, items := list(e.admin); titles(items) != "草稿：文化社区老年助餐/draft|兴大社区居家养老服务/open" {
		t.Fatalf("bureau list after an edit: %s", titles(items))
	}
	// Its publication: the public's next list shows it.
	e.do("POST", "/api/v1/tenders/"+draft+"/publish", e.admin, nil).ok(t, 200)
	if _, items := list(""); titles(items) != "草稿：文化社区老年助餐/open|兴大社区居家养老服务/open" {
		t.Fatalf("public list after a publication: %s", titles(items))
	}
	// A cancellation changes a listed tender's status.
	e.do("POST", "/api/v1/tenders/"+first+"/cancel", e.admin, map[string]any{"reason": "预算调整"}).ok(t, 200)
	if _, items := list(""); titles(items) != "草稿：文化社区老年助餐/open|兴大社区居家养老服务/cancelled" {
		t.Fatalf("public list after a cancellation: %s", titles(items))
	}
	// A new tender on top.
	e.openTender(tenderBody("全民健身指导"))
	if _, items := list(""); titles(items) != "全民健身指导/open|草稿：文化社区老年助餐/open|兴大社区居家养老服务/cancelled" {
		t.Fatalf("public list after a new tender: %s", titles(items))
	}
	// A community renamed: the listed tenders show its new name.
	var cm struct {
		Items []tender.Community `json:"items"`
	}
	e.do("GET", "/api/v1/communities?q=兴大社区&limit=1", "", nil).decode(t, &cm)
	if len(cm.Items) != 1 {
		t.Fatalf("communities named 兴大: %+v", cm.Items)
	}
	e.do("PATCH", "/api/v1/communities/"+cm.Items[0].ID, e.admin, map[string]any{"name": "临沭街道兴大新社区"}).ok(t, 200)
	_, items = list("")
	for _, it := range items {
		if it.Community == "临沭街道兴大社区" {
			t.Fatalf("public list after a community's rename still shows its old name: %s", it.Title)
		}
	}
	if items[2].Community != "临沭街道兴大新社区" {
		t.Fatalf("public list after a community's rename: %q", items[2].Community)
	}
	// A malformed filter is still a validation problem.
	e.do("GET", "/api/v1/tenders?catalog_item_id=not-a-uuid", "", nil).problem(t, 422, "validation_failed")
}

// TestTenderSearchPagesFollowChanges: search pages are kept by the list
// version too; an edit that adds or removes the term shows in the next search, and
// the search's page is never the list's.
func TestTenderSearchPagesFollowChanges(t *testing.T) {
	e := newEnv(t)
	body := func(title string) map[string]any {
		b := tenderBody(title)
		b["description"] = "项目说明"
		return b
	}
	a := e.openTender(body("兴大社区居家养老服务"))
	e.openTender(body("文化社区物业管理"))
	search := func(q string) string { return strings.Join(e.searchTitles(q), "|") }
	if got := search("养老"); got != "兴大社区居家养老服务" {
		t.Fatalf("q=养老: %s", got)
	}
	if got := search("养老"); got != "兴大社区居家养老服务" {
		t.Fatalf("q=养老 again: %s", got)
	}
	draft := e.createTender(body("文化社区养老助餐"))
	e.do("POST", "/api/v1/tenders/"+draft+"/publish", e.admin, nil).ok(t, 200)
	if got := search("养老"); got != "文化社区养老助餐|兴大社区居家养老服务" {
		t.Fatalf("q=养老 after a publication: %s", got)
	}
	e.do("PATCH", "/api/v1/tenders/"+draft, e.admin, map[string]any{"title": "文化社区助餐"}).problem(t, 409, "invalid_state")
	e.do("POST", "/api/v1/tenders/"+a+"/cancel", e.admin, map[string]any{"reason": "预算调整"}).ok(t, 200)
	r := e.do("GET", "/api/v1/tenders?q="+urlQuery("养老"), "", nil)
	if !strings.Contains(string(r.Body), `"cancelled"`) {
		t.Fatalf("q=养老 after a cancellation: %s", r.Body)
	}
	if got := search("物业"); got != "文化社区物业管理" {
		t.Fatalf("q=物业: %s", got)
	}
}

// TestTenderSearchPagesFollowEveryChange: a repeated search is answered from
// the page kept at the list version without running it again, so every kind
// of change must move that version: each change below is made after the same
// search was answered (and kept), and the very next search must show it —
// for the bureau (drafts) and the public, first pages and pages after a
// cursor, changes through the API and one made by SQL alone (as the jobs
// make them), and a renamed community (its name is on every page).
func TestTenderSearchPagesFollowEveryChange(t *testing.T) {
	e := newEnv(t)
	type page struct {
		Items []tender.Tender `json:"items"`
		Next  *string         `json:"next_cursor"`
	}
	search := func(token, query string) page {
		t.Helper()
		r := e.do("GET", "/api/v1/tenders?"+query, token, nil)
		r.ok(t, 200)
		var p page
		r.decode(t, &p)
		return p
	}
	titles := func(p page) string {
		var out []string
		for _, it := range p.Items {
			out = append(out, it.Title+"/"+string(it.Status)+"/"+it.Community)
		}
		return strings.Join(out, "|")
	}
	// Each search twice: the second is the kept page, and must equal the first.
	expect := func(token, query, want string) page {
		t.Helper()
		p := search(token, query)
		if got := titles(p); got != want {
			t.Fatalf("%s (token %v): %s, want %s", query, token != "", got, want)
		}
		if got := titles(search(token, query)); got != want {
			t.Fatalf("%s again (token %v): %s, want %s", query, token != "", got, want)
		}
		return p
	}
	q := "q=" + urlQuery("矫正")
	old := e.openTender(tenderBody("兴大社区矫正对象帮扶"))
	expect("", q, "兴大社区矫正对象帮扶/open/临沭街道兴大社区")
	draft := e.createTender(tenderBody("社区帮教服务"))
	expect(e.admin, q, "兴大社区矫正对象帮扶/open/临沭街道兴大社区")

	// A title edit that adds the term (a draft: the bureau sees it).
	e.do("PATCH", "/api/v1/tenders/"+draft, e.admin, map[string]any{"title": "社区矫正帮教服务"}).ok(t, 200)
	expect(e.admin, q, "社区矫正帮教服务/draft/临沭街道兴大社区|兴大社区矫正对象帮扶/open/临沭街道兴大社区")
	expect("", q, "兴大社区矫正对象帮扶/open/临沭街道兴大社区")
	// Its publication.
	e.do("POST", "/api/v1/tenders/"+draft+"/publish", e.admin, nil).ok(t, 200)
	expect("", q, "社区矫正帮教服务/open/临沭街道兴大社区|兴大社区矫正对象帮扶/open/临沭街道兴大社区")
	// The second page, after a cursor, is kept too.
	first := expect("", q+"&limit=1", "社区矫正帮教服务/open/临沭街道兴大社区")
	if first.Next == nil {
		t.Fatal("no next cursor on a page of one of two")
	}
	second := q + "&limit=1&cursor=" + *first.Next
	expect("", second, "兴大社区矫正对象帮扶/open/临沭街道兴大社区")
	// A status change (cancellation) of the tender on the second page.
	e.do("POST", "/api/v1/tenders/"+old+"/cancel", e.admin, map[string]any{"reason": "预算调整"}).ok(t, 200)
	expect("", second, "兴大社区矫正对象帮扶/cancelled/临沭街道兴大社区")
	expect("", q, "社区矫正帮教服务/open/临沭街道兴大社区|兴大社区矫正对象帮扶/cancelled/临沭街道兴大社区")
	// A change made by SQL alone, as the opening and award jobs make theirs.
	if _, err := e.store.DB().ExecContext(context.Background(),
		`UPDATE tenders SET status = 'evaluating' WHERE id = $1`, draft); err != nil {
		t.Fatal(err)
	}
	expect("", q, "社区矫正帮教服务/evaluating/临沭街道兴大社区|兴大社区矫正对象帮扶/cancelled/临沭街道兴大社区")
	// A renamed community: its name is on the page.
	tn := e.do("GET", "/api/v1/tenders/"+draft, "", nil).json(t)
	community, _ := tn["community_id"].(string)
	if community == "" {
		t.Fatalf("the tender has no community: %v", tn)
	}
	e.do("PATCH", "/api/v1/communities/"+community, e.admin, map[string]any{"name": "临沭街道兴大新区"}).ok(t, 200)
	expect("", q, "社区矫正帮教服务/evaluating/临沭街道兴大新区|兴大社区矫正对象帮扶/cancelled/临沭街道兴大新区")
	expect("", "community="+urlQuery("临沭街道兴大新区")+"&"+q,
		"社区矫正帮教服务/evaluating/临沭街道兴大新区|兴大社区矫正对象帮扶/cancelled/临沭街道兴大新区")
	// A new tender on top; and the title edit of a published tender is refused, changing nothing.
	newest := tenderBody("矫正社会工作")
	newest["community"] = "临沭街道兴大新区"
	e.openTender(newest)
	expect("", q+"&limit=1", "矫正社会工作/open/临沭街道兴大新区")
	e.do("PATCH", "/api/v1/tenders/"+draft, e.admin, map[string]any{"title": "x"}).problem(t, 409, "invalid_state")
	expect("", q+"&limit=1", "矫正社会工作/open/临沭街道兴大新区")
}
