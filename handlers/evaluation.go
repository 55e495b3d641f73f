package handlers

import (
	"encoding/json"
	"fmt"
	"strconv"
	"time"
	_ "time/tzdata" // Asia/Shanghai without relying on the host's zoneinfo

	"github.com/gofiber/fiber/v2"
	"github.com/xuri/excelize/v2"

	"github.com/linshu/portal/storage"
	"github.com/linshu/portal/tender"
)

// shanghai is the portal's civil time zone: working days and publicity end there.
var shanghai = func() *time.Location {
	loc, err := time.LoadLocation("Asia/Shanghai")
	if err != nil {
		return time.FixedZone("CST", 8*3600)
	}
	return loc
}()

// publicityWorkdays is how many working days an award is publicised (质疑期, 《政府采购质疑和投诉办法》第十条).
const publicityWorkdays = 7

type panelRequest struct {
	Size         int      `json:"size"`
	EvaluatorIDs []string `json:"evaluator_ids"`
	Reason       string   `json:"reason"` // why evaluators are named, not drawn (public red flag)
}

func (a *API) drawPanel(c *fiber.Ctx) error {
	var req panelRequest
	if err := decode(c, &req); err != nil {
		return err
	}
	if req.Size < 0 || req.Size > 25 {
		var f tender.Fields
		f.Add("size", "抽取人数不正确")
		return f.Validation()
	}
	members, err := a.store.AddPanelMembers(ctx(c), actorOf(c), c.Params("id"), storage.PanelRequest{
		Size: req.Size, EvaluatorIDs: req.EvaluatorIDs, Reason: req.Reason})
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(fiber.Map{"members": members})
}

func (a *API) getPanel(c *fiber.Ctx) error {
	t, err := a.visibleTender(c, c.Params("id"))
	if err != nil {
		return err
	}
	members, err := a.store.Panel(ctx(c), t.ID)
	if err != nil {
		return err
	}
	actor := actorOf(c)
	m := tender.NotOnPanel
	if actor.Is(tender.RoleEvaluator) {
		m = tender.MembershipIn(members, actor.UserID)
	}
	view, err := tender.CanReadPanel(actor, t, m)
	if err != nil {
		return err
	}
	if view == tender.PanelPublic {
		// The public sees who served (第四十七条, 第六十九条), not declarations or notes.
		public := []fiber.Map{}
		for _, m := range members {
			if m.Active {
				public = append(public, fiber.Map{"evaluator_id": m.EvaluatorID, "name": m.Name})
			}
		}
		named, err := a.store.PanelAppointments(ctx(c), t.ID)
		if err != nil {
			return err
		}
		return c.JSON(fiber.Map{"members": public, "appointments": named})
	}
	return c.JSON(fiber.Map{"members": members})
}

type declarationRequest struct {
	Conflict *bool  `json:"conflict"`
	Note     string `json:"note"`
}

// decodeDeclaration reads a conflict declaration; conflict must be stated.
func decodeDeclaration(c *fiber.Ctx) (declarationRequest, error) {
	var req declarationRequest
	if err := decode(c, &req); err != nil {
		return req, err
	}
	if req.Conflict == nil {
		var f tender.Fields
		f.Add("conflict", "请声明是否存在应当回避的情形")
		return req, f.Validation()
	}
	return req, nil
}

func (a *API) declare(c *fiber.Ctx) error {
	req, err := decodeDeclaration(c)
	if err != nil {
		return err
	}
	if err := a.store.Declare(ctx(c), actorOf(c), c.Params("id"), *req.Conflict, req.Note); err != nil {
		return err
	}
	members, err := a.store.Panel(ctx(c), c.Params("id"))
	if err != nil {
		return err
	}
	return c.JSON(fiber.Map{"members": members})
}

// scoresRequest is a score sheet's body, for a bid (PUT /tenders/{id}/bids/{bid_id}/scores)
// and for a contract report (PUT /contracts/{id}/milestones/{mid}/scores).
type scoresRequest struct {
	Scores []struct {
		CriterionID string      `json:"criterion_id"`
		Score       json.Number `json:"score"`
		Comment     string      `json:"comment"`
	} `json:"scores"`
}

func (a *API) putScores(c *fiber.Ctx) error {
	var req scoresRequest
	if err := decode(c, &req); err != nil {
		return err
	}
	var f tender.Fields
	if len(req.Scores) == 0 {
		f.Add("scores", "请填写评分")
	}
	entries := make([]storage.ScoreEntry, 0, len(req.Scores))
	for i, s := range req.Scores {
		h, err := tender.ParseHundredths(s.Score.String())
		if err != nil {
			f.Addf(fmt.Sprintf("scores[%d].score", i), "评分项 %s 的分值应为最多两位小数的数字", s.CriterionID)
		}
		entries = append(entries, storage.ScoreEntry{CriterionID: s.CriterionID, Score: h, Comment: s.Comment})
	}
	if err := f.Validation(); err != nil {
		return err
	}
	actor := actorOf(c)
	if err := a.store.SaveScores(ctx(c), actor, c.Params("id"), c.Params("bid_id"), entries); err != nil {
		return err
	}
	scores, err := a.store.Scores(ctx(c), c.Params("id"), actor.UserID)
	if err != nil {
		return err
	}
	return c.JSON(fiber.Map{"items": scores})
}

// listScores: as tender.CanReadScores says; a seated member reads only their
// own sheet until the evaluation is complete.
func (a *API) listScores(c *fiber.Ctx) error {
	l, err := limit(c)
	if err != nil {
		return err
	}
	t, err := a.visibleTender(c, c.Params("id"))
	if err != nil {
		return err
	}
	actor := actorOf(c)
	m, err := a.membership(c, t.ID)
	if err != nil {
		return err
	}
	if _, err := tender.CanReadScores(actor, m, false); err != nil {
		return err
	}
	complete := true
	if !actor.Is(tender.RoleAdmin, tender.RoleAuditor) {
		ev, err := a.store.EvaluationOf(ctx(c), t.ID, "")
		if err != nil {
			return err
		}
		complete = ev.Complete
	}
	ownOnly, err := tender.CanReadScores(actor, m, complete)
	if err != nil {
		return err
	}
	who := ""
	if ownOnly {
		who = actor.UserID
	}
	scores, err := a.store.ScorePage(ctx(c), t.ID, who, c.Query("cursor"), l+1)
	if err != nil {
		return err
	}
	p := paginate(scores, l, storage.ScoreCursor)
	return c.JSON(fiber.Map{"items": p.Items, "next_cursor": p.NextCursor, "own_only": ownOnly})
}

func (a *API) submitScores(c *fiber.Ctx) error {
	if err := a.store.SubmitSheet(ctx(c), actorOf(c), c.Params("id")); err != nil {
		return err
	}
	members, err := a.store.Panel(ctx(c), c.Params("id"))
	if err != nil {
		return err
	}
	return c.JSON(fiber.Map{"members": members})
}

// evaluationView is the SPEC's evaluation body.
type evaluationView struct {
	TenderID    string              `json:"tender_id"`
	LotID       string              `json:"lot_id,omitempty"`
	Complete    bool                `json:"complete"`
	Method      tender.Method       `json:"method"`
	Criteria    []tender.Criterion  `json:"criteria"`
	Items       []tender.ResultItem `json:"items"`
	SpreadFlags []tender.SpreadFlag `json:"spread_flags"`
}

// readableEvaluation gathers the evaluation for a caller tender.CanReadEvaluation lets read it.
func (a *API) readableEvaluation(c *fiber.Ctx) (storage.Evaluation, error) {
	t, err := a.visibleTender(c, c.Params("id"))
	if err != nil {
		return storage.Evaluation{}, err
	}
	if t.BidsSealed() {
		// Refused by CanReadEvaluation too; checked first so nothing sealed is gathered.
		return storage.Evaluation{}, tender.ErrSealed
	}
	// ?lot_id=: required where the tender has lots, refused where it has none (§7.4).
	lotID := c.Query("lot_id")
	if err := tender.CheckBidLot(t, lotID); err != nil {
		return storage.Evaluation{}, err
	}
	ev, err := a.store.EvaluationOf(ctx(c), t.ID, lotID)
	if err != nil {
		return ev, err
	}
	actor := actorOf(c)
	m := tender.NotOnPanel
	if actor.Is(tender.RoleEvaluator) {
		m = tender.MembershipIn(ev.Panel, actor.UserID)
	}
	return ev, tender.CanReadEvaluation(actor, t, m, ev.Complete)
}

func (a *API) evaluation(c *fiber.Ctx) error {
	ev, err := a.readableEvaluation(c)
	if err != nil {
		return err
	}
	flags := tender.ScoreSpreadFlags(ev.Input)
	if flags == nil {
		flags = []tender.SpreadFlag{}
	}
	return c.JSON(evaluationView{TenderID: ev.Tender.ID, LotID: ev.LotID, Complete: ev.Complete, Method: ev.Tender.Evaluation.Method,
		Criteria: ev.Tender.Evaluation.Criteria, Items: tender.Evaluate(ev.Input), SpreadFlags: flags})
}

// evaluationXLSX writes the 评分汇总表: a summary sheet and one sheet per evaluator.
func (a *API) evaluationXLSX(c *fiber.Ctx) error {
	ev, err := a.readableEvaluation(c)
	if err != nil {
		return err
	}
	lang := xlsxLanguage(c)
	f := excelize.NewFile()
	defer f.Close()
	t := ev.Tender
	quality := []tender.Criterion{}
	for _, cr := range t.Evaluation.Criteria {
		if cr.Kind == tender.CriterionQuality {
			quality = append(quality, cr)
		}
	}
	summary := lang.pick("评分汇总表", "Evaluation summary")
	f.SetSheetName("Sheet1", summary)
	status := lang.pick("评审已完成", "Evaluation complete")
	if !ev.Complete {
		status = lang.pick("评审未完成（仅含已提交的评分表）", "Evaluation not complete (submitted score sheets only)")
	}
	f.SetCellValue(summary, "A1", fmt.Sprintf(lang.pick("%s %s 评分汇总表", "%s %s evaluation summary"), t.Code, t.Title))
	f.SetCellValue(summary, "A2", status)
	header := []any{lang.pick("排名", "Rank"), lang.pick("投标单位", "Bidder"), lang.pick("报价（元）", "Price (CNY)"),
		lang.pick("评审价（元）", "Evaluated price (CNY)")}
	for _, cr := range quality {
		header = append(header, lang.criterion(cr.Name, cr.MaxScore))
	}
	header = append(header, lang.pick("技术得分合计", "Quality total"), lang.pick("价格得分", "Price score"),
		lang.pick("总分", "Total"), lang.pick("提示", "Notes"))
	f.SetSheetRow(summary, "A4", &header)
	names := map[string]string{}
	for i, it := range tender.Evaluate(ev.Input) {
		names[it.BidID] = it.OrgName
		row := []any{it.Rank, it.OrgName, yuan(it.PriceFen), yuan(it.EvaluatedPriceFen)}
		for _, cr := range it.Criteria {
			row = append(row, cr.Score.String())
		}
		hints := ""
		for _, fl := range it.Flags {
			hints += lang.flag(fl)
		}
		row = append(row, it.QualityTotal.String(), it.PriceScore.String(), it.Total.String(), hints)
		cell, _ := excelize.CoordinatesToCellName(1, 5+i)
		f.SetSheetRow(summary, cell, &row)
	}
	f.SetColWidth(summary, "B", "B", 36)
	scores, err := a.store.SubmittedScores(ctx(c), t.ID)
	if err != nil {
		return err
	}
	for i, m := range ev.Panel {
		if !m.Active || !m.Submitted {
			continue
		}
		sheet := fmt.Sprintf(lang.pick("专家%d-%s", "Evaluator %d-%s"), i+1, m.Name)
		if len([]rune(sheet)) > 31 {
			sheet = string([]rune(sheet)[:31])
		}
		f.NewSheet(sheet)
		h := []any{lang.pick("投标单位", "Bidder")}
		for _, cr := range quality {
			h = append(h, lang.criterion(cr.Name, cr.MaxScore), lang.pick("评语", "Comment"))
		}
		f.SetSheetRow(sheet, "A1", &h)
		byBid := map[string]map[string]storage.ScoreRow{}
		var order []string
		for _, s := range scores {
			if s.EvaluatorID != m.EvaluatorID {
				continue
			}
			if byBid[s.BidID] == nil {
				byBid[s.BidID] = map[string]storage.ScoreRow{}
				order = append(order, s.BidID)
			}
			byBid[s.BidID][s.CriterionID] = s
		}
		for j, bid := range order {
			row := []any{names[bid]}
			for _, cr := range quality {
				s := byBid[bid][cr.ID]
				row = append(row, s.Score.String(), s.Comment)
			}
			cell, _ := excelize.CoordinatesToCellName(1, 2+j)
			f.SetSheetRow(sheet, cell, &row)
		}
		f.SetColWidth(sheet, "A", "A", 36)
	}
	buf, err := f.WriteToBuffer()
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderContentType, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
	c.Set(fiber.HeaderContentDisposition, contentDisposition(t.Code+lang.pick("-评分汇总表.xlsx", "-evaluation-summary.xlsx")))
	return c.Send(buf.Bytes())
}

func yuan(fen int64) string { return tender.Hundredths(fen).String() }

func (a *API) recommendation(c *fiber.Ctx) error {
	rec, err := a.store.Recommend(ctx(c), actorOf(c), c.Params("id"), c.Query("lot_id"))
	if err != nil {
		return err
	}
	cal, err := a.store.WorkCalendar(ctx(c))
	if err != nil {
		return err
	}
	now := a.opts.Now()
	rec.PublicityEndsAt = cal.AddWorkdays(now, publicityWorkdays, shanghai)
	if min := now.Add(a.opts.Domain.MinPublicity); rec.PublicityEndsAt.Before(min) {
		rec.PublicityEndsAt = min
	}
	return c.JSON(rec)
}

type awardRequest struct {
	BidIDs          []string  `json:"bid_ids"`
	PublicityEndsAt time.Time `json:"publicity_ends_at"`
	Reason          string    `json:"reason"`
}

func (a *API) award(c *fiber.Ctx) error {
	var req awardRequest
	if err := decode(c, &req); err != nil {
		return err
	}
	awards, err := a.store.AwardTender(ctx(c), actorOf(c), c.Params("id"), storage.AwardRequest{BidIDs: req.BidIDs,
		PublicityEndsAt: req.PublicityEndsAt, Reason: req.Reason, Config: a.opts.Domain, LotID: c.Query("lot_id")})
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(fiber.Map{"items": awards})
}

func (a *API) awards(c *fiber.Ctx) error {
	l, err := limit(c)
	if err != nil {
		return err
	}
	t, err := a.visibleTender(c, c.Params("id"))
	if err != nil {
		return err
	}
	if err := tender.CanReadAwards(actorOf(c), t); err != nil {
		return err
	}
	awards, err := a.store.AwardPage(ctx(c), t.ID, c.Query("cursor"), l+1)
	if err != nil {
		return err
	}
	return c.JSON(paginate(awards, l, func(w tender.Award) string { return storage.KeysetCursor(w.CreatedAt, w.ID) }))
}

func (a *API) object(c *fiber.Ctx) error {
	var req textRequest
	if err := decode(c, &req); err != nil {
		return err
	}
	if err := tender.ValidateObjectionText(req.Text); err != nil {
		return err
	}
	o, err := a.store.Object(ctx(c), actorOf(c), c.Params("id"), req.Text)
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(o)
}

func (a *API) objections(c *fiber.Ctx) error {
	l, err := limit(c)
	if err != nil {
		return err
	}
	t, err := a.visibleTender(c, c.Params("id"))
	if err != nil {
		return err
	}
	org, err := tender.CanReadObjections(actorOf(c))
	if err != nil {
		return err
	}
	items, err := a.store.Objections(ctx(c), t.ID, org, c.Query("cursor"), l+1)
	if err != nil {
		return err
	}
	return c.JSON(paginate(items, l, func(o tender.Objection) string { return storage.KeysetCursor(o.CreatedAt, o.ID) }))
}

type resolveRequest struct {
	Upheld   *bool  `json:"upheld"`
	Response string `json:"response"`
}

func (a *API) resolveObjection(c *fiber.Ctx) error {
	var req resolveRequest
	if err := decode(c, &req); err != nil {
		return err
	}
	if req.Upheld == nil {
		var f tender.Fields
		f.Add("upheld", "请选择质疑是否成立")
		return f.Validation()
	}
	o, err := a.store.ResolveObjection(ctx(c), actorOf(c), c.Params("id"), *req.Upheld, req.Response)
	if err != nil {
		return err
	}
	return c.JSON(o)
}

type performanceRequest struct {
	Score   *int   `json:"score"`
	Comment string `json:"comment"`
}

func (a *API) ratePerformance(c *fiber.Ctx) error {
	var req performanceRequest
	if err := decode(c, &req); err != nil {
		return err
	}
	if req.Score == nil {
		var f tender.Fields
		f.Add("score", "请填写履约评价分（0–100）")
		return f.Validation()
	}
	p, err := a.store.RatePerformance(ctx(c), actorOf(c), c.Params("id"), *req.Score, req.Comment)
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(p)
}

func calendarYear(c *fiber.Ctx) (int, error) {
	year, err := strconv.Atoi(c.Params("year"))
	if err != nil || year < 2000 || year > 2100 {
		return 0, tender.ErrNotFound
	}
	return year, nil
}

func (a *API) getCalendar(c *fiber.Ctx) error {
	year, err := calendarYear(c)
	if err != nil {
		return err
	}
	hol, work, err := a.store.CalendarYear(ctx(c), year)
	if err != nil {
		return err
	}
	return c.JSON(fiber.Map{"year": year, "holidays": hol, "workdays": work})
}

type calendarRequest struct {
	Holidays []string `json:"holidays"`
	Workdays []string `json:"workdays"`
}

func (a *API) putCalendar(c *fiber.Ctx) error {
	year, err := calendarYear(c)
	if err != nil {
		return err
	}
	var req calendarRequest
	if err := decode(c, &req); err != nil {
		return err
	}
	if _, err := tender.ParseCalendarDates(req.Holidays, req.Workdays); err != nil {
		return err
	}
	var f tender.Fields
	for i, d := range req.Holidays {
		if d[:4] != strconv.Itoa(year) {
			f.Addf(fmt.Sprintf("holidays[%d]", i), "日期不在%d年", year)
		}
	}
	for i, d := range req.Workdays {
		if d[:4] != strconv.Itoa(year) {
			f.Addf(fmt.Sprintf("workdays[%d]", i), "日期不在%d年", year)
		}
	}
	if err := f.Validation(); err != nil {
		return err
	}
	if req.Holidays == nil {
		req.Holidays = []string{}
	}
	if req.Workdays == nil {
		req.Workdays = []string{}
	}
	if err := a.store.SetCalendarYear(ctx(c), actorOf(c), year, req.Holidays, req.Workdays); err != nil {
		return err
	}
	return a.getCalendar(c)
}

func (a *API) myPanels(c *fiber.Ctx) error {
	l, err := limit(c)
	if err != nil {
		return err
	}
	items, err := a.store.EvaluatorPanels(ctx(c), actorOf(c).UserID, c.Query("cursor"), l+1)
	if err != nil {
		return err
	}
	return c.JSON(paginate(items, l, storage.MyPanelCursor))
}

// myContractPanels lists the contract evaluations (mid-term, final) the
// evaluator sits on, newest first, paged like every list.
func (a *API) myContractPanels(c *fiber.Ctx) error {
	l, err := limit(c)
	if err != nil {
		return err
	}
	items, err := a.store.EvaluatorContractPanels(ctx(c), actorOf(c).UserID, c.Query("cursor"), l+1)
	if err != nil {
		return err
	}
	return c.JSON(paginate(items, l, storage.MyContractPanelCursor))
}

// draws publishes, after the award, everything needed to recompute the
// tender's draws (§8.4): r, its commitment, the opening hash and each draw,
// with the evaluators the bureau named instead of drawing.
func (a *API) draws(c *fiber.Ctx) error {
	t, err := a.visibleTender(c, c.Params("id"))
	if err != nil {
		return err
	}
	if !tender.ResultsPublic(t) {
		return &tender.Error{Code: tender.CodeInvalidState, Key: "draws.not_yet", Message: "抽取结果在成交公告后公布"}
	}
	rec, err := a.store.Draws(ctx(c), t.ID)
	if err != nil {
		return err
	}
	named, err := a.store.PanelAppointments(ctx(c), t.ID)
	if err != nil {
		return err
	}
	return c.JSON(fiber.Map{"r": rec.R, "draw_commitment": rec.DrawCommitment, "opening_sha256": rec.OpeningSHA256,
		"draws": rec.Draws, "appointments": named})
}
