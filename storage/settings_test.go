package storage

import (
	"reflect"
	"testing"

	"github.com/linshu/portal/tender"
)

// TestSettingsCacheCopies: a cached decode gives each caller its own copy, so
// changing one tender's criteria or organization types changes no other.
func TestSettingsCacheCopies(t *testing.T) {
	c := &settingsCache{}
	rawEval := []byte(`{"method":"comprehensive","panel_size":3,"trim_extremes":true,"criteria":[{"id":"c1","name":"方案","max_score":60,"kind":"quality"},{"id":"p","name":"报价","max_score":40,"kind":"price"}]}`)
	rawElig := []byte(`{"org_types":["social_org"],"registered_only":true,"min_social_workers":2}`)
	first, err := c.evaluation(rawEval)
	if err != nil {
		t.Fatal(err)
	}
	want := tender.EvaluationConfig{Method: "comprehensive", PanelSize: 3, TrimExtremes: true, Criteria: []tender.Criterion{
		{ID: "c1", Name: "方案", MaxScore: 60, Kind: "quality"}, {ID: "p", Name: "报价", MaxScore: 40, Kind: "price"}}}
	if !reflect.DeepEqual(first, want) {
		t.Fatalf("decoded %+v", first)
	}
	first.Criteria[0].MaxScore = 1
	second, err := c.evaluation(rawEval)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(second, want) {
		t.Fatalf("the cached settings changed with a caller's copy: %+v", second)
	}
	e1, err := c.eligibility(rawElig)
	if err != nil {
		t.Fatal(err)
	}
	e1.OrgTypes[0] = "other"
	e2, err := c.eligibility(rawElig)
	if err != nil {
		t.Fatal(err)
	}
	if want := (tender.Eligibility{OrgTypes: []tender.OrgType{"social_org"}, RegisteredOnly: true, MinSocialWorkers: 2}); !reflect.DeepEqual(e2, want) {
		t.Fatalf("eligibility %+v, want %+v", e2, want)
	}
	if _, err := c.evaluation([]byte(`{"criteria":`)); err == nil {
		t.Fatal("malformed JSON decoded")
	}
}
