package handlers_test

import (
	"bytes"
	"fmt"
	"testing"
)

// TestFactsFrozenAtSubmission (§8.2): the opening record shows each bid's
// facts as submitted; after the opening an organization cannot move itself to
// the tender's community (nor change its type), and when the bureau moves it
// the evaluation, which reads the frozen facts, does not change.
func TestFactsFrozenAtSubmission(t *testing.T) {
	e := newEnv(t)
	ev := e.evaluatingTender("purchase", 3, []int64{28000000, 27000000, 29000000})
	var opening struct {
		Bids []struct {
			BidID string         `json:"bid_id"`
			Facts map[string]any `json:"facts"`
		} `json:"bids"`
	}
	e.do("GET", "/api/v1/tenders/"+ev.id+"/opening", "", nil).decode(t, &opening)
	facts := map[string]map[string]any{}
	for _, b := range opening.Bids {
		facts[b.BidID] = b.Facts
	}
	if f := facts[ev.bids[1]]; f["community"] != "郑山街道金山社区" || f["type"] == nil || f["registration"] == nil || f["social_workers"] == nil {
		t.Fatalf("opening record facts: %v", f)
	}
	for i, tok := range ev.experts {
		for j, b := range ev.bids {
			e.score(ev.id, tok, b, map[string]string{"c1": fmt.Sprint(30 + i + j), "c2": "25"}).ok(t, 200)
		}
		e.do("POST", "/api/v1/tenders/"+ev.id+"/scores/submit", tok, nil).ok(t, 200)
	}
	before := e.do("GET", "/api/v1/tenders/"+ev.id+"/evaluation", e.admin, nil)
	before.ok(t, 200)

	// The organization cannot move itself into the tender's community, nor change its type.
	org1 := ev.orgIDs[1]
	for field, value := range map[string]any{"community": "临沭街道兴大社区", "type": "social_org"} {
		m := e.do("PATCH", "/api/v1/organizations/"+org1, ev.orgs[1], map[string]any{field: value}).problem(t, 422, "validation_failed")
		if !contains(fieldsOf(m), field) {
			t.Fatalf("%s: %v", field, m)
		}
	}
	o := e.do("GET", "/api/v1/organizations/"+org1, ev.orgs[1], nil).json(t)
	if o["community"] != "郑山街道金山社区" || o["type"] != "social_work_agency" {
		t.Fatalf("a refused change was written: %v", o)
	}
	// The bureau can, audited; the evaluation keeps the facts as submitted.
	e.do("PATCH", "/api/v1/organizations/"+org1, e.admin, map[string]any{"community": "临沭街道兴大社区"}).ok(t, 200)
	var audited int
	e.store.DB().Get(&audited, `SELECT count(*) FROM audit_entries WHERE entity = 'organization' AND entity_id = $1
		AND details->>'community' = '临沭街道兴大社区' AND details->>'community_before' = '郑山街道金山社区'`, org1)
	if audited != 1 {
		t.Fatal("the bureau's change of community is not audited")
	}
	after := e.do("GET", "/api/v1/tenders/"+ev.id+"/evaluation", e.admin, nil)
	if !bytes.Equal(before.Body, after.Body) {
		t.Fatalf("the evaluation moved with the organization:\nbefore %s\nafter  %s", before.Body, after.Body)
	}
}
