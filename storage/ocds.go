package storage

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/lib/pq"

	"github.com/linshu/portal/tender"
)

// ocdsActions are the tender audit actions that are public changes of a
// published tender; each such entry becomes one OCDS release. Everything else
// in a tender's stream (edits of the draft, panel draws, declarations, the
// recommendation, objections and rejected objections) is not published.
var ocdsActions = []string{"publish", "add_document", "remove_document", "cancel", "open", "fail", "award",
	"resolve_objection", "complete"}

// OCDSEvent is one public change of a published tender: an entry of the
// tender's audit stream.
type OCDSEvent struct {
	EntryID  int64     `db:"id"`
	Seq      int64     `db:"seq"`
	Action   string    `db:"action"`
	At       time.Time `db:"at"`
	Outcome  string    `db:"outcome"` // open: "evaluating" or "failed"
	Reason   string    `db:"reason"`  // cancel: the published reason
	TenderID string    `db:"tender_id"`
	// ContractID is set for a change of a signed contract (its own audit stream).
	ContractID string `db:"contract_id"`
	// ItemID is set (and TenderID empty) for a project-list item's planning
	// release: its publication, or its withdrawal after publication.
	ItemID string `db:"item_id"`
}

// ocdsContractActions are the contract audit actions published once the
// contract is signed: signing (tag contract), delivery (implementation) and
// termination (contractTermination).
var ocdsContractActions = []string{string(tender.ContractSign), "accept_report", "pay", "evaluation_complete",
	string(tender.ContractSuspend), string(tender.ContractReinstate), string(tender.ContractTerminate),
	string(tender.ContractComplete)}

// OCDSFilter selects a page of the feed: entries after Since (exclusive) and
// after the keyset Cursor, oldest first, at most Limit of them.
type OCDSFilter struct {
	Since  *time.Time
	Cursor string
	Limit  int
}

// OCDSAward is an award with the time of the award decision that made it.
type OCDSAward struct {
	tender.Award
	// AwardedAt is the audit time of the "award" entry that created it: the
	// award rows of one decision share it, and a later decision (after an
	// upheld objection) has a later one.
	AwardedAt time.Time
}

// OCDSPage is one page of the feed with everything its releases need,
// loaded in a fixed number of queries whatever the page size.
type OCDSPage struct {
	Events    []OCDSEvent
	More      bool // further events follow; NextCursor continues after the last one
	Tenders   map[string]tender.Tender
	Openings  map[string]Opening // only tenders that have left "open"
	Awards    map[string][]OCDSAward
	Documents map[string][]tender.Document // unsealed tender documents, oldest first
	Contracts map[string]tender.Contract   // signed contracts of the page's contract events, by id
	USCC      map[string]string            // organization id → USCC
	Items     map[string]OCDSItem          // project-list items of planning releases
	Now       time.Time                    // the database clock
}

// NextCursor is the keyset position after the page's last event.
func (p OCDSPage) NextCursor() string {
	if len(p.Events) == 0 {
		return ""
	}
	last := p.Events[len(p.Events)-1]
	return base64.RawURLEncoding.EncodeToString([]byte(last.At.UTC().Format(time.RFC3339Nano) + "|" +
		strconv.FormatInt(last.EntryID, 10)))
}

func parseOCDSCursor(c string) (*time.Time, int64, error) {
	if c == "" {
		return nil, 0, nil
	}
	b, err := base64.RawURLEncoding.DecodeString(c)
	if err != nil {
		return nil, 0, errBadCursor
	}
	ts, idStr, ok := strings.Cut(string(b), "|")
	at, terr := time.Parse(time.RFC3339Nano, ts)
	id, ierr := strconv.ParseInt(idStr, 10, 64)
	if !ok || terr != nil || ierr != nil {
		return nil, 0, errBadCursor
	}
	return &at, id, nil
}

// OCDSEvents returns a page of public tender changes in (time, id) order with
// the data to render them. Drafts never appear: only entries of tenders that
// were published, from the moment of publishing on; a cancelled draft and a
// rejected objection are not public changes.
func (s *Store) OCDSEvents(ctx context.Context, f OCDSFilter) (OCDSPage, error) {
	page := OCDSPage{Tenders: map[string]tender.Tender{}, Openings: map[string]Opening{},
		Awards: map[string][]OCDSAward{}, Documents: map[string][]tender.Document{}, USCC: map[string]string{}, Items: map[string]OCDSItem{},
		Contracts: map[string]tender.Contract{}}
	afterAt, afterID, err := parseOCDSCursor(f.Cursor)
	if err != nil {
		return page, wrapf(err, "ocds: ocds events")
	}
	if err := s.db.GetContext(ctx, &page.Now, `SELECT clock_timestamp()`); err != nil {
		return page, wrapf(err, "ocds: ocds events")
	}
	events := []OCDSEvent{}
	// Planning releases (SPEC §7.2): a project-list item's publication and,
	// once published, its withdrawal; drafts never appear.
	if err := s.db.SelectContext(ctx, &events, `SELECT * FROM (
		SELECT e.id, e.seq, e.action, e.at,
		COALESCE(e.details->>'outcome', '') AS outcome,
		CASE WHEN e.action = 'cancel' THEN COALESCE(e.details->>'reason', '') ELSE '' END AS reason,
		t.id::text AS tender_id, '' AS contract_id, '' AS item_id
		FROM audit_entries e JOIN tenders t ON e.stream = 'tender:' || t.id::text
		WHERE e.entity = 'tender' AND e.action = ANY($1)
		  AND t.published_at IS NOT NULL AND e.at >= t.published_at
		  AND (e.action <> 'cancel' OR e.details->>'from' <> `+draftTenderSQL+`)
		  AND (e.action <> 'resolve_objection' OR e.details->>'upheld' = 'true')
		UNION ALL
		-- A contract is public once signed: its changes from the signing on.
		SELECT e.id, e.seq, e.action, e.at, '' AS outcome,
		CASE WHEN e.action = $6 THEN COALESCE(e.details->>'reason', '') ELSE '' END AS reason,
		k.tender_id::text, k.id::text AS contract_id, '' AS item_id
		FROM audit_entries e JOIN contracts k ON e.stream = 'contract:' || k.id::text
		WHERE e.entity = 'contract' AND e.action = ANY($7) AND k.signed_at IS NOT NULL AND e.at >= k.signed_at
		UNION ALL
		SELECT e.id, e.seq, e.action, e.at, '' AS outcome,
		CASE WHEN e.action = 'drop' THEN COALESCE(e.details->>'reason', '') ELSE '' END AS reason,
		'' AS tender_id, '' AS contract_id, e.entity_id AS item_id
		FROM audit_entries e
		WHERE e.entity = 'plan_item' AND (e.action = 'publish' OR (e.action = 'drop' AND e.details->>'from' = $8))
		) x
		WHERE ($2::timestamptz IS NULL OR x.at > $2)
		  AND ($3::timestamptz IS NULL OR (x.at, x.id) > ($3, $4))
		ORDER BY x.at, x.id LIMIT $5`,
		pq.Array(ocdsActions), f.Since, afterAt, afterID, f.Limit+1, tender.ContractTerminate, pq.Array(ocdsContractActions),
		tender.PlanPublished); err != nil {
		return page, wrapf(mapError(err), "ocds: ocds events")
	}
	if len(events) > f.Limit {
		events, page.More = events[:f.Limit], true
	}
	page.Events = events
	if len(events) == 0 {
		return page, nil
	}
	seen := map[string]bool{}
	var ids, contractIDs, items []string
	for _, e := range events {
		if e.ItemID != "" {
			if !seen[e.ItemID] {
				seen[e.ItemID] = true
				items = append(items, e.ItemID)
			}
			continue
		}
		if !seen[e.TenderID] {
			seen[e.TenderID] = true
			ids = append(ids, e.TenderID)
		}
		if e.ContractID != "" && !seen[e.ContractID] {
			seen[e.ContractID] = true
			contractIDs = append(contractIDs, e.ContractID)
		}
	}
	if err := s.loadOCDSItems(ctx, &page, items); err != nil {
		return page, wrapf(err, "ocds: ocds events")
	}
	if err := s.loadOCDSData(ctx, &page, pq.Array(ids)); err != nil {
		return page, wrapf(err, "ocds: ocds events")
	}
	return page, wrapf(s.loadOCDSContracts(ctx, &page, contractIDs), "ocds: ocds events")
}

// OCDSItem is a published project-list item with the needs it answers.
type OCDSItem struct {
	tender.PlanItem
	Needs []tender.Need
}

// loadOCDSItems fills the page's items and their (public) needs.
func (s *Store) loadOCDSItems(ctx context.Context, page *OCDSPage, ids []string) error {
	if len(ids) == 0 {
		return nil
	}
	var list []tender.PlanItem
	if err := s.db.SelectContext(ctx, &list, `SELECT `+planColumns+` FROM project_items WHERE id = ANY($1::uuid[])`,
		pq.Array(ids)); err != nil {
		return err
	}
	var needs []tender.Need
	if err := s.db.SelectContext(ctx, &needs, `SELECT `+needColumns+` FROM needs
		WHERE project_item_id = ANY($1::uuid[]) ORDER BY created_at, id`, pq.Array(ids)); err != nil {
		return err
	}
	for _, p := range list {
		it := OCDSItem{PlanItem: p}
		for _, n := range needs {
			if n.ProjectItemID != nil && *n.ProjectItemID == p.ID {
				it.Needs = append(it.Needs, n)
			}
		}
		page.Items[p.ID] = it
	}
	return nil
}

// loadOCDSData fills the page's lookups for the tenders in ids.
func (s *Store) loadOCDSData(ctx context.Context, page *OCDSPage, ids any) error {
	var tenders []tenderRow
	if err := s.db.SelectContext(ctx, &tenders, `SELECT `+tenderColumns+` FROM tenders WHERE id = ANY($1::uuid[])`, ids); err != nil {
		return err
	}
	for _, r := range tenders {
		t, err := r.tender()
		if err != nil {
			return err
		}
		page.Tenders[t.ID] = t
	}

	// Sealed until opening: an opening record exists only once the tender has
	// left "open", and the join says so once more.
	var openings []struct {
		TenderID string    `db:"tender_id"`
		OpenedAt time.Time `db:"opened_at"`
		Outcome  string    `db:"outcome"`
		Bids     []byte    `db:"bids"`
	}
	if err := s.db.SelectContext(ctx, &openings, `SELECT o.tender_id, o.opened_at, o.outcome, o.bids
		FROM openings o JOIN tenders t ON t.id = o.tender_id
		WHERE o.tender_id = ANY($1::uuid[]) AND t.opened_at IS NOT NULL -- tender.CanReadOpening
		`, ids); err != nil {
		return err
	}
	orgIDs := map[string]bool{}
	for _, o := range openings {
		op := Opening{TenderID: o.TenderID, OpenedAt: o.OpenedAt, Outcome: o.Outcome}
		if err := json.Unmarshal(o.Bids, &op.Bids); err != nil {
			return fmt.Errorf("opening of %s: %w", o.TenderID, err)
		}
		for _, b := range op.Bids {
			orgIDs[b.OrgID] = true
		}
		page.Openings[o.TenderID] = op
	}

	var decisions []struct {
		TenderID string    `db:"entity_id"`
		At       time.Time `db:"at"`
	}
	if err := s.db.SelectContext(ctx, &decisions, `SELECT entity_id, at FROM audit_entries
		WHERE entity = 'tender' AND entity_id = ANY($1::text[]) AND action = 'award' ORDER BY at`, ids); err != nil {
		return err
	}
	decided := map[string][]time.Time{}
	for _, d := range decisions {
		decided[d.TenderID] = append(decided[d.TenderID], d.At)
	}
	var awards []tender.Award
	if err := s.db.SelectContext(ctx, &awards, `SELECT a.id, a.tender_id, a.lot_id, a.bid_id, a.org_id, o.name AS org_name,
		a.amount_fen, a.status, a.publicity_ends_at, a.reason, a.created_at, a.updated_at
		FROM awards a JOIN organizations o ON o.id = a.org_id
		WHERE a.tender_id = ANY($1::uuid[]) ORDER BY a.created_at, a.id`, ids); err != nil {
		return err
	}
	for _, a := range awards {
		// The award rows are written before the entry of their decision, in
		// its transaction: the decision is the first one at or after the row.
		for _, at := range decided[a.TenderID] {
			if !at.Before(a.CreatedAt) {
				page.Awards[a.TenderID] = append(page.Awards[a.TenderID], OCDSAward{Award: a, AwardedAt: at})
				orgIDs[a.OrgID] = true
				break
			}
		}
	}

	var docs []tender.Document
	if err := s.db.SelectContext(ctx, &docs, `SELECT `+documentColumns+` FROM documents
		WHERE owner_type = 'tender' AND owner_id = ANY($1::uuid[]) AND NOT sealed ORDER BY created_at, id`, ids); err != nil {
		return err
	}
	for _, d := range docs {
		page.Documents[d.OwnerID] = append(page.Documents[d.OwnerID], d)
	}

	if len(orgIDs) == 0 {
		return nil
	}
	list := make([]string, 0, len(orgIDs))
	for id := range orgIDs {
		list = append(list, id)
	}
	var orgs []struct {
		ID   string `db:"id"`
		USCC string `db:"uscc"`
	}
	if err := s.db.SelectContext(ctx, &orgs, `SELECT id, uscc FROM organizations WHERE id = ANY($1::uuid[])`,
		pq.Array(list)); err != nil {
		return err
	}
	for _, o := range orgs {
		page.USCC[o.ID] = o.USCC
	}
	return nil
}

// loadOCDSContracts fills page.Contracts for ids in three queries, whatever
// the page size: the contracts, their milestones, their payments.
func (s *Store) loadOCDSContracts(ctx context.Context, page *OCDSPage, ids []string) error {
	if len(ids) == 0 {
		return nil
	}
	var list []tender.Contract
	if err := s.db.SelectContext(ctx, &list, contractSelect+` WHERE c.id = ANY($1::uuid[])`, pq.Array(ids)); err != nil {
		return err
	}
	var ms []tender.Milestone
	if err := s.db.SelectContext(ctx, &ms, `SELECT `+milestoneColumns+` FROM contract_milestones
		WHERE contract_id = ANY($1::uuid[]) ORDER BY contract_id, seq`, pq.Array(ids)); err != nil {
		return err
	}
	var pays []tender.Payment
	if err := s.db.SelectContext(ctx, &pays, `SELECT id, contract_id, milestone_id, amount_fen,
		to_char(paid_at, 'YYYY-MM-DD') AS paid_at, document_id, created_at FROM contract_payments
		WHERE contract_id = ANY($1::uuid[]) ORDER BY created_at, id`, pq.Array(ids)); err != nil {
		return err
	}
	for _, c := range list {
		c.Milestones, c.Payments, c.Criteria, c.RedFlags = []tender.Milestone{}, []tender.Payment{}, []tender.ContractCriterion{}, []string{}
		for _, m := range ms {
			if m.ContractID == c.ID {
				c.Milestones = append(c.Milestones, m)
			}
		}
		for _, p := range pays {
			if p.ContractID == c.ID {
				c.Payments = append(c.Payments, p)
			}
		}
		fillShares(&c)
		page.Contracts[c.ID] = c
	}
	return nil
}
