package storage

import (
	"github.com/lib/pq"

	"github.com/linshu/portal/tender"
)

// Status values reach SQL as parameters: statusSet(tender.OpenedBidStatuses()...)
// for `status = ANY($n)`, a single tender constant for `status = $n`. Query
// fragments shared by several queries, where a parameter has no fixed
// position, use the constants below instead; TestStatusSQL checks each
// against its set in tender/statuses.go.

// statusSet passes a status set to SQL as one text[] parameter.
func statusSet[S ~string](set ...S) any { return pq.Array(tender.Strings(set)) }

const (
	// openedBidsSQL is tender.OpenedBidStatuses.
	openedBidsSQL = `('submitted', 'qualified', 'disqualified')`
	// completedAwardSQL is tender.AwardCompleted.
	completedAwardSQL = `'completed'`
	// standingAwardsSQL is tender.StandingAwardStatuses.
	standingAwardsSQL = `('active', ` + completedAwardSQL + `)`
	// draftTenderSQL is tender.StatusDraft.
	draftTenderSQL = `'draft'`
	// publicOrgSQL is tender.PublicOrgStatuses.
	publicOrgSQL = `('approved', 'suspended')`
	// ratedFeedbackSQL is tender.RatedFeedbackStatuses.
	ratedFeedbackSQL = `('pending', 'approved')`
)
