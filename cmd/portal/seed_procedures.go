package main

import (
	"context"
	"fmt"
	"time"

	"github.com/linshu/portal/storage"
	"github.com/linshu/portal/tender"
)

// seedDemoProcedures adds the outcomes of §7.3–7.4 that the open tenders of
// seedDemoTendersImpl do not show: a purchase in two lots where lot 1 is
// awarded and lot 2 failed (流标, one bid), a claim (服务认领) that two
// organizations claimed and the public draw decided, and two claims on the
// open service to claim. create makes a tender and publishes it.
func seedDemoProcedures(ctx context.Context, s *storage.Store, admin tender.Actor, orgs []tender.Actor,
	catID string, openClaim tender.Tender, create func(tender.Tender, bool) (tender.Tender, error)) error {
	org := func(i int) tender.Actor { return orgs[i] }
	bid := func(i int, tenderID, lotID string, price int64, summary string) (tender.Bid, error) {
		b, err := s.CreateBid(ctx, org(i), tenderID, lotID, price, summary)
		if err != nil {
			return b, fmt.Errorf("demo bid: %w", err)
		}
		if _, err := s.SubmitBid(ctx, org(i), b.ID, time.Time{}); err != nil {
			return b, fmt.Errorf("demo submit: %w", err)
		}
		return b, nil
	}
	// Organizations 0 (兴大社区) and 3 (兴大社区) claim the open service of 文化社区; the claims stay sealed until its deadline.
	for _, i := range []int{0, 3} {
		if _, err := bid(i, openClaim.ID, "", openClaim.BudgetFen, "按预算价认领本服务"); err != nil {
			return err
		}
	}

	// Each closing tender gets its own deadline a few seconds after it is created and its bids at once,
	// so that a loaded machine cannot run the bids past the deadline (as in seedDemoTenders).
	soon := time.Now().Add(4 * time.Second)
	lots := demoTender(tender.KindPurchase, "2026年下半年助餐服务（分两个标包）", "", catID, soon)
	lots.Lots = []tender.Lot{{Title: "第一标包：兴大社区助餐点", BudgetFen: 16000000, Community: "临沭街道兴大社区"},
		{Title: "第二标包：金山社区助餐点", BudgetFen: 12000000, Community: "郑山街道金山社区"}}
	lots.CommunityPreferencePct = 0
	lots.ApplyDefaults()
	lt, err := create(lots, true)
	if err != nil {
		return fmt.Errorf("tender in lots: %w", err)
	}
	// Lot 1: three bids; lot 2: one, below min_bids, so it fails at the opening.
	var lot1 []string
	for i, price := range []int64{15200000, 14800000, 15600000} {
		b, err := bid(i, lt.ID, "l1", price, fmt.Sprintf("第一标包服务方案：助餐点每日供餐，送餐上门，配备%d名厨师和营养师。", 2+i))
		if err != nil {
			return err
		}
		lot1 = append(lot1, b.ID)
	}
	if _, err := bid(2, lt.ID, "l2", 11800000, "第二标包服务方案：金山社区助餐点运营。"); err != nil {
		return err
	}
	soon = time.Now().Add(4 * time.Second)
	claim := demoTender(tender.KindPurchase, "文化社区独居老人探访服务认领", "临沭街道文化社区", catID, soon)
	claim.Procedure, claim.BudgetFen, claim.MinBids, claim.CommunityPreferencePct = tender.ProcedureClaim, 3600000, 0, 0
	claim.Evaluation = tender.EvaluationConfig{}
	claim.ApplyDefaults()
	ct, err := create(claim, true)
	if err != nil {
		return fmt.Errorf("claim: %w", err)
	}
	// Two claimants, neither of 文化社区: the draw decides between them.
	var claims []string
	for _, i := range []int{0, 2} {
		b, err := bid(i, ct.ID, "", claim.BudgetFen, "按预算价认领本服务")
		if err != nil {
			return err
		}
		claims = append(claims, b.ID)
	}
	time.Sleep(time.Until(soon) + tender.ArrivalGrace + 200*time.Millisecond) // the opening waits for the grace
	if _, err := s.OpenDue(ctx); err != nil {
		return err
	}
	for _, id := range append(append([]string{}, lot1...), claims...) {
		if _, _, err := s.QualifyBid(ctx, admin, id, true, ""); err != nil {
			return fmt.Errorf("qualify: %w", err)
		}
	}
	members, err := s.AddPanelMembers(ctx, admin, lt.ID, storage.PanelRequest{Size: lt.Evaluation.PanelSize})
	if err != nil {
		return fmt.Errorf("panel: %w", err)
	}
	for i, m := range members {
		ex := tender.Actor{UserID: m.EvaluatorID, Role: tender.RoleEvaluator}
		if err := s.Declare(ctx, ex, lt.ID, false, ""); err != nil {
			return err
		}
		for j, b := range lot1 {
			entries := []storage.ScoreEntry{
				{CriterionID: "c1", Score: tender.Hundredths(3200 + 100*int64(i) - 300*int64(j)), Comment: "方案可行"},
				{CriterionID: "c2", Score: tender.Hundredths(2500 - 100*int64(j)), Comment: "团队稳定"},
			}
			if err := s.SaveScores(ctx, ex, lt.ID, b, entries); err != nil {
				return fmt.Errorf("scores: %w", err)
			}
		}
		if err := s.SubmitSheet(ctx, ex, lt.ID); err != nil {
			return err
		}
	}
	// Both stay in publicity (公示中) for a week: lot 1 awarded beside lot 2 流标, the claim with its draw.
	ends := time.Now().Add(7 * 24 * time.Hour)
	for _, x := range []struct{ tenderID, lotID string }{{lt.ID, "l1"}, {ct.ID, ""}} {
		rec, err := s.Recommend(ctx, admin, x.tenderID, x.lotID)
		if err != nil {
			return fmt.Errorf("recommend: %w", err)
		}
		if _, err := s.AwardTender(ctx, admin, x.tenderID, storage.AwardRequest{BidIDs: rec.BidIDs, PublicityEndsAt: ends,
			Config: demoConfig, LotID: x.lotID}); err != nil {
			return fmt.Errorf("award: %w", err)
		}
	}
	return nil
}
