package tender

import (
	"testing"
	"time"
)

func TestNeedTransitionsAllPairs(t *testing.T) {
	allowed := map[[2]NeedStatus]bool{
		{NeedSubmitted, NeedAccepted}: true, {NeedSubmitted, NeedDeclined}: true,
		{NeedAccepted, NeedListed}: true, {NeedListed, NeedFulfilled}: true, {NeedListed, NeedAccepted}: true,
	}
	for _, from := range NeedStatuses() {
		for _, to := range NeedStatuses() {
			if got := CanTransitionNeed(from, to); got != allowed[[2]NeedStatus{from, to}] {
				t.Errorf("%s → %s: %v", from, to, got)
			}
		}
	}
}

func TestNeedVerbs(t *testing.T) {
	n := Need{Status: NeedSubmitted}
	if err := n.Decline("  "); ErrorCode(err) != CodeValidationFailed || n.Status != NeedSubmitted {
		t.Fatalf("decline without reason: %v %s", err, n.Status)
	}
	if err := n.List("item"); ErrorCode(err) != CodeInvalidState {
		t.Fatalf("list a submitted need: %v", err)
	}
	if err := n.Accept(); err != nil || n.Status != NeedAccepted || !n.Status.Public() {
		t.Fatalf("accept: %v %s", err, n.Status)
	}
	if err := n.Decline("重复"); ErrorCode(err) != CodeInvalidState {
		t.Fatalf("decline an accepted need: %v", err)
	}
	if err := n.List("item"); err != nil || n.Status != NeedListed || *n.ProjectItemID != "item" {
		t.Fatalf("list: %v %+v", err, n)
	}
	if err := n.Fulfil(); err != nil || n.Status != NeedFulfilled {
		t.Fatalf("fulfil: %v", err)
	}
	for _, s := range []NeedStatus{NeedSubmitted, NeedDeclined} {
		if s.Public() {
			t.Errorf("%s is public", s)
		}
	}
}

func TestPlanTransitionsAllPairs(t *testing.T) {
	allowed := map[[2]PlanStatus]bool{
		{PlanDraft, PlanPublished}: true, {PlanPublished, PlanTendered}: true, {PlanTendered, PlanCompleted}: true,
		{PlanDraft, PlanDropped}: true, {PlanPublished, PlanDropped}: true,
	}
	for _, from := range PlanStatuses() {
		for _, to := range PlanStatuses() {
			if got := CanTransitionPlan(from, to); got != allowed[[2]PlanStatus{from, to}] {
				t.Errorf("%s → %s: %v", from, to, got)
			}
		}
	}
}

func validItem() PlanItem {
	c := "c1"
	return PlanItem{ID: "p1", Year: 2027, Title: "兴大社区居家养老服务", CommunityID: &c, Community: "临沭街道兴大社区",
		BudgetFen: 30000000, FundingSource: FundingWelfareLottery, Procedure: ProcedureCompetitiveConsultation,
		LocalOrgsFirst: true, PlannedQuarter: 2, Status: PlanDraft, NeedIDs: []string{}}
}

func TestPlanItemValidate(t *testing.T) {
	for _, tc := range []struct {
		name   string
		change func(p *PlanItem)
		field  string
	}{
		{"valid", func(*PlanItem) {}, ""},
		{"quarter 0", func(p *PlanItem) { p.PlannedQuarter = 0 }, "planned_quarter"},
		{"quarter 5", func(p *PlanItem) { p.PlannedQuarter = 5 }, "planned_quarter"},
		{"no budget", func(p *PlanItem) { p.BudgetFen = 0 }, "budget_fen"},
		{"absurd budget", func(p *PlanItem) { p.BudgetFen = maxPlanBudgetFen + 1 }, "budget_fen"},
		{"unknown procedure", func(p *PlanItem) { p.Procedure = "auction" }, "procedure"},
		{"each §7.3 procedure", func(p *PlanItem) { p.Procedure = ProcedureClaim }, ""},
		{"funding", func(p *PlanItem) { p.FundingSource = "loan" }, "funding_source"},
		{"year", func(p *PlanItem) { p.Year = 1999 }, "year"},
		{"county-wide item limited to a community", func(p *PlanItem) { p.CommunityID, p.Community = nil, "" }, "local_orgs_first"},
		{"need twice", func(p *PlanItem) { p.NeedIDs = []string{"n1", "n1"} }, "need_ids"},
		{"bidi title", func(p *PlanItem) { p.Title = "服务\u202e" }, "title"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := validItem()
			tc.change(&p)
			err := p.Validate()
			if tc.field == "" {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			e, ok := AsError(err)
			if !ok || len(e.Fields) == 0 || e.Fields[0].Field != tc.field {
				t.Fatalf("error %v, want field %s", err, tc.field)
			}
		})
	}
}

func TestPlanItemPublishCountyWideNeedsReason(t *testing.T) {
	now := time.Date(2027, 1, 5, 9, 0, 0, 0, time.UTC)
	p := validItem()
	p.LocalOrgsFirst = false
	err := p.Publish(now)
	if e, ok := AsError(err); !ok || e.Fields[0].Field != "county_wide_reason" || p.Status != PlanDraft {
		t.Fatalf("county-wide without reason: %v %s", err, p.Status)
	}
	p.CountyWideReason = "本社区暂无具备资质的社会组织"
	if err := p.Publish(now); err != nil || p.Status != PlanPublished || !p.PublishedAt.Equal(now) {
		t.Fatalf("publish: %v", err)
	}
	if err := p.CanEdit(); ErrorCode(err) != CodeInvalidState {
		t.Fatalf("a published item is editable: %v", err)
	}
	if err := p.Tendered("t1"); err != nil || p.Status != PlanTendered || *p.TenderID != "t1" {
		t.Fatalf("tendered: %v", err)
	}
	if err := p.Tendered("t2"); ErrorCode(err) != CodeInvalidState || *p.TenderID != "t1" {
		t.Fatalf("second tender: %v", err)
	}
	if err := p.Drop("不再需要"); ErrorCode(err) != CodeInvalidState {
		t.Fatalf("drop a tendered item: %v", err)
	}
}

func TestTenderFromItem(t *testing.T) {
	p := validItem()
	cat := "cat1"
	p.CatalogItemID = &cat
	tn := TenderFromItem(p, "需求：助餐")
	if tn.Kind != KindPurchase || tn.Procedure != ProcedureCompetitiveConsultation || tn.Title != p.Title ||
		tn.CatalogItemID != "cat1" || *tn.CommunityID != "c1" || tn.BudgetFen != p.BudgetFen ||
		tn.FundingSource != p.FundingSource || *tn.ProjectItemID != "p1" || tn.Description != "需求：助餐" ||
		tn.ServiceStart != "2027-04-01" || tn.ServiceEnd != "2028-03-31" {
		t.Fatalf("prefilled: %+v", tn)
	}
	if tn.Eligibility.CommunityID == nil || *tn.Eligibility.CommunityID != "c1" || len(tn.Eligibility.OrgTypes) != 0 ||
		tn.Eligibility.RegisteredOnly || tn.Eligibility.MinSocialWorkers != 0 {
		t.Fatalf("eligibility: %+v", tn.Eligibility)
	}
	p.LocalOrgsFirst, p.Procedure = false, ProcedureVenture
	tn = TenderFromItem(p, "")
	if tn.Kind != KindVenture || tn.Eligibility.CommunityID != nil {
		t.Fatalf("venture county-wide: %+v", tn)
	}
}

func TestEligibilityCommunity(t *testing.T) {
	c1, c2 := "c1", "c2"
	tn := Tender{Eligibility: Eligibility{CommunityID: &c1}}
	org := Organization{Status: OrgApproved, Type: OrgSocialOrg, Registration: Filed, CommunityID: &c1}
	if err := CheckEligibility(tn, org); err != nil {
		t.Fatalf("local organization refused: %v", err)
	}
	org.CommunityID = &c2
	err := CheckEligibility(tn, org)
	if e, ok := AsError(err); !ok || e.Code != CodeNotEligible || e.Fields[0].Field != "eligibility.community_id" {
		t.Fatalf("other community: %v", err)
	}
	org.CommunityID = nil
	if err := CheckEligibility(tn, org); ErrorCode(err) != CodeNotEligible {
		t.Fatalf("county-level organization: %v", err)
	}
	tn.Eligibility.CommunityID = nil
	if err := CheckEligibility(tn, org); err != nil {
		t.Fatalf("county-wide tender: %v", err)
	}
}
