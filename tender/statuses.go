package tender

import "slices"

// Named sets of statuses. SQL receives them as parameters (pq.Array of
// Strings(...)), so a status is spelled once, here, and a new status is
// placed in its sets in one file.

// OpenedBidStatuses are the statuses of bids that took part in an opening
// (开标): submitted by the deadline, then qualified or disqualified.
func OpenedBidStatuses() []BidStatus { return []BidStatus{BidSubmitted, BidQualified, BidDisqualified} }

// Opened reports whether a bid in status s took part in the opening.
func (s BidStatus) Opened() bool { return slices.Contains(OpenedBidStatuses(), s) }

// ResultStatuses are the tender statuses in which the award notice, the
// evaluation and the panel are public.
func ResultStatuses() []Status { return []Status{StatusAwarded, StatusCompleted} }

// PastBiddingStatuses are the tender statuses after bidding closed for good:
// a bid arriving then is late whatever the clock says.
func PastBiddingStatuses() []Status {
	return []Status{StatusEvaluating, StatusAwarded, StatusCompleted, StatusFailed}
}

// StandingAwardStatuses are the statuses of awards that count as made: in
// publicity or completed, not revoked.
func StandingAwardStatuses() []AwardStatus { return []AwardStatus{AwardActive, AwardCompleted} }

// PublicOrgStatuses are the statuses of organizations with a public credit
// record: approved by the bureau, or approved and since suspended.
func PublicOrgStatuses() []OrgStatus { return []OrgStatus{OrgApproved, OrgSuspended} }

// RatedFeedbackStatuses are the statuses of feedback whose rating counts in a
// tender's and an organization's average: every status but rejected, so a
// rating counts while its comment waits for moderation.
func RatedFeedbackStatuses() []FeedbackStatus {
	return []FeedbackStatus{FeedbackPending, FeedbackApproved}
}

// Strings turns a status set into the []string that SQL receives (pq.Array).
func Strings[S ~string](set []S) []string {
	out := make([]string, len(set))
	for i, s := range set {
		out[i] = string(s)
	}
	return out
}
