package handlers

import (
	"fmt"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/xuri/excelize/v2"

	"github.com/linshu/portal/storage"
	"github.com/linshu/portal/tender"
)

// contractAccess is how much of a contract the caller may read.
type contractAccess int

const (
	contractPublic contractAccess = iota + 1 // amount, period, milestones, payments, report figures
	contractFull                             // report texts, documents, volunteer hashes, vouchers
)

// visibleContract loads a contract the caller may see: the bureau and its
// auditors every contract; the contractor its own; an evaluator on one of its
// panels in full; everyone else a signed contract's public parts. A drafted
// contract is not found for anyone else.
func (a *API) visibleContract(c *fiber.Ctx, id string) (tender.Contract, contractAccess, error) {
	k, err := a.store.Contract(ctx(c), id)
	if err != nil {
		return k, 0, err
	}
	actor := actorOf(c)
	switch {
	case actor.Is(tender.RoleAdmin, tender.RoleAuditor):
		return k, contractFull, nil
	case actor.Is(tender.RoleOrg) && actor.OrgID == k.OrgID:
		return k, contractFull, nil
	case !k.Status.Public():
		return k, 0, tender.ErrNotFound
	case actor.Is(tender.RoleEvaluator):
		on, err := a.store.OnContractPanel(ctx(c), k.ID, actor.UserID)
		if err != nil {
			return k, 0, err
		}
		if on {
			return k, contractFull, nil
		}
	}
	return k, contractPublic, nil
}

// publicContract strips what only the parties read: payment vouchers, and
// until the contract has ended who was named to an evaluation panel (the
// reason is public at once).
func publicContract(k tender.Contract) tender.Contract {
	pays := make([]tender.Payment, len(k.Payments))
	for i, p := range k.Payments {
		p.DocumentID = ""
		pays[i] = p
	}
	k.Payments = pays
	if !k.Status.Terminal() {
		named := make([]tender.NamedPanel, len(k.NamedPanels))
		for i, n := range k.NamedPanels {
			n.EvaluatorIDs = nil
			named[i] = n
		}
		k.NamedPanels = named
	}
	return k
}

func (a *API) listContracts(c *fiber.Ctx) error {
	l, err := limit(c)
	if err != nil {
		return err
	}
	actor := actorOf(c)
	status := c.Query("status")
	if status != "" && !tender.ContractStatus(status).Valid() {
		var f tender.Fields
		f.Add("status", "未知的合同状态")
		return f.Validation()
	}
	f := storage.ContractFilter{TenderID: c.Query("tender_id"), OrgID: c.Query("org_id"), Status: status,
		PublicOnly: !actor.Is(tender.RoleAdmin, tender.RoleAuditor), Cursor: c.Query("cursor"), Limit: l + 1}
	if actor.Is(tender.RoleOrg) {
		f.OwnOrgID = actor.OrgID
	}
	return a.keptPage(c, "", func() (any, error) {
		list, err := a.store.Contracts(ctx(c), f)
		if err != nil {
			return nil, err
		}
		return paginate(list, l, storage.ContractCursor), nil
	})
}

// contractView is a contract with its reports.
type contractView struct {
	tender.Contract
	Reports []storage.Report `json:"reports"`
}

// getContract: the public's pages are kept (keptPage); a contract's red
// flags depend on the date at the database clock, which is in the label.
func (a *API) getContract(c *fiber.Ctx) error {
	return a.keptPage(c, "", func() (any, error) {
		k, access, err := a.visibleContract(c, c.Params("id"))
		if err != nil {
			return nil, err
		}
		return a.contractPage(c, k, access)
	})
}

func (a *API) respondContract(c *fiber.Ctx, k tender.Contract, access contractAccess, status int) error {
	view, err := a.contractPage(c, k, access)
	if err != nil {
		return err
	}
	return c.Status(status).JSON(view)
}

func (a *API) contractPage(c *fiber.Ctx, k tender.Contract, access contractAccess) (contractView, error) {
	reports, err := a.store.Reports(ctx(c), k.ID, access == contractFull)
	if err != nil {
		return contractView{}, err
	}
	if access != contractFull {
		k = publicContract(k)
	}
	return contractView{Contract: k, Reports: reports}, nil
}

type scheduleRequest struct {
	Milestones []tender.MilestoneInput    `json:"milestones"`
	Criteria   []tender.ContractCriterion `json:"criteria"`
}

func (a *API) putMilestones(c *fiber.Ctx) error {
	var req scheduleRequest
	if err := decode(c, &req); err != nil {
		return err
	}
	for i := range req.Criteria {
		req.Criteria[i].ID = ""
	}
	k, err := a.store.SetSchedule(ctx(c), actorOf(c), c.Params("id"), req.Milestones, req.Criteria)
	if err != nil {
		return err
	}
	return a.respondContract(c, k, contractFull, fiber.StatusOK)
}

type signRequest struct {
	DocumentID string `json:"document_id"`
	SignedOn   string `json:"signed_on"` // optional: the date on the contract, default today
}

func (a *API) signContract(c *fiber.Ctx) error {
	var req signRequest
	if err := decode(c, &req); err != nil {
		return err
	}
	k, err := a.store.SignContract(ctx(c), actorOf(c), c.Params("id"), req.DocumentID, req.SignedOn)
	if err != nil {
		return err
	}
	return a.respondContract(c, k, contractFull, fiber.StatusOK)
}

// changeContract handles suspend, reinstate and terminate.
func (a *API) changeContract(verb tender.ContractVerb) fiber.Handler {
	return func(c *fiber.Ctx) error {
		var req reasonRequest
		if err := decode(c, &req); err != nil {
			return err
		}
		k, err := a.store.ChangeContract(ctx(c), actorOf(c), c.Params("id"), verb,
			func(k *tender.Contract, _ time.Time) error {
				switch verb {
				case tender.ContractSuspend:
					return k.Suspend(req.Reason)
				case tender.ContractReinstate:
					return k.Reinstate()
				case tender.ContractTerminate:
					return k.Terminate(req.Reason)
				}
				return tender.ErrNotFound
			})
		if err != nil {
			return err
		}
		return a.respondContract(c, k, contractFull, fiber.StatusOK)
	}
}

// contractAcceptsDocuments: the signed contract and vouchers while the contract is in force or drafted.
func contractAcceptsDocuments(k tender.Contract) error {
	if k.Status == tender.ContractCompleted || k.Status == tender.ContractTerminated {
		return tender.InvalidState("contract", string(k.Status), "上传文件")
	}
	return nil
}

func (a *API) uploadContractDocument(c *fiber.Ctx) error {
	id := c.Params("id")
	k, err := a.store.Contract(ctx(c), id)
	if err != nil {
		return err
	}
	if err := contractAcceptsDocuments(k); err != nil {
		return err
	}
	return a.storeUpload(c, "contract", id, "contracts/"+id, id, contractAcceptsDocuments)
}

// milestoneAcceptsDocuments: the contractor attaches report documents to a
// milestone of its active contract until the report is in.
func milestoneAcceptsDocuments(actor tender.Actor, milestoneID string) func(k tender.Contract) error {
	return func(k tender.Contract) error {
		if k.OrgID != actor.OrgID {
			if !k.Status.Public() {
				return tender.ErrNotFound
			}
			return &tender.Error{Code: tender.CodeForbidden, Key: "contract.not_contractor", Message: "只有承接组织可以上传履约报告材料"}
		}
		if k.Status != tender.ContractActive {
			return tender.InvalidState("contract", string(k.Status), "上传报告材料")
		}
		for _, m := range k.Milestones {
			if m.ID == milestoneID {
				if m.Status != tender.MilestonePending && m.Status != tender.MilestoneReturned {
					return tender.InvalidState("milestone", string(m.Status), "上传报告材料")
				}
				return nil
			}
		}
		return tender.ErrNotFound
	}
}

func (a *API) uploadMilestoneDocument(c *fiber.Ctx) error {
	id, mid := c.Params("id"), c.Params("mid")
	actor := actorOf(c)
	k, err := a.store.Contract(ctx(c), id)
	if err != nil {
		return err
	}
	check := milestoneAcceptsDocuments(actor, mid)
	if err := check(k); err != nil {
		return err
	}
	return a.storeUpload(c, "milestone", mid, "contracts/"+id+"/milestones/"+mid, id, check)
}

// storeUpload streams the request's file into the object store under prefix
// and records it as a document of (ownerType, ownerID); rule re-judges the
// contract inside the row's transaction.
func (a *API) storeUpload(c *fiber.Ctx, ownerType, ownerID, prefix, contractID string, rule func(tender.Contract) error) error {
	up, err := a.receiveFile(c)
	if err != nil {
		return err
	}
	doc, err := a.store.AddDocument(ctx(c), actorOf(c), storage.DocumentUpload{
		Doc:          tender.Document{OwnerType: ownerType, OwnerID: ownerID, Filename: up.filename, ContentType: up.contentType},
		Key:          storage.NewObjectKey(prefix),
		Body:         up.body,
		Size:         up.size,
		Measured:     up.body.result,
		ContractID:   contractID,
		ContractRule: rule,
	})
	if storage.IsTooLarge(err) {
		return tooLarge(a.opts.MaxUpload)
	}
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(doc)
}

// mayReadContractDocument: the signed contract as the contract itself; vouchers
// and report documents only for those who read the contract in full.
func (a *API) mayReadContractDocument(c *fiber.Ctx, d storage.StoredDocument) error {
	contractID := d.OwnerID
	if d.OwnerType == milestoneDocOwner {
		id, err := a.store.ContractOfMilestone(ctx(c), d.OwnerID)
		if err != nil {
			return err
		}
		contractID = id
	}
	k, access, err := a.visibleContract(c, contractID)
	if err != nil {
		return err
	}
	if access == contractFull || (d.OwnerType == "contract" && k.DocumentID != nil && *k.DocumentID == d.ID) {
		return nil
	}
	return tender.ErrNotFound
}

const milestoneDocOwner = "milestone"

type reportRequest struct {
	Text          string               `json:"text"`
	DocumentIDs   []string             `json:"document_ids"`
	ServiceRecord tender.ServiceRecord `json:"service_record"`
}

func (a *API) submitReport(c *fiber.Ctx) error {
	var req reportRequest
	if err := decode(c, &req); err != nil {
		return err
	}
	r, err := a.store.SubmitReport(ctx(c), actorOf(c), c.Params("id"), c.Params("mid"), storage.ReportRequest{
		Text: req.Text, DocumentIDs: req.DocumentIDs, ServiceRecord: req.ServiceRecord})
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(r)
}

func (a *API) decideReport(accept bool) fiber.Handler {
	return func(c *fiber.Ctx) error {
		var req reasonRequest
		if err := decode(c, &req); err != nil {
			return err
		}
		k, err := a.store.DecideReport(ctx(c), actorOf(c), c.Params("id"), c.Params("mid"), accept, req.Reason)
		if err != nil {
			return err
		}
		return a.respondContract(c, k, contractFull, fiber.StatusOK)
	}
}

type paymentRequest struct {
	MilestoneID string `json:"milestone_id"`
	AmountFen   int64  `json:"amount_fen"`
	PaidAt      string `json:"paid_at"`
	DocumentID  string `json:"document_id"`
}

func (a *API) addPayment(c *fiber.Ctx) error {
	var req paymentRequest
	if err := decode(c, &req); err != nil {
		return err
	}
	// paid_at is a date; an RFC 3339 time is read as its Asia/Shanghai date.
	if t, err := time.Parse(time.RFC3339, req.PaidAt); err == nil {
		req.PaidAt = t.In(tender.Shanghai).Format(tender.DateLayout)
	}
	p, err := a.store.AddPayment(ctx(c), actorOf(c), c.Params("id"), storage.PaymentRequest{
		MilestoneID: req.MilestoneID, AmountFen: req.AmountFen, PaidAt: req.PaidAt, DocumentID: req.DocumentID})
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(p)
}

func (a *API) drawContractPanel(c *fiber.Ctx) error {
	var req panelRequest
	if err := decode(c, &req); err != nil {
		return err
	}
	if req.Size < 0 || req.Size > 25 {
		var f tender.Fields
		f.Add("size", "抽取人数不正确")
		return f.Validation()
	}
	members, err := a.store.DrawContractPanel(ctx(c), actorOf(c), c.Params("id"), c.Params("mid"),
		storage.ContractPanelRequest{Size: req.Size, EvaluatorIDs: req.EvaluatorIDs, Reason: req.Reason})
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(fiber.Map{"members": members})
}

// contractPanelReader checks that the caller may read the newest panel of a
// milestone: the bureau, auditors and its members; returns the round's id.
func (a *API) contractPanelReader(c *fiber.Ctx) (string, []tender.PanelMember, error) {
	k, _, err := a.visibleContract(c, c.Params("id"))
	if err != nil {
		return "", nil, err
	}
	evID, err := a.store.LatestEvaluationID(ctx(c), k.ID, c.Params("mid"))
	if err != nil {
		return "", nil, err
	}
	members, err := a.store.ContractPanel(ctx(c), evID)
	if err != nil {
		return "", nil, err
	}
	actor := actorOf(c)
	if actor.Is(tender.RoleAdmin, tender.RoleAuditor) {
		return evID, members, nil
	}
	for _, m := range members {
		if actor.Is(tender.RoleEvaluator) && m.EvaluatorID == actor.UserID && m.Active {
			return evID, members, nil
		}
	}
	return "", nil, &tender.Error{Code: tender.CodeForbidden, Key: "panel.confidential", Message: "评估小组名单仅评估小组成员和管理部门可见"}
}

func (a *API) getContractPanel(c *fiber.Ctx) error {
	_, members, err := a.contractPanelReader(c)
	if err != nil {
		return err
	}
	return c.JSON(fiber.Map{"members": members})
}

func (a *API) declareContract(c *fiber.Ctx) error {
	req, err := decodeDeclaration(c)
	if err != nil {
		return err
	}
	members, err := a.store.DeclareContract(ctx(c), actorOf(c), c.Params("id"), c.Params("mid"), *req.Conflict, req.Note)
	if err != nil {
		return err
	}
	return c.JSON(fiber.Map{"members": members})
}

func (a *API) putContractScores(c *fiber.Ctx) error {
	var req scoresRequest // the same body as a bid's score sheet (handlers/evaluation.go)
	if err := decode(c, &req); err != nil {
		return err
	}
	var f tender.Fields
	entries := make([]storage.ContractScore, 0, len(req.Scores))
	for i, s := range req.Scores {
		h, err := tender.ParseHundredths(s.Score.String())
		if err != nil {
			f.Addf(fmt.Sprintf("scores[%d].score", i), "分值应为最多两位小数的数字")
			continue
		}
		if n := len([]rune(s.Comment)); n > 2000 {
			f.Add(fmt.Sprintf("scores[%d].comment", i), "评语不得超过2000字")
		}
		entries = append(entries, storage.ContractScore{CriterionID: s.CriterionID, Score: h, Comment: strings.TrimSpace(s.Comment)})
	}
	if len(req.Scores) == 0 {
		f.Add("scores", "请填写评分")
	}
	if err := f.Validation(); err != nil {
		return err
	}
	if err := a.store.SaveContractScores(ctx(c), actorOf(c), c.Params("id"), c.Params("mid"), entries); err != nil {
		return err
	}
	return a.listContractScores(c)
}

func (a *API) listContractScores(c *fiber.Ctx) error {
	l, err := limit(c)
	if err != nil {
		return err
	}
	if _, _, err := a.contractPanelReader(c); err != nil {
		return err
	}
	actor := actorOf(c)
	who := ""
	if actor.Is(tender.RoleEvaluator) {
		who = actor.UserID // a member reads only their own sheet
	}
	scores, err := a.store.ContractScorePage(ctx(c), c.Params("id"), c.Params("mid"), who, c.Query("cursor"), l+1)
	if err != nil {
		return err
	}
	return c.JSON(paginate(scores, l, storage.ContractScoreCursor))
}

func (a *API) submitContractScores(c *fiber.Ctx) error {
	if err := a.store.SubmitContractSheet(ctx(c), actorOf(c), c.Params("id"), c.Params("mid")); err != nil {
		return err
	}
	return a.contractEvaluation(c)
}

// contractEvaluation returns the milestone's evaluation rounds: the newest
// at the top level ({complete, criteria, total, grade, …}) and all of them
// in rounds. Results of a round are public once it is complete; the bureau,
// auditors and members also see a round in progress. With nothing to show
// the answer is {complete: false, criteria: [], rounds: []}.
func (a *API) contractEvaluation(c *fiber.Ctx) error {
	return a.keptPage(c, "", func() (any, error) { return a.contractEvaluationPage(c) })
}

func (a *API) contractEvaluationPage(c *fiber.Ctx) (any, error) {
	k, _, err := a.visibleContract(c, c.Params("id"))
	if err != nil {
		return nil, err
	}
	rounds, err := a.store.ContractEvaluations(ctx(c), k, c.Params("mid"))
	if err != nil {
		return nil, err
	}
	actor := actorOf(c)
	insider := actor.Is(tender.RoleAdmin, tender.RoleAuditor)
	if !insider && actor.Is(tender.RoleEvaluator) {
		if insider, err = a.store.OnContractPanel(ctx(c), k.ID, actor.UserID); err != nil {
			return nil, err
		}
	}
	shown := []storage.ContractEvaluation{}
	for _, r := range rounds {
		if r.Complete || insider {
			shown = append(shown, r)
		}
	}
	if len(shown) == 0 {
		// Nothing the caller may see yet: no round, or one still scoring.
		return fiber.Map{"complete": false, "criteria": []any{}, "rounds": shown}, nil
	}
	return struct {
		storage.ContractEvaluation
		Rounds []storage.ContractEvaluation `json:"rounds"`
	}{shown[len(shown)-1], shown}, nil
}

func (a *API) addContractFeedback(c *fiber.Ctx) error {
	req, comment, err := a.decodeFeedback(c)
	if err != nil {
		return err
	}
	fb, err := a.store.AddContractFeedback(ctx(c), c.Params("id"), req.Rating, comment)
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(fiber.Map{"id": fb.ID, "status": fb.Status})
}

// contractLedger is the bureau's contract ledger (合同台账) for a year
// (?year=, the year the service period starts; default the current one) and
// optionally one funding source: a sheet of contracts with amounts paid and
// final grades, and a sheet of payments.
func (a *API) contractLedger(c *fiber.Ctx) error {
	year := c.QueryInt("year", a.opts.Now().In(tender.Shanghai).Year())
	funding := c.Query("funding_source")
	var f tender.Fields
	if year < 2000 || year > 2100 {
		f.Add("year", "年份应在 2000 到 2100 之间")
	}
	if funding != "" && !tender.FundingSource(funding).Valid() {
		f.Add("funding_source", "未知的资金来源")
	}
	if err := f.Validation(); err != nil {
		return err
	}
	rows, err := a.store.ContractLedger(ctx(c), year, funding)
	if err != nil {
		return err
	}
	lang := xlsxLanguage(c)
	x := excelize.NewFile()
	defer x.Close()
	ledger, payments := lang.pick("合同台账", "Contract ledger"), lang.pick("付款明细", "Payments")
	x.SetSheetName("Sheet1", ledger)
	x.NewSheet(payments)
	if lang.en {
		x.SetSheetRow(ledger, "A1", &[]any{"Tender code", "Tender title", "Funding source", "Contractor", "Contract amount (CNY)",
			"Service start", "Service end", "Contract status", "Paid (CNY)", "Milestones", "Final evaluation score", "Grade"})
		x.SetSheetRow(payments, "A1", &[]any{"Tender code", "Contractor", "Milestone", "Paid on", "Amount (CNY)"})
	} else {
		x.SetSheetRow(ledger, "A1", &[]any{"项目编号", "项目名称", "资金来源", "承接组织", "合同金额（元）", "服务开始", "服务结束",
			"合同状态", "已付（元）", "履约节点", "结项评估得分", "等级"})
		x.SetSheetRow(payments, "A1", &[]any{"项目编号", "承接组织", "履约节点", "付款日期", "金额（元）"})
	}
	pay := 2
	for i, r := range rows {
		var ms []string
		titles := map[string]string{}
		for _, m := range r.Milestones {
			ms = append(ms, fmt.Sprintf(lang.pick("%s %d%%（%s）", "%s %d%% (%s)"), m.Title, m.PaymentPct, m.Status))
			titles[m.ID] = m.Title
		}
		score, grade := "", ""
		if r.FinalTotal != nil {
			score = r.FinalTotal.String()
		}
		if r.FinalGrade != nil {
			grade = lang.grade(tender.Grade(*r.FinalGrade))
		}
		cell, _ := excelize.CoordinatesToCellName(1, 2+i)
		x.SetSheetRow(ledger, cell, &[]any{r.TenderCode, r.TenderTitle, lang.funding(tender.FundingSource(r.FundingSource)), r.OrgName, yuan(r.AmountFen),
			r.PeriodStart, r.PeriodEnd, lang.contractStatus(r.Status), yuan(r.PaymentsFenTotal), strings.Join(ms, lang.pick("；", "; ")), score, grade})
		for _, p := range r.Payments {
			cell, _ := excelize.CoordinatesToCellName(1, pay)
			x.SetSheetRow(payments, cell, &[]any{r.TenderCode, r.OrgName, titles[p.MilestoneID], p.PaidAt, yuan(p.AmountFen)})
			pay++
		}
	}
	x.SetColWidth(ledger, "B", "B", 36)
	x.SetColWidth(ledger, "J", "J", 60)
	buf, err := x.WriteToBuffer()
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderContentType, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
	c.Set(fiber.HeaderContentDisposition, contentDisposition(fmt.Sprintf(lang.pick("合同台账-%d.xlsx", "contract-ledger-%d.xlsx"), year)))
	return c.Send(buf.Bytes())
}
