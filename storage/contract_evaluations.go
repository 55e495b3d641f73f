package storage

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"

	"github.com/linshu/portal/tender"
)

// Contract evaluation statuses as stored.
const (
	evaluationScoring  = string(tender.EvaluationScoring)
	evaluationComplete = string(tender.EvaluationComplete)
)

// ContractEvaluation is one evaluation round of a mid-term or final milestone.
type ContractEvaluation struct {
	ID               string                     `json:"id" db:"id"`
	ContractID       string                     `json:"contract_id" db:"contract_id"`
	MilestoneID      string                     `json:"milestone_id" db:"milestone_id"`
	Round            int                        `json:"round" db:"round"`
	PanelSize        int                        `json:"panel_size" db:"panel_size"`
	Status           string                     `json:"status" db:"status"`
	Complete         bool                       `json:"complete" db:"-"`
	Total            *tender.Hundredths         `json:"total" db:"total"`
	Grade            *tender.Grade              `json:"grade" db:"grade"`
	GradeLabel       string                     `json:"grade_label,omitempty" db:"-"`
	CompletedAt      *time.Time                 `json:"completed_at" db:"completed_at"`
	RectificationDue *string                    `json:"rectification_due" db:"rectification_due"`
	Criteria         []ContractEvaluationResult `json:"criteria" db:"-"`
	CreatedAt        time.Time                  `json:"created_at" db:"created_at"`
}

// ContractEvaluationResult is one criterion of a complete evaluation.
type ContractEvaluationResult struct {
	CriterionID string             `json:"criterion_id"`
	Name        string             `json:"name"`
	MaxScore    int64              `json:"max_score"`
	Score       *tender.Hundredths `json:"score"`
}

const contractEvaluationColumns = `id, contract_id, milestone_id, round, panel_size, status, total, grade, completed_at,
	to_char(rectification_due, 'YYYY-MM-DD') AS rectification_due, created_at`

// ContractEvaluations lists the evaluation rounds of a milestone, oldest
// first; complete rounds carry their per-criterion results. c is the
// contract as the caller has just read it (Store.Contract): its criteria
// label the results and are not read again (they change only while the
// contract is drafted, before any evaluation). Reading the whole contract
// again here cost four more statements per request (bench/lifecycle).
func (s *Store) ContractEvaluations(ctx context.Context, c tender.Contract, milestoneID string) ([]ContractEvaluation, error) {
	contractID := c.ID
	out := []ContractEvaluation{}
	if err := s.db.SelectContext(ctx, &out, `SELECT `+contractEvaluationColumns+` FROM contract_evaluations
		WHERE contract_id = $1 AND milestone_id = $2 ORDER BY round`, contractID, milestoneID); err != nil {
		return nil, wrapf(mapError(err), "contract evaluations: list %s", contractID)
	}
	for i := range out {
		ev := &out[i]
		ev.Complete = ev.Status == evaluationComplete
		ev.Criteria = []ContractEvaluationResult{}
		var res tender.ContractEvaluationResult
		if ev.Complete {
			sheets, err := submittedSheets(ctx, s.db, ev.ID)
			if err != nil {
				return nil, wrapf(err, "contract evaluations: list %s", contractID)
			}
			res = tender.EvaluateContract(c.Criteria, sheets)
			ev.GradeLabel = tender.GradeLabel[*ev.Grade]
		}
		for j, cr := range c.Criteria {
			r := ContractEvaluationResult{CriterionID: cr.ID, Name: cr.Name, MaxScore: cr.MaxScore}
			if ev.Complete {
				r.Score = &res.Criteria[j].Score
			}
			ev.Criteria = append(ev.Criteria, r)
		}
	}
	return out, nil
}

// submittedSheets reads the submitted sheets of the active members of an evaluation.
func submittedSheets(ctx context.Context, q sqlx.QueryerContext, evaluationID string) ([]map[string]tender.Hundredths, error) {
	var rows []struct {
		EvaluatorID string            `db:"evaluator_id"`
		CriterionID string            `db:"criterion_id"`
		Score       tender.Hundredths `db:"score"`
	}
	if err := sqlx.SelectContext(ctx, q, &rows, `SELECT s.evaluator_id, s.criterion_id, s.score FROM contract_scores s
		JOIN contract_panel_members p ON p.evaluation_id = s.evaluation_id AND p.evaluator_id = s.evaluator_id
		WHERE s.evaluation_id = $1 AND p.active AND p.submitted_at IS NOT NULL
		ORDER BY s.evaluator_id, s.criterion_id`, evaluationID); err != nil {
		return nil, fmt.Errorf("sheets: %w", err)
	}
	by := map[string]map[string]tender.Hundredths{}
	var order []string
	for _, r := range rows {
		if by[r.EvaluatorID] == nil {
			by[r.EvaluatorID] = map[string]tender.Hundredths{}
			order = append(order, r.EvaluatorID)
		}
		by[r.EvaluatorID][r.CriterionID] = r.Score
	}
	out := make([]map[string]tender.Hundredths, 0, len(order))
	for _, id := range order {
		out = append(out, by[id])
	}
	return out, nil
}

// currentEvaluation locks the newest evaluation round of a milestone.
func currentEvaluation(ctx context.Context, tx *sqlx.Tx, milestoneID string) (ContractEvaluation, error) {
	var ev ContractEvaluation
	err := tx.GetContext(ctx, &ev, `SELECT `+contractEvaluationColumns+` FROM contract_evaluations
		WHERE milestone_id = $1 ORDER BY round DESC LIMIT 1 FOR UPDATE`, milestoneID)
	return ev, mapError(err)
}

// ContractPanelRequest is the bureau's panel decision for a milestone
// evaluation: draw verifiably, or name EvaluatorIDs with a Reason (allowed,
// and a public red flag, as for a tender's panel: §8.4).
type ContractPanelRequest struct {
	Size         int // panel size for a new round (odd, ≥ 3); 0 = 3, or the replacements still needed
	EvaluatorIDs []string
	Reason       string
}

const defaultContractPanel = 3

// DrawContractPanel starts an evaluation round of a mid-term or final
// milestone with a panel drawn as for bids (tender.DrawPanel, the §8.4 draw
// seeded from the contract's committed r and the accepted report's id: the
// tender's category preferred, the contractor's employees excluded), or — while a
// round is scoring — draws replacements for recused members. The draw goes
// to the audit log. With req.EvaluatorIDs the members are named instead
// (tender.CheckNamedPanel: active evaluators, not the contractor's employees,
// not already on the round, no more than the seats left, with a reason); the
// appointment is stored with its reason and is a public red flag.
func (s *Store) DrawContractPanel(ctx context.Context, actor tender.Actor, contractID, milestoneID string, req ContractPanelRequest) ([]tender.PanelMember, error) {
	var evID string
	err := s.inTx(ctx, func(tx *sqlx.Tx) error {
		c, err := loadContract(ctx, tx, contractID, true)
		if err != nil {
			return err
		}
		m, err := milestoneOf(c, milestoneID)
		if err != nil {
			return err
		}
		var rounds []ContractEvaluation
		if err := tx.SelectContext(ctx, &rounds, `SELECT `+contractEvaluationColumns+` FROM contract_evaluations
			WHERE milestone_id = $1 ORDER BY round`, milestoneID); err != nil {
			return err
		}
		onPanel := map[string]bool{}
		need := 0
		if n := len(rounds); n > 0 && rounds[n-1].Status == evaluationScoring {
			if c.Status != tender.ContractActive {
				return tender.InvalidState("contract", string(c.Status), "组织评估")
			}
			evID = rounds[n-1].ID
			var members []struct {
				ID     string `db:"evaluator_id"`
				Active bool   `db:"active"`
			}
			if err := tx.SelectContext(ctx, &members, `SELECT evaluator_id, active FROM contract_panel_members
				WHERE evaluation_id = $1`, evID); err != nil {
				return err
			}
			need = rounds[n-1].PanelSize
			for _, mm := range members {
				onPanel[mm.ID] = true
				if mm.Active {
					need--
				}
			}
			if req.Size > need && len(req.EvaluatorIDs) == 0 {
				var f tender.Fields
				f.Addf("size", "评估小组最多还可抽取%d人", need)
				return f.Validation()
			}
		} else {
			grades := make([]tender.Grade, 0, len(rounds))
			for _, r := range rounds {
				grades = append(grades, *r.Grade)
			}
			if err := tender.CanStartEvaluation(c.Status, *m, grades); err != nil {
				return err
			}
			need = req.Size
			if need == 0 {
				need = defaultContractPanel
				if n := len(req.EvaluatorIDs); n > need && n%2 == 1 {
					need = n // a named panel of five, say, without giving its size
				}
			}
			if need < 3 || need%2 == 0 || need > 25 {
				var f tender.Fields
				f.Add("size", "评估小组人数应为不少于3的单数")
				return f.Validation()
			}
			if err := tx.GetContext(ctx, &evID, `INSERT INTO contract_evaluations (contract_id, milestone_id, round, panel_size)
				VALUES ($1, $2, $3, $4) RETURNING id`, contractID, milestoneID, len(rounds)+1, need); err != nil {
				return err
			}
		}
		// Every active evaluator is a candidate (the tender's pool was frozen at its opening, long before).
		cands, err := candidates(ctx, tx, c.TenderID, true)
		if err != nil {
			return err
		}
		if len(req.EvaluatorIDs) > 0 {
			// Named, not drawn: the same exclusions as a draw, and the reason on the public record.
			if need <= 0 {
				return tender.Errorf(tender.CodeInvalidState, "panel.full", "评估小组人数已满，无需再指定")
			}
			if err := tender.CheckNamedPanel(req.EvaluatorIDs, cands, need, map[string]bool{c.OrgID: true}, onPanel, req.Reason); err != nil {
				return err
			}
			for _, id := range req.EvaluatorIDs {
				if _, err := tx.ExecContext(ctx, `INSERT INTO contract_panel_members (evaluation_id, evaluator_id) VALUES ($1, $2)`,
					evID, id); err != nil {
					return err
				}
			}
			reason := strings.TrimSpace(req.Reason)
			if _, err := tx.ExecContext(ctx, `INSERT INTO contract_panel_appointments (contract_id, milestone_id, evaluation_id,
				evaluator_ids, reason) VALUES ($1, $2, $3, $4, $5)`, contractID, milestoneID, evID, pq.StringArray(req.EvaluatorIDs), reason); err != nil {
				return err
			}
			return appendAudit(ctx, tx, actor, "evaluation_panel_named", contractEntity, contractID, map[string]any{
				"milestone_id": milestoneID, "evaluation_id": evID, "named": req.EvaluatorIDs, "reason": reason})
		}
		r, err := s.contractDrawSecret(ctx, tx, contractID)
		if err != nil {
			return err
		}
		// The seed's public input is the accepted report: unknown before the contractor submitted it.
		var reportID string
		if err := tx.GetContext(ctx, &reportID, `SELECT id FROM contract_reports WHERE milestone_id = $1 AND status = $2
			ORDER BY submitted_at DESC LIMIT 1`, milestoneID, reportAccepted); err != nil {
			return err
		}
		var n int
		if err := tx.GetContext(ctx, &n, `UPDATE contracts SET draws = draws + 1 WHERE id = $1 RETURNING draws`, contractID); err != nil {
			return err
		}
		var category string
		if err := tx.GetContext(ctx, &category, `SELECT COALESCE((SELECT ci.category FROM catalog_items ci
			WHERE ci.id = t.catalog_item_id), '') FROM tenders t WHERE t.id = $1`, c.TenderID); err != nil {
			return err
		}
		res, err := tender.DrawPanel(cands, need, category, map[string]bool{c.OrgID: true}, onPanel, r, tender.H(reportID), n)
		if err != nil {
			return err
		}
		for _, id := range res.Chosen {
			if _, err := tx.ExecContext(ctx, `INSERT INTO contract_panel_members (evaluation_id, evaluator_id) VALUES ($1, $2)`,
				evID, id); err != nil {
				return err
			}
		}
		return appendAudit(ctx, tx, actor, "evaluation_panel_draw", contractEntity, contractID, map[string]any{
			"milestone_id": milestoneID, "evaluation_id": evID, "report_id": reportID, "draw": res})
	})
	if err != nil {
		return nil, wrapf(err, "contract evaluations: draw contract panel %s", contractID)
	}
	return s.ContractPanel(ctx, evID)
}

// ContractPanel lists an evaluation round's panel, recused members included.
func (s *Store) ContractPanel(ctx context.Context, evaluationID string) ([]tender.PanelMember, error) {
	out := []tender.PanelMember{}
	err := s.db.SelectContext(ctx, &out, `SELECT p.evaluator_id, u.name, p.active, p.declared, p.conflict, p.note,
		p.submitted_at, p.submitted_at IS NOT NULL AS submitted
		FROM contract_panel_members p JOIN users u ON u.id = p.evaluator_id WHERE p.evaluation_id = $1
		ORDER BY p.created_at, p.evaluator_id`, evaluationID)
	return out, wrapf(mapError(err), "contract evaluations: contract panel %s", evaluationID)
}

// LatestEvaluationID returns the id of the newest evaluation round of a
// milestone of the contract, or not_found.
func (s *Store) LatestEvaluationID(ctx context.Context, contractID, milestoneID string) (string, error) {
	var id string
	err := get(ctx, s.db, &id, `SELECT id FROM contract_evaluations WHERE contract_id = $1 AND milestone_id = $2
		ORDER BY round DESC LIMIT 1`, contractID, milestoneID)
	return id, wrapf(err, "contract evaluations: latest evaluation id %s", contractID)
}

// OnContractPanel reports whether evaluatorID is an active member of any
// evaluation panel of the contract (so may read its reports).
func (s *Store) OnContractPanel(ctx context.Context, contractID, evaluatorID string) (bool, error) {
	var n int
	err := s.db.GetContext(ctx, &n, `SELECT count(*) FROM contract_panel_members p JOIN contract_evaluations e
		ON e.id = p.evaluation_id WHERE e.contract_id = $1 AND p.evaluator_id::text = $2 AND p.active`, contractID, evaluatorID)
	return n > 0, wrapf(mapError(err), "contract evaluations: on contract panel %s", contractID)
}

var errNotOnContractPanel = &tender.Error{Code: tender.CodeForbidden, Key: "panel.not_member", Message: "您不是本次评估的评估小组成员"}

// lockContractSheet locks the contract, the milestone's scoring round and
// the actor's membership, and checks that the actor may change the sheet.
// declaring says the actor is about to declare (not yet declared is fine).
func lockContractSheet(ctx context.Context, tx *sqlx.Tx, actor tender.Actor, contractID, milestoneID string, declaring bool) (tender.Contract, ContractEvaluation, error) {
	c, err := loadContract(ctx, tx, contractID, true)
	if err != nil {
		return c, ContractEvaluation{}, err
	}
	if _, err := milestoneOf(c, milestoneID); err != nil {
		return c, ContractEvaluation{}, err
	}
	ev, err := currentEvaluation(ctx, tx, milestoneID)
	if errors.Is(err, tender.ErrNotFound) {
		return c, ev, errNotOnContractPanel
	}
	if err != nil {
		return c, ev, err
	}
	var m tender.PanelMember
	err = tx.GetContext(ctx, &m, `SELECT evaluator_id, active, declared, conflict, submitted_at FROM contract_panel_members
		WHERE evaluation_id = $1 AND evaluator_id::text = $2 FOR UPDATE`, ev.ID, actor.UserID)
	if errors.Is(mapError(err), tender.ErrNotFound) {
		return c, ev, errNotOnContractPanel
	}
	if err != nil {
		return c, ev, err
	}
	switch {
	case !m.Active:
		return c, ev, &tender.Error{Code: tender.CodeForbidden, Key: "panel.recused", Message: "您已回避本次评估，不能评分"}
	case ev.Status != evaluationScoring || c.Status != tender.ContractActive:
		return c, ev, tender.InvalidState("evaluation", ev.Status, "评分")
	case declaring && m.Declared:
		return c, ev, &tender.Error{Code: tender.CodeConflict, Key: "panel.declared", Message: "已作出回避声明"}
	case !declaring && !m.Declared:
		return c, ev, &tender.Error{Code: tender.CodeInvalidState, Key: "panel.undeclared", Message: "请先作出回避声明"}
	case m.SubmittedAt != nil:
		return c, ev, &tender.Error{Code: tender.CodeInvalidState, Key: "sheet.submitted", Message: "评分表已提交，不能再修改"}
	}
	return c, ev, nil
}

// DeclareContract records a member's conflict declaration for the current
// round; a conflict recuses the member and the bureau may draw a replacement.
func (s *Store) DeclareContract(ctx context.Context, actor tender.Actor, contractID, milestoneID string, conflict bool, note string) ([]tender.PanelMember, error) {
	var evID string
	err := s.inTx(ctx, func(tx *sqlx.Tx) error {
		_, ev, err := lockContractSheet(ctx, tx, actor, contractID, milestoneID, true)
		if err != nil {
			return err
		}
		evID = ev.ID
		if _, err := tx.ExecContext(ctx, `UPDATE contract_panel_members SET declared = true, conflict = $3, active = NOT $3,
			note = $4 WHERE evaluation_id = $1 AND evaluator_id = $2`, ev.ID, actor.UserID, conflict, note); err != nil {
			return err
		}
		return appendAudit(ctx, tx, actor, "declare", contractEntity, contractID, map[string]any{
			"evaluation_id": ev.ID, "conflict": conflict, "note": note})
	})
	if err != nil {
		return nil, wrapf(err, "contract evaluations: declare contract %s", contractID)
	}
	return s.ContractPanel(ctx, evID)
}

// ContractScore is one score of a member's sheet.
type ContractScore struct {
	EvaluatorID string            `json:"evaluator_id" db:"evaluator_id"`
	CriterionID string            `json:"criterion_id" db:"criterion_id"`
	Score       tender.Hundredths `json:"score" db:"score"`
	Comment     string            `json:"comment" db:"comment"`
}

// SaveContractScores sets (or revises) the actor's scores in the current
// round until the sheet is submitted; every score names a criterion of the
// contract and lies within 0 and its maximum.
func (s *Store) SaveContractScores(ctx context.Context, actor tender.Actor, contractID, milestoneID string, scores []ContractScore) error {
	return wrapf(s.inTx(ctx, func(tx *sqlx.Tx) error {
		c, ev, err := lockContractSheet(ctx, tx, actor, contractID, milestoneID, false)
		if err != nil {
			return err
		}
		byID := map[string]tender.ScoreCriterion{}
		for _, cr := range c.Criteria {
			byID[cr.ID] = tender.ScoreCriterion{ID: cr.ID, MaxScore: cr.MaxScore}
		}
		var f tender.Fields
		for i, sc := range scores {
			cr, ok := byID[sc.CriterionID]
			if !ok {
				f.Addf(fmt.Sprintf("scores[%d].criterion_id", i), "评估指标 %s 不存在", sc.CriterionID)
				continue
			}
			if err := tender.ValidateScore(cr, sc.Score); err != nil {
				f.Addf(fmt.Sprintf("scores[%d].score", i), "得分须在 0 到 %d 分之间", cr.MaxScore)
			}
		}
		if err := f.Validation(); err != nil {
			return err
		}
		for _, sc := range scores {
			if _, err := tx.ExecContext(ctx, `INSERT INTO contract_scores (evaluation_id, evaluator_id, criterion_id, score, comment)
				VALUES ($1, $2, $3, $4, $5) ON CONFLICT (evaluation_id, evaluator_id, criterion_id)
				DO UPDATE SET score = EXCLUDED.score, comment = EXCLUDED.comment`,
				ev.ID, actor.UserID, sc.CriterionID, int64(sc.Score), sc.Comment); err != nil {
				return err
			}
		}
		return appendAudit(ctx, tx, actor, "score", contractEntity, contractID, map[string]any{
			"evaluation_id": ev.ID, "scores": scores})
	}), "contract evaluations: save contract scores %s", contractID)
}

// SubmitContractSheet locks the actor's sheet once it scores every
// criterion. When the last active member of a full panel submits, the round
// completes: the result and grade are stored; a failing mid-term gets its
// rectification date (整改); a failing final withholds the final payment and
// records a public credit event.
func (s *Store) SubmitContractSheet(ctx context.Context, actor tender.Actor, contractID, milestoneID string) error {
	return wrapf(s.inTx(ctx, func(tx *sqlx.Tx) error {
		c, ev, err := lockContractSheet(ctx, tx, actor, contractID, milestoneID, false)
		if err != nil {
			return err
		}
		rows := []ContractScore{}
		if err := tx.SelectContext(ctx, &rows, `SELECT evaluator_id, criterion_id, score, comment FROM contract_scores
			WHERE evaluation_id = $1 AND evaluator_id = $2`, ev.ID, actor.UserID); err != nil {
			return err
		}
		mine := map[string]tender.Hundredths{}
		for _, r := range rows {
			mine[r.CriterionID] = r.Score
		}
		crit := make([]tender.ScoreCriterion, 0, len(c.Criteria))
		for _, cr := range c.Criteria {
			crit = append(crit, tender.ScoreCriterion{ID: cr.ID, MaxScore: cr.MaxScore})
		}
		if err := tender.SheetComplete(crit, []string{"report"}, map[string]map[string]tender.Hundredths{"report": mine}); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE contract_panel_members SET submitted_at = clock_timestamp()
			WHERE evaluation_id = $1 AND evaluator_id = $2`, ev.ID, actor.UserID); err != nil {
			return err
		}
		if err := appendAudit(ctx, tx, actor, "submit_sheet", contractEntity, contractID, map[string]any{"evaluation_id": ev.ID}); err != nil {
			return err
		}
		var pending struct {
			Active    int `db:"active"`
			Submitted int `db:"submitted"`
		}
		if err := tx.GetContext(ctx, &pending, `SELECT count(*) FILTER (WHERE active) AS active,
			count(*) FILTER (WHERE active AND submitted_at IS NOT NULL) AS submitted
			FROM contract_panel_members WHERE evaluation_id = $1`, ev.ID); err != nil {
			return err
		}
		if pending.Active < ev.PanelSize || pending.Submitted < pending.Active {
			return nil
		}
		return completeContractEvaluation(ctx, tx, c, ev, milestoneID)
	}), "contract evaluations: submit contract sheet %s", contractID)
}

func completeContractEvaluation(ctx context.Context, tx *sqlx.Tx, c tender.Contract, ev ContractEvaluation, milestoneID string) error {
	sheets, err := submittedSheets(ctx, tx, ev.ID)
	if err != nil {
		return err
	}
	res := tender.EvaluateContract(c.Criteria, sheets)
	now, err := dbNow(ctx, tx)
	if err != nil {
		return err
	}
	m, err := milestoneOf(c, milestoneID)
	if err != nil {
		return err
	}
	var due *string
	if !res.Grade.Passed() && m.Report == tender.ReportMidTerm {
		d := tender.RectificationDue(now)
		due = &d
	}
	if _, err := tx.ExecContext(ctx, `UPDATE contract_evaluations SET status = $2, total = $3, grade = $4,
		completed_at = $5, rectification_due = $6 WHERE id = $1`,
		ev.ID, evaluationComplete, int64(res.Total), res.Grade, now, due); err != nil {
		return err
	}
	details := map[string]any{"evaluation_id": ev.ID, "milestone_id": milestoneID, "round": ev.Round,
		"total": res.Total, "grade": res.Grade}
	if due != nil {
		details["rectification_due"] = *due
	}
	if !res.Grade.Passed() && m.Report == tender.ReportFinal {
		if m.Status == tender.MilestoneAccepted {
			if err := m.Move(tender.MilestoneWithhold, ""); err != nil {
				return err
			}
			if _, err := tx.ExecContext(ctx, `UPDATE contract_milestones SET status = $2 WHERE id = $1`, m.ID, m.Status); err != nil {
				return err
			}
			details["withheld_fen"] = m.ShareFen - m.PaidFen
		}
		if err := addCreditEvent(ctx, tx, c.OrgID, c.ID, creditFinalFailed,
			fmt.Sprintf("结项评估不合格（%s分），尾款暂扣", res.Total)); err != nil {
			return err
		}
	}
	return appendAudit(ctx, tx, tender.Actor{}, "evaluation_complete", contractEntity, c.ID, details)
}

// MyContractPanel is an evaluation round of a contract milestone an
// evaluator sits on (or sat on), with what is left for them to do.
type MyContractPanel struct {
	EvaluationID     string                `json:"evaluation_id" db:"evaluation_id"`
	ContractID       string                `json:"contract_id" db:"contract_id"`
	MilestoneID      string                `json:"milestone_id" db:"milestone_id"`
	MilestoneTitle   string                `json:"milestone_title" db:"milestone_title"`
	Report           tender.ReportKind     `json:"report" db:"report"`
	Round            int                   `json:"round" db:"round"`
	EvaluationStatus string                `json:"evaluation_status" db:"evaluation_status"`
	ContractStatus   tender.ContractStatus `json:"contract_status" db:"contract_status"`
	TenderCode       string                `json:"tender_code" db:"tender_code"`
	TenderTitle      string                `json:"tender_title" db:"tender_title"`
	OrgName          string                `json:"org_name" db:"org_name"`
	Active           bool                  `json:"active" db:"active"`
	Declared         bool                  `json:"declared" db:"declared"`
	Conflict         bool                  `json:"conflict" db:"conflict"`
	Submitted        bool                  `json:"submitted" db:"submitted"`
	CreatedAt        time.Time             `json:"created_at" db:"created_at"`
}

// MyContractPanelCursor is the keyset position after p.
func MyContractPanelCursor(p MyContractPanel) string {
	return KeysetCursor(p.CreatedAt, p.EvaluationID)
}

// EvaluatorContractPanels lists the contract evaluation rounds an evaluator
// was drawn or named for, newest first, limit at a time after cursor
// (MyContractPanelCursor of the last row of the previous page).
func (s *Store) EvaluatorContractPanels(ctx context.Context, evaluatorID, cursor string, limit int) ([]MyContractPanel, error) {
	at, id, err := parseKeyset(cursor)
	if err != nil {
		return nil, wrapf(err, "contract evaluations: evaluator contract panels %s", evaluatorID)
	}
	out := []MyContractPanel{}
	err = s.db.SelectContext(ctx, &out, `SELECT e.id AS evaluation_id, e.contract_id, e.milestone_id, m.title AS milestone_title,
		m.report, e.round, e.status AS evaluation_status, c.status AS contract_status, t.code AS tender_code,
		t.title AS tender_title, o.name AS org_name, p.active, p.declared, p.conflict,
		p.submitted_at IS NOT NULL AS submitted, p.created_at
		FROM contract_panel_members p JOIN contract_evaluations e ON e.id = p.evaluation_id
		JOIN contract_milestones m ON m.id = e.milestone_id JOIN contracts c ON c.id = e.contract_id
		JOIN tenders t ON t.id = c.tender_id JOIN organizations o ON o.id = c.org_id
		WHERE p.evaluator_id::text = $1 AND ($2::timestamptz IS NULL OR (p.created_at, p.evaluation_id) < ($2, NULLIF($3, '')::uuid))
		ORDER BY p.created_at DESC, p.evaluation_id DESC LIMIT $4`, evaluatorID, at, id, limit)
	if err != nil {
		return nil, wrapf(mapError(err), "contract evaluations: evaluator contract panels %s", evaluatorID)
	}
	return out, nil
}
