package tender

import (
	"encoding/json"
	"reflect"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"
)

var testNow = time.Date(2026, 11, 20, 9, 0, 0, 0, time.FixedZone("CST", 8*3600))

var testCfg = Config{MinBidWindow: 120 * time.Hour, PublicTenderFen: 100000000, MinPublicity: 168 * time.Hour}

func ptr[T any](v T) *T { return &v }

// validPurchase is a draft purchase that publishes at testNow with testCfg.
func validPurchase() Tender {
	t := Tender{
		ID: "t1", Kind: KindPurchase, Title: "兴大社区居家养老服务", Community: "临沭街道兴大社区",
		FundingSource: FundingWelfareLottery, BudgetFen: 30000000,
		ServiceStart: "2027-01-01", ServiceEnd: "2027-12-31",
		Eligibility:            Eligibility{OrgTypes: []OrgType{OrgSocialOrg, OrgSocialWorkAgency}, RegisteredOnly: true, MinSocialWorkers: 1},
		CommunityPreferencePct: 5,
		Evaluation: EvaluationConfig{Criteria: []Criterion{
			{Name: "服务方案", MaxScore: 40, Kind: CriterionQuality},
			{Name: "团队与资质", MaxScore: 30, Kind: CriterionQuality},
			{Name: "报价", MaxScore: 30, Kind: CriterionPrice},
		}},
		EnquiryDeadline: testNow.Add(7 * 24 * time.Hour),
		BidDeadline:     testNow.Add(14 * 24 * time.Hour),
		Status:          StatusDraft,
	}
	t.ApplyDefaults()
	return t
}

// validVenture is a draft venture call that publishes at testNow with testCfg.
func validVenture() Tender {
	t := validPurchase()
	t.Kind = KindVenture
	t.Title = "2027年公益创投"
	t.BudgetFen = 50000000
	t.MaxAwardFen = ptr(int64(10000000))
	t.MaxAwards = 5
	t.MinBids = 0
	t.Evaluation.Criteria = []Criterion{
		{ID: "c1", Name: "项目设计", MaxScore: 60, Kind: CriterionQuality},
		{ID: "c2", Name: "可持续性", MaxScore: 40, Kind: CriterionQuality},
	}
	t.ApplyDefaults()
	return t
}

func errCode(err error) string {
	if err == nil {
		return ""
	}
	return ErrorCode(err)
}

func errFields(err error) []string {
	e, ok := AsError(err)
	if !ok {
		return nil
	}
	var out []string
	for _, f := range e.Fields {
		out = append(out, f.Field)
	}
	return out
}

// expectedTransitions is the lifecycle of SPEC §4, written out independently
// of tenderTransitions.
var expectedTransitions = map[Status][]Status{
	StatusDraft:      {StatusOpen, StatusCancelled},
	StatusOpen:       {StatusEvaluating, StatusFailed, StatusCancelled},
	StatusEvaluating: {StatusAwarded, StatusFailed, StatusCancelled},
	StatusAwarded:    {StatusEvaluating, StatusCompleted},
	StatusCompleted:  nil,
	StatusCancelled:  nil,
	StatusFailed:     nil,
}

func TestTransitionsAllPairs(t *testing.T) {
	all := Statuses()
	if len(all) != len(expectedTransitions) {
		t.Fatalf("Statuses() has %d statuses, the test knows %d: add the new status to expectedTransitions", len(all), len(expectedTransitions))
	}
	for _, from := range all {
		if _, ok := expectedTransitions[from]; !ok {
			t.Fatalf("status %q missing from expectedTransitions", from)
		}
		if !from.Valid() {
			t.Errorf("%q not Valid", from)
		}
		for _, to := range all {
			want := slices.Contains(expectedTransitions[from], to)
			if got := CanTransition(from, to); got != want {
				t.Errorf("CanTransition(%s, %s) = %v, want %v", from, to, got, want)
			}
		}
		if got, want := from.Terminal(), len(expectedTransitions[from]) == 0; got != want {
			t.Errorf("%s.Terminal() = %v, want %v", from, got, want)
		}
	}
	for v, byFrom := range tenderTransitions {
		if tenderVerbLabel[v] == "" {
			t.Errorf("verb %q has no label", v)
		}
		for from, tos := range byFrom {
			if !from.Valid() {
				t.Errorf("verb %s starts from unknown status %q", v, from)
			}
			for _, to := range tos {
				if !to.Valid() {
					t.Errorf("verb %s leads to unknown status %q", v, to)
				}
			}
		}
	}
	if Status("archived").Valid() {
		t.Error("unknown status reported valid")
	}
}

func TestVerbsFromEveryStatus(t *testing.T) {
	after := testNow.Add(30 * 24 * time.Hour)
	verbs := []struct {
		name string
		from []Status
		to   Status
		do   func(tn *Tender) error
	}{
		{"publish", []Status{StatusDraft}, StatusOpen, func(tn *Tender) error { return tn.Publish(testNow, testCfg, Calendar{}) }},
		{"cancel", []Status{StatusDraft, StatusOpen, StatusEvaluating}, StatusCancelled, func(tn *Tender) error { return tn.Cancel("预算调整") }},
		{"open", []Status{StatusOpen}, StatusEvaluating, func(tn *Tender) error { _, err := tn.Open(after, 3); return err }},
		{"open_failed", []Status{StatusOpen}, StatusFailed, func(tn *Tender) error { _, err := tn.Open(after, 2); return err }},
		{"fail", []Status{StatusEvaluating}, StatusFailed, func(tn *Tender) error { _, err := tn.FailAfterQualification(1, true); return err }},
		{"award", []Status{StatusEvaluating}, StatusAwarded, func(tn *Tender) error { return tn.Award() }},
		{"revoke_award", []Status{StatusAwarded}, StatusEvaluating, func(tn *Tender) error { return tn.RevokeAward() }},
		{"complete", []Status{StatusAwarded}, StatusCompleted, func(tn *Tender) error { return tn.Complete() }},
	}
	for _, v := range verbs {
		for _, s := range Statuses() {
			tn := validPurchase()
			tn.Status = s
			err := v.do(&tn)
			if slices.Contains(v.from, s) {
				if err != nil {
					t.Errorf("%s from %s: %v", v.name, s, err)
				} else if tn.Status != v.to {
					t.Errorf("%s from %s: status %s, want %s", v.name, s, tn.Status, v.to)
				}
				if !CanTransition(s, v.to) {
					t.Errorf("%s from %s to %s succeeded but the table forbids it", v.name, s, v.to)
				}
				continue
			}
			if errCode(err) != CodeInvalidState {
				t.Errorf("%s from %s: err %v, want invalid_state", v.name, s, err)
			}
			if tn.Status != s {
				t.Errorf("%s from %s changed status to %s", v.name, s, tn.Status)
			}
		}
	}
}

func TestPublishValid(t *testing.T) {
	for name, tn := range map[string]Tender{"purchase": validPurchase(), "venture": validVenture()} {
		if err := tn.ValidateDraft(); err != nil {
			t.Fatalf("%s: ValidateDraft: %v", name, err)
		}
		if err := tn.Publish(testNow, testCfg, Calendar{}); err != nil {
			t.Fatalf("%s: Publish: %v", name, err)
		}
		if tn.Status != StatusOpen || tn.PublishedAt == nil || !tn.PublishedAt.Equal(testNow) {
			t.Errorf("%s: status %s published_at %v", name, tn.Status, tn.PublishedAt)
		}
	}
}

func TestPublishRules(t *testing.T) {
	cases := []struct {
		name   string
		base   func() Tender
		cfg    Config
		change func(tn *Tender)
		fields []string // nil: publishes
	}{
		{"enquiry after bid deadline", validPurchase, testCfg, func(tn *Tender) { tn.EnquiryDeadline = tn.BidDeadline.Add(time.Second) }, []string{"enquiry_deadline"}},
		{"enquiry equal bid deadline", validPurchase, testCfg, func(tn *Tender) { tn.EnquiryDeadline = tn.BidDeadline }, nil},
		{"enquiry missing", validPurchase, testCfg, func(tn *Tender) { tn.EnquiryDeadline = time.Time{} }, []string{"enquiry_deadline"}},
		{"bid deadline missing", validPurchase, testCfg, func(tn *Tender) { tn.BidDeadline = time.Time{} }, []string{"bid_deadline"}},
		{"bid window one second short", validPurchase, testCfg, func(tn *Tender) {
			tn.BidDeadline = testNow.Add(120*time.Hour - time.Second)
			tn.EnquiryDeadline = testNow
		}, []string{"bid_deadline"}},
		{"bid window exact", validPurchase, testCfg, func(tn *Tender) { tn.BidDeadline, tn.EnquiryDeadline = testNow.Add(120*time.Hour), testNow }, nil},
		{"zero window allows now", validPurchase, Config{}, func(tn *Tender) { tn.BidDeadline, tn.EnquiryDeadline = testNow, testNow }, nil},
		{"zero window refuses past", validPurchase, Config{}, func(tn *Tender) {
			tn.BidDeadline, tn.EnquiryDeadline = testNow.Add(-time.Second), testNow.Add(-time.Hour)
		}, []string{"bid_deadline"}},
		{"sum 99", validPurchase, testCfg, func(tn *Tender) { tn.Evaluation.Criteria[0].MaxScore = 39 }, []string{"evaluation.criteria"}},
		{"sum 101", validPurchase, testCfg, func(tn *Tender) { tn.Evaluation.Criteria[0].MaxScore = 41 }, []string{"evaluation.criteria"}},
		{"no criteria", validPurchase, testCfg, func(tn *Tender) { tn.Evaluation.Criteria = nil }, []string{"evaluation.criteria", "evaluation.criteria"}},
		{"purchase without price", validPurchase, testCfg, func(tn *Tender) { tn.Evaluation.Criteria[2].Kind = CriterionQuality }, []string{"evaluation.criteria"}},
		{"purchase two prices", validPurchase, testCfg, func(tn *Tender) { tn.Evaluation.Criteria[1].Kind = CriterionPrice }, []string{"evaluation.criteria"}},
		{"price max 9", validPurchase, testCfg, func(tn *Tender) {
			tn.Evaluation.Criteria[2].MaxScore = 9
			tn.Evaluation.Criteria[0].MaxScore = 61
		}, []string{"evaluation.criteria[2].max_score"}},
		{"price max 10", validPurchase, testCfg, func(tn *Tender) {
			tn.Evaluation.Criteria[2].MaxScore = 10
			tn.Evaluation.Criteria[0].MaxScore = 60
		}, nil},
		{"purchase two awards", validPurchase, testCfg, func(tn *Tender) { tn.MaxAwards = 2 }, []string{"max_awards"}},
		{"lowest price only price", validPurchase, testCfg, func(tn *Tender) {
			tn.Evaluation.Method = MethodLowestPrice
			tn.Evaluation.Criteria = []Criterion{{ID: "p", Name: "报价", MaxScore: 100, Kind: CriterionPrice}}
		}, nil},
		{"lowest price with quality", validPurchase, testCfg, func(tn *Tender) { tn.Evaluation.Method = MethodLowestPrice }, []string{"evaluation.criteria"}},
		{"lowest price without price", validPurchase, testCfg, func(tn *Tender) {
			tn.Evaluation.Method = MethodLowestPrice
			tn.Evaluation.Criteria = []Criterion{{ID: "q", Name: "方案", MaxScore: 100, Kind: CriterionQuality}}
		}, []string{"evaluation.criteria"}},
		{"panel even", validPurchase, testCfg, func(tn *Tender) { tn.Evaluation.PanelSize = 4 }, []string{"evaluation.panel_size"}},
		{"panel 1", validPurchase, testCfg, func(tn *Tender) { tn.Evaluation.PanelSize = 1 }, []string{"evaluation.panel_size"}},
		{"panel 5", validPurchase, testCfg, func(tn *Tender) { tn.Evaluation.PanelSize = 5 }, nil},
		{"public tender panel 3", validPurchase, testCfg, func(tn *Tender) { tn.BudgetFen = 100000000 }, []string{"evaluation.panel_size"}},
		{"public tender panel 5", validPurchase, testCfg, func(tn *Tender) { tn.BudgetFen = 100000000; tn.Evaluation.PanelSize = 5 }, nil},
		{"just below public tender", validPurchase, testCfg, func(tn *Tender) { tn.BudgetFen = 99999999 }, nil},
		{"min bids 0", validPurchase, testCfg, func(tn *Tender) { tn.MinBids = 0 }, []string{"min_bids"}},
		{"competitive consultation 2", validPurchase, testCfg, func(tn *Tender) { tn.MinBids = 2 }, nil},
		{"venture with price", validVenture, testCfg, func(tn *Tender) { tn.Evaluation.Criteria[1].Kind = CriterionPrice }, []string{"evaluation.criteria[1].kind"}},
		{"venture lowest price", validVenture, testCfg, func(tn *Tender) { tn.Evaluation.Method = MethodLowestPrice }, []string{"evaluation.method", "evaluation.criteria", "evaluation.criteria"}},
		{"venture no cap", validVenture, testCfg, func(tn *Tender) { tn.MaxAwardFen = nil }, []string{"max_award_fen"}},
		{"venture cap over pool", validVenture, testCfg, func(tn *Tender) { tn.MaxAwardFen = ptr(tn.BudgetFen + 1) }, []string{"max_award_fen"}},
		{"venture cap equal pool", validVenture, testCfg, func(tn *Tender) { tn.MaxAwardFen = ptr(tn.BudgetFen) }, nil},
		{"venture no awards", validVenture, testCfg, func(tn *Tender) { tn.MaxAwards = 0 }, []string{"max_awards"}},
		{"draft rule too", validPurchase, testCfg, func(tn *Tender) { tn.Title = "" }, []string{"title"}},
		{"all problems together", validPurchase, testCfg, func(tn *Tender) {
			tn.Title = ""
			tn.EnquiryDeadline = tn.BidDeadline.Add(time.Hour)
			tn.Evaluation.PanelSize = 2
		}, []string{"title", "enquiry_deadline", "evaluation.panel_size"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			tn := c.base()
			c.change(&tn)
			err := tn.Publish(testNow, c.cfg, Calendar{})
			if c.fields == nil {
				if err != nil {
					t.Fatalf("Publish: %v", err)
				}
				if tn.Status != StatusOpen {
					t.Fatalf("status %s", tn.Status)
				}
				return
			}
			if errCode(err) != CodeValidationFailed {
				t.Fatalf("err %v, want validation_failed", err)
			}
			if got := errFields(err); !slices.Equal(sorted(got), sorted(c.fields)) {
				t.Errorf("fields %v, want %v", got, c.fields)
			}
			if tn.Status != StatusDraft || tn.PublishedAt != nil {
				t.Errorf("failed publish changed the tender: %s %v", tn.Status, tn.PublishedAt)
			}
		})
	}
}

func sorted(s []string) []string {
	s = slices.Clone(s)
	sort.Strings(s)
	return s
}

func TestValidateDraft(t *testing.T) {
	cases := []struct {
		name   string
		change func(tn *Tender)
		fields []string
	}{
		{"valid", func(tn *Tender) {}, nil},
		{"kind", func(tn *Tender) { tn.Kind = "grant" }, []string{"kind"}},
		{"kind empty", func(tn *Tender) { tn.Kind = "" }, []string{"kind"}},
		{"title blank", func(tn *Tender) { tn.Title = "  " }, []string{"title"}},
		{"title long", func(tn *Tender) { tn.Title = strings.Repeat("项", 201) }, []string{"title"}},
		{"title 200", func(tn *Tender) { tn.Title = strings.Repeat("项", 200) }, nil},
		{"funding", func(tn *Tender) { tn.FundingSource = "lottery" }, []string{"funding_source"}},
		{"budget 0", func(tn *Tender) { tn.BudgetFen = 0 }, []string{"budget_fen"}},
		{"budget negative", func(tn *Tender) { tn.BudgetFen = -1 }, []string{"budget_fen"}},
		{"max award 0", func(tn *Tender) { tn.MaxAwardFen = ptr(int64(0)) }, []string{"max_award_fen"}},
		{"min bids negative", func(tn *Tender) { tn.MinBids = -1 }, []string{"min_bids"}},
		{"max awards negative", func(tn *Tender) { tn.MaxAwards = -1 }, []string{"max_awards"}},
		{"min award score 100.01", func(tn *Tender) { tn.MinAwardScore = ptr(Hundredths(10001)) }, []string{"min_award_score"}},
		{"min award score 60", func(tn *Tender) { tn.MinAwardScore = ptr(Points(60)) }, nil},
		{"start unparsable", func(tn *Tender) { tn.ServiceStart = "2027-1-1" }, []string{"service_start"}},
		{"end impossible", func(tn *Tender) { tn.ServiceEnd = "2027-02-30" }, []string{"service_end"}},
		{"dates missing", func(tn *Tender) { tn.ServiceStart, tn.ServiceEnd = "", "" }, []string{"service_start", "service_end"}},
		{"end before start", func(tn *Tender) { tn.ServiceEnd = "2026-12-31" }, []string{"service_end"}},
		{"one-day service", func(tn *Tender) { tn.ServiceEnd = tn.ServiceStart }, nil},
		{"preference 21", func(tn *Tender) { tn.CommunityPreferencePct = 21 }, []string{"community_preference_pct"}},
		{"preference -1", func(tn *Tender) { tn.CommunityPreferencePct = -1 }, []string{"community_preference_pct"}},
		{"preference 20", func(tn *Tender) { tn.CommunityPreferencePct = 20 }, nil},
		{"preference without community", func(tn *Tender) { tn.Community = "" }, []string{"community"}},
		{"no preference no community", func(tn *Tender) { tn.Community = ""; tn.CommunityPreferencePct = 0 }, nil},
		{"org type", func(tn *Tender) { tn.Eligibility.OrgTypes = []OrgType{OrgSocialOrg, "company"} }, []string{"eligibility.org_types[1]"}},
		{"social workers negative", func(tn *Tender) { tn.Eligibility.MinSocialWorkers = -1 }, []string{"eligibility.min_social_workers"}},
		{"method", func(tn *Tender) { tn.Evaluation.Method = "lottery" }, []string{"evaluation.method"}},
		{"panel negative", func(tn *Tender) { tn.Evaluation.PanelSize = -3 }, []string{"evaluation.panel_size"}},
		{"criterion name", func(tn *Tender) { tn.Evaluation.Criteria[1].Name = "" }, []string{"evaluation.criteria[1].name"}},
		{"criterion max 0", func(tn *Tender) { tn.Evaluation.Criteria[2].MaxScore = 0 }, []string{"evaluation.criteria[2].max_score"}},
		{"criterion max 101", func(tn *Tender) { tn.Evaluation.Criteria[0].MaxScore = 101 }, []string{"evaluation.criteria[0].max_score"}},
		{"criterion kind", func(tn *Tender) { tn.Evaluation.Criteria[0].Kind = "bonus" }, []string{"evaluation.criteria[0].kind"}},
		{"criterion id repeated", func(tn *Tender) { tn.Evaluation.Criteria[1].ID = tn.Evaluation.Criteria[0].ID }, []string{"evaluation.criteria[1].id"}},
		{"several", func(tn *Tender) { tn.Title = ""; tn.BudgetFen = 0; tn.Evaluation.Criteria[0].Name = "" },
			[]string{"title", "budget_fen", "evaluation.criteria[0].name"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			tn := validPurchase()
			c.change(&tn)
			err := tn.ValidateDraft()
			if c.fields == nil {
				if err != nil {
					t.Fatalf("ValidateDraft: %v", err)
				}
				return
			}
			if errCode(err) != CodeValidationFailed {
				t.Fatalf("err %v, want validation_failed", err)
			}
			if got := errFields(err); !slices.Equal(got, c.fields) {
				t.Errorf("fields %v, want %v", got, c.fields)
			}
		})
	}
}

func TestApplyDefaults(t *testing.T) {
	cases := []struct {
		kind                   Kind
		minBids, maxAwards     int
		wantMinBids, wantAward int
	}{
		{KindPurchase, 0, 0, 3, 1},
		{KindPurchase, 2, 0, 2, 1},
		{KindVenture, 0, 0, 1, 0},
		{KindVenture, 0, 4, 1, 4},
	}
	for _, c := range cases {
		tn := Tender{Kind: c.kind, MinBids: c.minBids, MaxAwards: c.maxAwards, Title: "  养老  "}
		tn.ApplyDefaults()
		if tn.MinBids != c.wantMinBids || tn.MaxAwards != c.wantAward {
			t.Errorf("%s: min_bids %d max_awards %d, want %d %d", c.kind, tn.MinBids, tn.MaxAwards, c.wantMinBids, c.wantAward)
		}
		if tn.Evaluation.Method != MethodComprehensive || tn.Evaluation.PanelSize != 3 || tn.Title != "养老" {
			t.Errorf("%s: method %q panel %d title %q", c.kind, tn.Evaluation.Method, tn.Evaluation.PanelSize, tn.Title)
		}
		if tn.Eligibility.OrgTypes == nil || tn.Evaluation.Criteria == nil {
			t.Errorf("%s: nil lists would encode as null", c.kind)
		}
	}
	tn := Tender{Evaluation: EvaluationConfig{Method: MethodLowestPrice, PanelSize: 5,
		Criteria: []Criterion{{Name: "a"}, {ID: "c2", Name: "b"}, {Name: " c "}}}}
	tn.ApplyDefaults()
	var ids []string
	for _, c := range tn.Evaluation.Criteria {
		ids = append(ids, c.ID)
	}
	if !slices.Equal(ids, []string{"c1", "c2", "c3"}) || tn.Evaluation.Criteria[2].Name != "c" {
		t.Errorf("criteria %+v", tn.Evaluation.Criteria)
	}
	if tn.Evaluation.Method != MethodLowestPrice || tn.Evaluation.PanelSize != 5 {
		t.Errorf("defaults overwrote set values: %+v", tn.Evaluation)
	}
}

// The timer opens a tender only once ArrivalGrace has passed since its bid
// deadline: a request that reached the portal before the deadline and is
// still queued is decided first.
func TestDueForOpeningWaitsForGrace(t *testing.T) {
	cases := []struct {
		name   string
		status Status
		at     time.Duration // after bid deadline
		want   bool
	}{
		{"before the deadline", StatusOpen, -time.Second, false},
		{"at the deadline", StatusOpen, 0, false},
		{"within the grace", StatusOpen, ArrivalGrace - time.Nanosecond, false},
		{"at deadline + grace", StatusOpen, ArrivalGrace, true},
		{"long after", StatusOpen, time.Hour, true},
		{"already opened", StatusEvaluating, time.Hour, false},
		{"draft", StatusDraft, time.Hour, false},
	}
	for _, c := range cases {
		tn := validPurchase()
		tn.Status = c.status
		if got := tn.DueForOpening(tn.BidDeadline.Add(c.at)); got != c.want {
			t.Errorf("%s: DueForOpening = %v, want %v", c.name, got, c.want)
		}
	}
}

func TestOpen(t *testing.T) {
	cases := []struct {
		name      string
		minBids   int
		submitted int
		at        time.Duration // after bid deadline
		want      Status
		code      string
	}{
		{"enough bids", 3, 3, 0, StatusEvaluating, ""},
		{"more bids", 3, 7, time.Minute, StatusEvaluating, ""},
		{"too few bids", 3, 2, 0, StatusFailed, ""},
		{"no bids", 1, 0, 0, StatusFailed, ""},
		{"venture one bid", 1, 1, 0, StatusEvaluating, ""},
		{"before deadline", 3, 3, -time.Nanosecond, StatusOpen, CodeInvalidState},
	}
	for _, c := range cases {
		tn := validPurchase()
		tn.Status, tn.MinBids = StatusOpen, c.minBids
		at := tn.BidDeadline.Add(c.at)
		if got := tn.DueForOpening(at.Add(ArrivalGrace)); got != (c.code == "") {
			t.Errorf("%s: DueForOpening %v", c.name, got)
		}
		got, err := tn.Open(at, c.submitted)
		if errCode(err) != c.code || got != c.want || tn.Status != c.want {
			t.Errorf("%s: Open = %s, %v (status %s), want %s %q", c.name, got, err, tn.Status, c.want, c.code)
		}
		if c.code == "" && (tn.OpenedAt == nil || !tn.OpenedAt.Equal(at)) {
			t.Errorf("%s: opened_at %v", c.name, tn.OpenedAt)
		}
		if c.code != "" && tn.OpenedAt != nil {
			t.Errorf("%s: opened_at set on refusal", c.name)
		}
	}
}

func TestFailAfterQualification(t *testing.T) {
	cases := []struct {
		minBids, qualified int
		allDecided         bool
		failed             bool
	}{
		{3, 2, true, true},
		{3, 3, true, false},
		{3, 0, false, false},
		{3, 2, false, false},
		{1, 0, true, true},
		{1, 1, true, false},
	}
	for _, c := range cases {
		tn := validPurchase()
		tn.Status, tn.MinBids = StatusEvaluating, c.minBids
		failed, err := tn.FailAfterQualification(c.qualified, c.allDecided)
		want := StatusEvaluating
		if c.failed {
			want = StatusFailed
		}
		if err != nil || failed != c.failed || tn.Status != want {
			t.Errorf("%+v: failed %v err %v status %s", c, failed, err, tn.Status)
		}
	}
}

func TestCancel(t *testing.T) {
	tn := validPurchase()
	err := tn.Cancel("  ")
	if errCode(err) != CodeValidationFailed || !slices.Equal(errFields(err), []string{"reason"}) || tn.Status != StatusDraft {
		t.Fatalf("blank reason: %v, status %s", err, tn.Status)
	}
	if err := tn.Cancel(" 资金未到位 "); err != nil || tn.Status != StatusCancelled || tn.CancelReason != "资金未到位" {
		t.Fatalf("cancel: %v %s %q", err, tn.Status, tn.CancelReason)
	}
	tn = validPurchase()
	tn.Status = StatusAwarded
	if err := tn.Cancel(""); errCode(err) != CodeInvalidState {
		t.Errorf("cancel awarded with no reason: %v, want invalid_state first", err)
	}
}

func TestCanEditAndVisibility(t *testing.T) {
	for _, s := range Statuses() {
		tn := Tender{Status: s}
		if got := tn.CanEdit() == nil; got != (s == StatusDraft) {
			t.Errorf("CanEdit %s = %v", s, got)
		}
		// Sealed until opened, whatever the status: a tender cancelled while open stays sealed.
		if !tn.BidsSealed() {
			t.Errorf("BidsSealed %s without an opening = false", s)
		}
		opened := time.Date(2026, 12, 8, 10, 0, 0, 0, time.UTC)
		tn.OpenedAt = &opened
		if tn.BidsSealed() {
			t.Errorf("BidsSealed %s after the opening = true", s)
		}
		if got := tn.Public(); got != (s != StatusDraft) {
			t.Errorf("Public %s = %v", s, got)
		}
	}
}

func TestCanAsk(t *testing.T) {
	tn := validPurchase()
	tn.Status = StatusOpen
	cases := []struct {
		status Status
		at     time.Time
		code   string
	}{
		{StatusOpen, tn.EnquiryDeadline.Add(-time.Nanosecond), ""},
		{StatusOpen, tn.EnquiryDeadline, CodeDeadlinePassed},
		{StatusDraft, testNow, CodeInvalidState},
		{StatusEvaluating, testNow, CodeInvalidState},
	}
	for _, c := range cases {
		tn.Status = c.status
		if got := errCode(tn.CanAsk(c.at)); got != c.code {
			t.Errorf("%s at %v: %q, want %q", c.status, c.at, got, c.code)
		}
	}
}

func TestTenderCode(t *testing.T) {
	cases := map[string]string{
		TenderCode(2026, 7):     "LSMZ-2026-0007",
		TenderCode(2026, 1):     "LSMZ-2026-0001",
		TenderCode(2027, 9999):  "LSMZ-2027-9999",
		TenderCode(2027, 12345): "LSMZ-2027-12345",
	}
	for got, want := range cases {
		if got != want {
			t.Errorf("got %s, want %s", got, want)
		}
	}
}

func TestDurationText(t *testing.T) {
	cases := map[time.Duration]string{120 * time.Hour: "5天", 36 * time.Hour: "36小时", 90 * time.Minute: "1h30m0s"}
	for d, want := range cases {
		if got := durationText(d); got != want {
			t.Errorf("durationText(%v) = %q, want %q", d, got, want)
		}
	}
	if got := yuanText(100000000); got != "100万元" {
		t.Errorf("yuanText = %q", got)
	}
}

// TestTenderJSON pins the wire names of SPEC §5 "Tender body".
func TestTenderJSON(t *testing.T) {
	tn := validVenture()
	tn.ID, tn.Code, tn.Status = "t1", "LSMZ-2026-0007", StatusOpen
	b, err := json.Marshal(tn)
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"id", "code", "kind", "title", "description", "catalog_item_id", "community",
		"funding_source", "budget_fen", "max_award_fen", "max_awards", "min_bids", "min_award_score",
		"service_start", "service_end", "eligibility", "community_preference_pct", "evaluation",
		"enquiry_deadline", "bid_deadline", "status", "published_at", "opened_at", "created_at", "updated_at"} {
		if _, ok := m[k]; !ok {
			t.Errorf("tender JSON lacks %q", k)
		}
	}
	if _, ok := m["cancel_reason"]; ok {
		t.Error("empty cancel_reason should be omitted")
	}
	ev := m["evaluation"].(map[string]any)
	for _, k := range []string{"method", "panel_size", "trim_extremes", "criteria"} {
		if _, ok := ev[k]; !ok {
			t.Errorf("evaluation JSON lacks %q", k)
		}
	}
	crit := ev["criteria"].([]any)[0].(map[string]any)
	for _, k := range []string{"id", "name", "max_score", "kind"} {
		if _, ok := crit[k]; !ok {
			t.Errorf("criterion JSON lacks %q", k)
		}
	}
	el := m["eligibility"].(map[string]any)
	for _, k := range []string{"org_types", "registered_only", "min_social_workers"} {
		if _, ok := el[k]; !ok {
			t.Errorf("eligibility JSON lacks %q", k)
		}
	}

	body := `{"kind":"purchase","title":"兴大社区居家养老服务","description":"…","catalog_item_id":"x",
	 "community":"临沭街道兴大社区","funding_source":"welfare_lottery","budget_fen":30000000,
	 "max_award_fen":null,"max_awards":1,"min_bids":3,"min_award_score":null,
	 "service_start":"2027-01-01","service_end":"2027-12-31",
	 "eligibility":{"org_types":["social_org","social_work_agency"],"registered_only":true,"min_social_workers":1},
	 "community_preference_pct":5,
	 "evaluation":{"method":"comprehensive","panel_size":3,"trim_extremes":false,
	   "criteria":[{"name":"服务方案","max_score":40,"kind":"quality"},{"name":"团队与资质","max_score":30,"kind":"quality"},
	               {"name":"报价","max_score":30,"kind":"price"}]},
	 "enquiry_deadline":"2026-12-01T10:00:00+08:00","bid_deadline":"2026-12-08T10:00:00+08:00"}`
	dec := json.NewDecoder(strings.NewReader(body))
	dec.DisallowUnknownFields()
	var in Tender
	if err := dec.Decode(&in); err != nil {
		t.Fatalf("SPEC example body: %v", err)
	}
	in.Status = StatusDraft
	in.ApplyDefaults()
	if err := in.Publish(time.Date(2026, 11, 20, 10, 0, 0, 0, time.UTC), testCfg, Calendar{}); err != nil {
		t.Fatalf("SPEC example does not publish: %v", err)
	}
}

// TestDBTags keeps every db tag equal to its JSON name, as storage relies on.
func TestDBTags(t *testing.T) {
	for _, v := range []any{Tender{}, Criterion{}, Eligibility{}, EvaluationConfig{}, Bid{}, Award{}, Objection{}} {
		typ := reflect.TypeOf(v)
		for i := 0; i < typ.NumField(); i++ {
			f := typ.Field(i)
			js, _, _ := strings.Cut(f.Tag.Get("json"), ",")
			if js == "" || f.Tag.Get("db") != js {
				t.Errorf("%s.%s: json %q db %q", typ.Name(), f.Name, js, f.Tag.Get("db"))
			}
		}
	}
}

func TestPurchaseNeedsTwoBidsAtLeast(t *testing.T) {
	tn := validPurchase()
	tn.MinBids = 1
	err := tn.Publish(time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC), Config{}, Calendar{})
	e, ok := AsError(err)
	if !ok || !slices.ContainsFunc(e.Fields, func(f FieldError) bool { return f.Field == "min_bids" }) {
		t.Fatalf("purchase with min_bids 1: %v", err)
	}
	tn = validPurchase()
	tn.MinBids = 2 // competitive consultation
	if err := tn.Publish(time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC), Config{}, Calendar{}); err != nil {
		t.Fatalf("min_bids 2: %v", err)
	}
}
