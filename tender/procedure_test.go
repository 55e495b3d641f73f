package tender

import (
	"slices"
	"strings"
	"testing"
	"time"
)

// statCfg is testCfg with the statutory windows on and no floor, so each
// case measures the statute alone.
var statCfg = Config{PublicTenderFen: 100000000, StatutoryWindows: true, ClaimMaxFen: 5000000}

// at is a time in China's civil time.
func at(y int, m time.Month, d, h int) time.Time { return time.Date(y, m, d, h, 0, 0, 0, chinaTime) }

// The 2027 Spring Festival around a publication on Friday 2027-02-05:
// Mon 8 – Fri 12 off, Sat 13 and Sun 7 are make-up working days (调休).
var springFestival = Calendar{
	Holidays: map[string]bool{"2027-02-08": true, "2027-02-09": true, "2027-02-10": true, "2027-02-11": true, "2027-02-12": true},
	Workdays: map[string]bool{"2027-02-07": true, "2027-02-13": true},
}

func TestStatutoryDeadline(t *testing.T) {
	pub := at(2027, 2, 5, 15) // a Friday afternoon
	cases := []struct {
		p    Procedure
		cal  Calendar
		want time.Time
	}{
		{ProcedurePublicTender, Calendar{}, at(2027, 2, 25, 0)},            // 20 calendar days, holidays count
		{ProcedureCompetitiveConsultation, Calendar{}, at(2027, 2, 15, 0)}, // 10 calendar days
		// 3 working days with weekends only: Mon 8, Tue 9, Wed 10.
		{ProcedureCompetitiveNegotiation, Calendar{}, at(2027, 2, 10, 0)},
		// With the festival: Sun 7 (调休), Sat 13 (调休), Mon 15.
		{ProcedureCompetitiveNegotiation, springFestival, at(2027, 2, 15, 0)},
		// 5 working days: 7, 13, 15, 16, 17.
		{ProcedureSingleSource, springFestival, at(2027, 2, 17, 0)},
		{ProcedureClaim, springFestival, at(2027, 2, 17, 0)},
		{ProcedureClaim, Calendar{}, at(2027, 2, 12, 0)}, // 8–12
		{ProcedureVenture, springFestival, time.Time{}},  // no statute: the floor only
	}
	for _, c := range cases {
		r, _ := c.p.Rule()
		if got := r.StatutoryDeadline(pub, c.cal); !got.Equal(c.want) {
			t.Errorf("%s: %v, want %v", c.p, got, c.want)
		}
	}
	// Late in the evening in China is already the next day in UTC terms the other way round:
	// the day counted is China's, whatever zone the time comes in.
	r, _ := ProcedurePublicTender.Rule()
	if got := r.StatutoryDeadline(time.Date(2027, 2, 5, 17, 0, 0, 0, time.UTC), Calendar{}); !got.Equal(at(2027, 2, 26, 0)) {
		t.Errorf("China's date: %v", got)
	}
}

// procedureTender is validPurchase under procedure p, made valid for it.
func procedureTender(p Procedure) Tender {
	tn := validPurchase()
	tn.Procedure = p
	tn.MinBids, tn.Evaluation.Method, tn.Evaluation.PanelSize = 0, "", 0
	switch p {
	case ProcedurePublicTender:
		tn.BudgetFen = 120000000
		tn.Evaluation.PanelSize = 5
	case ProcedureCompetitiveNegotiation:
		tn.Evaluation.Criteria = []Criterion{{ID: "p", Name: "报价", MaxScore: 100, Kind: CriterionPrice}}
	case ProcedureSingleSource, ProcedureClaim:
		tn.BudgetFen = 4000000
		tn.Evaluation.Criteria = nil
	case ProcedureVenture:
		tn = validVenture()
		tn.Procedure = p
	}
	tn.ApplyDefaults()
	tn.BidDeadline = testNow.Add(40 * 24 * time.Hour)
	return tn
}

func TestProcedurePublishRules(t *testing.T) {
	cases := []struct {
		name   string
		p      Procedure
		change func(tn *Tender)
		field  string // "" when it publishes
		basis  string // cited in the message
	}{
		{"public tender valid", ProcedurePublicTender, func(*Tender) {}, "", ""},
		{"public tender 19 days", ProcedurePublicTender, func(tn *Tender) { tn.BidDeadline = at(2026, 12, 9, 23) }, "bid_deadline", "政府采购法 第三十五条"},
		{"public tender 20 days", ProcedurePublicTender, func(tn *Tender) { tn.BidDeadline = at(2026, 12, 10, 0) }, "", ""},
		{"public tender min bids 2", ProcedurePublicTender, func(tn *Tender) { tn.MinBids = 2 }, "min_bids", "政府采购法 第三十六条"},
		{"public tender panel 3", ProcedurePublicTender, func(tn *Tender) { tn.Evaluation.PanelSize = 3 }, "evaluation.panel_size", "财政部令第87号 第四十七条"},
		{"public tender panel 6", ProcedurePublicTender, func(tn *Tender) { tn.Evaluation.PanelSize = 6 }, "evaluation.panel_size", "第四十七条"},
		{"public tender lowest price", ProcedurePublicTender, func(tn *Tender) {
			tn.Evaluation.Method = MethodLowestPrice
			tn.Evaluation.Criteria = []Criterion{{ID: "p", Name: "报价", MaxScore: 100, Kind: CriterionPrice}}
		}, "", ""},
		{"public tender price 9", ProcedurePublicTender, func(tn *Tender) {
			tn.Evaluation.Criteria[2].MaxScore, tn.Evaluation.Criteria[0].MaxScore = 9, 61
		}, "evaluation.criteria[2].max_score", "第五十五条"},
		{"public tender price 40", ProcedurePublicTender, func(tn *Tender) {
			tn.Evaluation.Criteria[2].MaxScore, tn.Evaluation.Criteria[0].MaxScore = 40, 30
		}, "", ""},
		{"public tender negotiated", ProcedurePublicTender, func(tn *Tender) { tn.Evaluation.Method = MethodNegotiated }, "evaluation.method", "第五十三条"},

		{"consultation valid", ProcedureCompetitiveConsultation, func(*Tender) {}, "", ""},
		{"consultation 9 days", ProcedureCompetitiveConsultation, func(tn *Tender) { tn.BidDeadline = at(2026, 11, 29, 23) }, "bid_deadline", "财库〔2014〕214号 第十条"},
		{"consultation 10 days", ProcedureCompetitiveConsultation, func(tn *Tender) { tn.BidDeadline = at(2026, 11, 30, 9) }, "", ""},
		{"consultation 2 bids", ProcedureCompetitiveConsultation, func(tn *Tender) { tn.MinBids = 2 }, "", ""},
		{"consultation 1 bid", ProcedureCompetitiveConsultation, func(tn *Tender) { tn.MinBids = 1 }, "min_bids", "财库〔2015〕124号"},
		{"consultation panel 4", ProcedureCompetitiveConsultation, func(tn *Tender) { tn.Evaluation.PanelSize = 4 }, "evaluation.panel_size", "第十四条"},
		{"consultation price 31", ProcedureCompetitiveConsultation, func(tn *Tender) {
			tn.Evaluation.Criteria[2].MaxScore, tn.Evaluation.Criteria[0].MaxScore = 31, 39
		}, "evaluation.criteria[2].max_score", "第二十四条"},
		{"consultation price 9", ProcedureCompetitiveConsultation, func(tn *Tender) {
			tn.Evaluation.Criteria[2].MaxScore, tn.Evaluation.Criteria[0].MaxScore = 9, 61
		}, "evaluation.criteria[2].max_score", "第二十四条"},
		{"consultation price 10", ProcedureCompetitiveConsultation, func(tn *Tender) {
			tn.Evaluation.Criteria[2].MaxScore, tn.Evaluation.Criteria[0].MaxScore = 10, 60
		}, "", ""},
		{"consultation lowest price", ProcedureCompetitiveConsultation, func(tn *Tender) {
			tn.Evaluation.Method = MethodLowestPrice
			tn.Evaluation.Criteria = []Criterion{{ID: "p", Name: "报价", MaxScore: 100, Kind: CriterionPrice}}
		}, "evaluation.method", "第二十三条"},

		{"negotiation valid", ProcedureCompetitiveNegotiation, func(*Tender) {}, "", ""},
		// Published Friday 2026-11-20: Mon 23, Tue 24, Wed 25.
		{"negotiation 2 working days", ProcedureCompetitiveNegotiation, func(tn *Tender) { tn.BidDeadline = at(2026, 11, 24, 17) }, "bid_deadline", "财政部令第74号 第二十九条"},
		{"negotiation 3 working days", ProcedureCompetitiveNegotiation, func(tn *Tender) { tn.BidDeadline = at(2026, 11, 25, 9) }, "", ""},
		{"negotiation comprehensive", ProcedureCompetitiveNegotiation, func(tn *Tender) {
			tn.Evaluation = validPurchase().Evaluation
		}, "evaluation.method", "政府采购法 第三十八条"},
		{"negotiation 2 bids", ProcedureCompetitiveNegotiation, func(tn *Tender) { tn.MinBids = 2 }, "min_bids", "第三十八条"},

		{"venture floor only", ProcedureVenture, func(tn *Tender) { tn.BidDeadline = testNow.Add(time.Hour) }, "", ""},
		{"venture negotiated", ProcedureVenture, func(tn *Tender) { tn.Evaluation.Method = MethodNegotiated }, "evaluation.method", "沭民字〔2016〕14号"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			tn := procedureTender(c.p)
			tn.EnquiryDeadline = testNow
			c.change(&tn)
			err := tn.Publish(testNow, statCfg, Calendar{})
			if c.field == "" {
				if err != nil {
					t.Fatalf("Publish: %v", err)
				}
				return
			}
			e, ok := AsError(err)
			if !ok || e.Code != CodeValidationFailed {
				t.Fatalf("err %v, want validation_failed", err)
			}
			if len(e.Fields) != 1 || e.Fields[0].Field != c.field || !strings.Contains(e.Fields[0].Message, c.basis) {
				t.Fatalf("fields %v, want %s citing %s", e.Fields, c.field, c.basis)
			}
		})
	}
}

func TestStatutoryWindowsOffKeepsTheFloor(t *testing.T) {
	tn := procedureTender(ProcedurePublicTender)
	tn.EnquiryDeadline, tn.BidDeadline = testNow, testNow.Add(48*time.Hour)
	off := statCfg
	off.StatutoryWindows = false
	if err := tn.Publish(testNow, off, Calendar{}); err != nil {
		t.Fatalf("statutory windows off: %v", err)
	}
	tn = procedureTender(ProcedurePublicTender)
	tn.EnquiryDeadline, tn.BidDeadline = testNow, testNow.Add(48*time.Hour)
	off.MinBidWindow = 72 * time.Hour
	err := tn.Publish(testNow, off, Calendar{})
	if f := errFields(err); !slices.Equal(f, []string{"bid_deadline"}) {
		t.Fatalf("floor: %v", err)
	}
	// The floor binds even where it is longer than the statute (3 working days).
	tn = procedureTender(ProcedureCompetitiveNegotiation)
	tn.EnquiryDeadline, tn.BidDeadline = testNow, at(2026, 11, 26, 9)
	on := statCfg
	on.MinBidWindow = 10 * 24 * time.Hour
	if err := tn.Publish(testNow, on, Calendar{}); !strings.Contains(err.Error(), "10天") {
		t.Fatalf("floor over statute: %v", err)
	}
}

func TestProcedureFitsKind(t *testing.T) {
	tn := validPurchase()
	tn.Procedure = ProcedureVenture
	if f := errFields(tn.ValidateDraft()); !slices.Equal(f, []string{"procedure"}) {
		t.Fatalf("venture procedure on a purchase: %v", f)
	}
	tn = validVenture()
	tn.Procedure = ProcedurePublicTender
	if f := errFields(tn.ValidateDraft()); !slices.Equal(f, []string{"procedure"}) {
		t.Fatalf("public tender on a venture call: %v", f)
	}
	tn.Procedure = "auction"
	if f := errFields(tn.ValidateDraft()); !slices.Equal(f, []string{"procedure"}) {
		t.Fatalf("unknown procedure: %v", f)
	}
}

func TestDefaultProcedure(t *testing.T) {
	cases := []struct {
		kind   Kind
		budget int64
		method Method
		want   Procedure
	}{
		{KindVenture, 500000000, MethodComprehensive, ProcedureVenture},
		{KindPurchase, 100000000, MethodComprehensive, ProcedurePublicTender},
		{KindPurchase, 100000000, MethodLowestPrice, ProcedurePublicTender},
		{KindPurchase, 99999999, MethodComprehensive, ProcedureCompetitiveConsultation},
		{KindPurchase, 99999999, "", ProcedureCompetitiveConsultation},
		{KindPurchase, 99999999, MethodLowestPrice, ProcedureCompetitiveNegotiation},
		{"", 1, "", ""},
	}
	for _, c := range cases {
		tn := Tender{Kind: c.kind, BudgetFen: c.budget, Evaluation: EvaluationConfig{Method: c.method}}
		if got := tn.DefaultProcedure(100000000); got != c.want {
			t.Errorf("%s %d %s: %s, want %s", c.kind, c.budget, c.method, got, c.want)
		}
	}
	// A chosen procedure stays; a missing one is resolved.
	tn := Tender{Kind: KindPurchase, BudgetFen: 1, Procedure: ProcedureClaim}
	tn.ResolveProcedure(statCfg)
	if tn.Procedure != ProcedureClaim {
		t.Fatal("ResolveProcedure replaced a chosen procedure")
	}
	tn.Procedure = ""
	tn.ResolveProcedure(statCfg)
	if tn.Procedure != ProcedureCompetitiveConsultation {
		t.Fatalf("resolved %s", tn.Procedure)
	}
}

func TestProcedureDefaults(t *testing.T) {
	for _, r := range Procedures() {
		tn := Tender{Kind: r.Kind, Procedure: r.Procedure}
		tn.ApplyDefaults()
		if tn.MinBids != r.MinBids || tn.Evaluation.Method != r.Methods[0] {
			t.Errorf("%s: min_bids %d method %s", r.Procedure, tn.MinBids, tn.Evaluation.Method)
		}
		if (tn.Evaluation.PanelSize == 0) != (r.Panel == nil) {
			t.Errorf("%s: panel_size %d with panel rule %v", r.Procedure, tn.Evaluation.PanelSize, r.Panel)
		}
	}
}

func TestProcedureTable(t *testing.T) {
	seen := map[Procedure]bool{}
	for _, r := range Procedures() {
		seen[r.Procedure] = true
		if r.NameZh == "" || r.LegalBasis == "" || len(r.Methods) == 0 || !r.Kind.Valid() {
			t.Errorf("%s: incomplete line %+v", r.Procedure, r)
		}
		if r.MinBidsAllowed < 1 || r.MinBidsAllowed > r.MinBids {
			t.Errorf("%s: min bids %d allowed %d", r.Procedure, r.MinBids, r.MinBidsAllowed)
		}
		fields := map[string]bool{}
		for _, b := range r.Rules {
			if b.Rule == "" || b.LegalBasis == "" {
				t.Errorf("%s: rule without text or basis: %+v", r.Procedure, b)
			}
			fields[b.Field] = true
		}
		if !fields["bid_deadline"] || !fields["evaluation.method"] {
			t.Errorf("%s: the window and the method need their basis", r.Procedure)
		}
	}
	if len(seen) != 6 {
		t.Fatalf("procedures: %v", seen)
	}
	// Callers get a copy: changing it leaves the table alone.
	p := Procedures()
	p[0].Methods[0] = "x"
	if Procedures()[0].Methods[0] == "x" {
		t.Fatal("Procedures shares the table")
	}
}

func TestBelowStatute(t *testing.T) {
	pub := at(2026, 11, 20, 9)
	floor := 120 * time.Hour
	cases := []struct {
		p        Procedure
		deadline time.Time
		want     bool
	}{
		{ProcedurePublicTender, at(2026, 12, 9, 23), true},
		{ProcedurePublicTender, at(2026, 12, 10, 9), false},
		{ProcedureCompetitiveNegotiation, at(2026, 11, 25, 9), false}, // 3 working days, under the 120h floor
		{ProcedureCompetitiveNegotiation, at(2026, 11, 24, 9), true},
		{ProcedureVenture, pub.Add(119 * time.Hour), true},
		{ProcedureVenture, pub.Add(120 * time.Hour), false},
	}
	for _, c := range cases {
		if got := c.p.BelowStatute(pub, c.deadline, Calendar{}, floor); got != c.want {
			t.Errorf("%s until %v: %v", c.p, c.deadline, got)
		}
	}
}

func TestSingleSourceRules(t *testing.T) {
	tn := procedureTender(ProcedureSingleSource)
	tn.EnquiryDeadline = testNow
	if f := errFields(tn.Publish(testNow, statCfg, Calendar{})); !slices.Equal(f, []string{"single_source_org_id"}) {
		t.Fatalf("without the named organization: %v", f)
	}
	tn.SingleSourceOrgID = "org-a"
	tn.MinBids = 2
	if f := errFields(tn.Publish(testNow, statCfg, Calendar{})); !slices.Equal(f, []string{"min_bids"}) {
		t.Fatalf("two bids for a single source: %v", f)
	}
	tn.MinBids = 1
	// Notice of 5 working days: published Friday 2026-11-20, the 5th is Friday 27.
	tn.BidDeadline = at(2026, 11, 26, 18)
	err := tn.Publish(testNow, statCfg, Calendar{})
	if f := errFields(err); !slices.Equal(f, []string{"bid_deadline"}) || !strings.Contains(err.Error(), "实施条例 第三十八条") {
		t.Fatalf("4 working days of notice: %v", err)
	}
	tn.BidDeadline = at(2026, 11, 27, 9)
	if err := tn.Publish(testNow, statCfg, Calendar{}); err != nil || tn.Evaluation.PanelSize != 0 || tn.Evaluation.Method != MethodNegotiated {
		t.Fatalf("publish: %v (%+v)", err, tn.Evaluation)
	}

	// Another procedure names nobody.
	other := validPurchase()
	other.Procedure, other.SingleSourceOrgID = ProcedureCompetitiveConsultation, "org-a"
	if f := errFields(other.ValidateDraft()); !slices.Equal(f, []string{"single_source_org_id"}) {
		t.Fatalf("named organization on consultation: %v", f)
	}

	// Only the named organization may respond.
	named := Organization{ID: "org-a", Status: OrgApproved, Type: OrgSocialOrg, Registration: Registered, SocialWorkers: 3}
	if err := CheckEligibility(tn, named); err != nil {
		t.Fatalf("named organization: %v", err)
	}
	stranger := named
	stranger.ID = "org-b"
	if err := CheckEligibility(tn, stranger); ErrorCode(err) != CodeNotEligible || !slices.Equal(errFields(err), []string{"single_source_org_id"}) {
		t.Fatalf("another organization: %v", err)
	}

	// Any approved organization may object during the notice, none after it.
	if err := CanObjectToNotice(tn, stranger, at(2026, 11, 26, 9)); err != nil {
		t.Fatalf("objection during the notice: %v", err)
	}
	if err := CanObjectToNotice(tn, stranger, tn.BidDeadline); ErrorCode(err) != CodeDeadlinePassed {
		t.Fatalf("objection after the notice: %v", err)
	}
	pending := stranger
	pending.Status = OrgPending
	if err := CanObjectToNotice(tn, pending, at(2026, 11, 26, 9)); ErrorCode(err) != CodeForbidden {
		t.Fatalf("objection by an unapproved organization: %v", err)
	}
	consultation := procedureTender(ProcedureCompetitiveConsultation)
	consultation.Status = StatusOpen
	if err := CanObjectToNotice(consultation, stranger, testNow); ErrorCode(err) != CodeInvalidState {
		t.Fatalf("objection to an open consultation: %v", err)
	}

	// A pending objection holds the opening.
	if !tn.NoticeHeld(1) || tn.NoticeHeld(0) || consultation.NoticeHeld(1) {
		t.Fatal("NoticeHeld")
	}

	// The award needs a reason even when it follows the recommendation.
	tn.Status = StatusEvaluating
	bids := map[string]Bid{"b1": {ID: "b1", TenderID: tn.ID, Status: BidQualified, PriceFen: 3000000}}
	err = ValidateAward(tn, []string{"b1"}, []string{"b1"}, testNow, testNow, statCfg, " ", bids)
	if f := errFields(err); !slices.Equal(f, []string{"reason"}) || !strings.Contains(err.(*Error).Fields[0].Message, "第三十一条") {
		t.Fatalf("award without reason: %v", err)
	}
	if err := ValidateAward(tn, []string{"b1"}, []string{"b1"}, testNow, testNow, statCfg, "唯一具备资质的机构", bids); err != nil {
		t.Fatalf("award with reason: %v", err)
	}
}

func TestScoredByPanel(t *testing.T) {
	for m, want := range map[Method]bool{MethodComprehensive: true, MethodLowestPrice: false, MethodNegotiated: false, MethodClaim: false} {
		if m.ScoredByPanel() != want {
			t.Errorf("%s: %v", m, !want)
		}
	}
}

func TestClaimRules(t *testing.T) {
	tn := procedureTender(ProcedureClaim)
	tn.EnquiryDeadline = testNow
	tn.BudgetFen = 5000001
	if f := errFields(tn.Publish(testNow, statCfg, Calendar{})); !slices.Equal(f, []string{"budget_fen"}) {
		t.Fatalf("claim above PORTAL_CLAIM_MAX_FEN: %v", f)
	}
	tn.BudgetFen = 5000000
	if err := tn.Publish(testNow, statCfg, Calendar{}); err != nil || tn.Evaluation.Method != MethodClaim || tn.MinBids != 1 {
		t.Fatalf("claim at the limit: %v", err)
	}
	if err := CheckLotPrice(tn, "", 5000000); err != nil {
		t.Fatalf("claim at the budget: %v", err)
	}
	if f := errFields(CheckLotPrice(tn, "", 4000000)); !slices.Equal(f, []string{"price_fen"}) {
		t.Fatalf("claim below the budget: %v", f)
	}
}

func TestRecommendClaim(t *testing.T) {
	r, op := strings.Repeat("ab", 32), H("opening")
	one := []ScoreBid{{BidID: "b1", OrgCommunity: "兴大社区"}}
	if got, d := RecommendClaim(one, "文化社区", r, op, 1); !slices.Equal(got, []string{"b1"}) || d != nil {
		t.Fatalf("one claim: %v %v", got, d)
	}
	// The community's one claim wins without a draw.
	mixed := []ScoreBid{{BidID: "b1", OrgCommunity: "兴大社区"}, {BidID: "b2", OrgCommunity: "文化社区"}, {BidID: "b3", OrgCommunity: "文化社区"}}
	if got, d := RecommendClaim(mixed, "兴大社区", r, op, 1); !slices.Equal(got, []string{"b1"}) || d != nil {
		t.Fatalf("community first: %v %v", got, d)
	}
	// Two of the community: a draw among them only, which anyone can recompute.
	got, d := RecommendClaim(mixed, "文化社区", r, op, 1)
	if d == nil || len(got) != 1 || (got[0] != "b2" && got[0] != "b3") || !slices.Equal(d.Others, []string{"b2", "b3"}) ||
		len(d.Preferred) != 0 || d.Purpose != DrawPurposeClaim || !VerifyDraw(r, op, *d) {
		t.Fatalf("draw among the community: %v %+v", got, d)
	}
	if want := DrawOrder(DrawSeed(r, op, DrawPurposeClaim, 1), []string{"b2", "b3"})[0]; got[0] != want {
		t.Fatalf("chosen %s, the public recomputes %s", got[0], want)
	}
	// None of the community: a draw among all.
	if got, d := RecommendClaim(mixed, "金山社区", r, op, 2); d == nil || len(d.Others) != 3 || len(got) != 1 {
		t.Fatalf("draw among all: %v %+v", got, d)
	}
}
