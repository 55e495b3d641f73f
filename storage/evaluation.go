package storage

import (
	"context"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"

	"github.com/linshu/portal/tender"
)

// candidates are the evaluators a draw of the tender takes from: those
// active at its opening (§8.4), or, when named rather than drawn, or for a
// tender opened before the pool was recorded at the opening, the active
// evaluators of the expert pool now.
func candidates(ctx context.Context, q sqlx.QueryerContext, tenderID string, named bool) ([]tender.Candidate, error) {
	var rows []struct {
		ID        string         `db:"id"`
		Expertise pq.StringArray `db:"expertise"`
		Employer  *string        `db:"employer_org_id"`
	}
	var recorded bool
	if err := sqlx.GetContext(ctx, q, &recorded, `SELECT opening_sha256 <> '' FROM openings WHERE tender_id = $1`, tenderID); err != nil && !errors.Is(mapError(err), tender.ErrNotFound) {
		return nil, err
	}
	query := `SELECT evaluator_id AS id, expertise, employer_org_id FROM opening_evaluators
		WHERE tender_id = $1 ORDER BY evaluator_id`
	args := []any{tenderID}
	if named || !recorded {
		query, args = `SELECT id, expertise, employer_org_id FROM users WHERE role = 'evaluator' AND active ORDER BY id`, nil
	}
	if err := sqlx.SelectContext(ctx, q, &rows, query, args...); err != nil {
		return nil, err
	}
	out := make([]tender.Candidate, 0, len(rows))
	for _, r := range rows {
		c := tender.Candidate{ID: r.ID, Expertise: r.Expertise}
		if r.Employer != nil {
			c.EmployerOrgID = *r.Employer
		}
		out = append(out, c)
	}
	return out, nil
}

// PanelRequest is the bureau's panel decision: draw Size verifiably, or name
// EvaluatorIDs with a Reason (a public red flag).
type PanelRequest struct {
	Size         int
	EvaluatorIDs []string
	Reason       string
}

// AddPanelMembers draws or names evaluators for an evaluating tender, up to
// its panel size, excluding any evaluator employed by a bidder. The draw's
// candidates and result go to the audit log.
func (s *Store) AddPanelMembers(ctx context.Context, actor tender.Actor, tenderID string, req PanelRequest) ([]tender.PanelMember, error) {
	err := s.inTx(ctx, func(tx *sqlx.Tx) error {
		t, err := s.LockTender(ctx, tx, tenderID)
		if err != nil {
			return err
		}
		if err := tender.CanFormPanel(t); err != nil {
			return err
		}
		cands, err := candidates(ctx, tx, tenderID, len(req.EvaluatorIDs) > 0)
		if err != nil {
			return err
		}
		var bidderOrgs []string
		if err := tx.SelectContext(ctx, &bidderOrgs, `SELECT org_id FROM bids WHERE tender_id = $1
			AND status = ANY($2)`, tenderID, statusSet(tender.OpenedBidStatuses()...)); err != nil {
			return err
		}
		var members []tender.PanelMember
		if err := tx.SelectContext(ctx, &members, `SELECT evaluator_id, active FROM panel_members WHERE tender_id = $1`, tenderID); err != nil {
			return err
		}
		bidders, onPanel := set(bidderOrgs), map[string]bool{}
		for _, m := range members {
			onPanel[m.EvaluatorID] = true
		}
		_, need := tender.PanelSeats(t, members)
		var chosen []string
		var details any
		if len(req.EvaluatorIDs) > 0 {
			if err := tender.CheckNamedPanel(req.EvaluatorIDs, cands, need, bidders, onPanel, req.Reason); err != nil {
				return err
			}
			chosen = req.EvaluatorIDs
			details = map[string]any{"named": chosen, "reason": req.Reason}
			if _, err := tx.ExecContext(ctx, `INSERT INTO panel_appointments (tender_id, evaluator_ids, reason) VALUES ($1, $2, $3)`,
				tenderID, pq.StringArray(chosen), req.Reason); err != nil {
				return err
			}
		} else {
			size, err := tender.DrawSize(t, members, req.Size)
			if err != nil {
				return err
			}
			category := ""
			if t.CatalogItemID != "" {
				if err := tx.GetContext(ctx, &category, `SELECT category FROM catalog_items WHERE id = $1`, t.CatalogItemID); err != nil {
					return err
				}
			}
			r, op, n, err := s.drawContext(ctx, tx, tenderID, tender.DrawPurposePanel)
			if err != nil {
				return err
			}
			res, err := tender.DrawPanel(cands, size, category, bidders, onPanel, r, op, n)
			if err != nil {
				return err
			}
			if err := recordDraw(ctx, tx, tenderID, res.Draw); err != nil {
				return err
			}
			chosen, details = res.Chosen, res
		}
		for _, id := range chosen {
			if _, err := tx.ExecContext(ctx, `INSERT INTO panel_members (tender_id, evaluator_id) VALUES ($1, $2)`, tenderID, id); err != nil {
				return err
			}
		}
		return appendAudit(ctx, tx, actor, "panel_draw", "tender", tenderID, details)
	})
	if err != nil {
		return nil, fmt.Errorf("panel: add to %s: %w", tenderID, err)
	}
	return s.Panel(ctx, tenderID)
}

func set(ids []string) map[string]bool {
	m := make(map[string]bool, len(ids))
	for _, id := range ids {
		m[id] = true
	}
	return m
}

// panelSQL lists a tender's panel, recused members included.
const panelSQL = `SELECT p.evaluator_id, u.name, p.active, p.declared, p.conflict, p.note,
	p.submitted_at, p.submitted_at IS NOT NULL AS submitted
	FROM panel_members p JOIN users u ON u.id = p.evaluator_id WHERE p.tender_id = $1
	ORDER BY p.created_at, p.evaluator_id`

// Panel lists a tender's panel, recused members included.
func (s *Store) Panel(ctx context.Context, tenderID string) ([]tender.PanelMember, error) {
	out := []tender.PanelMember{}
	err := s.db.SelectContext(ctx, &out, panelSQL, tenderID)
	return out, wrapf(mapError(err), "evaluation: panel %s", tenderID)
}

// MyPanel is a tender an evaluator sits on.
type MyPanel struct {
	TenderID  string        `json:"tender_id" db:"tender_id"`
	Code      string        `json:"code" db:"code"`
	Title     string        `json:"title" db:"title"`
	Status    tender.Status `json:"status" db:"status"`
	Active    bool          `json:"active" db:"active"`
	Declared  bool          `json:"declared" db:"declared"`
	Conflict  bool          `json:"conflict" db:"conflict"`
	Submitted bool          `json:"submitted" db:"submitted"`
	Since     time.Time     `json:"-" db:"created_at"` // when the evaluator joined the panel: the list's order
}

// MyPanelCursor is the position of p in EvaluatorPanels' order.
func MyPanelCursor(p MyPanel) string { return KeysetCursor(p.Since, p.TenderID) }

// EvaluatorPanels lists the panels an evaluator sits on, newest first, limit
// at a time after cursor (MyPanelCursor of the previous page's last panel).
func (s *Store) EvaluatorPanels(ctx context.Context, evaluatorID, cursor string, limit int) ([]MyPanel, error) {
	at, id, err := parseKeyset(cursor)
	if err != nil {
		return nil, wrapf(err, "evaluation: evaluator panels %s", evaluatorID)
	}
	out := []MyPanel{}
	err = s.db.SelectContext(ctx, &out, `SELECT t.id AS tender_id, t.code, t.title, t.status, p.active, p.declared,
		p.conflict, p.submitted_at IS NOT NULL AS submitted, p.created_at FROM panel_members p JOIN tenders t ON t.id = p.tender_id
		WHERE p.evaluator_id = $1 AND ($2::timestamptz IS NULL OR (p.created_at, p.tender_id) < ($2, NULLIF($3, '')::uuid))
		ORDER BY p.created_at DESC, p.tender_id DESC LIMIT $4`, evaluatorID, at, id, limit)
	return out, wrapf(mapError(err), "evaluation: evaluator panels %s", evaluatorID)
}

// lockMember locks the evaluator's panel_members row; nil when they are not on the panel.
func lockMember(ctx context.Context, tx *sqlx.Tx, tenderID, evaluatorID string) (*tender.PanelMember, error) {
	var m tender.PanelMember
	err := tx.GetContext(ctx, &m, `SELECT evaluator_id, active, declared, conflict, submitted_at FROM panel_members
		WHERE tender_id = $1 AND evaluator_id::text = $2 FOR UPDATE`, tenderID, evaluatorID)
	if errors.Is(mapError(err), tender.ErrNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, mapError(err)
	}
	return &m, nil
}

// Declare records a member's conflict-of-interest declaration (回避声明); a
// conflict recuses the member, and the bureau may draw a replacement.
func (s *Store) Declare(ctx context.Context, actor tender.Actor, tenderID string, conflict bool, note string) error {
	return wrapf(s.inTx(ctx, func(tx *sqlx.Tx) error {
		t, _, err := shareTender(ctx, tx, tenderID)
		if err != nil {
			return err
		}
		if !tender.CanSeeTender(actor, t) {
			return tender.ErrNotFound // a draft is not there for an evaluator
		}
		m, err := lockMember(ctx, tx, tenderID, actor.UserID)
		if err != nil {
			return err
		}
		if err := tender.CanDeclare(t, m); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE panel_members SET declared = true, conflict = $3, note = $4, active = NOT $3
			WHERE tender_id = $1 AND evaluator_id = $2`, tenderID, actor.UserID, conflict, note); err != nil {
			return err
		}
		return appendAudit(ctx, tx, actor, "declare", "tender", tenderID, map[string]any{
			"evaluator_id": actor.UserID, "conflict": conflict, "note": note})
	}), "panel: declare on %s", tenderID)
}

// ScoreEntry is one score on a sheet.
type ScoreEntry struct {
	CriterionID string            `json:"criterion_id" db:"criterion_id"`
	Score       tender.Hundredths `json:"score" db:"score"`
	Comment     string            `json:"comment" db:"comment"`
}

// ScoreRow is a stored score with its evaluator and bid.
type ScoreRow struct {
	EvaluatorID   string `json:"evaluator_id" db:"evaluator_id"`
	EvaluatorName string `json:"evaluator_name" db:"evaluator_name"`
	BidID         string `json:"bid_id" db:"bid_id"`
	ScoreEntry
}

// scoreCriteria are the tender's criteria as scoring needs them.
func scoreCriteria(t tender.Tender) []tender.ScoreCriterion {
	out := make([]tender.ScoreCriterion, 0, len(t.Evaluation.Criteria))
	for _, c := range t.Evaluation.Criteria {
		out = append(out, tender.ScoreCriterion{ID: c.ID, MaxScore: c.MaxScore, Price: c.Kind == tender.CriterionPrice})
	}
	return out
}

// lockSheet checks that the actor may change their sheet on the tender now.
func lockSheet(ctx context.Context, tx *sqlx.Tx, actor tender.Actor, tenderID string) (tender.Tender, error) {
	t, _, err := shareTender(ctx, tx, tenderID)
	if err != nil {
		return t, err
	}
	if !tender.CanSeeTender(actor, t) {
		return t, tender.ErrNotFound // a draft is not there for an evaluator
	}
	m, err := lockMember(ctx, tx, tenderID, actor.UserID)
	if err != nil {
		return t, err
	}
	return t, tender.CanScore(t, m)
}

// SaveScores sets (or revises) the actor's scores for one qualified bid, until the sheet is submitted.
func (s *Store) SaveScores(ctx context.Context, actor tender.Actor, tenderID, bidID string, entries []ScoreEntry) error {
	return wrapf(s.inTx(ctx, func(tx *sqlx.Tx) error {
		t, err := lockSheet(ctx, tx, actor, tenderID)
		if err != nil {
			return err
		}
		var status string
		if err := tx.GetContext(ctx, &status, `SELECT status FROM bids WHERE id = $1 AND tender_id = $2`, bidID, tenderID); err != nil {
			return err
		}
		if status != string(tender.BidQualified) {
			return &tender.Error{Code: tender.CodeInvalidState, Key: "score.bid_not_qualified", Message: "只对资格审查合格的投标评分"}
		}
		byID := map[string]tender.ScoreCriterion{}
		for _, c := range scoreCriteria(t) {
			byID[c.ID] = c
		}
		var f tender.Fields
		for i, e := range entries {
			c, ok := byID[e.CriterionID]
			if !ok {
				f.Addf(fmt.Sprintf("scores[%d].criterion_id", i), "评分项 %s 不存在", e.CriterionID)
				continue
			}
			if err := tender.ValidateScore(c, e.Score); err != nil {
				if te, ok := tender.AsError(err); ok {
					for _, fe := range te.Fields {
						f.Add(fmt.Sprintf("scores[%d].score", i), fe.Message)
					}
				}
			}
		}
		if err := f.Validation(); err != nil {
			return err
		}
		for _, e := range entries {
			if _, err := tx.ExecContext(ctx, `INSERT INTO scores (tender_id, evaluator_id, bid_id, criterion_id, score, comment)
				VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (tender_id, evaluator_id, bid_id, criterion_id)
				DO UPDATE SET score = EXCLUDED.score, comment = EXCLUDED.comment, updated_at = clock_timestamp()`,
				tenderID, actor.UserID, bidID, e.CriterionID, int64(e.Score), e.Comment); err != nil {
				return err
			}
		}
		return appendAudit(ctx, tx, actor, "score", "sheet", tenderID+":"+actor.UserID, map[string]any{
			"bid_id": bidID, "scores": entries})
	}), "scores: save on %s", tenderID)
}

// Scores lists stored scores of a tender; evaluatorID "" lists every member's.
func (s *Store) Scores(ctx context.Context, tenderID, evaluatorID string) ([]ScoreRow, error) {
	out := []ScoreRow{}
	err := s.db.SelectContext(ctx, &out, `SELECT s.evaluator_id, u.name AS evaluator_name, s.bid_id, s.criterion_id,
		s.score, s.comment FROM scores s JOIN users u ON u.id = s.evaluator_id
		JOIN panel_members p ON p.tender_id = s.tender_id AND p.evaluator_id = s.evaluator_id AND p.active
		WHERE s.tender_id = $1 AND ($2 = '' OR s.evaluator_id::text = $2)
		ORDER BY u.name, s.evaluator_id, s.bid_id, s.criterion_id`, tenderID, evaluatorID)
	return out, wrapf(mapError(err), "evaluation: scores %s", tenderID)
}

// SubmitSheet locks the actor's sheet once it scores every qualified bid on
// every quality criterion, and qualification is finished.
func (s *Store) SubmitSheet(ctx context.Context, actor tender.Actor, tenderID string) error {
	return wrapf(s.inTx(ctx, func(tx *sqlx.Tx) error {
		t, err := lockSheet(ctx, tx, actor, tenderID)
		if err != nil {
			return err
		}
		var bids []struct {
			ID     string `db:"id"`
			Status string `db:"status"`
			LotID  string `db:"lot_id"`
		}
		if err := tx.SelectContext(ctx, &bids, `SELECT id, status, lot_id FROM bids WHERE tender_id = $1
			AND status = ANY($2)`, tenderID, statusSet(tender.OpenedBidStatuses()...)); err != nil {
			return err
		}
		var qualified []string
		for _, b := range bids {
			if l, ok := t.Lot(b.LotID); ok && l.Status == tender.LotFailed {
				continue // a lot that failed (流标) is not evaluated: its bids are on no sheet (§7.4)
			}
			if b.Status == string(tender.BidSubmitted) {
				return &tender.Error{Code: tender.CodeInvalidState, Key: "sheet.qualification_pending",
					Message: "资格审查尚未完成，暂不能提交评分表"}
			}
			if b.Status == string(tender.BidQualified) {
				qualified = append(qualified, b.ID)
			}
		}
		rows := []ScoreRow{}
		if err := tx.SelectContext(ctx, &rows, `SELECT evaluator_id, '' AS evaluator_name, bid_id, criterion_id, score, comment
			FROM scores WHERE tender_id = $1 AND evaluator_id = $2`, tenderID, actor.UserID); err != nil {
			return err
		}
		if err := tender.SheetComplete(scoreCriteria(t), qualified, sheetOf(rows)); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE panel_members SET submitted_at = clock_timestamp()
			WHERE tender_id = $1 AND evaluator_id = $2`, tenderID, actor.UserID); err != nil {
			return err
		}
		return appendAudit(ctx, tx, actor, "submit", "sheet", tenderID+":"+actor.UserID, map[string]any{"bids": len(qualified)})
	}), "scores: submit on %s", tenderID)
}

func sheetOf(rows []ScoreRow) map[string]map[string]tender.Hundredths {
	m := map[string]map[string]tender.Hundredths{}
	for _, r := range rows {
		if m[r.BidID] == nil {
			m[r.BidID] = map[string]tender.Hundredths{}
		}
		m[r.BidID][r.CriterionID] = r.Score
	}
	return m
}

// Evaluation is everything the results need: the tender, the scoring input
// (qualified bids, submitted sheets of active members) and whether the
// evaluation is complete (a full panel, every sheet submitted, qualification done).
// The scores with their comments, for the 评分汇总表, are SubmittedScores.
type Evaluation struct {
	Tender   tender.Tender
	LotID    string // the lot evaluated; "" without lots
	Input    tender.ScoreInput
	Complete bool
	Panel    []tender.PanelMember
}

// SubmittedScores lists the scores of the submitted sheets of a tender's
// active members, with their names and comments, by evaluator name, bid and
// criterion (the 评分汇总表's sheets).
func (s *Store) SubmittedScores(ctx context.Context, tenderID string) ([]ScoreRow, error) {
	out := []ScoreRow{}
	err := s.db.SelectContext(ctx, &out, `SELECT s.evaluator_id, u.name AS evaluator_name, s.bid_id,
		s.criterion_id, s.score, s.comment FROM scores s JOIN users u ON u.id = s.evaluator_id
		JOIN panel_members p ON p.tender_id = s.tender_id AND p.evaluator_id = s.evaluator_id
		WHERE s.tender_id = $1 AND p.active AND p.submitted_at IS NOT NULL
		ORDER BY u.name, s.evaluator_id, s.bid_id, s.criterion_id`, tenderID)
	return out, wrapf(mapError(err), "evaluation: submitted scores of %s", tenderID)
}

// EvaluationOf gathers a tender's evaluation.
// With lotID it is that lot's (§7.4); "" on a tender with lots gathers every
// lot's bids together (for the scores' visibility), on one without lots the tender.
func (s *Store) EvaluationOf(ctx context.Context, tenderID, lotID string) (Evaluation, error) {
	ev := Evaluation{LotID: lotID}
	var err error
	if ev.Tender, err = s.Tender(ctx, tenderID); err != nil {
		return ev, wrapf(err, "evaluation: evaluation of %s", tenderID)
	}
	return ev, wrapf(s.fillEvaluation(ctx, s.db, &ev), "evaluation: evaluation of %s", tenderID)
}

func (s *Store) fillEvaluation(ctx context.Context, q sqlx.QueryerContext, ev *Evaluation) error {
	t := ev.Tender
	var bids []scoredBid
	if err := sqlx.SelectContext(ctx, q, &bids, `SELECT b.id AS bidid, b.org_id AS orgid, o.name AS orgname,
		b.price_fen AS pricefen, CASE WHEN b.facts IS NULL THEN COALESCE(o.community_id::text, '')
			ELSE COALESCE(b.facts->>'community_id', '') END AS orgcommunity, b.status FROM bids b JOIN organizations o ON o.id = b.org_id
		WHERE b.tender_id = $1 AND b.status = ANY($2) AND ($3 = '' OR b.lot_id = $3) ORDER BY b.id`,
		t.ID, statusSet(tender.OpenedBidStatuses()...), ev.LotID); err != nil {
		return err
	}
	if err := sqlx.SelectContext(ctx, q, &ev.Panel, panelSQL, t.ID); err != nil {
		return err
	}
	in := tender.ScoreInput{Method: string(t.Evaluation.Method), Criteria: scoreCriteria(t),
		TrimExtremes: t.Evaluation.TrimExtremes, CommunityPreferencePct: t.CommunityPreferencePct,
		TenderCommunity: t.LotCommunity(ev.LotID)}
	if m := t.Evaluation.Method; !m.ScoredByPanel() && m != tender.MethodLowestPrice {
		// negotiated and claim: no panel, ranked by price alone, no preference (claims are all at the budget).
		in.Method, in.CommunityPreferencePct = string(tender.MethodLowestPrice), 0
	}
	undecided := 0
	for _, b := range bids {
		switch b.Status {
		case string(tender.BidQualified):
			in.Bids = append(in.Bids, b.ScoreBid)
		case string(tender.BidSubmitted):
			undecided++
		}
	}
	sheets, err := panelSheets(ctx, q, t, bids, ev.Panel)
	if err != nil {
		return err
	}
	for _, m := range ev.Panel {
		if sh := sheets[m.EvaluatorID]; sh != nil {
			in.Sheets = append(in.Sheets, *sh)
		}
	}
	active, submitted := 0, 0
	for _, m := range ev.Panel {
		if m.Active {
			active++
			if m.Submitted {
				submitted++
			}
		}
	}
	lowest := !t.Evaluation.Method.ScoredByPanel()
	ev.Complete = undecided == 0 && len(in.Bids) > 0 &&
		(lowest || (active == t.Evaluation.PanelSize && submitted == active))
	ev.Input = in
	return nil
}

// scoredBid is an opened bid as the results read it.
type scoredBid struct {
	tender.ScoreBid
	Status string `db:"status"`
}

// panelSheets reads the submitted sheets of the active members of
// tender t, by evaluator id. It is most of the results' cost (200 bids × 9
// members × 9 quality criteria = 16,200 scores, issue #16 item 6), so it
// reads only what scoring needs — no names, no comments, no order (sorting
// 16,200 rows by a collated name cost PostgreSQL ~18 ms) — and scans each row
// by hand into the maps instead of a row struct. The ids come as bytes
// (uuid_send, convert_to: lib/pq hands bytea over without a copy, where it
// formats every uuid into a new string) and are looked up among the known
// ones of the bids, the panel and the criteria, so no row allocates a string.
func panelSheets(ctx context.Context, q sqlx.QueryerContext, t tender.Tender, bids []scoredBid, panel []tender.PanelMember) (map[string]*tender.Sheet, error) {
	ids := make(map[string]string, len(bids)+len(panel)) // 16 bytes of a uuid → its text
	for _, b := range bids {
		ids[uuidBytes(b.BidID)] = b.BidID
	}
	for _, m := range panel {
		ids[uuidBytes(m.EvaluatorID)] = m.EvaluatorID
	}
	criteria := make(map[string]string, len(t.Evaluation.Criteria))
	for _, c := range t.Evaluation.Criteria {
		criteria[c.ID] = c.ID
	}
	id := func(b []byte) string {
		if s, ok := ids[string(b)]; ok { // no allocation: the compiler looks the bytes up in place
			return s
		}
		return uuidText(b) // a bid or member the lists above do not hold: kept, as before
	}
	criterion := func(b []byte) string {
		if s, ok := criteria[string(b)]; ok {
			return s
		}
		return string(b)
	}
	rows, err := q.QueryContext(ctx, `SELECT uuid_send(s.evaluator_id), uuid_send(s.bid_id), convert_to(s.criterion_id, 'UTF8'), s.score
		FROM scores s JOIN panel_members p ON p.tender_id = s.tender_id AND p.evaluator_id = s.evaluator_id
		WHERE s.tender_id = $1 AND p.active AND p.submitted_at IS NOT NULL`, t.ID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	sheets := map[string]*tender.Sheet{}
	quality := len(t.Evaluation.Criteria)
	var evaluatorB, bidB, criterionB sql.RawBytes
	var score int64
	for rows.Next() {
		if err := rows.Scan(&evaluatorB, &bidB, &criterionB, &score); err != nil {
			return nil, err
		}
		evaluator, bid := id(evaluatorB), id(bidB)
		sh := sheets[evaluator]
		if sh == nil {
			sh = &tender.Sheet{EvaluatorID: evaluator, Scores: make(map[string]map[string]tender.Hundredths, len(bids))}
			sheets[evaluator] = sh
		}
		byCriterion := sh.Scores[bid]
		if byCriterion == nil {
			byCriterion = make(map[string]tender.Hundredths, quality)
			sh.Scores[bid] = byCriterion
		}
		byCriterion[criterion(criterionB)] = tender.Hundredths(score)
	}
	return sheets, rows.Err()
}

// uuidBytes is the 16 bytes of a uuid in its text form (as uuid_send sends
// them); "" when id is not one.
func uuidBytes(id string) string {
	b, err := hex.DecodeString(strings.ReplaceAll(id, "-", ""))
	if err != nil || len(b) != 16 {
		return ""
	}
	return string(b)
}

// uuidText is the text form of 16 bytes of a uuid.
func uuidText(b []byte) string {
	h := hex.EncodeToString(b)
	if len(h) != 32 {
		return h
	}
	return h[:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:]
}
