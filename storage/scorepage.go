package storage

import (
	"context"
	"encoding/base64"
	"strings"
	"unicode/utf8"
)

// Score sheets are lists like any other (SPEC §5: limit and cursor): a
// tender's 200 bids × 9 evaluators × 10 criteria are 18,000 entries. A page
// follows the keyset (evaluator, then bid, then criterion); the cursor names
// the last entry of the previous page.

const scoreCursorPrefix = "score:"

// ScoreCursor is the position of r in ScorePage's order.
func ScoreCursor(r ScoreRow) string {
	return encodeScoreCursor(r.EvaluatorID, r.BidID, r.CriterionID)
}

// ContractScoreCursor is the position of r in ContractScorePage's order.
func ContractScoreCursor(r ContractScore) string {
	return encodeScoreCursor(r.EvaluatorID, "", r.CriterionID)
}

func encodeScoreCursor(evaluator, bid, criterion string) string {
	return base64.RawURLEncoding.EncodeToString([]byte(scoreCursorPrefix + evaluator + "\x00" + bid + "\x00" + criterion))
}

// scoreCursor is a decoded cursor: the evaluator, bid ("" for a contract's
// sheet) and criterion the page starts after; all "" for the first page.
type scoreCursor struct{ evaluator, bid, criterion string }

func parseScoreCursor(cursor string, withBid bool) (scoreCursor, error) {
	if cursor == "" {
		return scoreCursor{}, nil
	}
	raw, err := base64.RawURLEncoding.DecodeString(cursor)
	rest, ok := strings.CutPrefix(string(raw), scoreCursorPrefix)
	if err != nil || !ok || !utf8.ValidString(rest) {
		return scoreCursor{}, errBadCursor
	}
	parts := strings.Split(rest, "\x00")
	// A tender's criteria are named ("c1"), a contract's are uuids.
	if len(parts) != 3 || uuidOrNil(parts[0]) == nil || parts[2] == "" || (withBid != (parts[1] != "")) ||
		(withBid && uuidOrNil(parts[1]) == nil) || (!withBid && uuidOrNil(parts[2]) == nil) {
		return scoreCursor{}, errBadCursor
	}
	return scoreCursor{parts[0], parts[1], parts[2]}, nil
}

// ScorePage lists a tender's active members' scores (one evaluator's with
// evaluatorID set), limit at a time after cursor (ScoreCursor).
func (s *Store) ScorePage(ctx context.Context, tenderID, evaluatorID, cursor string, limit int) ([]ScoreRow, error) {
	after, err := parseScoreCursor(cursor, true)
	if err != nil {
		return nil, wrapf(err, "evaluation: score page %s", tenderID)
	}
	out := []ScoreRow{}
	err = s.db.SelectContext(ctx, &out, `SELECT s.evaluator_id, u.name AS evaluator_name, s.bid_id, s.criterion_id,
		s.score, s.comment FROM scores s JOIN users u ON u.id = s.evaluator_id
		JOIN panel_members p ON p.tender_id = s.tender_id AND p.evaluator_id = s.evaluator_id AND p.active
		WHERE s.tender_id = $1 AND ($2 = '' OR s.evaluator_id::text = $2)
		  AND ($3::text = '' OR (s.evaluator_id, s.bid_id, s.criterion_id) > (NULLIF($3::text, '')::uuid, NULLIF($4::text, '')::uuid, $5::text))
		ORDER BY s.evaluator_id, s.bid_id, s.criterion_id LIMIT $6`,
		tenderID, evaluatorID, after.evaluator, after.bid, after.criterion, limit)
	return out, wrapf(mapError(err), "evaluation: score page %s", tenderID)
}

// ContractScorePage lists the current round's scores of a milestone's
// evaluation (one evaluator's with evaluatorID set), limit at a time after
// cursor (ContractScoreCursor).
func (s *Store) ContractScorePage(ctx context.Context, contractID, milestoneID, evaluatorID, cursor string, limit int) ([]ContractScore, error) {
	after, err := parseScoreCursor(cursor, false)
	if err != nil {
		return nil, wrapf(err, "contract evaluations: contract score page %s", contractID)
	}
	out := []ContractScore{}
	err = s.db.SelectContext(ctx, &out, `SELECT s.evaluator_id, s.criterion_id, s.score, s.comment FROM contract_scores s
		JOIN contract_panel_members p ON p.evaluation_id = s.evaluation_id AND p.evaluator_id = s.evaluator_id AND p.active
		WHERE s.evaluation_id = (SELECT id FROM contract_evaluations WHERE contract_id = $1 AND milestone_id = $2
		                         ORDER BY round DESC LIMIT 1)
		  AND ($3 = '' OR s.evaluator_id::text = $3)
		  AND ($4::text = '' OR (s.evaluator_id, s.criterion_id) > (NULLIF($4::text, '')::uuid, NULLIF($5::text, '')::uuid))
		ORDER BY s.evaluator_id, s.criterion_id LIMIT $6`, contractID, milestoneID, evaluatorID, after.evaluator, after.criterion, limit)
	return out, wrapf(mapError(err), "contract evaluations: contract score page %s", contractID)
}
