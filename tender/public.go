package tender

import (
	"strings"
	"time"
	"unicode/utf8"
)

// Sanction is a suspension (失信) on an organization's public record.
type Sanction struct {
	Reason   string     `json:"reason" db:"reason"`
	At       time.Time  `json:"at" db:"at"`
	LiftedAt *time.Time `json:"lifted_at" db:"lifted_at"`
}

// CreditProfile is an organization's public credit record (信用公示): never its
// contact phone, never anything from a sealed bid.
type CreditProfile struct {
	ID              string       `json:"id" db:"id"`
	Name            string       `json:"name" db:"name"`
	Type            OrgType      `json:"type" db:"type"`
	Registration    Registration `json:"registration" db:"registration"`
	CommunityID     *string      `json:"community_id" db:"community_id"`
	Community       string       `json:"community" db:"community"`
	AssessmentGrade *string      `json:"assessment_grade" db:"assessment_grade"`
	Status          OrgStatus    `json:"status" db:"status"`
	SocialWorkers   int          `json:"social_workers" db:"social_workers"`
	BidsCount       int64        `json:"bids_count" db:"bids_count"`
	AwardsCount     int64        `json:"awards_count" db:"awards_count"`
	AwardedFenTotal int64        `json:"awarded_fen_total" db:"awarded_fen_total"`
	PerformanceAvg  *Hundredths  `json:"performance_avg" db:"-"`
	FeedbackAvg     *Hundredths  `json:"feedback_avg" db:"-"`
	Sanctions       []Sanction   `json:"sanctions" db:"-"`
	// Delivery record (SPEC §7.5–7.6).
	ContractsCompleted    int64         `json:"contracts_completed" db:"contracts_completed"`
	AverageGrade          *Grade        `json:"average_grade" db:"-"` // grade of the mean final evaluation score
	TerminationsCount     int64         `json:"terminations_count" db:"terminations_count"`
	WithheldPaymentsCount int64         `json:"withheld_payments_count" db:"withheld_payments_count"`
	OverdueMilestones     int64         `json:"overdue_milestones_count" db:"overdue_milestones_count"` // reports flagged late
	CreditEvents          []CreditEvent `json:"credit_events" db:"-"`
}

// CreditEvent is a public event on an organization's delivery record: a
// failing final evaluation, a terminated contract.
type CreditEvent struct {
	Kind       string    `json:"kind" db:"kind"`
	Reason     string    `json:"reason" db:"reason"`
	At         time.Time `json:"at" db:"at"`
	ContractID *string   `json:"contract_id" db:"contract_id"`
}

// FeedbackStatus is where a resident's comment stands in moderation.
type FeedbackStatus string

// Feedback statuses.
const (
	FeedbackPending  FeedbackStatus = "pending"
	FeedbackApproved FeedbackStatus = "approved"
	FeedbackRejected FeedbackStatus = "rejected"
)

// Feedback is a resident's anonymous rating of a completed tender's service.
type Feedback struct {
	ID          string         `json:"id" db:"id"`
	TenderID    string         `json:"tender_id" db:"tender_id"`
	TenderCode  string         `json:"tender_code,omitempty" db:"tender_code"`
	TenderTitle string         `json:"tender_title,omitempty" db:"tender_title"`
	Rating      int            `json:"rating" db:"rating"`
	Comment     string         `json:"comment" db:"comment"`
	Status      FeedbackStatus `json:"status,omitempty" db:"status"`
	CreatedAt   time.Time      `json:"created_at" db:"created_at"`
}

// ValidateFeedback checks a rating (1–5) and comment; a rating without a
// comment needs no moderation.
func ValidateFeedback(rating int, comment string) (string, error) {
	var f Fields
	if rating < 1 || rating > 5 {
		f.Add("rating", "评分应为1到5星")
	}
	comment = strings.TrimSpace(comment)
	if utf8.RuneCountInString(comment) > 1000 {
		f.Add("comment", "评价内容不得超过1000字")
	}
	return comment, f.Validation()
}

// Red flags the supervision anchors monitor (公开在每个项目并汇总统计).
const (
	RedFlagShortBidWindow     = "short_bid_window"     // bid window shorter than the statute of the procedure
	RedFlagSingleQualified    = "single_qualified_bid" // only one qualified bidder
	RedFlagDominantWinner     = "dominant_winner"      // one organization wins most tenders of a community
	RedFlagAwardDiffers       = "award_differs"        // award other than the evaluation's recommendation
	RedFlagObjectionUpheld    = "objection_upheld"     // an objection was upheld
	RedFlagPanelNotDrawn      = "panel_not_drawn"      // evaluators named by the bureau, not drawn (不随机抽取, §8.4)
	dominantMinTenders        = 3
	dominantSharePctExclusive = 50
)

// RedFlagFacts are the facts about one tender the red flags are computed from.
type RedFlagFacts struct {
	BidWindow           *time.Duration // bid_deadline − published_at, nil when not published
	BelowStatute        bool           // the window is shorter than the procedure's statute (Procedure.BelowStatute)
	OpenedBids          bool           // the tender has been opened
	Undecided           int            // opened bids not yet qualified or disqualified
	Qualified           int
	AwardDiffers        bool
	ObjectionUpheld     bool
	PanelNamed          bool // some evaluator was named rather than drawn
	CommunityTenders    int  // awarded tenders in the tender's community
	WinnerCommunityWins int  // of those, won by this tender's (first) winner
}

// RedFlags turns facts into the list of public red flags, in a fixed order.
func RedFlags(f RedFlagFacts, rule time.Duration) []string {
	out := []string{}
	if (f.BidWindow != nil && *f.BidWindow < rule) || f.BelowStatute {
		out = append(out, RedFlagShortBidWindow)
	}
	if f.OpenedBids && f.Undecided == 0 && f.Qualified == 1 {
		out = append(out, RedFlagSingleQualified)
	}
	if f.CommunityTenders >= dominantMinTenders && f.WinnerCommunityWins*100 > f.CommunityTenders*dominantSharePctExclusive {
		out = append(out, RedFlagDominantWinner)
	}
	if f.AwardDiffers {
		out = append(out, RedFlagAwardDiffers)
	}
	if f.ObjectionUpheld {
		out = append(out, RedFlagObjectionUpheld)
	}
	if f.PanelNamed {
		out = append(out, RedFlagPanelNotDrawn)
	}
	return out
}
