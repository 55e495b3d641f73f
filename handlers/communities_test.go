package handlers_test

import (
	"encoding/json"
	"fmt"
	"testing"

	"github.com/linshu/portal/tender"
)

func communityBody(name string) map[string]any {
	return map[string]any{"name": name, "town": "玉山镇", "kind": "rural", "residents": 3000, "staff_total": 6,
		"social_work_staff": 2, "certified_social_workers": 1, "registered_volunteers": 320}
}

func TestCommunityRegistry(t *testing.T) {
	e := newEnv(t)
	r := e.do("POST", "/api/v1/communities", e.admin, communityBody("玉山镇玉山社区"))
	r.ok(t, 201)
	var c tender.Community
	r.decode(t, &c)
	if c.ID == "" || c.Kind != tender.CommunityRural || c.RegisteredVolunteers != 320 {
		t.Fatalf("created: %+v", c)
	}
	// Public read, paged, filtered by town.
	var page struct {
		Items      []tender.Community `json:"items"`
		NextCursor *string            `json:"next_cursor"`
	}
	e.do("GET", "/api/v1/communities?limit=2", "", nil).decode(t, &page)
	if len(page.Items) != 2 || page.NextCursor == nil {
		t.Fatalf("first page: %+v", page)
	}
	seen := map[string]bool{page.Items[0].Name: true, page.Items[1].Name: true}
	e.do("GET", "/api/v1/communities?limit=2&cursor="+*page.NextCursor, "", nil).decode(t, &page)
	for _, it := range page.Items {
		if seen[it.Name] {
			t.Fatalf("%s on two pages", it.Name)
		}
		seen[it.Name] = true
	}
	if len(seen) != 4 {
		t.Fatalf("pages cover %d communities, want 4", len(seen))
	}
	e.do("GET", "/api/v1/communities?town="+urlQuery("玉山镇"), "", nil).decode(t, &page)
	if len(page.Items) != 1 || page.Items[0].ID != c.ID {
		t.Fatalf("town filter: %+v", page.Items)
	}
	// Until contracts report services (§7.5) a community has none.
	if one := e.do("GET", "/api/v1/communities/"+c.ID, "", nil).json(t); fmt.Sprint(one["service"]) != "[]" {
		t.Fatalf("service of a new community: %v", one["service"])
	}
	e.do("GET", "/api/v1/communities/nonsense", "", nil).problem(t, 404, "not_found")
	e.do("GET", "/api/v1/communities?cursor=nonsense", "", nil).problem(t, 422, "validation_failed")
}

func TestCommunityBadInputWritesNothing(t *testing.T) {
	e := newEnv(t)
	id := e.communities["临沭街道兴大社区"]
	before := e.do("GET", "/api/v1/communities/"+id, "", nil).Body
	for _, tc := range []struct {
		name  string
		body  map[string]any
		field string
	}{
		{"negative residents", map[string]any{"residents": -1}, "residents"},
		{"absurd residents", map[string]any{"residents": 20_000_000}, "residents"},
		{"social-work staff above staff", map[string]any{"staff_total": 5, "social_work_staff": 6}, "social_work_staff"},
		{"certified above social-work staff", map[string]any{"certified_social_workers": 7}, "certified_social_workers"},
		{"volunteers with no residents", map[string]any{"residents": 0}, "registered_volunteers"},
		{"unknown kind", map[string]any{"kind": "suburban"}, "kind"},
		{"duplicate name", map[string]any{"name": "郑山街道金山社区"}, "name"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := e.do("PATCH", "/api/v1/communities/"+id, e.admin, tc.body)
			code, status := "validation_failed", 422
			if tc.field == "name" {
				code, status = "conflict", 409
			}
			if m := r.problem(t, status, code); !contains(fieldsOf(m), tc.field) {
				t.Fatalf("fields %v, want %s", fieldsOf(m), tc.field)
			}
			if after := e.do("GET", "/api/v1/communities/"+id, "", nil).Body; string(after) != string(before) {
				t.Fatalf("written: %s", after)
			}
		})
	}
	r := e.do("POST", "/api/v1/communities", e.admin, communityBody("临沭街道兴大社区"))
	if m := r.problem(t, 409, "conflict"); !contains(fieldsOf(m), "name") {
		t.Fatalf("duplicate registration: %s", r.Body)
	}
	r = e.do("POST", "/api/v1/communities", e.admin, map[string]any{"name": "新社区\u202e", "kind": "urban"})
	if m := r.problem(t, 422, "validation_failed"); !contains(fieldsOf(m), "name") {
		t.Fatalf("bidi override: %s", r.Body)
	}
	var page struct {
		Items []tender.Community `json:"items"`
	}
	e.do("GET", "/api/v1/communities?limit=100", "", nil).decode(t, &page)
	if len(page.Items) != len(testCommunities) {
		t.Fatalf("%d communities after refused registrations, want %d", len(page.Items), len(testCommunities))
	}
}

func TestCommunityCountsAuditedAndOwnUser(t *testing.T) {
	e := newEnv(t)
	id := e.communities["郑山街道金山社区"]
	other := e.communities["临沭街道兴大社区"]
	_, tok := e.staff(tender.RoleCommunity, "jinshan", map[string]any{"community_id": id})

	// Login and /me carry the community.
	r := e.do("POST", "/api/v1/auth/login", "", map[string]string{"username": "jinshan", "password": testPassword})
	var login struct {
		User struct {
			CommunityID *string `json:"community_id"`
		} `json:"user"`
	}
	r.decode(t, &login)
	if login.User.CommunityID == nil || *login.User.CommunityID != id {
		t.Fatalf("login user: %s", r.Body)
	}
	if me := e.do("GET", "/api/v1/me", tok, nil).json(t); me["community_id"] != id {
		t.Fatalf("/me: %v", me)
	}

	r = e.do("PATCH", "/api/v1/communities/"+id, tok, map[string]any{"social_work_staff": 5, "registered_volunteers": 600})
	r.ok(t, 200)
	var c tender.Community
	r.decode(t, &c)
	if c.SocialWorkStaff != 5 || c.RegisteredVolunteers != 600 || c.Residents != 5200 {
		t.Fatalf("after patch: %+v", c)
	}
	// The change is audited as {field: [old, new]}.
	var audit struct {
		Items []struct {
			Action  string          `json:"action"`
			Details json.RawMessage `json:"details"`
		} `json:"items"`
	}
	e.do("GET", "/api/v1/audit?entity=community&entity_id="+id, e.admin, nil).decode(t, &audit)
	if len(audit.Items) == 0 || audit.Items[0].Action != "update" {
		t.Fatalf("audit: %+v", audit)
	}
	var details map[string][2]int
	if err := json.Unmarshal(audit.Items[0].Details, &details); err != nil {
		t.Fatalf("details %s: %v", audit.Items[0].Details, err)
	}
	if details["social_work_staff"] != [2]int{3, 5} || details["registered_volunteers"] != [2]int{300, 600} || len(details) != 2 {
		t.Fatalf("audit details: %v", details)
	}

	// Its own user changes counts only; another community is out of its reach.
	r = e.do("PATCH", "/api/v1/communities/"+id, tok, map[string]any{"name": "改名社区"})
	if m := r.problem(t, 422, "validation_failed"); !contains(fieldsOf(m), "name") {
		t.Fatalf("rename by community user: %s", r.Body)
	}
	e.do("PATCH", "/api/v1/communities/"+other, tok, map[string]any{"residents": 1}).problem(t, 404, "not_found")
	if c := e.do("GET", "/api/v1/communities/"+other, "", nil).json(t); c["residents"] != float64(8600) {
		t.Fatalf("other community changed: %v", c)
	}

	// A community user needs a registered community, and only that role has one.
	r = e.do("POST", "/api/v1/users", e.admin, map[string]any{"username": "nocomm", "password": testPassword,
		"role": "community", "name": "无社区"})
	if m := r.problem(t, 422, "validation_failed"); !contains(fieldsOf(m), "community_id") {
		t.Fatalf("community user without community: %s", r.Body)
	}
	r = e.do("POST", "/api/v1/users", e.admin, map[string]any{"username": "ghost", "password": testPassword,
		"role": "community", "name": "未知", "community_id": "00000000-0000-0000-0000-000000000000"})
	if m := r.problem(t, 422, "validation_failed"); !contains(fieldsOf(m), "community_id") {
		t.Fatalf("unknown community: %s", r.Body)
	}
	r = e.do("POST", "/api/v1/users", e.admin, map[string]any{"username": "auditor9", "password": testPassword,
		"role": "auditor", "name": "审计", "community_id": id})
	if m := r.problem(t, 422, "validation_failed"); !contains(fieldsOf(m), "community_id") {
		t.Fatalf("auditor with community: %s", r.Body)
	}
}

func TestTendersAndOrganizationsReferenceCommunities(t *testing.T) {
	e := newEnv(t)
	xingda := e.communities["临沭街道兴大社区"]
	jinshan := e.communities["郑山街道金山社区"]

	// By name: answered with both the id and the name.
	r := e.do("POST", "/api/v1/tenders", e.admin, tenderBody("按名称"))
	r.ok(t, 201)
	tn := r.json(t)
	if tn["community_id"] != xingda || tn["community"] != "临沭街道兴大社区" {
		t.Fatalf("by name: %v %v", tn["community_id"], tn["community"])
	}
	// By id.
	b := tenderBody("按编号")
	delete(b, "community")
	b["community_id"] = jinshan
	r = e.do("POST", "/api/v1/tenders", e.admin, b)
	r.ok(t, 201)
	if m := r.json(t); m["community"] != "郑山街道金山社区" {
		t.Fatalf("by id: %v", m["community"])
	}
	// A PATCH naming the other community by name replaces the id too.
	id := tn["id"].(string)
	r = e.do("PATCH", "/api/v1/tenders/"+id, e.admin, map[string]any{"community": "郑山街道金山社区"})
	r.ok(t, 200)
	if m := r.json(t); m["community_id"] != jinshan {
		t.Fatalf("patched by name: %v", m["community_id"])
	}
	// County-wide.
	b = tenderBody("全县")
	b["community"], b["community_preference_pct"] = "", 0
	r = e.do("POST", "/api/v1/tenders", e.admin, b)
	r.ok(t, 201)
	if m := r.json(t); m["community_id"] != nil || m["community"] != "" {
		t.Fatalf("county-wide: %v %v", m["community_id"], m["community"])
	}

	// Unknown community: 422 naming the field, nothing written.
	var before struct {
		Items []map[string]any `json:"items"`
	}
	e.do("GET", "/api/v1/tenders?limit=100", e.admin, nil).decode(t, &before)
	b = tenderBody("未知社区")
	b["community"] = "火星社区"
	if m := e.do("POST", "/api/v1/tenders", e.admin, b).problem(t, 422, "validation_failed"); !contains(fieldsOf(m), "community") {
		t.Fatalf("unknown name: %v", m)
	}
	delete(b, "community")
	b["community_id"] = "00000000-0000-0000-0000-000000000000"
	if m := e.do("POST", "/api/v1/tenders", e.admin, b).problem(t, 422, "validation_failed"); !contains(fieldsOf(m), "community_id") {
		t.Fatalf("unknown id: %v", m)
	}
	if m := e.do("PATCH", "/api/v1/tenders/"+id, e.admin, map[string]any{"community": "火星社区"}).problem(t, 422, "validation_failed"); !contains(fieldsOf(m), "community") {
		t.Fatalf("unknown name on patch: %v", m)
	}
	var after struct {
		Items []map[string]any `json:"items"`
	}
	e.do("GET", "/api/v1/tenders?limit=100", e.admin, nil).decode(t, &after)
	if len(after.Items) != len(before.Items) {
		t.Fatalf("%d tenders after refused creations, want %d", len(after.Items), len(before.Items))
	}
	if m := e.do("GET", "/api/v1/tenders/"+id, e.admin, nil).json(t); m["community_id"] != jinshan {
		t.Fatalf("refused patch wrote: %v", m["community_id"])
	}
	// The list filter takes the name.
	var list struct {
		Items []map[string]any `json:"items"`
	}
	e.do("GET", "/api/v1/tenders?community="+urlQuery("郑山街道金山社区"), e.admin, nil).decode(t, &list)
	if len(list.Items) != 2 {
		t.Fatalf("community filter: %d items", len(list.Items))
	}

	// Organizations: registered by name, unknown name refused.
	orgID, _ := e.org("refsorg", false)
	if o := e.do("GET", "/api/v1/organizations/"+orgID, e.admin, nil).json(t); o["community_id"] != xingda {
		t.Fatalf("organization community: %v", o)
	}
	body := orgBody("marsorg")
	body["community"] = "火星社区"
	if m := e.do("POST", "/api/v1/organizations/register", "", body).problem(t, 422, "validation_failed"); !contains(fieldsOf(m), "community") {
		t.Fatalf("org unknown community: %v", m)
	}
	e.do("POST", "/api/v1/auth/login", "", map[string]string{"username": "marsorg", "password": testPassword}).problem(t, 401, "unauthenticated")
}

func TestCommunityIndicators(t *testing.T) {
	e := newEnv(t)
	id := e.communities["临沭街道兴大社区"] // 8600 residents, 12 staff, 6 in social work, 2 certified, 900 volunteers
	for i, approve := range []bool{true, true, false} {
		e.org(fmt.Sprintf("indorg%d", i), approve)
	}
	var got struct {
		CommunityID string `json:"community_id"`
		Name        string `json:"name"`
		Kind        string `json:"kind"`
		Indicators  []struct {
			Key    string          `json:"key"`
			Value  json.RawMessage `json:"value"`
			Target json.RawMessage `json:"target"`
			Met    *bool           `json:"met"`
		} `json:"indicators"`
	}
	r := e.do("GET", "/api/v1/communities/"+id+"/indicators", "", nil)
	r.decode(t, &got)
	if got.CommunityID != id || got.Name != "临沭街道兴大社区" || got.Kind != "urban" {
		t.Fatalf("header: %s", r.Body)
	}
	want := map[string]string{
		"social_work_staff_ratio":  "0.5000 0.5000 true",
		"certified_social_workers": "2 1 true",
		"community_social_orgs":    "2 6 false", // the pending one does not count
		"volunteer_ratio":          "0.1047 0.1000 true",
		"volunteer_participation":  "0.0000 0.3000 false",
		"active_services":          "0 null <nil>",
	}
	if len(got.Indicators) != len(want) {
		t.Fatalf("indicators: %s", r.Body)
	}
	for _, in := range got.Indicators {
		met := "<nil>"
		if in.Met != nil {
			met = fmt.Sprint(*in.Met)
		}
		if g := fmt.Sprintf("%s %s %s", in.Value, in.Target, met); g != want[in.Key] {
			t.Errorf("%s: %s, want %s", in.Key, g, want[in.Key])
		}
	}
	// /stats carries every community's indicators.
	var st struct {
		Indicators []struct {
			CommunityID string            `json:"community_id"`
			Indicators  []json.RawMessage `json:"indicators"`
		} `json:"indicators"`
	}
	e.do("GET", "/api/v1/stats", "", nil).decode(t, &st)
	if len(st.Indicators) != len(testCommunities) {
		t.Fatalf("stats indicators for %d communities, want %d", len(st.Indicators), len(testCommunities))
	}
	e.do("GET", "/api/v1/communities/00000000-0000-0000-0000-000000000000/indicators", "", nil).problem(t, 404, "not_found")
}

// TestIndicatorsCountDeliveredServices: a signed contract of the community's
// tender is an active service, and the volunteers of its accepted report take
// part in the community's volunteering (§7.1, §7.5).
func TestIndicatorsCountDeliveredServices(t *testing.T) {
	e := newEnv(t)
	c := e.awardedContract()
	k := e.sign(c)
	base := "/api/v1/contracts/" + c.contractID
	m1 := k.Milestones[0]
	e.do("POST", base+"/milestones/"+m1.ID+"/report", c.orgTok, report("第一阶段", "v1", "v2", "v3")).ok(t, 201)
	e.do("POST", base+"/milestones/"+m1.ID+"/accept", e.admin, map[string]any{}).ok(t, 200)

	id := e.communities["临沭街道兴大社区"] // 8600 residents
	var got struct {
		Indicators []struct {
			Key   string          `json:"key"`
			Value json.RawMessage `json:"value"`
		} `json:"indicators"`
	}
	e.do("GET", "/api/v1/communities/"+id+"/indicators", "", nil).decode(t, &got)
	values := map[string]string{}
	for _, in := range got.Indicators {
		values[in.Key] = string(in.Value)
	}
	if values["active_services"] != "1" || values["volunteer_participation"] != "0.0003" {
		t.Fatalf("indicators after a delivered service: %v", values)
	}
	one := e.do("GET", "/api/v1/communities/"+id, "", nil).json(t)
	if fmt.Sprint(one["service"]) != "[map[beneficiaries:120 volunteer_hours:37.5 year:2027]]" {
		t.Fatalf("service per year: %v", one["service"])
	}
	other := e.communities["蛟龙镇蛟龙社区"]
	e.do("GET", "/api/v1/communities/"+other+"/indicators", "", nil).decode(t, &got)
	for _, in := range got.Indicators {
		if in.Key == "active_services" && string(in.Value) != "0" {
			t.Fatalf("another community counts the service: %s", in.Value)
		}
	}
}

// The registry's pages are kept encoded by the fingerprint of their rows
// (handlers/fingerprints.go): a change of a listed community, a new one and
// a renamed one each show at once, on the page and on the pages after.
func TestCommunityListPagesFollowChanges(t *testing.T) {
	e := newEnv(t)
	type page struct {
		Items      []tender.Community `json:"items"`
		NextCursor *string            `json:"next_cursor"`
	}
	list := func(query string) page {
		var p page
		e.do("GET", "/api/v1/communities?"+query, "", nil).decode(t, &p)
		return p
	}
	find := func(p page, id string) *tender.Community {
		for i := range p.Items {
			if p.Items[i].ID == id {
				return &p.Items[i]
			}
		}
		return nil
	}
	id := e.communities["临沭街道兴大社区"]
	first := e.do("GET", "/api/v1/communities?limit=100", "", nil).Body
	if again := e.do("GET", "/api/v1/communities?limit=100", "", nil).Body; string(again) != string(first) {
		t.Fatalf("the same rows answered differently:\n%s\n%s", first, again)
	}
	before := find(list("limit=100"), id)
	if before == nil {
		t.Fatalf("community %s not listed", id)
	}
	e.do("PATCH", "/api/v1/communities/"+id, e.admin, map[string]any{"residents": before.Residents + 7}).ok(t, 200)
	if got := find(list("limit=100"), id); got == nil || got.Residents != before.Residents+7 {
		t.Fatalf("after the change: %+v, want residents %d", got, before.Residents+7)
	}
	r := e.do("POST", "/api/v1/communities", e.admin, communityBody("玉山镇阿拉社区"))
	r.ok(t, 201)
	var added tender.Community
	r.decode(t, &added)
	if find(list("limit=100"), added.ID) == nil {
		t.Fatalf("new community %s not listed", added.ID)
	}
	// Pages after a cursor follow too: the first page's last community, renamed to sort last, leaves it.
	p1 := list("limit=1")
	if p1.NextCursor == nil || len(p1.Items) != 1 {
		t.Fatalf("first page of one: %+v", p1)
	}
	p2 := list("limit=1&cursor=" + *p1.NextCursor)
	e.do("PATCH", "/api/v1/communities/"+p2.Items[0].ID, e.admin, map[string]any{"name": "龘龘社区"}).ok(t, 200)
	if again := list("limit=1&cursor=" + *p1.NextCursor); len(again.Items) != 1 || again.Items[0].ID == p2.Items[0].ID {
		t.Fatalf("renamed community still second: %+v", again.Items)
	}
}
