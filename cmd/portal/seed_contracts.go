package main

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"time"

	"github.com/linshu/portal/storage"
	"github.com/linshu/portal/tender"
)

// demoContractTenders are completed in the demo besides the first completed
// tender, so their contracts can stand in each state; the last one's service
// period is over.
var demoContractTenders = []string{"兴大社区老年助餐服务", "兴大社区儿童关爱服务", "兴大社区残疾人康复服务",
	"兴大社区邻里互助服务（2025年度）"}

// seedDemoContracts moves the demo's contracts through every state: drafted
// (its schedule edited to four milestones), active (first milestone paid,
// mid-term report accepted, its evaluation panel named — expert1–expert3,
// so they find it under 我的评审, and the contract shows the red flag
// 不随机抽取 with the reason), suspended (a report awaiting acceptance),
// terminated, and completed (three milestones reported, accepted, evaluated
// by drawn panels and paid). Signing and payments need documents in the
// object store: with no object store configured the contracts stay drafted.
func seedDemoContracts(ctx context.Context, s *storage.Store, admin tender.Actor, orgIDs []string) error {
	if !s.HasObjects() {
		return nil
	}
	list, err := s.Contracts(ctx, storage.ContractFilter{Limit: 100})
	if err != nil {
		return err
	}
	if len(list) < 5 {
		return nil
	}
	// Oldest first: the first completed tender's contract stays drafted.
	for i, j := 0, len(list)-1; i < j; i, j = i+1, j-1 {
		list[i], list[j] = list[j], list[i]
	}
	doc := func(ownerType, ownerID, name string, actor tender.Actor) (string, error) {
		body := []byte("%PDF-1.7\n" + name + "（演示文件）\n")
		sum := sha256.Sum256(body)
		d, err := s.AddDocument(ctx, actor, storage.DocumentUpload{
			Doc:  tender.Document{OwnerType: ownerType, OwnerID: ownerID, Filename: name + ".pdf", ContentType: "application/pdf"},
			Key:  storage.NewObjectKey("contracts/" + ownerID),
			Body: bytes.NewReader(body),
			Measured: func() (int64, string, error) {
				return int64(len(body)), hex.EncodeToString(sum[:]), nil
			},
		})
		return d.ID, err
	}
	sign := func(k tender.Contract) (tender.Contract, error) {
		id, err := doc("contract", k.ID, "政府购买服务合同", admin)
		if err != nil {
			return k, err
		}
		return s.SignContract(ctx, admin, k.ID, id, "")
	}
	volunteers := func(n int) []tender.Volunteer {
		var out []tender.Volunteer
		for i := 0; i < n; i++ {
			h := sha256.Sum256([]byte(fmt.Sprintf("LSZY-2026-%04d", i)))
			out = append(out, tender.Volunteer{IDHash: hex.EncodeToString(h[:]), Hours: tender.Points(int64(4 + i%5))})
		}
		return out
	}
	report := func(k tender.Contract, m tender.Milestone, text string) error {
		org, err := demoOrgActor(ctx, s, orgIDs, k.OrgID)
		if err != nil {
			return fmt.Errorf("the contractor's user: %w", err)
		}
		_, err = s.SubmitReport(ctx, org, k.ID, m.ID, storage.ReportRequest{Text: text, ServiceRecord: tender.ServiceRecord{
			PeriodStart: k.PeriodStart, PeriodEnd: m.DueDate, Beneficiaries: 180, Activities: 12,
			Volunteers: volunteers(8), SocialWorkers: 3}})
		return err
	}
	pay := func(k tender.Contract, m tender.Milestone) error {
		v, err := doc("contract", k.ID, "付款凭证", admin)
		if err != nil {
			return err
		}
		_, err = s.AddPayment(ctx, admin, k.ID, storage.PaymentRequest{MilestoneID: m.ID, AmountFen: m.ShareFen,
			PaidAt: time.Now().In(tender.Shanghai).Format(tender.DateLayout), DocumentID: v})
		return err
	}
	deliver := func(k tender.Contract, m tender.Milestone, text string, paid bool) error {
		if err := report(k, m, text); err != nil {
			return fmt.Errorf("report: %w", err)
		}
		if _, err := s.DecideReport(ctx, admin, k.ID, m.ID, true, ""); err != nil {
			return fmt.Errorf("accept: %w", err)
		}
		if paid {
			return pay(k, m)
		}
		return nil
	}
	evaluate := func(k tender.Contract, m tender.Milestone, pct int64) error {
		members, err := s.DrawContractPanel(ctx, admin, k.ID, m.ID, storage.ContractPanelRequest{})
		if err != nil {
			return fmt.Errorf("evaluation panel: %w", err)
		}
		for _, mem := range members {
			ex := tender.Actor{UserID: mem.EvaluatorID, Role: tender.RoleEvaluator}
			if _, err := s.DeclareContract(ctx, ex, k.ID, m.ID, false, ""); err != nil {
				return err
			}
			var scores []storage.ContractScore
			for _, c := range k.Criteria {
				scores = append(scores, storage.ContractScore{CriterionID: c.ID, Score: tender.Hundredths(c.MaxScore * pct), Comment: "按计划推进"})
			}
			if err := s.SaveContractScores(ctx, ex, k.ID, m.ID, scores); err != nil {
				return err
			}
			if err := s.SubmitContractSheet(ctx, ex, k.ID, m.ID); err != nil {
				return err
			}
		}
		return nil
	}
	full := func(id string) (tender.Contract, error) { return s.Contract(ctx, id) }

	// Drafted, with the bureau's own schedule: a quarterly progress report added.
	d := list[0]
	ms := tender.DefaultMilestones(d.Kind, d.PeriodStart, d.PeriodEnd)
	ms[0].PaymentPct, ms[1].PaymentPct, ms[2].PaymentPct = 30, 30, 30
	ms = append(ms[:1], append([]tender.MilestoneInput{{Title: "季度进度报告", DueDate: ms[1].DueDate, PaymentPct: 10,
		Report: tender.ReportProgress}}, ms[1:]...)...)
	if _, err := s.SetSchedule(ctx, admin, d.ID, ms, nil); err != nil {
		return fmt.Errorf("schedule: %w", err)
	}
	// Active: signing milestone paid, mid-term report accepted, its panel named and scoring.
	k, err := sign(list[1])
	if err != nil {
		return fmt.Errorf("sign: %w", err)
	}
	if err := deliver(k, k.Milestones[0], "实施方案：组建助餐服务队，完成需求摸底与食堂改造。", true); err != nil {
		return err
	}
	if err := deliver(k, k.Milestones[1], "中期报告：累计开展助餐服务 4200 人次，志愿者参与送餐。", false); err != nil {
		return err
	}
	experts, err := s.Users(ctx, storage.UserFilter{Role: string(tender.RoleEvaluator), Limit: 100})
	if err != nil {
		return err
	}
	var named []string
	for _, u := range experts {
		if u.Username == "expert1" || u.Username == "expert2" || u.Username == "expert3" {
			named = append(named, u.ID)
		}
	}
	if _, err := s.DrawContractPanel(ctx, admin, k.ID, k.Milestones[1].ID, storage.ContractPanelRequest{EvaluatorIDs: named,
		Reason: "演示：指定 expert1–expert3，以便登录体验履约评估"}); err != nil {
		return fmt.Errorf("named evaluation panel: %w", err)
	}
	// Suspended with a report awaiting acceptance, and terminated.
	if k, err = sign(list[2]); err != nil {
		return err
	}
	if err := report(k, k.Milestones[0], "实施方案：儿童之家开放时间调整为每日 15:00–19:00。"); err != nil {
		return err
	}
	if _, err := s.ChangeContract(ctx, admin, k.ID, tender.ContractSuspend, func(c *tender.Contract, _ time.Time) error {
		return c.Suspend("服务场地改造，暂停履约一个月")
	}); err != nil {
		return err
	}
	if k, err = sign(list[3]); err != nil {
		return err
	}
	if _, err := s.ChangeContract(ctx, admin, k.ID, tender.ContractTerminate, func(c *tender.Contract, _ time.Time) error {
		return c.Terminate("承接机构主要服务人员流失，无法继续履约，经协商解除合同")
	}); err != nil {
		return err
	}
	// Completed: every milestone reported, accepted, evaluated (良好) and paid; the period is over.
	if k, err = sign(list[4]); err != nil {
		return err
	}
	texts := []string{"实施方案：建立邻里互助小组 6 个。", "中期报告：开展互助活动 48 场。", "结项报告：服务居民 2100 人次，居民满意度 96%。"}
	for i, m := range k.Milestones {
		if err := deliver(k, m, texts[i%len(texts)], m.Report != tender.ReportFinal); err != nil {
			return err
		}
		if m.Report.Evaluated() {
			if err := evaluate(k, m, 85); err != nil {
				return err
			}
		}
		if m.Report == tender.ReportFinal {
			if k, err = full(k.ID); err != nil {
				return err
			}
			if err := pay(k, k.Milestones[i]); err != nil {
				return err
			}
		}
	}
	_, err = s.CompleteContractsDue(ctx)
	return err
}

// demoOrgActor signs in as the demo organization's own user (demoOrgs and
// orgIDs run in the same order), so what the seed does in its name passes the
// same checks as the organization's requests.
func demoOrgActor(ctx context.Context, s *storage.Store, orgIDs []string, orgID string) (tender.Actor, error) {
	for i, id := range orgIDs {
		if id != orgID || i >= len(demoOrgs) {
			continue
		}
		u, err := s.Authenticate(ctx, demoOrgs[i].username, demoPassword)
		if err != nil {
			return tender.Actor{}, err
		}
		if u.OrgID == nil || *u.OrgID != orgID {
			return tender.Actor{}, fmt.Errorf("%s is not organization %s's user", u.Username, orgID)
		}
		return tender.Actor{UserID: u.ID, Role: u.Role, OrgID: orgID, Name: u.Name}, nil
	}
	return tender.Actor{}, fmt.Errorf("organization %s is not a demo organization", orgID)
}
