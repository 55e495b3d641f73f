package tender

import (
	"cmp"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"time"
	"unicode/utf8"
)

// ContractStatus is where a contract (合同) stands in its lifecycle (SPEC §7.5).
type ContractStatus string

// Contract statuses.
const (
	ContractDrafted    ContractStatus = "drafted"    // created from a completed award, not yet signed
	ContractActive     ContractStatus = "active"     // signed; the service is being delivered
	ContractSuspended  ContractStatus = "suspended"  // delivery halted by the bureau, with a reason
	ContractCompleted  ContractStatus = "completed"  // final evaluation passed, every milestone settled
	ContractTerminated ContractStatus = "terminated" // ended early by the bureau, with a reason
)

// ContractStatuses lists every contract status, in lifecycle order.
func ContractStatuses() []ContractStatus {
	return []ContractStatus{ContractDrafted, ContractActive, ContractSuspended, ContractCompleted, ContractTerminated}
}

// Valid reports whether s is a known contract status.
func (s ContractStatus) Valid() bool { return slices.Contains(ContractStatuses(), s) }

// Public reports whether the public may see a contract in status s: once signed.
func (s ContractStatus) Public() bool { return s != ContractDrafted && s.Valid() }

// ContractVerb is a business verb of the contract lifecycle.
type ContractVerb string

// Contract verbs.
const (
	ContractSign      ContractVerb = "sign"
	ContractSuspend   ContractVerb = "suspend"
	ContractReinstate ContractVerb = "reinstate"
	ContractTerminate ContractVerb = "terminate"
	ContractComplete  ContractVerb = "complete"
)

// contractVerbLabel is what a clerk reads in an invalid_state message.
var contractVerbLabel = map[ContractVerb]string{
	ContractSign:      "签订合同",
	ContractSuspend:   "暂停履约",
	ContractReinstate: "恢复履约",
	ContractTerminate: "终止合同",
	ContractComplete:  "履约完成",
}

// contractTransitions is the whole contract lifecycle: per verb, the statuses
// it may start from and where it leads. A drafted contract is not terminated:
// until it is signed nothing binds either side, and the award's own lifecycle
// (objections, revocation) governs it.
var contractTransitions = map[ContractVerb]map[ContractStatus]ContractStatus{
	ContractSign:      {ContractDrafted: ContractActive},
	ContractSuspend:   {ContractActive: ContractSuspended},
	ContractReinstate: {ContractSuspended: ContractActive},
	ContractTerminate: {ContractActive: ContractTerminated, ContractSuspended: ContractTerminated},
	ContractComplete:  {ContractActive: ContractCompleted},
}

// CanTransitionContract reports whether some verb leads from one contract status to another.
func CanTransitionContract(from, to ContractStatus) bool {
	for _, byFrom := range contractTransitions {
		if t, ok := byFrom[from]; ok && t == to {
			return true
		}
	}
	return false
}

// Terminal reports whether no verb leads out of s.
func (s ContractStatus) Terminal() bool {
	for _, byFrom := range contractTransitions {
		if _, ok := byFrom[s]; ok {
			return false
		}
	}
	return true
}

// maxReasonRunes bounds a suspension or termination reason.
const maxContractReasonRunes = 2000

// ContractReasonRequired reports whether verb v must carry a reason.
func ContractReasonRequired(v ContractVerb) bool {
	return v == ContractSuspend || v == ContractTerminate
}

// Contract is the agreement made from one completed award (SPEC §7.5).
type Contract struct {
	ID               string              `json:"id" db:"id"`
	AwardID          string              `json:"award_id" db:"award_id"`
	TenderID         string              `json:"tender_id" db:"tender_id"`
	TenderCode       string              `json:"tender_code" db:"tender_code"`
	TenderTitle      string              `json:"tender_title" db:"tender_title"`
	Kind             Kind                `json:"kind" db:"kind"`
	LotID            *string             `json:"lot_id" db:"lot_id"`
	OrgID            string              `json:"org_id" db:"org_id"`
	OrgName          string              `json:"org_name" db:"org_name"`
	AmountFen        int64               `json:"amount_fen" db:"amount_fen"`
	PeriodStart      string              `json:"period_start" db:"period_start"` // YYYY-MM-DD
	PeriodEnd        string              `json:"period_end" db:"period_end"`     // YYYY-MM-DD
	Status           ContractStatus      `json:"status" db:"status"`
	StatusReason     string              `json:"status_reason,omitempty" db:"status_reason"`
	AwardedAt        time.Time           `json:"awarded_at" db:"awarded_at"` // the award notice (中标、成交通知书)
	SignedOn         *string             `json:"signed_on" db:"signed_on"`   // date on the signed contract
	SignedAt         *time.Time          `json:"signed_at" db:"signed_at"`   // when the bureau recorded (published) it
	DocumentID       *string             `json:"document_id" db:"document_id"`
	Milestones       []Milestone         `json:"milestones" db:"-"`
	Criteria         []ContractCriterion `json:"criteria" db:"-"`
	Payments         []Payment           `json:"payments" db:"-"`
	PaymentsFenTotal int64               `json:"payments_fen_total" db:"payments_fen_total"`
	RedFlags         []string            `json:"red_flags" db:"-"`
	NamedPanels      []NamedPanel        `json:"named_panels" db:"-"`                  // evaluation panels named, not drawn (red flag)
	DrawCommitment   string              `json:"draw_commitment" db:"draw_commitment"` // H(r) of the panel draws (§8.4)
	DrawSecret       string              `json:"draw_r,omitempty" db:"-"`              // r, once the contract has ended
	CreatedAt        time.Time           `json:"created_at" db:"created_at"`
	UpdatedAt        time.Time           `json:"updated_at" db:"updated_at"`
}

// NamedPanel is an evaluation panel (or part of one) the bureau named
// instead of drawing (SPEC §8.4): public with its reason, as red flag
// RedFlagPanelNotDrawn; who was named is public once the contract has ended,
// like the draws.
type NamedPanel struct {
	MilestoneID  string    `json:"milestone_id"`
	EvaluatorIDs []string  `json:"evaluator_ids,omitempty"`
	Reason       string    `json:"reason"`
	CreatedAt    time.Time `json:"created_at"`
}

// move applies verb v to c, checking the transition table and the reason rule.
func (c *Contract) move(v ContractVerb, reason string) error {
	to, ok := contractTransitions[v][c.Status]
	if !ok {
		return InvalidState("contract", string(c.Status), contractVerbLabel[v])
	}
	reason = strings.TrimSpace(reason)
	if ContractReasonRequired(v) {
		var f Fields
		switch n := utf8.RuneCountInString(reason); {
		case n == 0:
			f.Addf("reason", "%s须说明理由", contractVerbLabel[v])
		case n > maxContractReasonRunes:
			f.Addf("reason", "理由不得超过%d字", maxContractReasonRunes)
		}
		if err := f.Validation(); err != nil {
			return err
		}
	}
	c.Status = to
	c.StatusReason = reason
	return nil
}

// Sign makes a drafted contract active: documentID names the uploaded signed
// contract, signedOn (YYYY-MM-DD, Asia/Shanghai) is the date on it, which may
// not lie after now nor before the award notice.
func (c *Contract) Sign(documentID, signedOn string, now time.Time) error {
	if _, ok := contractTransitions[ContractSign][c.Status]; !ok {
		return InvalidState("contract", string(c.Status), contractVerbLabel[ContractSign])
	}
	var f Fields
	if strings.TrimSpace(documentID) == "" {
		f.Add("document_id", "请先上传已签订的合同文本")
	}
	d, err := time.ParseInLocation(DateLayout, signedOn, Shanghai)
	switch {
	case err != nil:
		f.Addf("signed_on", "签订日期 %q 无效，格式应为 YYYY-MM-DD", signedOn)
	case d.After(now.In(Shanghai)):
		f.Add("signed_on", "签订日期不能晚于今天")
	case signedOn < c.AwardedAt.In(Shanghai).Format(DateLayout):
		f.Add("signed_on", "签订日期不能早于成交通知发出之日")
	}
	if err := f.Validation(); err != nil {
		return err
	}
	if err := c.move(ContractSign, ""); err != nil {
		return err
	}
	c.DocumentID, c.SignedOn, c.SignedAt = &documentID, &signedOn, &now
	return nil
}

// Suspend halts an active contract with a reason.
func (c *Contract) Suspend(reason string) error { return c.move(ContractSuspend, reason) }

// Reinstate resumes a suspended contract.
func (c *Contract) Reinstate() error { return c.move(ContractReinstate, "") }

// Terminate ends an active or suspended contract early with a reason.
func (c *Contract) Terminate(reason string) error { return c.move(ContractTerminate, reason) }

// Complete ends an active contract when ReadyToCompleteContract holds.
func (c *Contract) Complete() error { return c.move(ContractComplete, "") }

// DateLayout is how calendar dates are written: "2027-02-07".
const DateLayout = "2006-01-02"

// Shanghai is the bureau's time zone: dates of the contract lifecycle are its
// calendar dates. Fixed at UTC+8 (China has no daylight saving time), so the
// domain needs no tz database.
var Shanghai = time.FixedZone("Asia/Shanghai", 8*3600)

// ReportKind is what a milestone's report is: a progress report, or the
// mid-term or final report an evaluation panel scores.
type ReportKind string

// Report kinds.
const (
	ReportProgress ReportKind = "progress"
	ReportMidTerm  ReportKind = "mid_term"
	ReportFinal    ReportKind = "final"
)

// Valid reports whether k is a known report kind.
func (k ReportKind) Valid() bool {
	return k == ReportProgress || k == ReportMidTerm || k == ReportFinal
}

// Evaluated reports whether a panel evaluates reports of kind k.
func (k ReportKind) Evaluated() bool { return k == ReportMidTerm || k == ReportFinal }

// MilestoneStatus is where a milestone stands.
type MilestoneStatus string

// Milestone statuses.
const (
	MilestonePending   MilestoneStatus = "pending"   // no report yet
	MilestoneSubmitted MilestoneStatus = "submitted" // report awaiting the bureau
	MilestoneReturned  MilestoneStatus = "returned"  // report sent back with a reason; may be resubmitted
	MilestoneAccepted  MilestoneStatus = "accepted"  // report accepted; may be paid
	MilestonePaid      MilestoneStatus = "paid"      // its whole share paid
	MilestoneWithheld  MilestoneStatus = "withheld"  // final payment withheld after a failing final evaluation
)

// MilestoneStatuses lists every milestone status.
func MilestoneStatuses() []MilestoneStatus {
	return []MilestoneStatus{MilestonePending, MilestoneSubmitted, MilestoneReturned, MilestoneAccepted, MilestonePaid, MilestoneWithheld}
}

// Valid reports whether s is a known milestone status.
func (s MilestoneStatus) Valid() bool { return slices.Contains(MilestoneStatuses(), s) }

// Settled reports whether nothing is left to do for a milestone in status s.
func (s MilestoneStatus) Settled() bool { return s == MilestonePaid || s == MilestoneWithheld }

// MilestoneVerb is a business verb of the milestone lifecycle.
type MilestoneVerb string

// Milestone verbs.
const (
	MilestoneSubmit   MilestoneVerb = "submit_report"
	MilestoneAccept   MilestoneVerb = "accept_report"
	MilestoneReturn   MilestoneVerb = "return_report"
	MilestonePay      MilestoneVerb = "pay_in_full"
	MilestoneWithhold MilestoneVerb = "withhold"
)

var milestoneVerbLabel = map[MilestoneVerb]string{
	MilestoneSubmit:   "提交报告",
	MilestoneAccept:   "验收报告",
	MilestoneReturn:   "退回报告",
	MilestonePay:      "付清款项",
	MilestoneWithhold: "暂扣尾款",
}

// milestoneTransitions is the milestone lifecycle.
var milestoneTransitions = map[MilestoneVerb]map[MilestoneStatus]MilestoneStatus{
	MilestoneSubmit:   {MilestonePending: MilestoneSubmitted, MilestoneReturned: MilestoneSubmitted},
	MilestoneAccept:   {MilestoneSubmitted: MilestoneAccepted},
	MilestoneReturn:   {MilestoneSubmitted: MilestoneReturned},
	MilestonePay:      {MilestoneAccepted: MilestonePaid},
	MilestoneWithhold: {MilestoneAccepted: MilestoneWithheld},
}

// CanTransitionMilestone reports whether some verb leads from one milestone status to another.
func CanTransitionMilestone(from, to MilestoneStatus) bool {
	for _, byFrom := range milestoneTransitions {
		if t, ok := byFrom[from]; ok && t == to {
			return true
		}
	}
	return false
}

// Milestone is one stage of delivery with its share of the payment.
type Milestone struct {
	ID         string          `json:"id" db:"id"`
	ContractID string          `json:"contract_id" db:"contract_id"`
	Seq        int             `json:"seq" db:"seq"`
	Title      string          `json:"title" db:"title"`
	DueDate    string          `json:"due_date" db:"due_date"` // YYYY-MM-DD
	PaymentPct int             `json:"payment_pct" db:"payment_pct"`
	Report     ReportKind      `json:"report" db:"report"`
	Status     MilestoneStatus `json:"status" db:"status"`
	Reason     string          `json:"reason,omitempty" db:"reason"` // why the report was returned
	ShareFen   int64           `json:"share_fen" db:"-"`
	PaidFen    int64           `json:"paid_fen" db:"-"`
	Overdue    bool            `json:"overdue" db:"overdue"`
}

// Move applies verb v to m; a return needs a reason.
func (m *Milestone) Move(v MilestoneVerb, reason string) error {
	to, ok := milestoneTransitions[v][m.Status]
	if !ok {
		return InvalidState("milestone", string(m.Status), milestoneVerbLabel[v])
	}
	reason = strings.TrimSpace(reason)
	if v == MilestoneReturn {
		var f Fields
		switch n := utf8.RuneCountInString(reason); {
		case n == 0:
			f.Add("reason", "退回报告须说明理由")
		case n > maxContractReasonRunes:
			f.Addf("reason", "理由不得超过%d字", maxContractReasonRunes)
		}
		if err := f.Validation(); err != nil {
			return err
		}
	}
	m.Status, m.Reason = to, reason
	return nil
}

// MilestoneOverdue reports whether m's report is late at now: its due date
// (Asia/Shanghai) has passed and no report is in (pending, or returned and not
// resubmitted).
func MilestoneOverdue(m Milestone, now time.Time) bool {
	if m.Status != MilestonePending && m.Status != MilestoneReturned {
		return false
	}
	return now.In(Shanghai).Format(DateLayout) > m.DueDate
}

// MilestoneInput is a milestone as PUT /contracts/{id}/milestones gives it.
type MilestoneInput struct {
	Title      string     `json:"title"`
	DueDate    string     `json:"due_date"`
	PaymentPct int        `json:"payment_pct"`
	Report     ReportKind `json:"report"`
}

// defaultSchedule is the SPEC's default payment split per tender kind:
// signing, mid-term, final.
var defaultSchedule = map[Kind][3]int{
	KindPurchase: {40, 30, 30},
	KindVenture:  {50, 30, 20},
}

// DefaultMilestones returns the default schedule of a contract of kind k over
// [start, end] (YYYY-MM-DD): 签约 due at the start (a progress report: the
// implementation plan), 中期 at the middle day of the period, 结项 at its end;
// purchase 40/30/30, venture 50/30/20.
func DefaultMilestones(k Kind, start, end string) []MilestoneInput {
	pct, ok := defaultSchedule[k]
	if !ok {
		pct = defaultSchedule[KindPurchase]
	}
	mid := end
	s, err1 := time.Parse(DateLayout, start)
	e, err2 := time.Parse(DateLayout, end)
	if err1 == nil && err2 == nil && !e.Before(s) {
		days := int(e.Sub(s).Hours() / 24)
		mid = s.AddDate(0, 0, days/2).Format(DateLayout)
	}
	return []MilestoneInput{
		{Title: "签约及实施方案", DueDate: start, PaymentPct: pct[0], Report: ReportProgress},
		{Title: "中期评估", DueDate: mid, PaymentPct: pct[1], Report: ReportMidTerm},
		{Title: "结项评估", DueDate: end, PaymentPct: pct[2], Report: ReportFinal},
	}
}

const (
	maxMilestones          = 12
	maxMilestoneTitleRunes = 200
)

// ValidateMilestones checks a milestone schedule for a contract over [start,
// end]: 1–12 milestones, each with a title, a real due date within the period
// and a report kind; payment_pct each 0–100 and summing to exactly 100
// (field "milestones"); at most one mid_term and exactly one final milestone,
// the final one due last. All problems are listed in one validation_failed.
func ValidateMilestones(ms []MilestoneInput, start, end string) error {
	var f Fields
	if len(ms) == 0 || len(ms) > maxMilestones {
		f.Addf("milestones", "合同须有1到%d个履约节点", maxMilestones)
	}
	sum, mid, final := 0, 0, 0
	lastDue, finalDue := "", ""
	for i, m := range ms {
		p := fmt.Sprintf("milestones[%d]", i)
		switch n := utf8.RuneCountInString(strings.TrimSpace(m.Title)); {
		case n == 0:
			f.Add(p+".title", "请填写节点名称")
		case n > maxMilestoneTitleRunes || !contractPrintable(m.Title):
			f.Addf(p+".title", "节点名称不得超过%d字，且不能含控制字符", maxMilestoneTitleRunes)
		}
		d, err := time.Parse(DateLayout, m.DueDate)
		switch {
		case err != nil || d.Format(DateLayout) != m.DueDate:
			f.Addf(p+".due_date", "日期 %q 无效，格式应为 YYYY-MM-DD", m.DueDate)
		case m.DueDate < start || m.DueDate > end:
			f.Addf(p+".due_date", "节点日期须在服务期 %s 至 %s 之内", start, end)
		default:
			lastDue = max(lastDue, m.DueDate)
		}
		if m.PaymentPct < 0 || m.PaymentPct > 100 {
			f.Add(p+".payment_pct", "付款比例须在0到100之间")
		}
		sum += m.PaymentPct
		switch m.Report {
		case ReportMidTerm:
			mid++
		case ReportFinal:
			final++
			finalDue = m.DueDate
		case ReportProgress:
		default:
			f.Add(p+".report", "报告类型须为 progress、mid_term 或 final")
		}
	}
	if len(ms) > 0 && sum != 100 {
		f.Addf("milestones", "各节点付款比例合计须为100%%，现为%d%%", sum)
	}
	if mid > 1 {
		f.Add("milestones", "至多设一个中期评估节点")
	}
	if final != 1 {
		f.Add("milestones", "须设且只设一个结项评估节点")
	} else if finalDue != "" && finalDue < lastDue {
		f.Add("milestones", "结项评估节点须为最后一个节点")
	}
	return f.Err(CodeValidationFailed, "contract.milestones_invalid", "履约节点设置有误，请检查标注的字段")
}

// MilestoneShares splits amountFen among milestones by their payment_pct so
// the shares are whole fen and sum to exactly amountFen: share i is
// floor(amount × cumulative pct through i ÷ 100) − floor(amount × cumulative
// pct before i ÷ 100), so no fen is lost to rounding and none is created.
func MilestoneShares(amountFen int64, pcts []int) []int64 {
	out := make([]int64, len(pcts))
	cum := int64(0)
	prev := int64(0)
	for i, p := range pcts {
		cum += int64(p)
		upTo := mulDivFloor(amountFen, cum, 100)
		out[i] = upTo - prev
		prev = upTo
	}
	return out
}

// mulDivFloor returns floor(a × b ÷ c) for a, b ≥ 0 and c > 0 without overflow
// for a contract amount (≤ 2^63/100 fen).
func mulDivFloor(a, b, c int64) int64 { return a/c*b + a%c*b/c }

// PaymentCheck is what ValidatePayment needs to know about a contract and the
// milestone a payment is for.
type PaymentCheck struct {
	Contract        ContractStatus
	AmountFen       int64 // the contract amount
	PaidTotalFen    int64 // paid so far on the whole contract
	Milestone       Milestone
	ShareFen        int64 // the milestone's share (MilestoneShares)
	PaidMilestone   int64 // paid so far on this milestone
	FinalPassed     bool  // a final milestone's evaluation has passed
	AmountFenToPay  int64
	PaidOn          string // YYYY-MM-DD
	DocumentPresent bool   // the voucher document exists on this contract
}

// ValidatePayment applies SPEC §7.5's payment rules: the contract is active
// (never terminated, drafted, suspended or completed: 409 invalid_state); the
// milestone's report is accepted (409 invalid_state), and for the final
// milestone its evaluation has passed (409 invalid_state, field
// "evaluation": a failing final withholds the final payment); the amount is
// positive, at most what is left of the milestone's share and never takes
// the contract above its amount (422 validation_failed naming amount_fen);
// paid_at is a date and a voucher document is given.
func ValidatePayment(p PaymentCheck) error {
	if p.Contract != ContractActive {
		return InvalidState("contract", string(p.Contract), "支付")
	}
	if p.Milestone.Status != MilestoneAccepted {
		return InvalidState("milestone", string(p.Milestone.Status), "支付")
	}
	if p.Milestone.Report == ReportFinal && !p.FinalPassed {
		return &Error{Code: CodeInvalidState, Key: "payment.final_not_passed",
			Message: "结项评估尚未合格，尾款不能支付", Fields: []FieldError{{Field: "evaluation", Message: "结项评估未合格"}}}
	}
	var f Fields
	left := p.ShareFen - p.PaidMilestone
	switch {
	case p.AmountFenToPay <= 0:
		f.Add("amount_fen", "支付金额须大于0")
	case p.PaidTotalFen+p.AmountFenToPay > p.AmountFen:
		f.Addf("amount_fen", "累计支付不得超过合同金额%s元", Hundredths(p.AmountFen))
	case p.AmountFenToPay > left:
		f.Addf("amount_fen", "本节点最多还可支付%s元（合同金额的%d%%）", Hundredths(left), p.Milestone.PaymentPct)
	}
	if d, err := time.Parse(DateLayout, p.PaidOn); err != nil || d.Format(DateLayout) != p.PaidOn {
		f.Addf("paid_at", "支付日期 %q 无效，格式应为 YYYY-MM-DD", p.PaidOn)
	}
	if !p.DocumentPresent {
		f.Add("document_id", "请上传本合同的付款凭证")
	}
	return f.Err(CodeValidationFailed, "payment.invalid", "付款信息有误，请检查标注的字段")
}

// Payment is money paid to the contractor for a milestone.
type Payment struct {
	ID          string    `json:"id" db:"id"`
	ContractID  string    `json:"contract_id" db:"contract_id"`
	MilestoneID string    `json:"milestone_id" db:"milestone_id"`
	AmountFen   int64     `json:"amount_fen" db:"amount_fen"`
	PaidAt      string    `json:"paid_at" db:"paid_at"` // YYYY-MM-DD
	DocumentID  string    `json:"document_id" db:"document_id"`
	CreatedAt   time.Time `json:"created_at" db:"created_at"`
}

// ContractCriterion is one line of the contract's evaluation sheet.
type ContractCriterion struct {
	ID       string `json:"id" db:"id"`
	Name     string `json:"name" db:"name"`
	MaxScore int64  `json:"max_score" db:"max_score"`
}

// DefaultContractCriteria are SPEC §7.6's default evaluation criteria.
func DefaultContractCriteria() []ContractCriterion {
	return []ContractCriterion{
		{Name: "服务成效", MaxScore: 40},
		{Name: "项目管理", MaxScore: 20},
		{Name: "资金使用", MaxScore: 20},
		{Name: "居民满意度", MaxScore: 20},
	}
}

// ValidateContractCriteria checks an evaluation sheet: 1–10 named criteria
// with positive maxima summing to 100.
func ValidateContractCriteria(cs []ContractCriterion) error {
	var f Fields
	if len(cs) == 0 || len(cs) > 10 {
		f.Add("criteria", "评估指标须有1到10项")
	}
	var sum int64
	for i, c := range cs {
		p := fmt.Sprintf("criteria[%d]", i)
		if n := utf8.RuneCountInString(strings.TrimSpace(c.Name)); n == 0 || n > 100 || !contractPrintable(c.Name) {
			f.Add(p+".name", "请填写指标名称（不超过100字）")
		}
		if c.MaxScore <= 0 {
			f.Add(p+".max_score", "分值须大于0")
		}
		sum += c.MaxScore
	}
	if len(cs) > 0 && sum != 100 {
		f.Addf("criteria", "评估指标分值合计须为100，现为%d", sum)
	}
	return f.Validation()
}

// ValidateSchedule checks a drafted contract's terms as PUT
// /contracts/{id}/milestones gives them: the milestones (ValidateMilestones)
// and, when criteria is not nil, the evaluation criteria
// (ValidateContractCriteria), every problem of both in one validation_failed.
func ValidateSchedule(ms []MilestoneInput, criteria []ContractCriterion, start, end string) error {
	errM := ValidateMilestones(ms, start, end)
	var errC error
	if criteria != nil {
		errC = ValidateContractCriteria(criteria)
	}
	var m, c *Error
	if !errors.As(errM, &m) || !errors.As(errC, &c) {
		return cmp.Or(errM, errC)
	}
	both := *m
	both.Fields = append(slices.Clone(m.Fields), c.Fields...)
	return &both
}

// Grade is the band of a contract evaluation's total.
type Grade string

// Grades (SPEC §7.6).
const (
	GradeExcellent Grade = "excellent" // 优秀 ≥ 90
	GradeGood      Grade = "good"      // 良好 ≥ 80
	GradePass      Grade = "pass"      // 合格 ≥ 60
	GradeFail      Grade = "fail"      // 不合格 < 60
)

// GradeLabel is each grade's 中文 name.
var GradeLabel = map[Grade]string{GradeExcellent: "优秀", GradeGood: "良好", GradePass: "合格", GradeFail: "不合格"}

// GradeOf returns the band of total: 优秀 ≥ 90, 良好 ≥ 80, 合格 ≥ 60, else 不合格.
func GradeOf(total Hundredths) Grade {
	switch {
	case total >= Points(90):
		return GradeExcellent
	case total >= Points(80):
		return GradeGood
	case total >= Points(60):
		return GradePass
	}
	return GradeFail
}

// Passed reports whether g passes (合格 or better).
func (g Grade) Passed() bool { return g == GradeExcellent || g == GradeGood || g == GradePass }

// ContractEvaluationResult is a contract evaluation's outcome.
type ContractEvaluationResult struct {
	Criteria []CriterionResult `json:"criteria"`
	Total    Hundredths        `json:"total"`
	Grade    Grade             `json:"grade"`
}

// EvaluateContract scores a report on the contract's criteria from the
// panel's submitted sheets (criterion id → score): per criterion the mean of
// the panel's scores rounded half-up to two decimals (CriterionMean, no
// trimming), summed; the grade is GradeOf the sum.
func EvaluateContract(criteria []ContractCriterion, sheets []map[string]Hundredths) ContractEvaluationResult {
	res := ContractEvaluationResult{Criteria: []CriterionResult{}}
	for _, c := range criteria {
		var scores []Hundredths
		for _, sh := range sheets {
			if s, ok := sh[c.ID]; ok {
				scores = append(scores, s)
			}
		}
		m := CriterionMean(scores, false)
		res.Criteria = append(res.Criteria, CriterionResult{CriterionID: c.ID, Score: m})
		res.Total += m
	}
	res.Grade = GradeOf(res.Total)
	return res
}

// rectificationDays is how long an organization has to rectify (整改) after a
// failing mid-term evaluation.
const rectificationDays = 30

// RectificationDue returns the date (YYYY-MM-DD) by which a failing mid-term
// must be rectified: the evaluation's date in Asia/Shanghai plus 30 days.
func RectificationDue(evaluatedAt time.Time) string {
	return evaluatedAt.In(Shanghai).AddDate(0, 0, rectificationDays).Format(DateLayout)
}

// ReadyToCompleteContract reports whether an active contract completes on
// its own at now: its period has ended (now's date in Asia/Shanghai is after
// period_end), its final evaluation passed, and every milestone is settled.
func ReadyToCompleteContract(c Contract, finalPassed bool, now time.Time) bool {
	if c.Status != ContractActive || !finalPassed || len(c.Milestones) == 0 {
		return false
	}
	if now.In(Shanghai).Format(DateLayout) <= c.PeriodEnd {
		return false
	}
	for _, m := range c.Milestones {
		if !m.Status.Settled() {
			return false
		}
	}
	return true
}

// Red flags of a contract (SPEC §7.5).
const (
	// RedFlagContractSignedLate: not signed within 30 days of the award notice
	// (政府采购法 第四十六条).
	RedFlagContractSignedLate = "contract_signed_late"
	// RedFlagContractPublishedLate: not published within 2 working days of
	// signing (政府采购法实施条例 第五十条).
	RedFlagContractPublishedLate = "contract_published_late"
	// RedFlagContractPanelNotDrawn counts, in the public statistics, the
	// contracts whose milestone evaluators were named instead of drawn
	// (RedFlagPanelNotDrawn on the contract's own page; kept apart from the
	// tenders' count).
	RedFlagContractPanelNotDrawn = "contract_panel_not_drawn"
)

const (
	signWithinDays        = 30
	publishWithinWorkdays = 2
)

// ContractRedFlags returns the contract's red flags at now. Signing is late
// when the contract was signed on a date more than 30 days after the award
// notice's date, or is still unsigned at a date past that (all dates in
// Asia/Shanghai). Publishing is late when the bureau recorded the signed
// contract (signedAt) after the end of the second working day, by cal, after
// the date on the contract (signedOn).
func ContractRedFlags(awardedAt time.Time, signedOn *string, signedAt *time.Time, now time.Time, cal Calendar) []string {
	out := []string{}
	limit := awardedAt.In(Shanghai).AddDate(0, 0, signWithinDays).Format(DateLayout)
	signed := now.In(Shanghai).Format(DateLayout)
	if signedOn != nil {
		signed = *signedOn
	}
	if signed > limit {
		out = append(out, RedFlagContractSignedLate)
	}
	if signedOn != nil && signedAt != nil {
		if d, err := time.ParseInLocation(DateLayout, *signedOn, Shanghai); err == nil {
			if signedAt.After(cal.AddWorkdays(d, publishWithinWorkdays, Shanghai)) {
				out = append(out, RedFlagContractPublishedLate)
			}
		}
	}
	return out
}

// ServiceRecord is what a report says about the service delivered: who
// benefited, what was done, which volunteers helped (by a hash the client
// computes from the registration number, so no person is published) and how
// many social workers took part.
type ServiceRecord struct {
	PeriodStart   string      `json:"period_start"`
	PeriodEnd     string      `json:"period_end"`
	Beneficiaries int         `json:"beneficiaries"`
	Activities    int         `json:"activities"`
	Volunteers    []Volunteer `json:"volunteers"`
	SocialWorkers int         `json:"social_workers"`
}

// Volunteer is one volunteer's hours in a service record.
type Volunteer struct {
	IDHash string     `json:"id_hash"`
	Hours  Hundredths `json:"hours"`
}

// VolunteerHours sums the record's volunteer hours.
func (r ServiceRecord) VolunteerHours() Hundredths {
	var h Hundredths
	for _, v := range r.Volunteers {
		h += v.Hours
	}
	return h
}

var idHashRe = regexp.MustCompile(`^[0-9a-f]{64}$`)

const (
	maxVolunteers     = 5000
	maxVolunteerHours = 24 * 366
	maxReportRunes    = 20000
	maxCount          = 10000000
)

// ValidateReport checks a milestone report: text of 1–20000 characters and a
// service record whose period is real dates with start ≤ end, counts 0–10⁷,
// and volunteers each a distinct lowercase hex SHA-256 (64 digits, never the
// registration number itself) with 0 < hours ≤ 8784.
func ValidateReport(text string, r ServiceRecord) error {
	var f Fields
	if n := utf8.RuneCountInString(strings.TrimSpace(text)); n == 0 || n > maxReportRunes {
		f.Addf("text", "请填写报告正文（不超过%d字）", maxReportRunes)
	}
	s, err1 := time.Parse(DateLayout, r.PeriodStart)
	e, err2 := time.Parse(DateLayout, r.PeriodEnd)
	if err1 != nil || s.Format(DateLayout) != r.PeriodStart {
		f.Add("service_record.period_start", "日期无效，格式应为 YYYY-MM-DD")
	}
	if err2 != nil || e.Format(DateLayout) != r.PeriodEnd {
		f.Add("service_record.period_end", "日期无效，格式应为 YYYY-MM-DD")
	} else if err1 == nil && e.Before(s) {
		f.Add("service_record.period_end", "结束日期不能早于开始日期")
	}
	for name, v := range map[string]int{"beneficiaries": r.Beneficiaries, "activities": r.Activities, "social_workers": r.SocialWorkers} {
		if v < 0 || v > maxCount {
			f.Add("service_record."+name, "须为0到10000000之间的整数")
		}
	}
	if len(r.Volunteers) > maxVolunteers {
		f.Addf("service_record.volunteers", "志愿者记录不得超过%d条", maxVolunteers)
	}
	seen := map[string]bool{}
	for i, v := range r.Volunteers {
		p := fmt.Sprintf("service_record.volunteers[%d]", i)
		switch {
		case !idHashRe.MatchString(v.IDHash):
			f.Add(p+".id_hash", "须为志愿者注册号的 SHA-256 摘要（64位小写十六进制），不得上传注册号本身")
		case seen[v.IDHash]:
			f.Add(p+".id_hash", "同一志愿者重复登记")
		}
		seen[v.IDHash] = true
		if v.Hours <= 0 || v.Hours > Points(maxVolunteerHours) {
			f.Add(p+".hours", "服务时长须大于0且不超过8784小时")
		}
	}
	sortFieldErrors(f.list)
	return f.Err(CodeValidationFailed, "report.invalid", "履约报告有误，请检查标注的字段")
}

// sortFieldErrors orders field errors by field so map iteration never changes a response.
func sortFieldErrors(l []FieldError) {
	slices.SortStableFunc(l, func(a, b FieldError) int { return strings.Compare(a.Field, b.Field) })
}

// ContractEvaluationStatus is where one evaluation round of a milestone stands.
type ContractEvaluationStatus string

// Contract evaluation statuses.
const (
	EvaluationScoring  ContractEvaluationStatus = "scoring"  // panel drawn, sheets being filled
	EvaluationComplete ContractEvaluationStatus = "complete" // every active member submitted
)

// CanStartEvaluation decides whether a new evaluation round may begin for
// milestone m of a contract in status cs, given the previous rounds' grades
// (oldest first; an empty grade means a round still scoring): the contract is
// active, the milestone is mid_term or final with its report accepted (or
// later), no round is scoring, and either there is no round yet or — for a
// mid-term only — the last round failed and this is the second (整改后复评).
func CanStartEvaluation(cs ContractStatus, m Milestone, rounds []Grade) error {
	if cs != ContractActive {
		return InvalidState("contract", string(cs), "组织评估")
	}
	if !m.Report.Evaluated() {
		var f Fields
		f.Add("milestone_id", "只有中期和结项节点需要专家评估")
		return f.Validation()
	}
	if m.Status != MilestoneAccepted && m.Status != MilestonePaid {
		return InvalidState("milestone", string(m.Status), "组织评估")
	}
	if len(rounds) == 0 {
		return nil
	}
	last := rounds[len(rounds)-1]
	switch {
	case last == "":
		return Errorf(CodeConflict, "evaluation.in_progress", "本节点的评估正在进行")
	case m.Report == ReportMidTerm && len(rounds) == 1 && !last.Passed():
		return nil
	}
	return Errorf(CodeInvalidState, "evaluation.done", "本节点的评估已完成")
}

// contractPrintable reports whether s has no control or bidi-override
// characters (SPEC §8.5) and is valid UTF-8.
func contractPrintable(s string) bool {
	if !utf8.ValidString(s) {
		return false
	}
	for _, r := range s {
		if r < 0x20 || (r >= 0x202A && r <= 0x202E) || (r >= 0x2066 && r <= 0x2069) || r == 0x7F {
			return false
		}
	}
	return true
}
