package handlers_test

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/linshu/portal/handlers"
	"github.com/linshu/portal/storage"
	"github.com/linshu/portal/storage/storagetest"
	"github.com/linshu/portal/tender"
)

// tenderBody is a valid comprehensive purchase tender closing in a week.
func tenderBody(title string) map[string]any {
	now := time.Now()
	return map[string]any{
		"kind": "purchase", "title": title, "description": "为辖区老年人提供助餐、助洁等居家养老服务",
		"community": "临沭街道兴大社区", "funding_source": "welfare_lottery", "budget_fen": 30000000,
		"max_awards": 1, "min_bids": 3, "service_start": "2027-01-01", "service_end": "2027-12-31",
		"eligibility":              map[string]any{"org_types": []string{"social_org", "social_work_agency"}, "registered_only": true, "min_social_workers": 1},
		"community_preference_pct": 5,
		"evaluation": map[string]any{"method": "comprehensive", "panel_size": 3, "trim_extremes": false,
			"criteria": []map[string]any{{"name": "服务方案", "max_score": 40, "kind": "quality"},
				{"name": "团队与资质", "max_score": 30, "kind": "quality"}, {"name": "报价", "max_score": 30, "kind": "price"}}},
		"enquiry_deadline": now.Add(72 * time.Hour).Format(time.RFC3339),
		"bid_deadline":     now.Add(7 * 24 * time.Hour).Format(time.RFC3339),
	}
}

func ventureBody(title string) map[string]any {
	b := tenderBody(title)
	b["kind"] = "venture"
	b["budget_fen"] = 50000000
	b["max_award_fen"] = 10000000
	b["max_awards"] = 5
	b["min_bids"] = 1
	b["evaluation"] = map[string]any{"method": "comprehensive", "panel_size": 3,
		"criteria": []map[string]any{{"name": "项目设计", "max_score": 60, "kind": "quality"}, {"name": "执行能力", "max_score": 40, "kind": "quality"}}}
	return b
}

// createTender creates a draft and returns its id.
func (e *env) createTender(body map[string]any) string {
	e.t.Helper()
	r := e.do("POST", "/api/v1/tenders", e.admin, body)
	r.ok(e.t, 201)
	return r.json(e.t)["id"].(string)
}

// openTender creates and publishes a tender.
func (e *env) openTender(body map[string]any) string {
	e.t.Helper()
	id := e.createTender(body)
	e.do("POST", "/api/v1/tenders/"+id+"/publish", e.admin, nil).ok(e.t, 200)
	return id
}

func TestTenderCreateAndAccess(t *testing.T) {
	e := newEnv(t)
	_, orgTok := e.org("org1", true)
	_, audTok := e.staff(tender.RoleAuditor, "aud", nil)
	_, evTok := e.staff(tender.RoleEvaluator, "ev1", nil)
	body := tenderBody("兴大社区居家养老服务")
	e.do("POST", "/api/v1/tenders", orgTok, body).problem(t, 403, "forbidden")
	e.do("POST", "/api/v1/tenders", "", body).problem(t, 401, "unauthenticated")
	body["status"] = "open"
	m := e.do("POST", "/api/v1/tenders", e.admin, body).problem(t, 422, "validation_failed")
	if !contains(fieldsOf(m), "status") {
		t.Fatalf("a client set status: %v", m)
	}
	delete(body, "status")
	r := e.do("POST", "/api/v1/tenders", e.admin, body)
	r.ok(t, 201)
	tn := r.json(t)
	year := time.Now().In(time.FixedZone("CST", 8*3600)).Year()
	if tn["code"] != fmt.Sprintf("LSMZ-%d-0001", year) || tn["status"] != "draft" {
		t.Fatalf("created: %s", r.Body)
	}
	crit := tn["evaluation"].(map[string]any)["criteria"].([]any)
	if crit[0].(map[string]any)["id"] == "" {
		t.Fatal("criteria have no ids")
	}
	id := tn["id"].(string)
	// Drafts: the bureau and auditors only.
	e.do("GET", "/api/v1/tenders/"+id, "", nil).problem(t, 404, "not_found")
	e.do("GET", "/api/v1/tenders/"+id, orgTok, nil).problem(t, 404, "not_found")
	e.do("GET", "/api/v1/tenders/"+id, evTok, nil).problem(t, 404, "not_found")
	e.do("GET", "/api/v1/tenders/"+id, audTok, nil).ok(t, 200)
	if strings.Contains(string(e.do("GET", "/api/v1/tenders", "", nil).Body), id) {
		t.Fatal("public list shows a draft")
	}
	if strings.Contains(string(e.do("GET", "/api/v1/tenders?status=draft", orgTok, nil).Body), id) {
		t.Fatal("status=draft shows a draft to an organization")
	}
	if !strings.Contains(string(e.do("GET", "/api/v1/tenders", e.admin, nil).Body), id) {
		t.Fatal("admin list lacks the draft")
	}

	// Partial edit keeps other fields; an invalid edit changes nothing.
	r = e.do("PATCH", "/api/v1/tenders/"+id, e.admin, map[string]any{"title": "兴大社区居家养老服务（2027）"})
	r.ok(t, 200)
	if r.json(t)["budget_fen"].(float64) != 30000000 {
		t.Fatalf("patch lost fields: %s", r.Body)
	}
	m = e.do("PATCH", "/api/v1/tenders/"+id, e.admin, map[string]any{"budget_fen": -5, "funding_source": "lottery"}).
		problem(t, 422, "validation_failed")
	if f := fieldsOf(m); !contains(f, "budget_fen") || !contains(f, "funding_source") {
		t.Fatalf("fields: %v", f)
	}
	got := e.do("GET", "/api/v1/tenders/"+id, e.admin, nil).json(t)
	if got["budget_fen"].(float64) != 30000000 || got["title"] != "兴大社区居家养老服务（2027）" {
		t.Fatalf("refused patch changed the tender: %v", got)
	}
	e.do("PATCH", "/api/v1/tenders/"+id, e.admin, map[string]any{"catalog_item_id": "00000000-0000-0000-0000-000000000000"}).
		problem(t, 422, "validation_failed")
}

func TestTenderCodesGaplessUnderConcurrency(t *testing.T) {
	e := newEnv(t)
	var wg sync.WaitGroup
	codes := make(chan string, 40)
	for i := 0; i < 40; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			body := tenderBody(fmt.Sprintf("项目%d", i))
			if i%4 == 0 { // a creation that fails inside its transaction must not burn a number
				body["catalog_item_id"] = "00000000-0000-0000-0000-000000000000"
			}
			r := e.do("POST", "/api/v1/tenders", e.admin, body)
			if r.Status == 201 {
				codes <- r.json(t)["code"].(string)
			}
		}(i)
	}
	wg.Wait()
	close(codes)
	seen := map[string]bool{}
	for c := range codes {
		seen[c] = true
	}
	year := time.Now().In(time.FixedZone("CST", 8*3600)).Year()
	if len(seen) != 30 {
		t.Fatalf("created %d tenders, want 30", len(seen))
	}
	for i := 1; i <= 30; i++ {
		if c := fmt.Sprintf("LSMZ-%d-%04d", year, i); !seen[c] {
			t.Fatalf("code %s missing: codes have a gap (%v)", c, seen)
		}
	}
}

func TestTenderPublishRules(t *testing.T) {
	e := newEnv(t, func(o *handlers.Options) { o.Domain.MinBidWindow = 120 * time.Hour })
	cases := []struct {
		name  string
		tweak func(b map[string]any)
		field string
	}{
		{"enquiry after bid deadline", func(b map[string]any) {
			b["enquiry_deadline"] = time.Now().Add(8 * 24 * time.Hour).Format(time.RFC3339)
		}, "enquiry_deadline"},
		{"bid window shorter than the minimum", func(b map[string]any) {
			b["enquiry_deadline"] = time.Now().Add(time.Hour).Format(time.RFC3339)
			b["bid_deadline"] = time.Now().Add(100 * time.Hour).Format(time.RFC3339)
		}, "bid_deadline"},
		{"criteria do not sum to 100", func(b map[string]any) {
			b["evaluation"].(map[string]any)["criteria"].([]map[string]any)[0]["max_score"] = 30
		}, "evaluation.criteria"},
		{"price criterion under 10 points", func(b map[string]any) {
			c := b["evaluation"].(map[string]any)["criteria"].([]map[string]any)
			c[0]["max_score"], c[2]["max_score"] = 62, 8
		}, "evaluation.criteria[2].max_score"},
		{"no price criterion for comprehensive purchase", func(b map[string]any) {
			c := b["evaluation"].(map[string]any)["criteria"].([]map[string]any)
			c[2]["kind"] = "quality"
		}, "evaluation.criteria"},
		{"even panel", func(b map[string]any) { b["evaluation"].(map[string]any)["panel_size"] = 4 }, "evaluation.panel_size"},
		{"panel under 3", func(b map[string]any) { b["evaluation"].(map[string]any)["panel_size"] = 1 }, "evaluation.panel_size"},
		{"public tender needs 5", func(b map[string]any) { b["budget_fen"] = 100000000 }, "evaluation.panel_size"},
		{"lowest price with quality criteria", func(b map[string]any) {
			b["evaluation"].(map[string]any)["method"] = "lowest_price"
		}, "evaluation.criteria"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			b := tenderBody("规则测试")
			c.tweak(b)
			id := e.createTender(b)
			m := e.do("POST", "/api/v1/tenders/"+id+"/publish", e.admin, nil).problem(t, 422, "validation_failed")
			if !contains(fieldsOf(m), c.field) {
				t.Fatalf("want field %s, got %v", c.field, fieldsOf(m))
			}
			if st := e.do("GET", "/api/v1/tenders/"+id, e.admin, nil).json(t)["status"]; st != "draft" {
				t.Fatalf("refused publish changed status to %v", st)
			}
		})
	}
	venture := []struct {
		name  string
		tweak func(b map[string]any)
		field string
	}{
		{"venture with price criterion", func(b map[string]any) {
			b["evaluation"] = tenderBody("x")["evaluation"]
		}, "evaluation.criteria[2].kind"},
		{"venture cap above pool", func(b map[string]any) { b["max_award_fen"] = 60000000 }, "max_award_fen"},
		{"venture without cap", func(b map[string]any) { b["max_award_fen"] = nil }, "max_award_fen"},
	}
	for _, c := range venture {
		t.Run(c.name, func(t *testing.T) {
			b := ventureBody("公益创投")
			c.tweak(b)
			id := e.createTender(b)
			m := e.do("POST", "/api/v1/tenders/"+id+"/publish", e.admin, nil).problem(t, 422, "validation_failed")
			if !contains(fieldsOf(m), c.field) {
				t.Fatalf("want field %s, got %v", c.field, fieldsOf(m))
			}
		})
	}
	// The valid ones publish; a second publish is the wrong state.
	id := e.createTender(tenderBody("有效项目"))
	r := e.do("POST", "/api/v1/tenders/"+id+"/publish", e.admin, nil)
	r.ok(t, 200)
	if r.json(t)["status"] != "open" || r.json(t)["published_at"] == nil {
		t.Fatalf("publish: %s", r.Body)
	}
	e.do("POST", "/api/v1/tenders/"+id+"/publish", e.admin, nil).problem(t, 409, "invalid_state")
	e.do("PATCH", "/api/v1/tenders/"+id, e.admin, map[string]any{"title": "改"}).problem(t, 409, "invalid_state")
	e.openTender(ventureBody("有效创投"))
}

func TestTenderCancel(t *testing.T) {
	e := newEnv(t)
	id := e.openTender(tenderBody("将取消的项目"))
	e.do("POST", "/api/v1/tenders/"+id+"/cancel", e.admin, map[string]any{"reason": " "}).problem(t, 422, "validation_failed")
	r := e.do("POST", "/api/v1/tenders/"+id+"/cancel", e.admin, map[string]any{"reason": "预算调整"})
	r.ok(t, 200)
	if m := r.json(t); m["status"] != "cancelled" || m["cancel_reason"] != "预算调整" {
		t.Fatalf("cancel: %s", r.Body)
	}
	e.do("POST", "/api/v1/tenders/"+id+"/cancel", e.admin, map[string]any{"reason": "再次"}).problem(t, 409, "invalid_state")
	e.do("POST", "/api/v1/tenders/"+id+"/publish", e.admin, nil).problem(t, 409, "invalid_state")
	draft := e.createTender(tenderBody("草稿"))
	e.do("POST", "/api/v1/tenders/"+draft+"/cancel", e.admin, map[string]any{"reason": "不再需要"}).ok(t, 200)

	var actions []string
	e.store.DB().Select(&actions, `SELECT action FROM audit_entries WHERE stream = $1 ORDER BY seq`, "tender:"+id)
	if strings.Join(actions, ",") != "create,publish,cancel" {
		t.Fatalf("audit stream: %v", actions)
	}
}

func TestTenderListFiltersSearchAndCursor(t *testing.T) {
	e := newEnv(t)
	titles := []string{"兴大社区居家养老服务", "文化社区小区物业管理服务", "青少年课后托管服务", "社区矫正对象帮扶", "全民健身指导"}
	ids := map[string]string{}
	for _, title := range titles {
		b := tenderBody(title)
		b["description"] = "项目说明"
		if title == "社区矫正对象帮扶" {
			b["community"] = "郑山街道金山社区"
		}
		ids[title] = e.openTender(b)
	}
	e.createTender(tenderBody("草稿里的居家养老"))
	search := func(q string) []string { return e.searchTitles(q) }
	cases := map[string][]string{
		"养老":     {"兴大社区居家养老服务"},
		"物业管理":   {"文化社区小区物业管理服务"},
		"矫正":     {"社区矫正对象帮扶"},
		"服务":     {"青少年课后托管服务", "文化社区小区物业管理服务", "兴大社区居家养老服务"},
		"社区 养老":  {"兴大社区居家养老服务"},
		"健":      {"全民健身指导"},
		"导":      {"全民健身指导"},
		"养服":     nil,
		"不存在的词语": nil,
	}
	for q, want := range cases {
		if got := search(q); strings.Join(got, "|") != strings.Join(want, "|") {
			t.Errorf("q=%s: got %v, want %v", q, got, want)
		}
	}
	r := e.do("GET", "/api/v1/tenders?community="+urlQuery("郑山街道金山社区"), "", nil)
	if !strings.Contains(string(r.Body), "社区矫正对象帮扶") || strings.Contains(string(r.Body), "全民健身") {
		t.Fatalf("community filter: %s", r.Body)
	}
	if r := e.do("GET", "/api/v1/tenders?kind=venture", "", nil); strings.Contains(string(r.Body), "LSMZ") {
		t.Fatalf("kind filter: %s", r.Body)
	}
	e.do("GET", "/api/v1/tenders?limit=500", "", nil).problem(t, 422, "validation_failed")
	e.do("GET", "/api/v1/tenders?cursor=garbage!", "", nil).problem(t, 422, "validation_failed")

	// Walk with limit 2 while new tenders are published: no repeats, no skips of older ones.
	seen := map[string]bool{}
	cursor := ""
	for page := 0; page < 10; page++ {
		r := e.do("GET", "/api/v1/tenders?limit=2&cursor="+cursor, "", nil)
		var p struct {
			Items      []tender.Tender `json:"items"`
			NextCursor *string         `json:"next_cursor"`
		}
		r.decode(t, &p)
		for _, it := range p.Items {
			if seen[it.ID] {
				t.Fatalf("tender %s listed twice", it.Title)
			}
			seen[it.ID] = true
		}
		if page == 0 {
			e.openTender(tenderBody("翻页期间新发布"))
		}
		if p.NextCursor == nil {
			break
		}
		cursor = *p.NextCursor
	}
	for title, id := range ids {
		if !seen[id] {
			t.Errorf("pagination skipped %s", title)
		}
	}
}

func urlQuery(s string) string {
	return strings.NewReplacer(" ", "%20").Replace(s)
}

func TestQuestions(t *testing.T) {
	e := newEnv(t)
	_, org1 := e.org("org1", true)
	_, org2 := e.org("org2", true)
	_, aud := e.staff(tender.RoleAuditor, "aud", nil)
	id := e.openTender(tenderBody("答疑项目"))
	e.do("POST", "/api/v1/tenders/"+id+"/questions", "", map[string]any{"text": "x"}).problem(t, 401, "unauthenticated")
	e.do("POST", "/api/v1/tenders/"+id+"/questions", e.admin, map[string]any{"text": "x"}).problem(t, 403, "forbidden")
	e.do("POST", "/api/v1/tenders/"+id+"/questions", org1, map[string]any{"text": ""}).problem(t, 422, "validation_failed")
	q1 := e.do("POST", "/api/v1/tenders/"+id+"/questions", org1, map[string]any{"text": "服务人数是否包含外来人口？"})
	q1.ok(t, 201)
	q1id := q1.json(t)["id"].(string)
	e.do("POST", "/api/v1/tenders/"+id+"/questions", org2, map[string]any{"text": "是否需要提供助浴设备？"}).ok(t, 201)

	list := func(tok string) []map[string]any {
		r := e.do("GET", "/api/v1/tenders/"+id+"/questions", tok, nil)
		r.ok(t, 200)
		var p struct {
			Items []map[string]any `json:"items"`
		}
		r.decode(t, &p)
		return p.Items
	}
	if n := len(list("")); n != 0 {
		t.Fatalf("public sees %d unanswered questions", n)
	}
	if l := list(org1); len(l) != 1 || l[0]["mine"] != true {
		t.Fatalf("org sees %v, want only its own", l)
	}
	if l := list(aud); len(l) != 2 || l[0]["org_name"] == nil {
		t.Fatalf("auditor sees %v", l)
	}
	e.do("POST", "/api/v1/questions/"+q1id+"/answer", org1, map[string]any{"text": "x"}).problem(t, 403, "forbidden")
	e.do("POST", "/api/v1/questions/"+q1id+"/answer", e.admin, map[string]any{"text": "包含，按常住人口计"}).ok(t, 200)
	pub := list("")
	if len(pub) != 1 || pub[0]["answer"] != "包含，按常住人口计" {
		t.Fatalf("public after answer: %v", pub)
	}
	if _, ok := pub[0]["org_id"]; ok {
		t.Fatal("public sees the asker")
	}
	if r := e.do("GET", "/api/v1/tenders/"+id+"/questions", org2, nil); strings.Contains(string(r.Body), "org_name") {
		t.Fatalf("another organization sees the asker: %s", r.Body)
	}

	// After the enquiry deadline: deadline_passed.
	b := tenderBody("答疑截止的项目")
	b["enquiry_deadline"] = time.Now().Add(-time.Minute).Format(time.RFC3339)
	late := e.openTender(b)
	e.do("POST", "/api/v1/tenders/"+late+"/questions", org1, map[string]any{"text": "还能提问吗？"}).problem(t, 409, "deadline_passed")
	draft := e.createTender(tenderBody("草稿"))
	e.do("POST", "/api/v1/tenders/"+draft+"/questions", org1, map[string]any{"text": "?"}).problem(t, 404, "not_found")
}

func TestTenderDocuments(t *testing.T) {
	e := newEnv(t) // MaxUpload is 1 MiB in tests
	_, orgTok := e.org("org1", true)
	id := e.createTender(tenderBody("文件项目"))
	pdf := append([]byte("%PDF-1.7\n"), []byte(strings.Repeat("招标文件内容", 1000))...)

	e.upload("/api/v1/tenders/"+id+"/documents", orgTok, "x.pdf", pdf).problem(t, 403, "forbidden")
	r := e.upload("/api/v1/tenders/"+id+"/documents", e.admin, "../招标文件（兴大社区）.pdf", pdf)
	r.ok(t, 201)
	doc := r.json(t)
	sum := sha256.Sum256(pdf)
	if doc["sha256"] != hex.EncodeToString(sum[:]) || doc["size_bytes"].(float64) != float64(len(pdf)) ||
		doc["filename"] != "招标文件（兴大社区）.pdf" || doc["content_type"] != "application/pdf" {
		t.Fatalf("document: %s", r.Body)
	}
	docID := doc["id"].(string)
	var key string
	e.store.DB().Get(&key, `SELECT object_key FROM documents WHERE id = $1`, docID)
	if !strings.HasPrefix(key, "tenders/"+id+"/") || strings.Contains(key, "招标") {
		t.Fatalf("object key %q is not generated by the server", key)
	}

	// While a draft, the public cannot see it; once published it can.
	e.do("GET", "/api/v1/documents/"+docID+"/content", "", nil).problem(t, 404, "not_found")
	e.do("POST", "/api/v1/tenders/"+id+"/publish", e.admin, nil).ok(t, 200)
	c := e.do("GET", "/api/v1/documents/"+docID+"/content", "", nil)
	c.ok(t, 200)
	if string(c.Body) != string(pdf) {
		t.Fatal("downloaded content differs")
	}
	cd := c.Header.Get("Content-Disposition")
	if !strings.Contains(cd, "filename*=UTF-8''%E6%8B%9B%E6%A0%87") || c.Header.Get("X-Content-Type-Options") != "nosniff" {
		t.Fatalf("headers: %v", c.Header)
	}
	rg := e.do("GET", "/api/v1/documents/"+docID+"/content", "", nil, "Range", "bytes=0-4")
	rg.ok(t, 206)
	if string(rg.Body) != "%PDF-" || rg.Header.Get("Content-Range") != fmt.Sprintf("bytes 0-4/%d", len(pdf)) {
		t.Fatalf("range: %q %v", rg.Body, rg.Header.Get("Content-Range"))
	}
	if tail := e.do("GET", "/api/v1/documents/"+docID+"/content", "", nil, "Range", "bytes=-3"); string(tail.Body) != string(pdf[len(pdf)-3:]) {
		t.Fatalf("suffix range: %q", tail.Body)
	}
	e.do("GET", "/api/v1/documents/"+docID+"/content", "", nil, "Range", fmt.Sprintf("bytes=%d-", len(pdf)+5)).
		problem(t, 416, "validation_failed")
	list := e.do("GET", "/api/v1/tenders/"+id+"/documents", "", nil)
	if !strings.Contains(string(list.Body), docID) {
		t.Fatalf("list: %s", list.Body)
	}

	count := func() int {
		var n int
		e.store.DB().Get(&n, `SELECT count(*) FROM documents`)
		return n
	}
	before := count()
	e.upload("/api/v1/tenders/"+id+"/documents", e.admin, "空文件.pdf", nil).problem(t, 422, "validation_failed")
	e.upload("/api/v1/tenders/"+id+"/documents", e.admin, "大文件.pdf", append([]byte("%PDF-"), make([]byte, 1<<20)...)).
		problem(t, 413, "payload_too_large")
	e.upload("/api/v1/tenders/"+id+"/documents", e.admin, "报价单.pdf", append([]byte("MZ\x90\x00"), make([]byte, 100)...)).
		problem(t, 415, "unsupported_media_type")
	e.upload("/api/v1/tenders/"+id+"/documents", e.admin, "readme.txt", []byte("plain text")).
		problem(t, 415, "unsupported_media_type")
	e.do("POST", "/api/v1/tenders/"+id+"/documents", e.admin, map[string]any{"file": "x"}).problem(t, 415, "unsupported_media_type")
	if count() != before {
		t.Fatal("a refused upload left a row")
	}
	objs, err := e.objects.List(t.Context(), "tenders/")
	if err != nil || len(objs) != before {
		t.Fatalf("a refused upload left an object: %d objects, %d rows (%v)", len(objs), before, err)
	}
	e.do("POST", "/api/v1/tenders/"+id+"/cancel", e.admin, map[string]any{"reason": "取消"}).ok(t, 200)
	e.upload("/api/v1/tenders/"+id+"/documents", e.admin, "补遗.pdf", pdf).problem(t, 409, "invalid_state")
}

func TestOrphanSweeper(t *testing.T) {
	e := newEnv(t)
	ctx := t.Context()
	if err := e.objects.Put(ctx, "tenders/x/orphan", strings.NewReader("%PDF-orphan"), -1, "application/pdf"); err != nil {
		t.Fatal(err)
	}
	id := e.createTender(tenderBody("有文件的项目"))
	e.upload("/api/v1/tenders/"+id+"/documents", e.admin, "a.pdf", []byte("%PDF-kept")).ok(t, 201)
	if n, err := e.store.SweepOrphans(ctx, time.Hour); err != nil || n != 0 {
		t.Fatalf("young orphans must be left alone (an upload may be about to write its row): %d %v", n, err)
	}
	if n, err := e.store.SweepOrphans(ctx, -time.Minute); err != nil || n != 1 {
		t.Fatalf("swept %d, want 1 (%v)", n, err)
	}
	objs, _ := e.objects.List(ctx, "tenders/")
	if len(objs) != 1 {
		t.Fatalf("%d objects left, want the one with a row", len(objs))
	}
}

func TestUploadWhenMinIOStops(t *testing.T) {
	m := storagetest.StartMinIO(t)
	store := storagetest.NewStore(t)
	objects, err := storage.NewObjects(m.Config)
	if err != nil {
		t.Fatal(err)
	}
	if err := objects.EnsureBucket(t.Context()); err != nil {
		t.Fatal(err)
	}
	base := newEnv(t)
	store.UseObjects(objects)
	app, err := handlers.New(base.opts, store)
	if err != nil {
		t.Fatal(err)
	}
	store.CreateUser(t.Context(), tender.Actor{}, tender.User{Username: "admin", Role: tender.RoleAdmin, Name: "a"}, testPassword)
	e := &env{t: t, app: app, store: store, objects: objects, opts: base.opts, communities: registerCommunities(t, store)}
	e.admin = e.login("admin", testPassword)
	id := e.createTender(tenderBody("存储故障项目"))
	e.upload("/api/v1/tenders/"+id+"/documents", e.admin, "a.pdf", []byte("%PDF-before")).ok(t, 201)

	m.Stop()
	e.upload("/api/v1/tenders/"+id+"/documents", e.admin, "b.pdf", []byte("%PDF-during")).problem(t, 503, "storage_unavailable")
	var n int
	store.DB().Get(&n, `SELECT count(*) FROM documents`)
	if n != 1 {
		t.Fatalf("%d document rows, want only the one stored before MinIO stopped", n)
	}
	if r := e.do("GET", "/readyz", "", nil); r.Status != 503 {
		t.Fatalf("readyz with MinIO stopped: %d", r.Status)
	}
	e.do("GET", "/healthz", "", nil).ok(t, 200)
}

// searchTitles are the titles of the public's first page of a search for q.
func (e *env) searchTitles(q string) []string {
	e.t.Helper()
	r := e.do("GET", "/api/v1/tenders?q="+urlQuery(q), "", nil)
	r.ok(e.t, 200)
	var p struct {
		Items []tender.Tender `json:"items"`
	}
	r.decode(e.t, &p)
	var out []string
	for _, it := range p.Items {
		out = append(out, it.Title)
	}
	return out
}
