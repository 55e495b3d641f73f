package storage

import (
	"strings"
	"testing"

	"github.com/linshu/portal/tender"
)

// sqlList spells a status set the way the constants of statuses.go do.
func sqlList[S ~string](set ...S) string {
	q := make([]string, len(set))
	for i, s := range set {
		q[i] = "'" + string(s) + "'"
	}
	return strings.Join(q, ", ")
}

func TestStatusSQL(t *testing.T) {
	for _, tc := range []struct{ name, got, want string }{
		{"openedBidsSQL", openedBidsSQL, "(" + sqlList(tender.OpenedBidStatuses()...) + ")"},
		{"standingAwardsSQL", standingAwardsSQL, "(" + sqlList(tender.StandingAwardStatuses()...) + ")"},
		{"completedAwardSQL", completedAwardSQL, sqlList(tender.AwardCompleted)},
		{"draftTenderSQL", draftTenderSQL, sqlList(tender.StatusDraft)},
		{"publicOrgSQL", publicOrgSQL, "(" + sqlList(tender.PublicOrgStatuses()...) + ")"},
		{"ratedFeedbackSQL", ratedFeedbackSQL, "(" + sqlList(tender.RatedFeedbackStatuses()...) + ")"},
	} {
		if tc.got != tc.want {
			t.Errorf("%s = %s, want %s", tc.name, tc.got, tc.want)
		}
	}
}
