package tender

import (
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"
)

// AwardStatus is where an award stands.
type AwardStatus string

// Award statuses.
const (
	AwardActive    AwardStatus = "active"    // in publicity or in force
	AwardRevoked   AwardStatus = "revoked"   // an objection was upheld
	AwardCompleted AwardStatus = "completed" // publicity ended with no pending objection
)

// AwardStatuses lists every award status.
func AwardStatuses() []AwardStatus { return []AwardStatus{AwardActive, AwardRevoked, AwardCompleted} }

// Award is one bid chosen by the bureau: the purchase's single supplier or one
// funded venture proposal.
type Award struct {
	ID              string      `json:"id" db:"id"`
	TenderID        string      `json:"tender_id" db:"tender_id"`
	LotID           string      `json:"lot_id" db:"lot_id"` // "" without lots
	BidID           string      `json:"bid_id" db:"bid_id"`
	OrgID           string      `json:"org_id" db:"org_id"`
	OrgName         string      `json:"org_name,omitempty" db:"org_name"`
	AmountFen       int64       `json:"amount_fen" db:"amount_fen"`
	Status          AwardStatus `json:"status" db:"status"`
	PublicityEndsAt time.Time   `json:"publicity_ends_at" db:"publicity_ends_at"`
	Reason          string      `json:"reason,omitempty" db:"reason"` // why the recommendation was not followed
	CreatedAt       time.Time   `json:"created_at" db:"created_at"`
	UpdatedAt       time.Time   `json:"updated_at" db:"updated_at"`
}

// awardTransitions is the award lifecycle: per verb, the statuses it may
// start from and where it leads.
var awardTransitions = map[string]map[AwardStatus]AwardStatus{
	"revoke":   {AwardActive: AwardRevoked},
	"complete": {AwardActive: AwardCompleted},
}

var awardVerbLabel = map[string]string{"revoke": "撤销成交", "complete": "办结"}

func (a *Award) move(verb string) error {
	to, ok := awardTransitions[verb][a.Status]
	if !ok {
		return InvalidState("award", string(a.Status), awardVerbLabel[verb])
	}
	a.Status = to
	return nil
}

// Revoke ends an active award after an objection against it is upheld.
func (a *Award) Revoke() error { return a.move("revoke") }

// Complete confirms an active award when its tender completes.
func (a *Award) Complete() error { return a.move("complete") }

// ValidateAward checks the bureau's award decision on t at now: t is
// evaluating; bid_ids is not empty, has no repeats and names only qualified
// bids of t (qualified maps bid id to bid); purchase awards exactly one bid;
// venture awards at most max_awards bids whose prices sum to at most
// budget_fen; publicity_ends_at is at least now + cfg.MinPublicity; a reason
// is given when the chosen set differs from the recommended one. All field
// problems are listed together in one validation_failed error.
func ValidateAward(t Tender, bidIDs []string, recommended []string, publicityEndsAt, now time.Time,
	cfg Config, reason string, qualified map[string]Bid) error {
	if t.Status != StatusEvaluating {
		return InvalidState("tender", string(t.Status), tenderVerbLabel[verbAward])
	}
	var f Fields
	if len(bidIDs) == 0 {
		f.Add("bid_ids", "请选择成交的投标")
	}
	seen := map[string]bool{}
	var sum int64
	for i, id := range bidIDs {
		path := fmt.Sprintf("bid_ids[%d]", i)
		if seen[id] {
			f.Add(path, "同一投标不能重复选择")
			continue
		}
		seen[id] = true
		b, ok := qualified[id]
		if !ok || b.Status != BidQualified || b.TenderID != t.ID {
			f.Add(path, "该投标不是本项目资格审查合格的投标")
			continue
		}
		sum += b.PriceFen
	}
	switch t.Kind {
	case KindPurchase:
		if len(bidIDs) > 1 {
			f.Add("bid_ids", "政府购买服务项目只能确定一家承接组织")
		}
	case KindVenture:
		if len(bidIDs) > t.MaxAwards {
			f.Addf("bid_ids", "资助项目数不得超过%d个", t.MaxAwards)
		}
		if sum > t.BudgetFen {
			f.Addf("bid_ids", "资助金额合计%s元，超过资金池总额%s元", Hundredths(sum), Hundredths(t.BudgetFen))
		}
	}
	switch {
	case publicityEndsAt.IsZero():
		f.Add("publicity_ends_at", "请设置公示截止时间")
	case publicityEndsAt.Before(now.Add(cfg.MinPublicity)):
		if cfg.MinPublicity > 0 {
			f.Addf("publicity_ends_at", "公示期不得少于%s", durationText(cfg.MinPublicity))
		} else {
			f.Add("publicity_ends_at", "公示截止时间不得早于当前时间")
		}
	}
	if !singleSourceAwardProblems(&f, t, reason) && !sameSet(bidIDs, recommended) && strings.TrimSpace(reason) == "" {
		f.Add("reason", "未按评审推荐结果确定成交的，须说明理由")
	}
	return f.Err(CodeValidationFailed, "award.invalid", "成交结果有误，请检查标注的字段")
}

// sameSet reports whether a and b hold the same ids, ignoring order and repeats.
func sameSet(a, b []string) bool {
	x, y := slices.Clone(a), slices.Clone(b)
	slices.Sort(x)
	slices.Sort(y)
	return slices.Equal(slices.Compact(x), slices.Compact(y))
}

// ReadyToComplete reports whether an awarded tender should complete at now:
// its publicity has ended and no objection is pending.
func ReadyToComplete(t Tender, now, publicityEndsAt time.Time, pendingObjections int) bool {
	return t.Status == StatusAwarded && !now.Before(publicityEndsAt) && pendingObjections == 0
}

// ObjectionStatus is where an objection (质疑) stands.
type ObjectionStatus string

// Objection statuses.
const (
	ObjectionPending  ObjectionStatus = "pending"
	ObjectionUpheld   ObjectionStatus = "upheld"
	ObjectionRejected ObjectionStatus = "rejected"
	// ObjectionSuperseded closes an objection whose award another, upheld objection revoked.
	ObjectionSuperseded ObjectionStatus = "superseded"
)

// Objection is a bidding organization's challenge of an award during publicity.
type Objection struct {
	ID         string          `json:"id" db:"id"`
	TenderID   string          `json:"tender_id" db:"tender_id"`
	OrgID      string          `json:"org_id" db:"org_id"`
	OrgName    string          `json:"org_name" db:"org_name"`
	Text       string          `json:"text" db:"text"`
	Status     ObjectionStatus `json:"status" db:"status"`
	Response   string          `json:"response,omitempty" db:"response"`
	CreatedAt  time.Time       `json:"created_at" db:"created_at"`
	ResolvedAt *time.Time      `json:"resolved_at" db:"resolved_at"`
}

const (
	maxObjectionRunes   = 5000
	maxPerformanceRunes = 2000
)

// CanObject returns nil when an organization may object to the award of t at
// now: it submitted a bid (else forbidden), t is awarded (else invalid_state)
// and now is before publicityEndsAt (else deadline_passed).
func CanObject(t Tender, orgSubmitted bool, now time.Time, publicityEndsAt time.Time) error {
	if !orgSubmitted {
		return &Error{Code: CodeForbidden, Key: "objection.forbidden", Message: "只有参与投标的组织可以提出质疑"}
	}
	passed := &Error{Code: CodeDeadlinePassed, Key: "objection.deadline_passed", Message: "公示期已结束，不能再提出质疑"}
	switch t.Status {
	case StatusAwarded:
		if now.Before(publicityEndsAt) {
			return nil
		}
		return passed
	case StatusCompleted:
		return passed
	}
	return InvalidState("tender", string(t.Status), "质疑")
}

// ValidateObjectionText checks the text of an objection.
func ValidateObjectionText(text string) error {
	var f Fields
	switch n := utf8.RuneCountInString(strings.TrimSpace(text)); {
	case n == 0:
		f.Add("text", "请填写质疑事项和理由")
	case n > maxObjectionRunes:
		f.Addf("text", "质疑内容不得超过%d字", maxObjectionRunes)
	}
	return f.Validation()
}

// Resolve records the bureau's answer to a pending objection at now. An upheld
// objection is the caller's cue to revoke the awards (Award.Revoke) and return
// the tender to evaluating (Tender.RevokeAward) in the same transaction.
func (o *Objection) Resolve(upheld bool, response string, now time.Time) error {
	if o.Status != ObjectionPending {
		return InvalidState("objection", string(o.Status), "答复质疑")
	}
	response = strings.TrimSpace(response)
	if response == "" {
		var f Fields
		f.Add("response", "请填写质疑答复")
		return f.Validation()
	}
	o.Status = ObjectionRejected
	if upheld {
		o.Status = ObjectionUpheld
	}
	o.Response = response
	o.ResolvedAt = &now
	return nil
}

// ValidatePerformance checks a performance rating (履约评价) of award a of
// tender t: t is completed and a completed (else invalid_state), score is a
// whole number from 0 to 100 and the comment is not too long.
func ValidatePerformance(t Tender, a Award, score int, comment string) error {
	if t.Status != StatusCompleted {
		return InvalidState("tender", string(t.Status), "履约评价")
	}
	if a.Status != AwardCompleted {
		return InvalidState("award", string(a.Status), "履约评价")
	}
	var f Fields
	if score < 0 || score > 100 {
		f.Add("score", "履约评价分应为0到100之间的整数")
	}
	if utf8.RuneCountInString(comment) > maxPerformanceRunes {
		f.Addf("comment", "评价意见不得超过%d字", maxPerformanceRunes)
	}
	return f.Validation()
}

// Upheld is what an upheld objection undoes, decided by UpholdObjection and
// executed by storage in the resolving transaction: the award was wrong, so
// the evaluation is redone (《政府采购质疑和投诉办法》第十六条).
type Upheld struct {
	Tender             Status   // where the tender returns: evaluating
	RevokedAwards      []string // the awards revoked (each was active)
	UnlockSheets       bool     // every member's sheet reopens for review
	DropRecommendation bool     // the recommendation rested on the sheets being reviewed
	Superseded         []string // the tender's other pending objections, closed with SupersededResponse
}

// SupersededResponse answers an objection closed because another one revoked the award.
const SupersededResponse = "原成交结果已因其他质疑成立而撤销，本质疑随之终结"

// UpholdObjection decides the consequences of upholding objection o of
// tender t: t returns to evaluating (Tender.RevokeAward), its active awards
// are revoked (Award.Revoke), the sheets unlock, the recommendation goes and
// the other pending objections of t are superseded. It changes t, awards and
// objections as storage must save them.
func UpholdObjection(t *Tender, o Objection, awards []Award, objections []Objection) (Upheld, error) {
	if err := t.RevokeAward(); err != nil {
		return Upheld{}, err
	}
	out := Upheld{Tender: t.Status, RevokedAwards: []string{}, UnlockSheets: true, DropRecommendation: true,
		Superseded: []string{}}
	for i := range awards {
		if awards[i].TenderID != t.ID || awards[i].Status != AwardActive {
			continue
		}
		if err := awards[i].Revoke(); err != nil {
			return Upheld{}, err
		}
		out.RevokedAwards = append(out.RevokedAwards, awards[i].ID)
	}
	for i := range objections {
		if objections[i].ID == o.ID || objections[i].TenderID != t.ID || objections[i].Status != ObjectionPending {
			continue
		}
		objections[i].Status = ObjectionSuperseded
		objections[i].Response = SupersededResponse
		out.Superseded = append(out.Superseded, objections[i].ID)
	}
	return out, nil
}
