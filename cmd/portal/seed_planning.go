package main

import (
	"context"
	"fmt"
	"time"

	"github.com/linshu/portal/storage"
	"github.com/linshu/portal/tender"
)

// demoNeed is a need of the demo and how far the bureau took it.
type demoNeed struct {
	community, title, description string
	beneficiaries                 int
	resident                      bool              // reported anonymously by a resident
	to                            tender.NeedStatus // submitted, accepted, declined, or listed (on the item named by item)
	item                          string
}

var demoNeeds = []demoNeed{
	{"临沭街道兴大社区", "独居老人午餐难", "社区60岁以上独居老人约百人，午餐多凑合，希望有助餐点和送餐上门。", 110, false, tender.NeedListed, "兴大社区老年助餐服务"},
	{"临沭街道兴大社区", "失能老人上门照护", "部分失能、半失能老人家属白天上班，需要助浴、助洁等上门服务。", 35, false, tender.NeedListed, "兴大社区老年助餐服务"},
	{"郑山街道金山社区", "双职工家庭孩子放学无人看护", "小学放学后到家长下班有两三个小时空档，希望有课后托管和作业辅导。", 60, true, tender.NeedListed, "金山社区青少年课后托管"},
	{"蛟龙镇蛟龙社区", "留守儿童心理关爱", "外出务工家庭多，留守儿童缺少陪伴，希望有社工定期开展小组活动。", 45, false, tender.NeedListed, "蛟龙镇留守儿童关爱服务"},
	{"临沭街道城北社区", "老旧小区无物业", "城北三个老旧小区无物业管理，环境卫生差，居民希望引入物业托管。", 900, true, tender.NeedAccepted, ""},
	{"青云镇芦子河社区", "社区矫正对象帮扶", "辖区社区矫正对象需要就业指导和心理疏导。", 8, false, tender.NeedAccepted, ""},
	{"石门镇石门社区", "广场舞噪音扰民", "晚上广场舞音响太大。", 0, true, tender.NeedDeclined, ""},
	{"白旄镇白旄社区", "残疾人康复训练", "镇上缺少康复训练场所，残疾人需到县城康复。", 25, false, tender.NeedSubmitted, ""},
	{"玉山镇玉山社区", "志愿者队伍培训", "社区志愿者多为老年人，希望有系统培训。", 150, true, tender.NeedSubmitted, ""},
}

// demoItem is a project-list item of the demo in its final status.
type demoItem struct {
	title, community, catalog string
	budgetFen                 int64
	funding                   tender.FundingSource
	procedure                 tender.Procedure
	localFirst                bool
	countyWideReason          string
	quarter                   int
	to                        tender.PlanStatus
}

var demoItems = []demoItem{
	{"兴大社区老年助餐服务", "临沭街道兴大社区", "SQ-04", 28000000, tender.FundingWelfareLottery, tender.ProcedureCompetitiveConsultation, true, "", 1, tender.PlanTendered},
	{"金山社区青少年课后托管", "郑山街道金山社区", "SQ-05", 15000000, tender.FundingFiscal, tender.ProcedureCompetitiveConsultation, false, "本社区暂无具备托管资质的社会组织，面向全县择优", 2, tender.PlanPublished},
	{"蛟龙镇留守儿童关爱服务", "蛟龙镇蛟龙社区", "SQ-05", 4500000, tender.FundingCharity, tender.ProcedureClaim, true, "", 2, tender.PlanPublished},
	{"全县社区志愿服务项目化运营", "", "SQ-08", 40000000, tender.FundingCharity, tender.ProcedureVenture, false, "", 3, tender.PlanDraft},
	{"城北社区老旧小区物业托管", "临沭街道城北社区", "SQ-10", 36000000, tender.FundingFiscal, tender.ProcedurePublicTender, true, "", 4, tender.PlanDraft},
	{"文化社区全民阅读推广", "临沭街道文化社区", "SQ-01", 3000000, tender.FundingSocial, tender.ProcedureClaim, true, "", 1, tender.PlanDropped},
}

// seedDemoPlanning adds a community worker per demo community of the
// triage story, needs in every status and this year's project list with
// items in every status; the first item's tender is created from it.
func seedDemoPlanning(ctx context.Context, s *storage.Store, admin tender.Actor, communities map[string]string) error {
	cat, err := s.Catalog(ctx, false)
	if err != nil {
		return err
	}
	catID := map[string]string{}
	for _, c := range cat {
		catID[c.Code] = c.ID
	}
	for _, u := range []struct{ username, name, community string }{
		{"community1", "兴大社区 孙主任", "临沭街道兴大社区"}, {"community2", "蛟龙社区 李社工", "蛟龙镇蛟龙社区"},
	} {
		id := communities[u.community]
		if _, err := s.CreateUser(ctx, admin, tender.User{Username: u.username, Role: tender.RoleCommunity, Name: u.name,
			CommunityID: &id}, demoPassword); err != nil {
			return fmt.Errorf("user %s: %w", u.username, err)
		}
	}
	year := time.Now().In(time.FixedZone("CST", 8*3600)).Year()
	itemIDs := map[string]string{}
	for _, d := range demoItems {
		p := tender.PlanItem{Year: year, Title: d.title, Community: d.community, BudgetFen: d.budgetFen, FundingSource: d.funding,
			Procedure: d.procedure, LocalOrgsFirst: d.localFirst, CountyWideReason: d.countyWideReason, PlannedQuarter: d.quarter,
			NeedIDs: []string{}}
		if id := catID[d.catalog]; id != "" {
			p.CatalogItemID = &id
		}
		out, err := s.CreatePlanItem(ctx, admin, p)
		if err != nil {
			return fmt.Errorf("item %s: %w", d.title, err)
		}
		itemIDs[d.title] = out.ID
	}
	listed := map[string][]string{}
	for _, d := range demoNeeds {
		n := tender.Need{Community: d.community, Title: d.title, Description: d.description, Beneficiaries: d.beneficiaries,
			Source: tender.NeedFromResident}
		actor := tender.Actor{}
		if !d.resident {
			n.Source = tender.NeedFromCommunity
		}
		out, err := s.CreateNeed(ctx, actor, n)
		if err != nil {
			return fmt.Errorf("need %s: %w", d.title, err)
		}
		switch d.to {
		case tender.NeedAccepted, tender.NeedListed:
			_, err = s.UpdateNeed(ctx, admin, out.ID, func(n *tender.Need) (string, any, error) { return "accept", nil, n.Accept() })
		case tender.NeedDeclined:
			_, err = s.UpdateNeed(ctx, admin, out.ID, func(n *tender.Need) (string, any, error) {
				return "decline", nil, n.Decline("属于城市管理事项，已转交综合执法部门处理")
			})
		}
		if err != nil {
			return fmt.Errorf("need %s: %w", d.title, err)
		}
		if d.to == tender.NeedListed {
			listed[d.item] = append(listed[d.item], out.ID)
		}
	}
	for _, d := range demoItems {
		id := itemIDs[d.title]
		if needs := listed[d.title]; len(needs) > 0 {
			if _, err := s.UpdatePlanItem(ctx, admin, id, func(p *tender.PlanItem) (string, any, error) {
				p.NeedIDs = needs
				return "update", map[string]any{"need_ids": needs}, nil
			}); err != nil {
				return fmt.Errorf("item %s needs: %w", d.title, err)
			}
		}
		if d.to == tender.PlanDraft {
			continue
		}
		if _, err := s.UpdatePlanItem(ctx, admin, id, func(p *tender.PlanItem) (string, any, error) {
			return "publish", nil, p.Publish(time.Now())
		}); err != nil {
			return fmt.Errorf("publish %s: %w", d.title, err)
		}
		switch d.to {
		case tender.PlanDropped:
			_, err = s.UpdatePlanItem(ctx, admin, id, func(p *tender.PlanItem) (string, any, error) {
				return "drop", map[string]any{"from": tender.PlanPublished}, p.Drop("与县图书馆“书香临沭”活动合并实施")
			})
		case tender.PlanTendered:
			_, err = s.CreateTenderFromItem(ctx, admin, id, demoConfig)
		}
		if err != nil {
			return fmt.Errorf("item %s: %w", d.title, err)
		}
	}
	return nil
}
