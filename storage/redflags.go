package storage

import (
	"context"
	"time"

	"github.com/linshu/portal/tender"
)

// redFlagFactsSQL gathers, per public tender (or one tender), the facts the
// red flags are computed from, in one query.
const redFlagFactsSQL = `
WITH t AS (
    SELECT id, procedure, community_id AS community, status, published_at, opened_at, bid_deadline FROM tenders
    WHERE status <> $2 AND ($1::uuid IS NULL OR id = $1)
), q AS (
    SELECT b.tender_id,
           count(*) FILTER (WHERE b.status = $3) AS qualified,
           count(*) FILTER (WHERE b.status = $4) AS undecided
    FROM bids b JOIN t ON t.id = b.tender_id AND t.opened_at IS NOT NULL -- sealed bids are not read (tender.BidsSealed)
    WHERE b.status = ANY($5)
    GROUP BY b.tender_id
), won AS (
    SELECT DISTINCT a.tender_id, a.org_id, tt.community_id AS community FROM awards a JOIN tenders tt ON tt.id = a.tender_id
    WHERE a.status = ANY($6) AND tt.community_id IS NOT NULL
), per_org AS (
    SELECT community, org_id, count(DISTINCT tender_id) AS wins FROM won GROUP BY community, org_id
), per_community AS (
    SELECT community, count(DISTINCT tender_id) AS tenders FROM won GROUP BY community
)
SELECT t.id, t.procedure, t.published_at, t.bid_deadline,
       t.opened_at IS NOT NULL AND q.tender_id IS NOT NULL AS opened,
       COALESCE(q.undecided, 0) AS undecided, COALESCE(q.qualified, 0) AS qualified,
       EXISTS (SELECT 1 FROM awards a WHERE a.tender_id = t.id AND a.status <> $7 AND a.differs) AS award_differs,
       EXISTS (SELECT 1 FROM objections o WHERE o.tender_id = t.id AND o.status = $8) AS objection_upheld,
       EXISTS (SELECT 1 FROM panel_appointments pa WHERE pa.tender_id = t.id) AS panel_named,
       COALESCE(pc.tenders, 0) AS community_tenders,
       COALESCE((SELECT max(po.wins) FROM won w JOIN per_org po ON po.org_id = w.org_id AND po.community = w.community
                 WHERE w.tender_id = t.id), 0) AS winner_wins
FROM t LEFT JOIN q ON q.tender_id = t.id LEFT JOIN per_community pc ON pc.community = t.community`

// redFlagArgs are redFlagFactsSQL's parameters: the tender (nil for all) and the statuses it names.
func redFlagArgs(tenderID any) []any {
	return []any{tenderID, tender.StatusDraft, tender.BidQualified, tender.BidSubmitted,
		statusSet(tender.OpenedBidStatuses()...), statusSet(tender.StandingAwardStatuses()...),
		tender.AwardRevoked, tender.ObjectionUpheld}
}

type redFlagRow struct {
	ID              string     `db:"id"`
	Procedure       string     `db:"procedure"`
	PublishedAt     *time.Time `db:"published_at"`
	BidDeadline     time.Time  `db:"bid_deadline"`
	Opened          bool       `db:"opened"`
	Undecided       int        `db:"undecided"`
	Qualified       int        `db:"qualified"`
	AwardDiffers    bool       `db:"award_differs"`
	ObjectionUpheld bool       `db:"objection_upheld"`
	PanelNamed      bool       `db:"panel_named"`
	CommunityTend   int        `db:"community_tenders"`
	WinnerWins      int        `db:"winner_wins"`
}

// flags computes the red flags of a row. The window is compared with the
// statute of the tender's procedure (or the SPEC's default floor where there
// is none), whatever the deployment configures: a demo that shortens windows
// is flagged, as it should be.
func (r redFlagRow) flags(cal tender.Calendar) []string {
	f := tender.RedFlagFacts{OpenedBids: r.Opened, Undecided: r.Undecided, Qualified: r.Qualified,
		AwardDiffers: r.AwardDiffers, ObjectionUpheld: r.ObjectionUpheld, PanelNamed: r.PanelNamed, CommunityTenders: r.CommunityTend,
		WinnerCommunityWins: r.WinnerWins}
	if r.PublishedAt != nil {
		f.BelowStatute = tender.Procedure(r.Procedure).BelowStatute(*r.PublishedAt, r.BidDeadline, cal,
			tender.DefaultConfig().MinBidWindow)
	}
	return tender.RedFlags(f, tender.DefaultConfig().MinBidWindow)
}

// RedFlags lists the public red flags of a tender.
func (s *Store) RedFlags(ctx context.Context, t tender.Tender) ([]string, error) {
	if !t.Public() {
		return []string{}, nil
	}
	var rows []redFlagRow
	if err := s.db.SelectContext(ctx, &rows, redFlagFactsSQL, redFlagArgs(t.ID)...); err != nil || len(rows) == 0 {
		return []string{}, wrapf(mapError(err), "redflags: red flags")
	}
	cal, err := s.WorkCalendar(ctx)
	if err != nil {
		return nil, wrapf(err, "redflags: red flags")
	}
	return rows[0].flags(cal), nil
}

// RedFlagCounts counts public tenders per red flag, and contracts (all
// public, SPEC §7.5) per contract red flag: signed or published late, and
// evaluators named instead of drawn (contract_panel_not_drawn, kept apart
// from the tenders' panel_not_drawn).
func (s *Store) RedFlagCounts(ctx context.Context) (map[string]int, error) {
	var rows []redFlagRow
	if err := s.db.SelectContext(ctx, &rows, redFlagFactsSQL, redFlagArgs(nil)...); err != nil {
		return nil, wrapf(err, "redflags: red flag counts")
	}
	cal, err := s.WorkCalendar(ctx)
	if err != nil {
		return nil, wrapf(err, "redflags: red flag counts")
	}
	counts := map[string]int{tender.RedFlagShortBidWindow: 0, tender.RedFlagSingleQualified: 0,
		tender.RedFlagDominantWinner: 0, tender.RedFlagAwardDiffers: 0, tender.RedFlagObjectionUpheld: 0, tender.RedFlagPanelNotDrawn: 0}
	for _, r := range rows {
		for _, f := range r.flags(cal) {
			counts[f]++
		}
	}
	if err := s.contractRedFlagCounts(ctx, cal, counts); err != nil {
		return nil, wrapf(err, "redflags: red flag counts")
	}
	return counts, nil
}

// contractRedFlagCounts adds the contracts' red flags, computed as a
// contract's page computes them (Store.Contract), to counts.
func (s *Store) contractRedFlagCounts(ctx context.Context, cal tender.Calendar, counts map[string]int) error {
	var rows []struct {
		AwardedAt time.Time  `db:"awarded_at"`
		SignedOn  *string    `db:"signed_on"`
		SignedAt  *time.Time `db:"signed_at"`
		Named     bool       `db:"named"`
		Now       time.Time  `db:"now"`
	}
	if err := s.db.SelectContext(ctx, &rows, `SELECT c.awarded_at, to_char(c.signed_on, 'YYYY-MM-DD') AS signed_on,
		c.signed_at, EXISTS (SELECT 1 FROM contract_panel_appointments pa WHERE pa.contract_id = c.id) AS named,
		clock_timestamp() AS now FROM contracts c`); err != nil {
		return err
	}
	counts[tender.RedFlagContractSignedLate], counts[tender.RedFlagContractPublishedLate], counts[tender.RedFlagContractPanelNotDrawn] = 0, 0, 0
	for _, r := range rows {
		for _, f := range tender.ContractRedFlags(r.AwardedAt, r.SignedOn, r.SignedAt, r.Now, cal) {
			counts[f]++
		}
		if r.Named {
			counts[tender.RedFlagContractPanelNotDrawn]++
		}
	}
	return nil
}
