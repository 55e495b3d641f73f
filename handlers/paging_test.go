package handlers_test

import (
	"fmt"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"
)

type idPage struct {
	Items []struct {
		ID       string `json:"id"`
		TenderID string `json:"tender_id"`
	} `json:"items"`
	NextCursor *string `json:"next_cursor"`
}

// ids are the page's item ids (a panel's is its tender's).
func (p idPage) ids() []string {
	var out []string
	for _, it := range p.Items {
		if it.ID == "" {
			it.ID = it.TenderID
		}
		out = append(out, it.ID)
	}
	return out
}

// walk reads path one item at a time, following next_cursor, and returns the
// ids in the order served (a panel's id is its tender's); an id served twice
// or a walk that does not end fails.
func (e *env) walk(path, token string) []string {
	e.t.Helper()
	return e.walkBy(path, token, 1, func(it map[string]any) string {
		if id, _ := it["id"].(string); id != "" {
			return id
		}
		id, _ := it["tender_id"].(string)
		return id
	})
}

// walkBy reads path limit items at a time, following next_cursor, and returns
// keyOf of each item in the order served; a key served twice, a page over
// limit or a walk that does not end fails.
func (e *env) walkBy(path, token string, limit int, keyOf func(map[string]any) string) []string {
	e.t.Helper()
	sep := "?"
	if strings.Contains(path, "?") {
		sep = "&"
	}
	var out []string
	cursor := ""
	for pages := 0; ; pages++ {
		var p struct {
			Items      []map[string]any `json:"items"`
			NextCursor *string          `json:"next_cursor"`
		}
		e.do("GET", fmt.Sprintf("%s%slimit=%d&cursor=%s", path, sep, limit, url.QueryEscape(cursor)), token, nil).decode(e.t, &p)
		if len(p.Items) > limit {
			e.t.Fatalf("%s: limit=%d served %d items", path, limit, len(p.Items))
		}
		for _, it := range p.Items {
			k := keyOf(it)
			if slices.Contains(out, k) {
				e.t.Fatalf("%s: %s served twice", path, k)
			}
			out = append(out, k)
		}
		if p.NextCursor == nil {
			return out
		}
		if pages > 200 {
			e.t.Fatalf("%s: paging does not end", path)
		}
		cursor = *p.NextCursor
	}
}

// checkPaged: walking path one item at a time gives exactly the items of one
// big page, in the same order, n of them; limit over 100 and a malformed
// cursor are 422 problems naming the parameter.
func (e *env) checkPaged(path, token string, n int) []string {
	e.t.Helper()
	q := func(params string) string {
		if strings.Contains(path, "?") {
			return path + "&" + params
		}
		return path + "?" + params
	}
	var all idPage
	e.do("GET", q("limit=100"), token, nil).decode(e.t, &all)
	if all.NextCursor != nil {
		e.t.Fatalf("%s: a page holding everything has a next_cursor", path)
	}
	if got := all.ids(); len(got) != n {
		e.t.Fatalf("%s: %d items, want %d", path, len(got), n)
	}
	if walked := e.walk(path, token); !slices.Equal(walked, all.ids()) {
		e.t.Fatalf("%s: walked %v, one page has %v", path, walked, all.ids())
	}
	if got := fieldsOf(e.do("GET", q("limit=101"), token, nil).problem(e.t, 422, "validation_failed")); !contains(got, "limit") {
		e.t.Fatalf("%s: limit=101 problem names %v", path, got)
	}
	for _, bad := range []string{"bm90LWEtY3Vyc29y", "!!!", "MjAyNi0wMS0wMVQwMDowMDowMFp8bm90LWEtdXVpZA", "%00"} {
		if got := fieldsOf(e.do("GET", q("cursor="+bad), token, nil).problem(e.t, 422, "validation_failed")); !contains(got, "cursor") {
			e.t.Fatalf("%s: cursor %q problem names %v", path, bad, got)
		}
	}
	return all.ids()
}

// TestTenderListsPage: a tender's questions, bids, awards and objections and
// an evaluator's panels page with limit and cursor (SPEC §5): every item once,
// in order, whatever the page size; limit ≤ 100; a bad cursor is a 422.
func TestTenderListsPage(t *testing.T) {
	e := newEnv(t)
	ev := e.evaluatingTender("venture", 3, []int64{9000000, 8000000, 9500000})

	// Questions: the public sees the answered ones, an asker also its own.
	asking := e.openTender(tenderBody("分页答疑"))
	var qs []string
	for i, tok := range ev.orgs {
		r := e.do("POST", "/api/v1/tenders/"+asking+"/questions", tok, map[string]any{"text": "问题" + string(rune('一'+i))})
		r.ok(t, 201)
		qs = append(qs, r.json(t)["id"].(string))
	}
	for _, q := range qs[:2] {
		e.do("POST", "/api/v1/questions/"+q+"/answer", e.admin, map[string]any{"text": "答复"}).ok(t, 200)
	}
	path := "/api/v1/tenders/" + asking + "/questions"
	if got := e.checkPaged(path, e.admin, 3); !slices.Equal(got, qs) {
		t.Fatalf("questions %v, asked %v", got, qs)
	}
	e.checkPaged(path, "", 2)
	e.checkPaged(path, ev.orgs[2], 3) // the two answered and its own

	// Bids after the opening, in submission order; a bidder its own.
	path = "/api/v1/tenders/" + ev.id + "/bids"
	if got := e.checkPaged(path, e.admin, 3); !slices.Equal(got, ev.bids) {
		t.Fatalf("bids %v, submitted %v", got, ev.bids)
	}
	e.checkPaged(path, ev.experts[0], 3)
	if got := e.checkPaged(path, ev.orgs[1], 1); got[0] != ev.bids[1] {
		t.Fatalf("org 1 listed %v", got)
	}

	// Panels: the evaluator sits on three, newest first.
	panels := []string{ev.id}
	for i := 0; i < 2; i++ {
		id := e.shortTender(time.Hour)
		for j, tok := range ev.orgs {
			b := e.bid(id, tok, 27000000+int64(j))
			e.submit(b, tok)
		}
		e.openNow(id)
		e.do("POST", "/api/v1/tenders/"+id+"/panel", e.admin, map[string]any{"evaluator_ids": ev.expertID, "reason": "分页测试指定专家"}).ok(t, 201)
		panels = append([]string{id}, panels...)
	}
	if got := e.checkPaged("/api/v1/me/panels", ev.experts[0], 3); !slices.Equal(got, panels) {
		t.Fatalf("panels %v, want newest first %v", got, panels)
	}

	// Awards and objections.
	e.awardedTender(ev)
	var all idPage
	e.do("GET", "/api/v1/tenders/"+ev.id+"/awards?limit=100", "", nil).decode(t, &all)
	if len(all.Items) < 2 {
		t.Fatalf("venture awarded %d bids, the test needs two or more", len(all.Items))
	}
	e.checkPaged("/api/v1/tenders/"+ev.id+"/awards", "", len(all.Items))
	var obj []string
	for _, tok := range ev.orgs {
		r := e.do("POST", "/api/v1/tenders/"+ev.id+"/objections", tok, map[string]any{"text": "质疑：评分有误"})
		r.ok(t, 201)
		obj = append(obj, r.json(t)["id"].(string))
	}
	path = "/api/v1/tenders/" + ev.id + "/objections"
	if got := e.checkPaged(path, e.admin, 3); !slices.Equal(got, obj) {
		t.Fatalf("objections %v, filed %v", got, obj)
	}
	if got := e.checkPaged(path, ev.orgs[1], 1); got[0] != obj[1] {
		t.Fatalf("org 1 listed objections %v", got)
	}
}

// TestDocumentAndCatalogListsPage: a tender's and a bid's documents and the
// catalog page like every other list (SPEC §5).
func TestDocumentAndCatalogListsPage(t *testing.T) {
	e := newEnv(t)
	id := e.createTender(tenderBody("分页文件"))
	var docs []string
	for _, name := range []string{"一.pdf", "二.pdf", "三.pdf"} {
		r := e.upload("/api/v1/tenders/"+id+"/documents", e.admin, name, []byte("%PDF-"+name))
		r.ok(t, 201)
		docs = append(docs, r.json(t)["id"].(string))
	}
	if got := e.checkPaged("/api/v1/tenders/"+id+"/documents", e.admin, 3); !slices.Equal(got, docs) {
		t.Fatalf("documents %v, uploaded %v", got, docs)
	}

	_, org := e.org("docpager", true)
	bid := e.bid(e.openTender(tenderBody("分页投标文件")), org, 100)
	docs = nil
	for _, name := range []string{"方案.pdf", "资质.pdf"} {
		r := e.upload("/api/v1/bids/"+bid+"/documents", org, name, []byte("%PDF-"+name))
		r.ok(t, 201)
		docs = append(docs, r.json(t)["id"].(string))
	}
	if got := e.checkPaged("/api/v1/bids/"+bid+"/documents", org, 2); !slices.Equal(got, docs) {
		t.Fatalf("bid documents %v, uploaded %v", got, docs)
	}

	for _, code := range []string{"P-3", "P-1", "P-2"} {
		e.do("POST", "/api/v1/catalog", e.admin, map[string]any{"code": code, "name": "分页" + code, "category": "居家养老",
			"description": "d", "active": code != "P-2"}).ok(t, 201)
	}
	var all idPage
	e.do("GET", "/api/v1/catalog?limit=100&all=true", e.admin, nil).decode(t, &all)
	e.checkPaged("/api/v1/catalog?all=true", e.admin, len(all.Items))
	e.checkPaged("/api/v1/catalog", "", len(all.Items)-1) // P-2 is inactive
}

// wholeLists answer {items, next_cursor} but are read whole, with the reason.
var wholeLists = map[string]string{}

// TestEveryListDocumentsItsPaging: every GET whose answer is a list with a
// next_cursor declares limit and cursor in the OpenAPI document (SPEC §5), so
// a new list without paging fails here unless wholeLists names it.
func TestEveryListDocumentsItsPaging(t *testing.T) {
	e := newEnv(t)
	doc, _ := e.openAPIDoc()
	schemas := doc["components"].(map[string]any)["schemas"].(map[string]any)
	lists := 0
	for path, item := range doc["paths"].(map[string]any) {
		op, ok := item.(map[string]any)["get"].(map[string]any)
		if !ok {
			continue
		}
		ok200, _ := op["responses"].(map[string]any)["200"].(map[string]any)
		content, _ := ok200["content"].(map[string]any)
		js, _ := content["application/json"].(map[string]any)
		schema, _ := js["schema"].(map[string]any)
		ref, _ := schema["$ref"].(string)
		s, _ := schemas[strings.TrimPrefix(ref, "#/components/schemas/")].(map[string]any)
		if props, _ := s["properties"].(map[string]any); props["next_cursor"] == nil {
			continue
		}
		name := "GET " + path
		if wholeLists[name] != "" {
			continue
		}
		lists++
		params := map[string]bool{}
		ps, _ := op["parameters"].([]any)
		for _, p := range ps {
			if r, _ := p.(map[string]any)["$ref"].(string); r != "" {
				params[strings.TrimPrefix(r, "#/components/parameters/")] = true
			}
		}
		if !params["limit"] || !(params["cursor"] || params["audit_cursor"] || params["cp_since"]) {
			t.Errorf("%s answers a list with next_cursor but does not declare limit and cursor", name)
		}
	}
	if lists < 20 {
		t.Fatalf("only %d paged lists found: the document's shape changed", lists)
	}
}

// TestPublicTenderFeedbackPages: a tender's approved comments page newest
// first (they were the newest 100 only); the average and count stay those of
// every rating.
func TestPublicTenderFeedbackPages(t *testing.T) {
	e := newEnv(t)
	ev, _ := e.completedTender()
	var want []string
	for i := 0; i < 3; i++ {
		var id string
		if err := e.store.DB().Get(&id, `INSERT INTO feedback (tender_id, rating, comment, status) VALUES ($1, $2, $3, $4) RETURNING id`,
			ev.id, 4, "评价"+string(rune('一'+i)), "approved"); err != nil {
			t.Fatal(err)
		}
		want = append([]string{id}, want...)
	}
	path := "/api/v1/public/tenders/" + ev.id + "/feedback"
	if got := e.checkPaged(path, "", 3); !slices.Equal(got, want) {
		t.Fatalf("comments %v, want newest first %v", got, want)
	}
	var first struct {
		Count   int      `json:"count"`
		Average *float64 `json:"average"`
	}
	e.do("GET", path+"?limit=1", "", nil).decode(t, &first)
	if first.Count != 3 || first.Average == nil || *first.Average != 4 {
		t.Fatalf("a page's count %d and average %v, want those of all 3 ratings", first.Count, first.Average)
	}
}

// scoreKeys reads a score list limit entries at a time (walkBy) and returns
// "evaluator/bid/criterion" of each entry in the order served.
func (e *env) scoreKeys(path, token string, limit int) []string {
	e.t.Helper()
	return e.walkBy(path, token, limit, func(it map[string]any) string {
		return fmt.Sprintf("%v/%v/%v", it["evaluator_id"], it["bid_id"], it["criterion_id"])
	})
}

// TestScoreSheetsPage: a tender's score sheets are a list like any other
// (SPEC §5): limit and cursor, every entry once whatever the page size, a
// member's own only while others score, a malformed cursor or an oversized
// limit refused naming the parameter.
func TestScoreSheetsPage(t *testing.T) {
	e := newEnv(t)
	ev := e.evaluatingTender("purchase", 3, []int64{28000000, 27000000, 29000000})
	for i, tok := range ev.experts {
		for j, b := range ev.bids {
			e.score(ev.id, tok, b, map[string]string{"c1": fmt.Sprint(30 + i + j), "c2": "25"}).ok(t, 200)
		}
	}
	path := "/api/v1/tenders/" + ev.id + "/scores"
	whole := e.scoreKeys(path, e.admin, 100)
	if len(whole) != 3*3*2 {
		t.Fatalf("the bureau reads %d entries, want 18", len(whole))
	}
	for _, size := range []int{1, 5, 18} {
		if got := e.scoreKeys(path, e.admin, size); !slices.Equal(got, whole) {
			t.Fatalf("pages of %d: %v, want %v", size, got, whole)
		}
	}
	own := e.scoreKeys(path, ev.experts[0], 4)
	if len(own) != 6 {
		t.Fatalf("a member reads %d entries while others score, want their own 6", len(own))
	}
	for _, k := range own {
		if !strings.HasPrefix(k, ev.expertID[0]+"/") {
			t.Fatalf("a member reads another's score %s", k)
		}
	}
	for _, q := range []string{"?cursor=not-a-cursor", "?limit=101", "?cursor=" + url.QueryEscape("c2NvcmU6eA")} {
		m := e.do("GET", path+q, e.admin, nil).problem(t, 422, "validation_failed")
		if f := fieldsOf(m); !contains(f, "cursor") && !contains(f, "limit") {
			t.Fatalf("%s: fields %v", q, f)
		}
	}
}
