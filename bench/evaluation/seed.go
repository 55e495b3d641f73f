package main

import (
	"context"
	"fmt"
	"time"

	"github.com/lib/pq"
	"golang.org/x/sync/errgroup"

	"github.com/linshu/portal/storage"
	"github.com/linshu/portal/tender"
)

// benchConfig publishes a tender closing in seconds (no statutory window,
// no minimum publicity), as the demo seed does; the scoring rules are the
// production ones.
var benchConfig = tender.Config{PublicTenderFen: 100000000, ClaimMaxFen: 5000000}

const benchPassword = "bench-eval-password-2026"

// seeded is the evaluated tender and who reads it.
type seeded struct {
	tenderID   string
	admin      tender.Actor
	evaluators []tender.User
}

// seed builds, through the storage API (as the bureau, the organizations and
// the panel would through the portal), a tender with cfg.Bids submitted and
// qualified bids, a panel of cfg.Evaluators that declared and submitted
// every score sheet, on cfg.Criteria criteria (one of them price). Only the
// organizations and their users are inserted with SQL, as bench/deadline
// does: registering them would cost one bcrypt hash each.
func seed(ctx context.Context, store *storage.Store, cfg config) (seeded, error) {
	var out seeded
	boot := tender.Actor{UserID: "bench", Role: tender.RoleAdmin, Name: "bench"}
	admin, err := store.CreateUser(ctx, boot, tender.User{Username: "admin", Role: tender.RoleAdmin, Name: "民政局管理员"}, benchPassword)
	if err != nil {
		return out, fmt.Errorf("admin: %w", err)
	}
	out.admin = tender.Actor{UserID: admin.ID, Role: tender.RoleAdmin, Name: admin.Name}
	community, err := store.CreateCommunity(ctx, out.admin, tender.Community{Name: "临沭街道兴大社区", Town: "临沭街道", Kind: tender.CommunityUrban})
	if err != nil {
		return out, fmt.Errorf("community: %w", err)
	}
	orgs, err := seedOrgs(ctx, store, community.ID, cfg.Bids)
	if err != nil {
		return out, fmt.Errorf("organizations: %w", err)
	}
	for i := range cfg.Evaluators {
		u, err := store.CreateUser(ctx, out.admin, tender.User{Username: fmt.Sprintf("expert%d", i+1), Role: tender.RoleEvaluator,
			Name: fmt.Sprintf("评审专家%02d", i+1), Expertise: []string{"居家养老"}}, benchPassword)
		if err != nil {
			return out, fmt.Errorf("evaluator: %w", err)
		}
		out.evaluators = append(out.evaluators, u)
	}

	// The tender closes cfg.BidWindow after it is published: long enough for every bid.
	deadline := time.Now().Add(cfg.BidWindow)
	t := benchTender(community.ID, cfg.Criteria, cfg.Evaluators, deadline)
	t, err = store.CreateTender(ctx, out.admin, t)
	if err != nil {
		return out, fmt.Errorf("tender: %w", err)
	}
	t, err = store.UpdateTender(ctx, out.admin, t.ID, func(t *tender.Tender, now time.Time) (string, any, error) {
		return "publish", nil, t.Publish(now, benchConfig, tender.Calendar{})
	})
	if err != nil {
		return out, fmt.Errorf("publish: %w", err)
	}
	out.tenderID = t.ID
	progress("tender %s published, closing at %s; %d bids", t.Code, t.BidDeadline.Format("15:04:05"), len(orgs))
	err = parallel(cfg.SeedWorkers, len(orgs), func(i int) error {
		o := orgs[i]
		b, err := store.CreateBid(ctx, o, t.ID, "", int64(20_000_000+(i*7919)%8_000_000),
			fmt.Sprintf("第%d号服务方案：组建%d人服务团队，提供助餐、助洁、助浴和精神慰藉服务。", i+1, 5+i%7))
		if err != nil {
			return err
		}
		_, err = store.SubmitBid(ctx, o, b.ID, time.Time{})
		return err
	})
	if err != nil {
		return out, fmt.Errorf("bids (a slow machine may need a longer -bid-window than %s): %w", cfg.BidWindow, err)
	}
	wait := time.Until(t.BidDeadline.Add(tender.ArrivalGrace + 200*time.Millisecond))
	progress("bids submitted; the opening waits %s for the deadline and its grace", wait.Round(time.Millisecond))
	select {
	case <-time.After(wait):
	case <-ctx.Done():
		return out, ctx.Err()
	}
	if _, err := store.OpenDue(ctx); err != nil {
		return out, fmt.Errorf("opening: %w", err)
	}
	bids, err := store.TenderBids(ctx, t.ID)
	if err != nil {
		return out, err
	}
	if len(bids) != cfg.Bids {
		return out, fmt.Errorf("%d bids opened, want %d", len(bids), cfg.Bids)
	}
	if err := parallel(cfg.SeedWorkers, len(bids), func(i int) error {
		_, _, err := store.QualifyBid(ctx, out.admin, bids[i].ID, true, "")
		return err
	}); err != nil {
		return out, fmt.Errorf("qualify: %w", err)
	}
	var ids []string
	for _, u := range out.evaluators {
		ids = append(ids, u.ID)
	}
	if _, err := store.AddPanelMembers(ctx, out.admin, t.ID, storage.PanelRequest{EvaluatorIDs: ids,
		Reason: "性能测试：指定全部评审专家"}); err != nil {
		return out, fmt.Errorf("panel: %w", err)
	}
	progress("%d bids opened and qualified; %d evaluators score them", len(bids), len(out.evaluators))
	stored, err := store.Tender(ctx, t.ID)
	if err != nil {
		return out, err
	}
	// Each evaluator declares, scores every bid on every quality criterion and submits, all at once.
	if err := parallel(len(out.evaluators), len(out.evaluators), func(e int) error {
		ex := tender.Actor{UserID: out.evaluators[e].ID, Role: tender.RoleEvaluator, Name: out.evaluators[e].Name}
		if err := store.Declare(ctx, ex, t.ID, false, ""); err != nil {
			return err
		}
		for i, b := range bids {
			var entries []storage.ScoreEntry
			for j, c := range stored.Evaluation.Criteria {
				if c.Kind != tender.CriterionQuality {
					continue
				}
				score := tender.Hundredths((i*31 + j*17 + e*13) % (int(c.MaxScore)*100 + 1))
				entries = append(entries, storage.ScoreEntry{CriterionID: c.ID, Score: score, Comment: "方案较完整，人员配备合理"})
			}
			if err := store.SaveScores(ctx, ex, t.ID, b.ID, entries); err != nil {
				return err
			}
		}
		return store.SubmitSheet(ctx, ex, t.ID)
	}); err != nil {
		return out, fmt.Errorf("scores: %w", err)
	}
	return out, nil
}

// benchTender is a purchase tender of communityID scored by a panel of
// panel on criteria criteria: criteria-1 quality criteria and price, 100
// points in all.
func benchTender(communityID string, criteria, panel int, deadline time.Time) tender.Tender {
	var cs []tender.Criterion
	quality := criteria - 1
	for i := range quality {
		cs = append(cs, tender.Criterion{Name: fmt.Sprintf("评审因素%d", i+1), MaxScore: int64(90 / quality), Kind: tender.CriterionQuality})
	}
	price := 100 - int64(90/quality)*int64(quality)
	cs = append(cs, tender.Criterion{Name: "报价", MaxScore: price, Kind: tender.CriterionPrice})
	t := tender.Tender{Kind: tender.KindPurchase, Title: "兴大社区居家养老服务（评审结果性能测试）", CommunityID: &communityID,
		Description:   "为辖区老年人提供助餐、助洁、助浴、助医及精神慰藉服务，服务期一年。",
		FundingSource: tender.FundingWelfareLottery, BudgetFen: 30000000, MaxAwards: 1, MinBids: 3,
		ServiceStart: "2027-01-01", ServiceEnd: "2027-12-31", CommunityPreferencePct: 5,
		Eligibility: tender.Eligibility{OrgTypes: []tender.OrgType{tender.OrgSocialOrg, tender.OrgSocialWorkAgency},
			RegisteredOnly: true, MinSocialWorkers: 1},
		Evaluation:      tender.EvaluationConfig{Method: tender.MethodComprehensive, PanelSize: panel, TrimExtremes: true, Criteria: cs},
		EnquiryDeadline: deadline, BidDeadline: deadline}
	t.ResolveProcedure(benchConfig)
	t.ApplyDefaults()
	return t
}

// seedOrgs inserts n approved organizations and one user each with SQL (a
// quarter of them in communityID, the tender's community, which the
// community preference favours) and returns their users as actors.
func seedOrgs(ctx context.Context, store *storage.Store, communityID string, n int) ([]tender.Actor, error) {
	hash, err := storage.HashPassword(benchPassword) // once, shared by every user
	if err != nil {
		return nil, err
	}
	names, usccs, communities, usernames := make([]string, n), make([]string, n), make([]*string, n), make([]string, n)
	for i := range n {
		prefix := fmt.Sprintf("52371329MJ%07d", i+1)
		c, ok := tender.USCCCheckChar(prefix)
		if !ok {
			return nil, fmt.Errorf("uscc prefix %s", prefix)
		}
		names[i], usccs[i], usernames[i] = fmt.Sprintf("临沭县第%04d社会工作服务中心", i+1), prefix+string(c), fmt.Sprintf("bidder%04d", i+1)
		if i%4 == 0 {
			communities[i] = &communityID
		}
	}
	tx, err := store.DB().BeginTxx(ctx, nil)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	orgIDs := make([]string, n)
	for i := range n {
		if err := tx.GetContext(ctx, &orgIDs[i], `INSERT INTO organizations (name, uscc, type, registration, community_id,
				legal_representative, contact_phone, staff_total, social_workers, status)
			VALUES ($1, $2, 'social_work_agency', 'registered', $3, '王丽', '0539-6210001', 10, 3, 'approved') RETURNING id`,
			names[i], usccs[i], communities[i]); err != nil {
			return nil, err
		}
	}
	userIDs := make([]string, n)
	rows, err := tx.QueryContext(ctx, `INSERT INTO users (username, password_hash, role, name, org_id)
		SELECT u, $1, 'org', nm, o::uuid FROM unnest($2::text[], $3::text[], $4::text[]) WITH ORDINALITY AS t(u, nm, o, i)
		ORDER BY i RETURNING id, org_id`, hash, pq.Array(usernames), pq.Array(names), pq.Array(orgIDs))
	if err != nil {
		return nil, err
	}
	byOrg := map[string]string{}
	for rows.Next() {
		var id, org string
		if err := rows.Scan(&id, &org); err != nil {
			rows.Close()
			return nil, err
		}
		byOrg[org] = id
	}
	if err := rows.Close(); err != nil {
		return nil, err
	}
	if err := tx.Commit(); err != nil {
		return nil, err
	}
	out := make([]tender.Actor, n)
	for i := range n {
		userIDs[i] = byOrg[orgIDs[i]]
		if userIDs[i] == "" {
			return nil, fmt.Errorf("organization %s has no user", names[i])
		}
		out[i] = tender.Actor{UserID: userIDs[i], Role: tender.RoleOrg, OrgID: orgIDs[i], Name: names[i]}
	}
	return out, nil
}

// parallel runs fn(0…n-1), workers at a time, and returns the first error.
func parallel(workers, n int, fn func(i int) error) error {
	var g errgroup.Group
	g.SetLimit(workers)
	for i := range n {
		g.Go(func() error { return fn(i) })
	}
	return g.Wait()
}
