package main

import (
	"context"
	"fmt"
	"math/rand/v2"
	"strings"
	"sync"
	"time"

	"github.com/lib/pq"

	"github.com/linshu/portal/storage"
	"github.com/linshu/portal/tender"
)

// Linshu county's towns and sub-districts, and community names to combine
// them with: 10 × 12 = 120 communities.
var towns = []string{"临沭街道", "郑山街道", "玉山镇", "石门镇", "曹庄镇", "蛟龙镇", "大兴镇", "青云镇", "店头镇", "白旄镇"}

var communities = []string{"兴大社区", "文化社区", "金山社区", "常林社区", "沭河社区", "龙泉社区",
	"朱村社区", "岌山社区", "双河社区", "李家庄社区", "新华社区", "振兴社区"}

// service is one kind of purchased service. weight sets how often it occurs:
// "养老" is in about a quarter of the tenders, "物业管理" in about a tenth,
// "矫正" in about one in a hundred, "健" (健康, 健身) in about a third.
type service struct {
	name, target, content string
	weight                int
}

var services = []service{
	{"居家养老服务", "辖区60周岁以上居家老年人", "助餐、助洁、助浴、助医及精神慰藉服务，定期开展健康讲座", 18},
	{"农村幸福院养老服务", "农村留守和独居老人", "日间照料、文体娱乐和互助养老服务", 5},
	{"老年人助餐服务", "高龄、失能及困难老年人", "集中就餐、送餐上门和营养膳食指导", 6},
	{"小区物业管理服务", "老旧小区居民", "保洁、绿化、秩序维护和公共设施维修等物业管理服务", 9},
	{"老旧小区物业托管服务", "无物业老旧小区居民", "环境卫生整治和基础物业托管服务", 4},
	{"社区矫正社会工作服务", "社区矫正对象及其家庭", "教育帮扶、心理疏导和社会适应性帮扶", 1},
	{"青少年心理健康辅导服务", "辖区在校青少年", "心理健康筛查、个案辅导和成长小组活动", 6},
	{"全民健身活动组织服务", "社区居民", "健身指导、体育赛事组织和健身器材管护", 5},
	{"留守儿童关爱服务", "农村留守儿童和困境儿童", "课后托管、学业辅导和亲情陪伴", 7},
	{"困难群众救助帮扶服务", "低保、特困及临时救助对象", "入户走访、需求评估和个案帮扶", 6},
	{"残疾人社区康复服务", "持证残疾人", "社区康复训练、辅具适配和就业支持", 5},
	{"社区志愿服务项目运营", "社区志愿者和居民", "志愿者招募培训、志愿服务项目设计与运营", 6},
	{"邻里纠纷调解服务", "社区居民", "邻里纠纷调解、居民议事协商和法律咨询", 5},
	{"社区文化活动服务", "社区居民", "文艺团队培育、全民阅读和传统节日活动", 6},
	{"社会工作站运营服务", "镇（街道）社会工作站服务对象", "社会工作站日常运营、专业督导和人才培养", 5},
}

var extras = []string{
	"优先吸纳本社区居民参与服务。",
	"服务结束后提交绩效自评报告。",
	"项目资金实行专款专用，接受审计监督。",
	"鼓励链接慈善资源和志愿者力量。",
	"服务过程应留存影像资料和签到记录。",
	"",
}

const (
	evaluationJSON = `{"method":"comprehensive","panel_size":3,"trim_extremes":false,"criteria":[` +
		`{"id":"c1","name":"服务方案","max_score":40,"kind":"quality"},` +
		`{"id":"c2","name":"团队与资质","max_score":30,"kind":"quality"},` +
		`{"id":"c3","name":"报价","max_score":30,"kind":"price"}]}`
	eligibilityJSON = `{"org_types":["social_org","social_work_agency"],"registered_only":true,"min_social_workers":1}`
)

var fundingSources = []string{"fiscal", "fiscal", "fiscal", "welfare_lottery", "welfare_lottery", "charity", "social"}

// seedTenders inserts rows tenders created from 2023-01-01 to about now,
// newest last, with COPY on two connections (one per core).
func seedTenders(ctx context.Context, store *storage.Store, rows int) error {
	ids, err := registerCommunities(ctx, store)
	if err != nil {
		return err
	}
	const parts = 2
	var wg sync.WaitGroup
	errs := make([]error, parts)
	for p := range parts {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs[p] = copyTenders(ctx, store, ids, rows, p, parts)
		}()
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}

// registerCommunities registers the 120 communities the tenders serve (a
// tender names its community by registry id, SPEC §7.1), as the bureau does
// through Store.CreateCommunity, and returns their ids by name. A town's
// 街道 communities are urban, its 镇 communities rural, as migration 00015 reads them.
func registerCommunities(ctx context.Context, store *storage.Store) (map[string]string, error) {
	actor := tender.Actor{UserID: "bench", Role: tender.RoleAdmin, Name: "bench"}
	ids := make(map[string]string, len(towns)*len(communities))
	for _, town := range towns {
		kind := tender.CommunityRural
		if strings.HasSuffix(town, "街道") {
			kind = tender.CommunityUrban
		}
		for _, name := range communities {
			c, err := store.CreateCommunity(ctx, actor, tender.Community{Name: town + name, Town: town, Kind: kind})
			if err != nil {
				return nil, fmt.Errorf("community %s: %w", town+name, err)
			}
			ids[c.Name] = c.ID
		}
	}
	return ids, nil
}

func copyTenders(ctx context.Context, store *storage.Store, communityIDs map[string]string, rows, part, parts int) error {
	tx, err := store.DB().BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback() //nolint:errcheck // a no-op after Commit
	stmt, err := tx.PrepareContext(ctx, pq.CopyIn("tenders", "code", "kind", "title", "description", "community_id",
		"funding_source", "budget_fen", "max_award_fen", "max_awards", "min_bids", "service_start", "service_end",
		"eligibility", "evaluation", "enquiry_deadline", "bid_deadline", "status", "published_at", "opened_at",
		"created_at", "updated_at", "procedure"))
	if err != nil {
		return err
	}
	shanghai := time.FixedZone("CST", 8*3600)
	start := time.Date(2023, 1, 1, 9, 0, 0, 0, shanghai)
	end := time.Date(2026, 11, 20, 9, 0, 0, 0, shanghai)
	step := end.Sub(start) / time.Duration(rows)
	seqs := map[int]int{} // per-year sequence, as the portal's codes are
	totalWeight := 0
	for _, s := range services {
		totalWeight += s.weight
	}
	for i := range rows {
		created := start.Add(time.Duration(i) * step)
		year := created.Year()
		seqs[year]++
		if i%parts != part {
			continue
		}
		r := rand.New(rand.NewPCG(uint64(i), 2026))
		w := r.IntN(totalWeight)
		var svc service
		for _, s := range services {
			if w < s.weight {
				svc = s
				break
			}
			w -= s.weight
		}
		town := towns[r.IntN(len(towns))]
		community := town + communities[r.IntN(len(communities))]
		kind := "purchase"
		var title string
		switch r.IntN(10) {
		case 0, 1, 2, 3, 4:
			title = community + svc.name
		case 5, 6, 7:
			title = fmt.Sprintf("%d年%s%s项目", year, community, svc.name)
		case 8:
			title = fmt.Sprintf("%s%s（第%d期）", town, svc.name, 1+r.IntN(4))
		default:
			kind = "venture"
			title = fmt.Sprintf("%d年度公益创投：%s%s", year, community, svc.name)
		}
		budgetWan := 5 + r.IntN(196) // 5万 to 200万元
		months := []int{6, 12, 12, 12, 24}[r.IntN(5)]
		desc := fmt.Sprintf("为%s%s提供%s。服务期%d个月，项目预算%d万元。承接机构应配备持证社会工作者不少于%d名，"+
			"建立服务对象档案，每季度向县民政局报送服务报告，接受第三方评估。%s",
			community, svc.target, svc.content, months, budgetWan, 1+r.IntN(4), extras[r.IntN(len(extras))])
		budget := int64(budgetWan) * 10000 * 100
		var maxAward *int64
		maxAwards := 1
		if kind == "venture" {
			v := budget / 4
			maxAward, maxAwards = &v, 4
		}
		status := statusFor(r, float64(i)/float64(rows))
		published := created.Add(time.Duration(24+r.IntN(48)) * time.Hour)
		enquiry := published.Add(10 * 24 * time.Hour)
		bid := published.Add(20 * 24 * time.Hour)
		var publishedAt, openedAt any
		if status != "draft" {
			publishedAt = published
		}
		switch status {
		case "evaluating", "awarded", "completed", "failed":
			openedAt = bid
		}
		updated := created
		if publishedAt != nil {
			updated = bid
		}
		t := tender.Tender{Kind: tender.Kind(kind), BudgetFen: budget}
		procedure := t.DefaultProcedure(tender.DefaultConfig().PublicTenderFen)
		serviceStart := bid.AddDate(0, 1, 0)
		serviceEnd := serviceStart.AddDate(0, months, -1)
		if _, err := stmt.ExecContext(ctx, tender.TenderCode(year, int64(seqs[year])), kind, title, desc, communityIDs[community],
			fundingSources[r.IntN(len(fundingSources))], budget, maxAward, maxAwards, 1+r.IntN(3),
			serviceStart.Format(time.DateOnly), serviceEnd.Format(time.DateOnly), eligibilityJSON, evaluationJSON,
			enquiry, bid, status, publishedAt, openedAt, created, updated, procedure); err != nil {
			return fmt.Errorf("copy row %d: %w", i, err)
		}
	}
	if _, err := stmt.ExecContext(ctx); err != nil {
		return fmt.Errorf("copy: %w", err)
	}
	if err := stmt.Close(); err != nil {
		return err
	}
	return tx.Commit()
}

// statusFor picks a status by age (0 oldest, 1 newest): the newest tenders are
// drafts and open calls, older ones mostly completed; about 5% are drafts.
func statusFor(r *rand.Rand, age float64) string {
	pick := func(choices string) string {
		f := strings.Fields(choices)
		return f[r.IntN(len(f))]
	}
	switch {
	case age > 0.99:
		return pick("draft draft draft open open open open open open cancelled")
	case age > 0.97:
		return pick("open evaluating evaluating awarded awarded awarded awarded failed cancelled draft")
	default:
		return pick("completed completed completed completed completed completed completed completed completed " +
			"completed completed completed completed completed awarded awarded failed cancelled cancelled draft")
	}
}
