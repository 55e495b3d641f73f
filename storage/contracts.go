package storage

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"

	"github.com/linshu/portal/tender"
)

// contractEntity is the audit stream and document owner type of contracts;
// milestoneOwner owns the documents of a milestone's report.
const (
	contractEntity = "contract"
	milestoneOwner = "milestone"
)

// contractSelect reads contracts with their tender and organization names.
const contractSelect = `SELECT c.id, c.award_id, c.tender_id, t.code AS tender_code, t.title AS tender_title, t.kind,
	c.lot_id, c.org_id, o.name AS org_name, c.amount_fen,
	to_char(c.period_start, 'YYYY-MM-DD') AS period_start, to_char(c.period_end, 'YYYY-MM-DD') AS period_end,
	c.status, c.status_reason, c.awarded_at, to_char(c.signed_on, 'YYYY-MM-DD') AS signed_on, c.signed_at,
	c.document_id, c.draw_commitment,
	COALESCE((SELECT sum(p.amount_fen) FROM contract_payments p WHERE p.contract_id = c.id), 0)::bigint AS payments_fen_total,
	c.created_at, c.updated_at
	FROM contracts c JOIN tenders t ON t.id = c.tender_id JOIN organizations o ON o.id = c.org_id`

const milestoneColumns = `id, contract_id, seq, title, to_char(due_date, 'YYYY-MM-DD') AS due_date, payment_pct,
	report, status, reason, overdue_at IS NOT NULL AS overdue`

// createContracts makes the contract of every completed award of a tender
// that has none yet, with the default milestones and criteria, inside the
// completing transaction, one per award and so one per awarded lot. The period is the tender's service period; a tender
// without one gets a year from the completion date.
func (s *Store) createContracts(ctx context.Context, tx *sqlx.Tx, tenderID string, now time.Time) error {
	var rows []struct {
		AwardID   string      `db:"id"`
		LotID     *string     `db:"lot_id"`
		OrgID     string      `db:"org_id"`
		Amount    int64       `db:"amount_fen"`
		AwardedAt time.Time   `db:"created_at"`
		Kind      tender.Kind `db:"kind"`
		Start     *string     `db:"service_start"`
		End       *string     `db:"service_end"`
	}
	if err := tx.SelectContext(ctx, &rows, `SELECT a.id, NULLIF(a.lot_id, '') AS lot_id, a.org_id, a.amount_fen, a.created_at, t.kind,
		to_char(t.service_start, 'YYYY-MM-DD') AS service_start, to_char(t.service_end, 'YYYY-MM-DD') AS service_end
		FROM awards a JOIN tenders t ON t.id = a.tender_id
		WHERE a.tender_id = $1 AND a.status = $2 AND NOT EXISTS (SELECT 1 FROM contracts c WHERE c.award_id = a.id)
		ORDER BY a.created_at, a.id`, tenderID, tender.AwardCompleted); err != nil {
		return fmt.Errorf("awards to contract: %w", err)
	}
	for _, r := range rows {
		start := now.In(tender.Shanghai).Format(tender.DateLayout)
		end := now.In(tender.Shanghai).AddDate(1, 0, -1).Format(tender.DateLayout)
		if r.Start != nil && r.End != nil && *r.Start <= *r.End {
			start, end = *r.Start, *r.End
		}
		var id string
		if err := tx.GetContext(ctx, &id, `INSERT INTO contracts (award_id, tender_id, lot_id, org_id, amount_fen,
			period_start, period_end, awarded_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id`,
			r.AwardID, tenderID, r.LotID, r.OrgID, r.Amount, start, end, r.AwardedAt); err != nil {
			return fmt.Errorf("insert contract: %w", err)
		}
		if err := s.commitContractDrawSecret(ctx, tx, id); err != nil {
			return err
		}
		if err := insertMilestones(ctx, tx, id, tender.DefaultMilestones(r.Kind, start, end)); err != nil {
			return err
		}
		if err := insertCriteria(ctx, tx, id, tender.DefaultContractCriteria()); err != nil {
			return err
		}
		if err := appendAudit(ctx, tx, tender.Actor{}, "create", contractEntity, id, map[string]any{
			"award_id": r.AwardID, "tender_id": tenderID, "org_id": r.OrgID, "amount_fen": r.Amount,
			"period_start": start, "period_end": end}); err != nil {
			return err
		}
	}
	return nil
}

func insertMilestones(ctx context.Context, tx *sqlx.Tx, contractID string, ms []tender.MilestoneInput) error {
	for i, m := range ms {
		if _, err := tx.ExecContext(ctx, `INSERT INTO contract_milestones (contract_id, seq, title, due_date, payment_pct, report)
			VALUES ($1, $2, $3, $4, $5, $6)`, contractID, i+1, m.Title, m.DueDate, m.PaymentPct, m.Report); err != nil {
			return fmt.Errorf("insert milestone: %w", err)
		}
	}
	return nil
}

func insertCriteria(ctx context.Context, tx *sqlx.Tx, contractID string, cs []tender.ContractCriterion) error {
	for i, c := range cs {
		if _, err := tx.ExecContext(ctx, `INSERT INTO contract_criteria (contract_id, seq, name, max_score)
			VALUES ($1, $2, $3, $4)`, contractID, i+1, c.Name, c.MaxScore); err != nil {
			return fmt.Errorf("insert criterion: %w", err)
		}
	}
	return nil
}

// ContractFilter selects contracts for a list. OrgID limits to one
// contractor; PublicOnly hides drafted contracts; OwnOrgID, when set, also
// shows that organization's drafted contracts.
type ContractFilter struct {
	TenderID   string
	OrgID      string
	Status     string
	PublicOnly bool
	OwnOrgID   string
	Cursor     string
	Limit      int
}

// ContractCursor encodes the keyset position (created_at, id) after c.
func ContractCursor(c tender.Contract) string {
	return base64.RawURLEncoding.EncodeToString([]byte(c.CreatedAt.UTC().Format(time.RFC3339Nano) + "|" + c.ID))
}

// Contracts lists contracts newest first, without their milestones and payments.
func (s *Store) Contracts(ctx context.Context, f ContractFilter) ([]tender.Contract, error) {
	at, afterID, err := parseTenderCursor(f.Cursor)
	if err != nil {
		return nil, wrapf(err, "contracts: list")
	}
	out := []tender.Contract{}
	err = s.db.SelectContext(ctx, &out, contractSelect+`
		WHERE ($1::text = '' OR c.tender_id::text = $1) AND ($2::text = '' OR c.org_id::text = $2)
		  AND ($3::text = '' OR c.status = $3)
		  AND (NOT $4::boolean OR c.status <> $5 OR c.org_id::text = $6)
		  AND ($7::timestamptz IS NULL OR (c.created_at, c.id) < ($7, $8::uuid))
		ORDER BY c.created_at DESC, c.id DESC LIMIT $9`,
		f.TenderID, f.OrgID, f.Status, f.PublicOnly, tender.ContractDrafted, f.OwnOrgID, at, nullUUID(afterID), f.Limit)
	if err != nil {
		return nil, wrapf(mapListError(err), "contracts: list")
	}
	for i := range out {
		out[i].Milestones, out[i].Criteria, out[i].Payments, out[i].RedFlags, out[i].NamedPanels =
			[]tender.Milestone{}, []tender.ContractCriterion{}, []tender.Payment{}, []string{}, []tender.NamedPanel{}
	}
	return out, nil
}

// Contract returns one contract with its milestones (shares and paid amounts
// filled in), criteria, payments and red flags at the database clock.
func (s *Store) Contract(ctx context.Context, id string) (tender.Contract, error) {
	c, err := loadContract(ctx, s.db, id, false)
	if err != nil {
		return c, wrapf(err, "contracts: get %s", id)
	}
	cal, err := s.WorkCalendar(ctx)
	if err != nil {
		return c, wrapf(err, "contracts: get %s", id)
	}
	now, err := s.Now(ctx)
	if err != nil {
		return c, wrapf(err, "contracts: get %s", id)
	}
	c.RedFlags = tender.ContractRedFlags(c.AwardedAt, c.SignedOn, c.SignedAt, now, cal)
	if c.NamedPanels, err = contractNamedPanels(ctx, s.db, id); err != nil {
		return c, err
	}
	if len(c.NamedPanels) > 0 {
		c.RedFlags = append(c.RedFlags, tender.RedFlagPanelNotDrawn)
	}
	if c.Status.Terminal() {
		// Every draw of an ended contract can now be recomputed by anyone.
		if c.DrawSecret, err = s.contractDrawSecret(ctx, s.db, id); err != nil {
			return c, wrapf(err, "contracts: get %s", id)
		}
	}
	return c, nil
}

// contractNamedPanels lists the evaluation panels of a contract the bureau
// named instead of drawing, oldest first.
func contractNamedPanels(ctx context.Context, q sqlx.QueryerContext, contractID string) ([]tender.NamedPanel, error) {
	var rows []struct {
		MilestoneID string         `db:"milestone_id"`
		IDs         pq.StringArray `db:"evaluator_ids"`
		Reason      string         `db:"reason"`
		CreatedAt   time.Time      `db:"created_at"`
	}
	if err := sqlx.SelectContext(ctx, q, &rows, `SELECT milestone_id, evaluator_ids, reason, created_at
		FROM contract_panel_appointments WHERE contract_id = $1 ORDER BY id`, contractID); err != nil {
		return nil, fmt.Errorf("named panels: %w", err)
	}
	out := make([]tender.NamedPanel, 0, len(rows))
	for _, r := range rows {
		out = append(out, tender.NamedPanel{MilestoneID: r.MilestoneID, EvaluatorIDs: r.IDs, Reason: r.Reason, CreatedAt: r.CreatedAt})
	}
	return out, nil
}

// loadContract reads a contract and its parts; lock takes the contract FOR UPDATE.
func loadContract(ctx context.Context, q sqlx.QueryerContext, id string, lock bool) (tender.Contract, error) {
	var c tender.Contract
	query := contractSelect + ` WHERE c.id = $1`
	if lock {
		// FOR UPDATE OF c: every change to a contract, its milestones, payments
		// and evaluations is serialised on the contract row.
		query += ` FOR UPDATE OF c`
	}
	if err := get(ctx, q, &c, query, id); err != nil {
		return c, err
	}
	c.Milestones, c.Criteria, c.Payments, c.RedFlags = []tender.Milestone{}, []tender.ContractCriterion{}, []tender.Payment{}, []string{}
	c.NamedPanels = []tender.NamedPanel{}
	if err := sqlx.SelectContext(ctx, q, &c.Milestones, `SELECT `+milestoneColumns+` FROM contract_milestones
		WHERE contract_id = $1 ORDER BY seq`, id); err != nil {
		return c, fmt.Errorf("milestones: %w", err)
	}
	if err := sqlx.SelectContext(ctx, q, &c.Criteria, `SELECT id, name, max_score FROM contract_criteria
		WHERE contract_id = $1 ORDER BY seq`, id); err != nil {
		return c, fmt.Errorf("criteria: %w", err)
	}
	if err := sqlx.SelectContext(ctx, q, &c.Payments, `SELECT id, contract_id, milestone_id, amount_fen,
		to_char(paid_at, 'YYYY-MM-DD') AS paid_at, document_id, created_at FROM contract_payments
		WHERE contract_id = $1 ORDER BY created_at, id`, id); err != nil {
		return c, fmt.Errorf("payments: %w", err)
	}
	fillShares(&c)
	return c, nil
}

// fillShares sets each milestone's share of the amount and what has been paid on it.
func fillShares(c *tender.Contract) {
	pcts := make([]int, len(c.Milestones))
	for i, m := range c.Milestones {
		pcts[i] = m.PaymentPct
	}
	shares := tender.MilestoneShares(c.AmountFen, pcts)
	paid := map[string]int64{}
	for _, p := range c.Payments {
		paid[p.MilestoneID] += p.AmountFen
	}
	for i := range c.Milestones {
		c.Milestones[i].ShareFen = shares[i]
		c.Milestones[i].PaidFen = paid[c.Milestones[i].ID]
	}
}

func milestoneOf(c tender.Contract, milestoneID string) (*tender.Milestone, error) {
	for i := range c.Milestones {
		if c.Milestones[i].ID == milestoneID {
			return &c.Milestones[i], nil
		}
	}
	return nil, tender.ErrNotFound
}

// ChangeContract locks a contract, applies a lifecycle verb through change,
// saves the status and signing fields and appends the audit entry, in one
// transaction. A termination is also a public credit event.
func (s *Store) ChangeContract(ctx context.Context, actor tender.Actor, id string, verb tender.ContractVerb,
	change func(c *tender.Contract, now time.Time) error) (tender.Contract, error) {
	return s.changeContract(ctx, actor, id, verb, func(_ *sqlx.Tx, c *tender.Contract, now time.Time) error {
		return change(c, now)
	})
}

// SignContract signs a drafted contract (SPEC §7.5): documentID must be a
// document uploaded to this contract (checked in the signing transaction);
// signedOn is the date on the contract, today at the database clock when empty.
func (s *Store) SignContract(ctx context.Context, actor tender.Actor, id, documentID, signedOn string) (tender.Contract, error) {
	return s.changeContract(ctx, actor, id, tender.ContractSign, func(tx *sqlx.Tx, c *tender.Contract, now time.Time) error {
		if documentID != "" {
			ok, err := contractDocumentIs(ctx, tx, c.ID, documentID)
			if err != nil {
				return err
			}
			if !ok {
				var f tender.Fields
				f.Add("document_id", "请先上传已签订的合同文本（本合同的文件）")
				return f.Validation()
			}
		}
		if signedOn == "" {
			signedOn = now.In(tender.Shanghai).Format(tender.DateLayout)
		}
		return c.Sign(documentID, signedOn, now)
	})
}

func (s *Store) changeContract(ctx context.Context, actor tender.Actor, id string, verb tender.ContractVerb,
	change func(tx *sqlx.Tx, c *tender.Contract, now time.Time) error) (tender.Contract, error) {
	err := s.inTx(ctx, func(tx *sqlx.Tx) error {
		c, err := loadContract(ctx, tx, id, true)
		if err != nil {
			return err
		}
		now, err := dbNow(ctx, tx)
		if err != nil {
			return err
		}
		from := c.Status
		if err := change(tx, &c, now); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE contracts SET status = $2, status_reason = $3, signed_on = $4,
			signed_at = $5, document_id = $6, completed_at = CASE WHEN $2 = $7 THEN clock_timestamp() END,
			updated_at = clock_timestamp() WHERE id = $1`,
			id, c.Status, c.StatusReason, c.SignedOn, c.SignedAt, c.DocumentID, tender.ContractCompleted); err != nil {
			return err
		}
		if c.Status == tender.ContractTerminated {
			if err := addCreditEvent(ctx, tx, c.OrgID, id, creditContractTerminated, c.StatusReason); err != nil {
				return err
			}
		}
		details := map[string]any{"from": from, "to": c.Status}
		if c.StatusReason != "" {
			details["reason"] = c.StatusReason
		}
		if verb == tender.ContractSign {
			details["document_id"], details["signed_on"] = c.DocumentID, c.SignedOn
		}
		return appendAudit(ctx, tx, actor, string(verb), contractEntity, id, details)
	})
	if err != nil {
		return tender.Contract{}, err
	}
	return s.Contract(ctx, id)
}

// contractDocumentIs reports (inside tx) whether documentID is a document of the contract.
func contractDocumentIs(ctx context.Context, tx *sqlx.Tx, contractID, documentID string) (bool, error) {
	var n int
	err := tx.GetContext(ctx, &n, `SELECT count(*) FROM documents WHERE id::text = $1 AND owner_type = $2 AND owner_id = $3`,
		documentID, contractEntity, contractID)
	return n > 0, err
}

// Credit event kinds (SPEC §7.6).
const (
	creditFinalFailed        = "final_evaluation_failed"
	creditContractTerminated = "contract_terminated"
)

func addCreditEvent(ctx context.Context, tx *sqlx.Tx, orgID, contractID, kind, reason string) error {
	if _, err := tx.ExecContext(ctx, `INSERT INTO credit_events (org_id, contract_id, kind, reason) VALUES ($1, $2, $3, $4)`,
		orgID, contractID, kind, reason); err != nil {
		return fmt.Errorf("credit event: %w", err)
	}
	return appendAudit(ctx, tx, tender.Actor{}, "credit_event", "organization", orgID,
		map[string]any{"kind": kind, "contract_id": contractID, "reason": reason})
}

// SetSchedule replaces a drafted contract's milestones (and, when criteria is
// not nil, its evaluation criteria) after validating them.
func (s *Store) SetSchedule(ctx context.Context, actor tender.Actor, id string, ms []tender.MilestoneInput,
	criteria []tender.ContractCriterion) (tender.Contract, error) {
	err := s.inTx(ctx, func(tx *sqlx.Tx) error {
		c, err := loadContract(ctx, tx, id, true)
		if err != nil {
			return err
		}
		if c.Status != tender.ContractDrafted {
			return tender.InvalidState("contract", string(c.Status), "修改履约节点")
		}
		if err := tender.ValidateSchedule(ms, criteria, c.PeriodStart, c.PeriodEnd); err != nil {
			return err
		}
		if criteria != nil {
			if _, err := tx.ExecContext(ctx, `DELETE FROM contract_criteria WHERE contract_id = $1`, id); err != nil {
				return err
			}
			if err := insertCriteria(ctx, tx, id, criteria); err != nil {
				return err
			}
		}
		// A drafted contract has no reports, payments or evaluations: its milestones can be replaced whole.
		if _, err := tx.ExecContext(ctx, `DELETE FROM contract_milestones WHERE contract_id = $1`, id); err != nil {
			return err
		}
		if err := insertMilestones(ctx, tx, id, ms); err != nil {
			return err
		}
		details := map[string]any{"milestones": ms}
		if criteria != nil {
			details["criteria"] = criteria
		}
		return appendAudit(ctx, tx, actor, "set_schedule", contractEntity, id, details)
	})
	if err != nil {
		return tender.Contract{}, wrapf(err, "contracts: set schedule %s", id)
	}
	return s.Contract(ctx, id)
}

// Report is one submission of a milestone report.
type Report struct {
	ID             string                `json:"id" db:"id"`
	MilestoneID    string                `json:"milestone_id" db:"milestone_id"`
	Text           string                `json:"text,omitempty" db:"text"`
	DocumentIDs    pq.StringArray        `json:"document_ids,omitempty" db:"document_ids"`
	PeriodStart    string                `json:"period_start" db:"period_start"`
	PeriodEnd      string                `json:"period_end" db:"period_end"`
	Beneficiaries  int                   `json:"beneficiaries" db:"beneficiaries"`
	Activities     int                   `json:"activities" db:"activities"`
	SocialWorkers  int                   `json:"social_workers" db:"social_workers"`
	VolunteerHours tender.Hundredths     `json:"volunteer_hours" db:"volunteer_hours"`
	VolunteerCount int                   `json:"volunteer_count" db:"volunteer_count"`
	Volunteers     []tender.Volunteer    `json:"volunteers,omitempty" db:"-"`
	Status         string                `json:"status" db:"status"`
	Reason         string                `json:"reason,omitempty" db:"reason"`
	SubmittedAt    time.Time             `json:"submitted_at" db:"submitted_at"`
	DecidedAt      *time.Time            `json:"decided_at" db:"decided_at"`
	Documents      []tender.Document     `json:"documents,omitempty" db:"-"`
	ServiceRecord  *tender.ServiceRecord `json:"-" db:"-"`
}

// Report statuses (contract_reports.status).
const (
	reportSubmitted = "submitted"
	reportAccepted  = "accepted"
	reportReturned  = "returned"
)

// Reports lists a contract's report submissions, newest first; full adds the
// text, documents and volunteer hashes (the public sees only the figures).
func (s *Store) Reports(ctx context.Context, contractID string, full bool) ([]Report, error) {
	out := []Report{}
	if err := s.db.SelectContext(ctx, &out, `SELECT r.id, r.milestone_id, r.text, r.document_ids,
		to_char(r.period_start, 'YYYY-MM-DD') AS period_start, to_char(r.period_end, 'YYYY-MM-DD') AS period_end,
		r.beneficiaries, r.activities, r.social_workers, r.volunteer_hours,
		(SELECT count(*) FROM contract_volunteers v WHERE v.report_id = r.id) AS volunteer_count,
		r.status, r.reason, r.submitted_at, r.decided_at
		FROM contract_reports r WHERE r.contract_id = $1 ORDER BY r.submitted_at DESC, r.id`, contractID); err != nil {
		return nil, wrapf(mapError(err), "contracts: reports %s", contractID)
	}
	for i := range out {
		if !full {
			out[i].Text, out[i].DocumentIDs, out[i].Reason = "", nil, ""
			continue
		}
		out[i].Volunteers = []tender.Volunteer{}
		if err := s.db.SelectContext(ctx, &out[i].Volunteers, `SELECT id_hash AS idhash, hours FROM contract_volunteers
			WHERE report_id = $1 ORDER BY id_hash`, out[i].ID); err != nil {
			return nil, wrapf(mapError(err), "contracts: reports %s", contractID)
		}
		docs, err := s.Documents(ctx, milestoneOwner, out[i].MilestoneID)
		if err != nil {
			return nil, wrapf(err, "contracts: reports %s", contractID)
		}
		want := set(out[i].DocumentIDs)
		out[i].Documents = []tender.Document{}
		for _, d := range docs {
			if want[d.ID] {
				out[i].Documents = append(out[i].Documents, d)
			}
		}
	}
	return out, nil
}

// ReportRequest is the contractor's report on a milestone.
type ReportRequest struct {
	Text          string
	DocumentIDs   []string
	ServiceRecord tender.ServiceRecord
}

// errOtherOrg refuses an organization acting on another's contract it may see.
var errOtherOrg = &tender.Error{Code: tender.CodeForbidden, Key: "contract.not_contractor", Message: "只有承接组织可以提交本合同的履约报告"}

// SubmitReport records the contractor's report on a milestone of an active
// contract: the milestone moves to submitted, the report with its service
// record and volunteers is stored, all in one transaction.
func (s *Store) SubmitReport(ctx context.Context, actor tender.Actor, contractID, milestoneID string, req ReportRequest) (Report, error) {
	var reportID string
	err := s.inTx(ctx, func(tx *sqlx.Tx) error {
		c, err := loadContract(ctx, tx, contractID, true)
		if err != nil {
			return err
		}
		if c.OrgID != actor.OrgID {
			if !c.Status.Public() {
				return tender.ErrNotFound
			}
			return errOtherOrg
		}
		if c.Status != tender.ContractActive {
			return tender.InvalidState("contract", string(c.Status), "提交履约报告")
		}
		m, err := milestoneOf(c, milestoneID)
		if err != nil {
			return err
		}
		if err := m.Move(tender.MilestoneSubmit, ""); err != nil {
			return err
		}
		if err := tender.ValidateReport(req.Text, req.ServiceRecord); err != nil {
			return err
		}
		var f tender.Fields
		for i, d := range req.DocumentIDs {
			var n int
			if err := tx.GetContext(ctx, &n, `SELECT count(*) FROM documents WHERE id::text = $1 AND owner_type = $2
				AND owner_id = $3`, d, milestoneOwner, milestoneID); err != nil {
				return err
			}
			if n == 0 {
				f.Addf(fmt.Sprintf("document_ids[%d]", i), "不是本节点上传的文件")
			}
		}
		if err := f.Validation(); err != nil {
			return err
		}
		r := req.ServiceRecord
		docs := req.DocumentIDs
		if docs == nil {
			docs = []string{}
		}
		if err := tx.GetContext(ctx, &reportID, `INSERT INTO contract_reports (contract_id, milestone_id, text,
			document_ids, period_start, period_end, beneficiaries, activities, social_workers, volunteer_hours, submitted_by)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING id`,
			contractID, milestoneID, req.Text, pq.StringArray(docs), r.PeriodStart, r.PeriodEnd, r.Beneficiaries,
			r.Activities, r.SocialWorkers, int64(r.VolunteerHours()), actor.UserID); err != nil {
			return err
		}
		for _, v := range r.Volunteers {
			if _, err := tx.ExecContext(ctx, `INSERT INTO contract_volunteers (report_id, id_hash, hours) VALUES ($1, $2, $3)`,
				reportID, v.IDHash, int64(v.Hours)); err != nil {
				return err
			}
		}
		if _, err := tx.ExecContext(ctx, `UPDATE contract_milestones SET status = $2, reason = '' WHERE id = $1`,
			milestoneID, m.Status); err != nil {
			return err
		}
		return appendAudit(ctx, tx, actor, "submit_report", contractEntity, contractID, map[string]any{
			"milestone_id": milestoneID, "report_id": reportID, "document_ids": docs,
			"beneficiaries": r.Beneficiaries, "activities": r.Activities, "social_workers": r.SocialWorkers,
			"volunteers": len(r.Volunteers), "volunteer_hours": r.VolunteerHours()})
	})
	if err != nil {
		return Report{}, wrapf(err, "contracts: submit report %s", contractID)
	}
	reports, err := s.Reports(ctx, contractID, true)
	if err != nil {
		return Report{}, wrapf(err, "contracts: submit report %s", contractID)
	}
	for _, r := range reports {
		if r.ID == reportID {
			return r, nil
		}
	}
	return Report{}, wrapf(tender.ErrNotFound, "contracts: submit report %s", contractID)
}

// DecideReport accepts or returns (with a reason) the submitted report of a
// milestone of an active contract. A milestone whose share is 0 fen and
// needs no evaluation is settled at once.
func (s *Store) DecideReport(ctx context.Context, actor tender.Actor, contractID, milestoneID string, accept bool, reason string) (tender.Contract, error) {
	err := s.inTx(ctx, func(tx *sqlx.Tx) error {
		c, err := loadContract(ctx, tx, contractID, true)
		if err != nil {
			return err
		}
		if c.Status != tender.ContractActive {
			return tender.InvalidState("contract", string(c.Status), "验收履约报告")
		}
		m, err := milestoneOf(c, milestoneID)
		if err != nil {
			return err
		}
		verb, status := tender.MilestoneReturn, reportReturned
		if accept {
			verb, status, reason = tender.MilestoneAccept, reportAccepted, ""
		}
		if err := m.Move(verb, reason); err != nil {
			return err
		}
		if accept && m.ShareFen == 0 && m.Report != tender.ReportFinal {
			if err := m.Move(tender.MilestonePay, ""); err != nil {
				return err
			}
		}
		if _, err := tx.ExecContext(ctx, `UPDATE contract_milestones SET status = $2, reason = $3 WHERE id = $1`,
			milestoneID, m.Status, m.Reason); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE contract_reports SET status = $3, reason = $4, decided_at = clock_timestamp()
			WHERE id = (SELECT id FROM contract_reports WHERE milestone_id = $1 AND status = $2
			            ORDER BY submitted_at DESC LIMIT 1)`, milestoneID, reportSubmitted, status, m.Reason); err != nil {
			return err
		}
		details := map[string]any{"milestone_id": milestoneID}
		if !accept {
			details["reason"] = m.Reason
		}
		return appendAudit(ctx, tx, actor, string(verb), contractEntity, contractID, details)
	})
	if err != nil {
		return tender.Contract{}, wrapf(err, "contracts: decide report %s", contractID)
	}
	return s.Contract(ctx, contractID)
}

// PaymentRequest is a payment the bureau records.
type PaymentRequest struct {
	MilestoneID string
	AmountFen   int64
	PaidAt      string
	DocumentID  string
}

// AddPayment records a payment for an accepted milestone of an active
// contract under the rules of tender.ValidatePayment; the milestone is paid
// once its whole share is.
func (s *Store) AddPayment(ctx context.Context, actor tender.Actor, contractID string, req PaymentRequest) (tender.Payment, error) {
	var out tender.Payment
	err := s.inTx(ctx, func(tx *sqlx.Tx) error {
		c, err := loadContract(ctx, tx, contractID, true)
		if err != nil {
			return err
		}
		m, err := milestoneOf(c, req.MilestoneID)
		if errors.Is(err, tender.ErrNotFound) {
			var f tender.Fields
			f.Add("milestone_id", "不是本合同的履约节点")
			return f.Validation()
		}
		passed, err := milestonePassed(ctx, tx, m.ID)
		if err != nil {
			return err
		}
		doc, err := contractDocumentIs(ctx, tx, contractID, req.DocumentID)
		if err != nil {
			return err
		}
		if err := tender.ValidatePayment(tender.PaymentCheck{Contract: c.Status, AmountFen: c.AmountFen,
			PaidTotalFen: c.PaymentsFenTotal, Milestone: *m, ShareFen: m.ShareFen, PaidMilestone: m.PaidFen,
			FinalPassed: passed, AmountFenToPay: req.AmountFen, PaidOn: req.PaidAt, DocumentPresent: doc}); err != nil {
			return err
		}
		if err := tx.GetContext(ctx, &out, `INSERT INTO contract_payments (contract_id, milestone_id, amount_fen,
			paid_at, document_id, created_by) VALUES ($1, $2, $3, $4, $5, $6)
			RETURNING id, contract_id, milestone_id, amount_fen, to_char(paid_at, 'YYYY-MM-DD') AS paid_at, document_id, created_at`,
			contractID, m.ID, req.AmountFen, req.PaidAt, req.DocumentID, actor.UserID); err != nil {
			return err
		}
		if m.PaidFen+req.AmountFen == m.ShareFen {
			if err := m.Move(tender.MilestonePay, ""); err != nil {
				return err
			}
			if _, err := tx.ExecContext(ctx, `UPDATE contract_milestones SET status = $2 WHERE id = $1`, m.ID, m.Status); err != nil {
				return err
			}
		}
		return appendAudit(ctx, tx, actor, "pay", contractEntity, contractID, map[string]any{
			"payment_id": out.ID, "milestone_id": m.ID, "amount_fen": req.AmountFen, "paid_at": req.PaidAt,
			"document_id": req.DocumentID, "milestone_status": m.Status})
	})
	return out, wrapf(err, "contracts: add payment %s", contractID)
}

// milestonePassed reports whether the milestone's latest complete evaluation passed.
func milestonePassed(ctx context.Context, q sqlx.QueryerContext, milestoneID string) (bool, error) {
	var grade *string
	err := sqlx.GetContext(ctx, q, &grade, `SELECT grade FROM contract_evaluations WHERE milestone_id = $1
		AND status = $2 ORDER BY round DESC LIMIT 1`, milestoneID, evaluationComplete)
	if errors.Is(mapError(err), tender.ErrNotFound) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	return grade != nil && tender.Grade(*grade).Passed(), nil
}

// lockContractForDocument re-checks, inside an upload's transaction, that the
// contract still accepts documents: check judges the locked contract.
func lockContractForDocument(ctx context.Context, tx *sqlx.Tx, contractID string, check func(c tender.Contract) error) error {
	c, err := loadContract(ctx, tx, contractID, true)
	if err != nil {
		return err
	}
	return check(c)
}

// ContractOfMilestone returns the id of the contract a milestone belongs to.
func (s *Store) ContractOfMilestone(ctx context.Context, milestoneID string) (string, error) {
	var id string
	err := get(ctx, s.db, &id, `SELECT contract_id FROM contract_milestones WHERE id = $1`, milestoneID)
	return id, wrapf(err, "contracts: contract of milestone %s", milestoneID)
}

// AddContractFeedback records a resident's rating of an active or completed
// contract's service; it joins the tender feedback moderation queue.
func (s *Store) AddContractFeedback(ctx context.Context, contractID string, rating int, comment string) (tender.Feedback, error) {
	var out tender.Feedback
	err := s.inTx(ctx, func(tx *sqlx.Tx) error {
		var c struct {
			TenderID string                `db:"tender_id"`
			Status   tender.ContractStatus `db:"status"`
		}
		// FOR SHARE: the contract cannot be terminated under the feedback's check.
		if err := tx.GetContext(ctx, &c, `SELECT tender_id, status FROM contracts WHERE id = $1 FOR SHARE`, contractID); err != nil {
			return err
		}
		if !c.Status.Public() {
			return tender.ErrNotFound
		}
		if c.Status != tender.ContractActive && c.Status != tender.ContractCompleted {
			return &tender.Error{Code: tender.CodeInvalidState, Key: "feedback.contract_not_active",
				Message: "只能评价正在履行或已完成的服务"}
		}
		status := tender.FeedbackPending
		if comment == "" {
			status = tender.FeedbackApproved // nothing to moderate
		}
		if err := tx.GetContext(ctx, &out, `INSERT INTO feedback (tender_id, contract_id, rating, comment, status)
			VALUES ($1, $2, $3, $4, $5)
			RETURNING id, tender_id, '' AS tender_code, '' AS tender_title, rating, comment, status, created_at`,
			c.TenderID, contractID, rating, comment, status); err != nil {
			return err
		}
		return appendAudit(ctx, tx, tender.Actor{UserID: "public", Role: "public"}, "feedback", contractEntity, contractID,
			map[string]any{"feedback_id": out.ID, "rating": rating})
	})
	return out, wrapf(err, "contracts: add contract feedback %s", contractID)
}

// CompleteContractsDue completes every active contract whose period has
// ended (in Asia/Shanghai, on the database clock), whose final evaluation
// passed and whose milestones are all settled. Like CompleteDue it is safe
// in every instance: each contract is re-checked under FOR UPDATE, so it
// completes exactly once.
func (s *Store) CompleteContractsDue(ctx context.Context) ([]string, error) {
	var due []string
	if err := s.db.SelectContext(ctx, &due, `SELECT c.id FROM contracts c
		WHERE c.status = $1 AND c.period_end < (clock_timestamp() AT TIME ZONE 'Asia/Shanghai')::date
		  AND NOT EXISTS (SELECT 1 FROM contract_milestones m WHERE m.contract_id = c.id AND m.status <> ALL($2))
		ORDER BY c.period_end LIMIT 50`, tender.ContractActive,
		pq.StringArray{string(tender.MilestonePaid), string(tender.MilestoneWithheld)}); err != nil {
		return nil, wrapf(err, "contracts: complete contracts due")
	}
	var done []string
	for _, id := range due {
		err := s.inTx(ctx, func(tx *sqlx.Tx) error {
			c, err := loadContract(ctx, tx, id, true)
			if err != nil {
				return err
			}
			now, err := dbNow(ctx, tx)
			if err != nil {
				return err
			}
			var final *tender.Milestone
			for i := range c.Milestones {
				if c.Milestones[i].Report == tender.ReportFinal {
					final = &c.Milestones[i]
				}
			}
			passed := false
			if final != nil {
				if passed, err = milestonePassed(ctx, tx, final.ID); err != nil {
					return err
				}
			}
			if !tender.ReadyToCompleteContract(c, passed, now) {
				return errNotDue
			}
			if err := c.Complete(); err != nil {
				return err
			}
			if _, err := tx.ExecContext(ctx, `UPDATE contracts SET status = $2, completed_at = clock_timestamp(),
				updated_at = clock_timestamp() WHERE id = $1`, id, c.Status); err != nil {
				return err
			}
			if err := appendAudit(ctx, tx, tender.Actor{}, string(tender.ContractComplete), contractEntity, id,
				map[string]any{"period_end": c.PeriodEnd, "payments_fen_total": c.PaymentsFenTotal}); err != nil {
				return err
			}
			// The last contract of a tender to complete completes its project-list
			// item and fulfils the needs the item named (SPEC §7.2).
			var open int
			if err := tx.GetContext(ctx, &open, `SELECT count(*) FROM contracts
				WHERE tender_id = $1 AND status <> ALL($2)`, c.TenderID,
				pq.StringArray{string(tender.ContractCompleted), string(tender.ContractTerminated)}); err != nil {
				return err
			}
			if open > 0 {
				return nil
			}
			return completePlanItemOfTender(ctx, tx, tender.Actor{}, c.TenderID)
		})
		if errors.Is(err, errNotDue) {
			continue
		}
		if err != nil {
			return done, wrapf(err, "contracts: complete contracts due")
		}
		done = append(done, id)
	}
	return done, nil
}

// FlagOverdueMilestones marks, once, each milestone of an active contract
// whose report is late (tender.MilestoneOverdue at the database clock), and
// records it in the contract's audit stream for the bureau; the flag shows on
// the contract and in the organization's record. It returns the milestones flagged.
func (s *Store) FlagOverdueMilestones(ctx context.Context) ([]string, error) {
	var rows []struct {
		ID         string `db:"id"`
		ContractID string `db:"contract_id"`
	}
	if err := s.db.SelectContext(ctx, &rows, `SELECT m.id, m.contract_id FROM contract_milestones m
		JOIN contracts c ON c.id = m.contract_id
		WHERE c.status = $1 AND m.overdue_at IS NULL AND m.status = ANY($2)
		  AND m.due_date < (clock_timestamp() AT TIME ZONE 'Asia/Shanghai')::date
		ORDER BY m.due_date LIMIT 200`, tender.ContractActive,
		pq.StringArray{string(tender.MilestonePending), string(tender.MilestoneReturned)}); err != nil {
		return nil, wrapf(err, "contracts: flag overdue milestones")
	}
	var flagged []string
	for _, r := range rows {
		err := s.inTx(ctx, func(tx *sqlx.Tx) error {
			c, err := loadContract(ctx, tx, r.ContractID, true)
			if err != nil {
				return err
			}
			now, err := dbNow(ctx, tx)
			if err != nil {
				return err
			}
			m, err := milestoneOf(c, r.ID)
			if err != nil {
				return err
			}
			if c.Status != tender.ContractActive || m.Overdue || !tender.MilestoneOverdue(*m, now) {
				return errNotDue
			}
			if _, err := tx.ExecContext(ctx, `UPDATE contract_milestones SET overdue_at = $2 WHERE id = $1`, m.ID, now); err != nil {
				return err
			}
			return appendAudit(ctx, tx, tender.Actor{}, "milestone_overdue", contractEntity, c.ID,
				map[string]any{"milestone_id": m.ID, "due_date": m.DueDate})
		})
		if errors.Is(err, errNotDue) {
			continue
		}
		if err != nil {
			return flagged, wrapf(err, "contracts: flag overdue milestones")
		}
		flagged = append(flagged, r.ID)
	}
	return flagged, nil
}

// contractDrawLabel binds a contract's sealed draw secret to the contract.
const contractDrawLabel = "contract draw secret|"

// commitContractDrawSecret draws the contract's r for its evaluation-panel
// draws, stores it sealed and publishes draw_commitment = H(r).
func (s *Store) commitContractDrawSecret(ctx context.Context, tx *sqlx.Tx, contractID string) error {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return err
	}
	r := hex.EncodeToString(b)
	sealed, err := s.sealValue([]byte(r), contractDrawLabel+contractID)
	if err != nil {
		return err
	}
	_, err = tx.ExecContext(ctx, `UPDATE contracts SET draw_commitment = $2, draw_sealed_r = $3 WHERE id = $1`,
		contractID, tender.DrawCommitment(r), sealed)
	return err
}

// contractDrawSecret opens the contract's r.
func (s *Store) contractDrawSecret(ctx context.Context, q sqlx.QueryerContext, contractID string) (string, error) {
	var sealed []byte
	if err := sqlx.GetContext(ctx, q, &sealed, `SELECT draw_sealed_r FROM contracts WHERE id = $1`, contractID); err != nil {
		return "", err
	}
	r, err := s.openValue(sealed, contractDrawLabel+contractID)
	return string(r), err
}

// ServiceYear is one year of a community's accepted service records.
type ServiceYear struct {
	Year           int               `json:"year" db:"year"`
	Beneficiaries  int64             `json:"beneficiaries" db:"beneficiaries"`
	VolunteerHours tender.Hundredths `json:"volunteer_hours" db:"volunteer_hours"`
}

// CommunityDelivery is what contracts tell about one community (SPEC §7.1):
// the distinct volunteers of its accepted service records of the last 365
// days (volunteer_participation's numerator), its contracts active or
// completed in the last 365 days (active_services) and, per year of the
// records' end, beneficiaries and volunteer hours (GET /communities/{id} service).
type CommunityDelivery struct {
	Volunteers365  int           `json:"volunteers_365"`
	ActiveServices int           `json:"active_services"`
	Service        []ServiceYear `json:"service"`
}

// CommunityDelivery computes a community's delivery figures at the database
// clock. A contract belongs to its tender's community; only accepted reports count.
// The community id is compared as a uuid, so tenders_community_idx finds its
// tenders (compared as text, each query read every tender: bench/lifecycle).
func (s *Store) CommunityDelivery(ctx context.Context, communityID string) (CommunityDelivery, error) {
	out := CommunityDelivery{Service: []ServiceYear{}}
	if uuidOrNil(communityID) == nil {
		return out, nil // a malformed id names no community: nothing delivered
	}
	err := s.db.GetContext(ctx, &out.Volunteers365, `SELECT count(DISTINCT v.id_hash) FROM contract_volunteers v
		JOIN contract_reports r ON r.id = v.report_id JOIN contracts c ON c.id = r.contract_id JOIN tenders t ON t.id = c.tender_id
		WHERE t.community_id = $1::uuid AND r.status = $2
		  AND r.period_end > (clock_timestamp() AT TIME ZONE 'Asia/Shanghai')::date - 365`, communityID, reportAccepted)
	if err != nil {
		return out, wrapf(mapError(err), "contracts: community delivery %s", communityID)
	}
	if err := s.db.GetContext(ctx, &out.ActiveServices, `SELECT count(*) FROM contracts c JOIN tenders t ON t.id = c.tender_id
		WHERE t.community_id = $1::uuid AND (c.status = $2
		   OR (c.status = $3 AND c.completed_at > clock_timestamp() - interval '365 days'))`,
		communityID, tender.ContractActive, tender.ContractCompleted); err != nil {
		return out, wrapf(mapError(err), "contracts: community delivery %s", communityID)
	}
	err = s.db.SelectContext(ctx, &out.Service, `SELECT extract(year FROM r.period_end)::int AS year,
		sum(r.beneficiaries)::bigint AS beneficiaries, sum(r.volunteer_hours)::bigint AS volunteer_hours
		FROM contract_reports r JOIN contracts c ON c.id = r.contract_id JOIN tenders t ON t.id = c.tender_id
		WHERE t.community_id = $1::uuid AND r.status = $2 GROUP BY 1 ORDER BY 1`, communityID, reportAccepted)
	return out, wrapf(mapError(err), "contracts: community delivery %s", communityID)
}

// LedgerRow is one contract of the bureau's contract ledger (合同台账).
type LedgerRow struct {
	tender.Contract
	FundingSource string             `db:"funding_source"`
	FinalTotal    *tender.Hundredths `db:"final_total"`
	FinalGrade    *string            `db:"final_grade"`
}

// ContractLedger lists the contracts whose service period starts in year,
// optionally of one funding source, with milestones, payments and the final
// evaluation's latest complete result, oldest first.
func (s *Store) ContractLedger(ctx context.Context, year int, funding string) ([]LedgerRow, error) {
	var rows []LedgerRow
	if err := s.db.SelectContext(ctx, &rows, `SELECT x.*, tt.funding_source,
		(SELECT e.total FROM contract_evaluations e JOIN contract_milestones m ON m.id = e.milestone_id AND m.report = $3
		  WHERE e.contract_id = x.id AND e.status = $4 ORDER BY e.round DESC LIMIT 1) AS final_total,
		(SELECT e.grade FROM contract_evaluations e JOIN contract_milestones m ON m.id = e.milestone_id AND m.report = $3
		  WHERE e.contract_id = x.id AND e.status = $4 ORDER BY e.round DESC LIMIT 1) AS final_grade
		FROM (`+contractSelect+`) x JOIN tenders tt ON tt.id = x.tender_id
		WHERE extract(year FROM x.period_start::date) = $1 AND ($2 = '' OR tt.funding_source = $2)
		ORDER BY x.period_start, x.created_at, x.id`, year, funding, tender.ReportFinal, evaluationComplete); err != nil {
		return nil, wrapf(mapError(err), "contracts: contract ledger")
	}
	for i := range rows {
		c, err := loadContract(ctx, s.db, rows[i].ID, false)
		if err != nil {
			return nil, wrapf(err, "contracts: contract ledger")
		}
		rows[i].Milestones, rows[i].Payments = c.Milestones, c.Payments
	}
	return rows, nil
}
