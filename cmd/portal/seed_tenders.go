package main

import (
	"context"
	"fmt"
	"time"

	"github.com/linshu/portal/storage"
	"github.com/linshu/portal/tender"
)

// demoConfig lets the demo publish tenders closing in seconds; production uses the SPEC's limits.
var demoConfig = tender.Config{PublicTenderFen: 100000000, ClaimMaxFen: 5000000}

func demoTender(kind tender.Kind, title, community string, catalogID string, deadline time.Time) tender.Tender {
	t := tender.Tender{Kind: kind, Title: title, Community: community, CatalogItemID: catalogID,
		Description:   "为" + community + "居民提供" + title + "，服务期一年，按季度考核。投标人须具备相应专业能力和服务经验。",
		FundingSource: tender.FundingWelfareLottery, BudgetFen: 30000000, MaxAwards: 1, MinBids: 3,
		ServiceStart: "2027-01-01", ServiceEnd: "2027-12-31", CommunityPreferencePct: 5,
		Eligibility: tender.Eligibility{OrgTypes: []tender.OrgType{tender.OrgSocialOrg, tender.OrgSocialWorkAgency},
			RegisteredOnly: true, MinSocialWorkers: 1},
		Evaluation: tender.EvaluationConfig{Method: tender.MethodComprehensive, PanelSize: 3,
			Criteria: []tender.Criterion{{Name: "服务方案", MaxScore: 40, Kind: tender.CriterionQuality},
				{Name: "团队与资质", MaxScore: 30, Kind: tender.CriterionQuality},
				{Name: "报价", MaxScore: 30, Kind: tender.CriterionPrice}}},
		EnquiryDeadline: deadline.Add(-48 * time.Hour), BidDeadline: deadline}
	if kind == tender.KindVenture {
		capFen := int64(8000000)
		t.FundingSource, t.BudgetFen, t.MaxAwardFen, t.MaxAwards, t.MinBids = tender.FundingCharity, 40000000, &capFen, 5, 1
		t.Eligibility = tender.Eligibility{OrgTypes: []tender.OrgType{}}
		t.CommunityPreferencePct = 0
		t.Evaluation.Criteria = []tender.Criterion{{Name: "项目设计与需求契合度", MaxScore: 50, Kind: tender.CriterionQuality},
			{Name: "执行能力与可持续性", MaxScore: 50, Kind: tender.CriterionQuality}}
	}
	if deadline.Sub(t.EnquiryDeadline) > time.Until(deadline) {
		t.EnquiryDeadline = deadline
	}
	t.ResolveProcedure(demoConfig)
	t.ApplyDefaults()
	return t
}

// seedDemoTenders adds tenders in every state: draft, open (purchase and
// venture), evaluating with a declared panel, completed with an award and a
// performance rating, and a cancelled one; then those of §7.3–7.4
// (seedDemoProcedures).
func seedDemoTenders(ctx context.Context, s *storage.Store, admin tender.Actor, orgIDs []string) error {
	cat, err := s.Catalog(ctx, false)
	if err != nil {
		return err
	}
	// The demo bids are made in each organization's name by its own user
	// (signed in once here: the closing tenders below leave no time for bcrypt).
	orgs := make([]tender.Actor, 4)
	for i := range orgs {
		if orgs[i], err = demoOrgActor(ctx, s, orgIDs, orgIDs[i]); err != nil {
			return err
		}
	}
	catID := func(code string) string {
		for _, c := range cat {
			if c.Code == code {
				return c.ID
			}
		}
		return ""
	}
	create := func(t tender.Tender, publish bool) (tender.Tender, error) {
		out, err := s.CreateTender(ctx, admin, t)
		if err != nil || !publish {
			return out, err
		}
		return s.UpdateTender(ctx, admin, out.ID, func(t *tender.Tender, now time.Time) (string, any, error) {
			return "publish", nil, t.Publish(now, demoConfig, tender.Calendar{})
		})
	}
	week := time.Now().Add(7 * 24 * time.Hour).Truncate(time.Hour)
	if _, err := create(demoTender(tender.KindPurchase, "兴大社区居家养老服务项目", "临沭街道兴大社区", catID("SQ-04"), week), true); err != nil {
		return fmt.Errorf("open tender: %w", err)
	}
	if _, err := create(demoTender(tender.KindVenture, "2027年度社区公益创投大赛", "", catID("SQ-08"), week.Add(72*time.Hour)), true); err != nil {
		return fmt.Errorf("venture call: %w", err)
	}
	if _, err := create(demoTender(tender.KindPurchase, "文化社区小区物业管理服务", "临沭街道文化社区", catID("SQ-10"), week.Add(240*time.Hour)), false); err != nil {
		return fmt.Errorf("draft: %w", err)
	}
	// §7.3–7.4: a county-wide purchase in two lots, a single-source notice and a small service to claim.
	lots := demoTender(tender.KindPurchase, "2027年居家养老上门服务（分两个标包）", "", catID("SQ-04"), week.Add(48*time.Hour))
	lots.Lots = []tender.Lot{{Title: "第一标包：兴大社区", BudgetFen: 15000000, Community: "临沭街道兴大社区"},
		{Title: "第二标包：文化社区", BudgetFen: 12000000, Community: "临沭街道文化社区"}}
	lots.CommunityPreferencePct = 0
	lots.ApplyDefaults()
	if _, err := create(lots, true); err != nil {
		return fmt.Errorf("tender in lots: %w", err)
	}
	unscored := func(t tender.Tender, p tender.Procedure, budget int64) tender.Tender {
		t.Procedure, t.BudgetFen, t.MinBids, t.CommunityPreferencePct = p, budget, 0, 0
		t.Evaluation = tender.EvaluationConfig{}
		t.ApplyDefaults()
		return t
	}
	single := unscored(demoTender(tender.KindPurchase, "兴大社区日间照料中心运营（单一来源公示）", "临沭街道兴大社区", catID("SQ-04"), week),
		tender.ProcedureSingleSource, 20000000)
	single.SingleSourceOrgID = orgIDs[0]
	if _, err := create(single, true); err != nil {
		return fmt.Errorf("single source: %w", err)
	}
	openClaim, err := create(unscored(demoTender(tender.KindPurchase, "文化社区老年人理发服务认领", "临沭街道文化社区", catID("SQ-04"), week),
		tender.ProcedureClaim, 4000000), true)
	if err != nil {
		return fmt.Errorf("claim: %w", err)
	}
	c, err := create(demoTender(tender.KindPurchase, "金山社区青少年课后托管服务", "郑山街道金山社区", catID("SQ-05"), week), true)
	if err != nil {
		return err
	}
	if _, err := s.UpdateTender(ctx, admin, c.ID, func(t *tender.Tender, _ time.Time) (string, any, error) {
		return "cancel", map[string]any{"reason": "服务需求调整"}, t.Cancel("因服务需求调整，本项目取消，将重新论证后另行发布")
	}); err != nil {
		return err
	}

	// Tenders closing in a few seconds: one stays in evaluation, the others go through to completion.
	// Each gets its own deadline a few seconds after it is created and its three bids follow at once,
	// so a slow (loaded) machine cannot run the bids past a deadline shared by all of them.
	prices := []int64{27800000, 26500000, 28900000}
	var soon time.Time
	flowTender := func(d func(deadline time.Time) tender.Tender, what string) (tender.Tender, error) {
		soon = time.Now().Add(4 * time.Second)
		t, err := create(d(soon), true)
		if err != nil {
			return t, fmt.Errorf("%s: %w", what, err)
		}
		for i, org := range orgs[:3] {
			b, err := s.CreateBid(ctx, org, t.ID, "", prices[i], fmt.Sprintf("服务方案摘要：组建%d人服务团队，提供个案、小组、社区活动三类服务。", 5+i))
			if err != nil {
				return t, fmt.Errorf("%s: demo bid: %w", what, err)
			}
			if _, err := s.SubmitBid(ctx, org, b.ID, time.Time{}); err != nil {
				return t, fmt.Errorf("%s: demo submit: %w", what, err)
			}
		}
		return t, nil
	}
	evalT, err := flowTender(func(at time.Time) tender.Tender {
		return demoTender(tender.KindPurchase, "兴大社区困难群众社会救助服务", "临沭街道兴大社区", catID("SQ-03"), at)
	}, "evaluating tender")
	if err != nil {
		return err
	}
	doneT, err := flowTender(func(at time.Time) tender.Tender {
		return demoTender(tender.KindPurchase, "兴大社区文化活动中心运营服务", "临沭街道兴大社区", catID("SQ-01"), at)
	}, "completed tender")
	if err != nil {
		return err
	}
	// Four more go through to completion so that seed-demo shows a contract in every state (seed_contracts.go).
	flow := []tender.Tender{evalT, doneT}
	for i, title := range demoContractTenders {
		last := i == len(demoContractTenders)-1
		t, err := flowTender(func(at time.Time) tender.Tender {
			d := demoTender(tender.KindPurchase, title, "临沭街道兴大社区", catID("SQ-04"), at)
			if last { // its service period is over, so its contract completes in the demo
				d.ServiceStart, d.ServiceEnd = "2025-01-01", "2025-12-31"
			}
			return d
		}, "contract tender")
		if err != nil {
			return err
		}
		flow = append(flow, t)
	}
	time.Sleep(time.Until(soon) + tender.ArrivalGrace + 200*time.Millisecond) // the opening waits for the grace
	if _, err := s.OpenDue(ctx); err != nil {
		return err
	}
	experts, err := s.Users(ctx, storage.UserFilter{Role: string(tender.RoleEvaluator), Limit: 100})
	if err != nil {
		return err
	}
	var panel []string
	for _, u := range experts {
		if u.Username == "expert1" || u.Username == "expert2" || u.Username == "expert3" {
			panel = append(panel, u.ID)
		}
	}
	for _, t := range flow {
		bids, err := s.TenderBids(ctx, t.ID)
		if err != nil {
			return err
		}
		for _, b := range bids {
			if _, _, err := s.QualifyBid(ctx, admin, b.ID, true, ""); err != nil {
				return fmt.Errorf("qualify: %w", err)
			}
		}
		if t.ID == evalT.ID {
			// expert1…3 declare and score this one themselves in the demo, so
			// they are named, which shows the red flag 不随机抽取 with its reason.
			if _, err := s.AddPanelMembers(ctx, admin, t.ID, storage.PanelRequest{EvaluatorIDs: panel,
				Reason: "演示：指定 expert1–expert3，以便登录体验评审"}); err != nil {
				return fmt.Errorf("panel: %w", err)
			}
			continue
		}
		// The completed tender's panel is drawn, verifiably (GET /tenders/{id}/draws).
		members, err := s.AddPanelMembers(ctx, admin, t.ID, storage.PanelRequest{Size: t.Evaluation.PanelSize})
		if err != nil {
			return fmt.Errorf("panel: %w", err)
		}
		for i, m := range members {
			id := m.EvaluatorID
			ex := tender.Actor{UserID: id, Role: tender.RoleEvaluator}
			if err := s.Declare(ctx, ex, t.ID, false, ""); err != nil {
				return err
			}
			for j, b := range bids {
				entries := []storage.ScoreEntry{
					{CriterionID: "c1", Score: tender.Hundredths(3000 + 150*int64(i) + 200*int64(j)), Comment: "方案较完整"},
					{CriterionID: "c2", Score: tender.Hundredths(2400 + 100*int64(j)), Comment: "团队稳定"},
				}
				if err := s.SaveScores(ctx, ex, t.ID, b.ID, entries); err != nil {
					return fmt.Errorf("scores: %w", err)
				}
			}
			if err := s.SubmitSheet(ctx, ex, t.ID); err != nil {
				return err
			}
		}
		rec, err := s.Recommend(ctx, admin, t.ID, "")
		if err != nil {
			return err
		}
		ends := time.Now().Add(time.Second)
		awards, err := s.AwardTender(ctx, admin, t.ID, storage.AwardRequest{BidIDs: rec.BidIDs, PublicityEndsAt: ends,
			Config: demoConfig})
		if err != nil {
			return fmt.Errorf("award: %w", err)
		}
		time.Sleep(time.Until(ends) + 100*time.Millisecond)
		if _, err := s.CompleteDue(ctx); err != nil {
			return err
		}
		if _, err := s.RatePerformance(ctx, admin, awards[0].ID, 92, "服务到位，居民满意度高"); err != nil {
			return fmt.Errorf("performance: %w", err)
		}
	}
	return seedDemoProcedures(ctx, s, admin, orgs, catID("SQ-04"), openClaim, create)
}
