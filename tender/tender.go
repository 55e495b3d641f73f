package tender

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// Kind is what a tender buys: one service, or a pool of venture grants.
type Kind string

// Kinds of tender.
const (
	KindPurchase Kind = "purchase" // 政府购买服务项目: one service from one organization
	KindVenture  Kind = "venture"  // 公益创投: several proposals funded from a pool
)

// FundingSource is where a tender's money comes from.
type FundingSource string

// Funding sources named by the policy.
const (
	FundingFiscal         FundingSource = "fiscal"
	FundingWelfareLottery FundingSource = "welfare_lottery"
	FundingCharity        FundingSource = "charity"
	FundingSocial         FundingSource = "social"
)

// Method is how bids are evaluated.
type Method string

// Evaluation methods.
const (
	MethodComprehensive Method = "comprehensive" // 综合评分法
	MethodLowestPrice   Method = "lowest_price"  // 最低评标价法
)

// CriterionKind tells an expert-scored criterion from the formula-scored price.
type CriterionKind string

// Criterion kinds.
const (
	CriterionQuality CriterionKind = "quality"
	CriterionPrice   CriterionKind = "price"
)

// Status is where a tender stands in its lifecycle.
type Status string

// Tender statuses.
const (
	StatusDraft      Status = "draft"
	StatusOpen       Status = "open"
	StatusEvaluating Status = "evaluating"
	StatusAwarded    Status = "awarded"
	StatusCompleted  Status = "completed"
	StatusCancelled  Status = "cancelled"
	StatusFailed     Status = "failed"
)

// Criterion is one line of the scoring table.
type Criterion struct {
	ID       string        `json:"id" db:"id"`
	Name     string        `json:"name" db:"name"`
	MaxScore int64         `json:"max_score" db:"max_score"`
	Kind     CriterionKind `json:"kind" db:"kind"`
}

// Eligibility restricts which organizations may bid.
type Eligibility struct {
	OrgTypes         []OrgType `json:"org_types" db:"org_types"` // empty: any type
	RegisteredOnly   bool      `json:"registered_only" db:"registered_only"`
	MinSocialWorkers int       `json:"min_social_workers" db:"min_social_workers"`
	// CommunityID limits bidders to organizations of this community (a
	// project-list item's local_orgs_first); nil admits the whole county.
	CommunityID *string `json:"community_id,omitempty" db:"community_id"`
}

// EvaluationConfig says how the bids of a tender are scored.
type EvaluationConfig struct {
	Method       Method      `json:"method" db:"method"`
	PanelSize    int         `json:"panel_size" db:"panel_size"`
	TrimExtremes bool        `json:"trim_extremes" db:"trim_extremes"`
	Criteria     []Criterion `json:"criteria" db:"criteria"`
}

// Tender is a purchase of a community service or a venture-philanthropy call.
type Tender struct {
	ID                     string        `json:"id" db:"id"`
	Code                   string        `json:"code" db:"code"` // e.g. LSMZ-2026-0007
	Kind                   Kind          `json:"kind" db:"kind"`
	Procedure              Procedure     `json:"procedure" db:"procedure"`
	SingleSourceOrgID      string        `json:"single_source_org_id" db:"single_source_org_id"` // single_source: the named organization
	Title                  string        `json:"title" db:"title"`
	Description            string        `json:"description" db:"description"`
	CatalogItemID          string        `json:"catalog_item_id" db:"catalog_item_id"`
	CommunityID            *string       `json:"community_id" db:"community_id"` // nil: county-wide
	Community              string        `json:"community" db:"community"`       // the community's name
	FundingSource          FundingSource `json:"funding_source" db:"funding_source"`
	BudgetFen              int64         `json:"budget_fen" db:"budget_fen"`       // ceiling price; the pool for venture
	MaxAwardFen            *int64        `json:"max_award_fen" db:"max_award_fen"` // venture: cap per proposal
	MaxAwards              int           `json:"max_awards" db:"max_awards"`
	MinBids                int           `json:"min_bids" db:"min_bids"`
	MinAwardScore          *Hundredths   `json:"min_award_score" db:"min_award_score"`
	ServiceStart           string        `json:"service_start" db:"service_start"` // YYYY-MM-DD
	ServiceEnd             string        `json:"service_end" db:"service_end"`     // YYYY-MM-DD
	Eligibility            Eligibility   `json:"eligibility" db:"eligibility"`
	CommunityPreferencePct int           `json:"community_preference_pct" db:"community_preference_pct"`
	// ProjectItemID is the project-list item the tender was created from.
	ProjectItemID   *string          `json:"project_item_id" db:"project_item_id"`
	Evaluation      EvaluationConfig `json:"evaluation" db:"evaluation"`
	Lots            []Lot            `json:"lots" db:"lots"` // 标包 (§7.4); none: one implicit lot
	EnquiryDeadline time.Time        `json:"enquiry_deadline" db:"enquiry_deadline"`
	BidDeadline     time.Time        `json:"bid_deadline" db:"bid_deadline"`
	Status          Status           `json:"status" db:"status"`
	CancelReason    string           `json:"cancel_reason,omitempty" db:"cancel_reason"`
	PublishedAt     *time.Time       `json:"published_at" db:"published_at"`
	OpenedAt        *time.Time       `json:"opened_at" db:"opened_at"`
	DrawCommitment  string           `json:"draw_commitment" db:"draw_commitment"` // H(r), from publication (§8.4)
	CreatedAt       time.Time        `json:"created_at" db:"created_at"`
	UpdatedAt       time.Time        `json:"updated_at" db:"updated_at"`
}

// Config holds the deployment's procedural limits (PORTAL_MIN_BID_WINDOW,
// PORTAL_PUBLIC_TENDER_FEN, PORTAL_MIN_PUBLICITY, PORTAL_STATUTORY_WINDOWS,
// PORTAL_CLAIM_MAX_FEN).
type Config struct {
	MinBidWindow     time.Duration // shortest time between publishing and bid_deadline, for every procedure
	PublicTenderFen  int64         // budget from which a panel needs at least 5 members
	MinPublicity     time.Duration // shortest publicity period after an award
	StatutoryWindows bool          // the procedures' statutory windows apply on top of MinBidWindow
	ClaimMaxFen      int64         // largest budget of a claim (服务认领) tender
}

// DefaultConfig returns the SPEC's defaults: a 120h bid window, public-tender
// panels from 100万元 (100000000 fen), 168h of publicity, statutory windows
// on, and claims up to 5万元 (5000000 fen).
func DefaultConfig() Config {
	return Config{MinBidWindow: 120 * time.Hour, PublicTenderFen: 100000000, MinPublicity: 168 * time.Hour,
		StatutoryWindows: true, ClaimMaxFen: 5000000}
}

// Statuses lists every tender status, in lifecycle order.
func Statuses() []Status {
	return []Status{StatusDraft, StatusOpen, StatusEvaluating, StatusAwarded, StatusCompleted, StatusCancelled, StatusFailed}
}

// Valid reports whether s is a known tender status.
func (s Status) Valid() bool { return slices.Contains(Statuses(), s) }

// Terminal reports whether no verb leads out of s.
func (s Status) Terminal() bool {
	for _, byFrom := range tenderTransitions {
		if len(byFrom[s]) > 0 {
			return false
		}
	}
	return true
}

// Valid reports whether k is a known kind.
func (k Kind) Valid() bool { return k == KindPurchase || k == KindVenture }

// Valid reports whether f is a known funding source.
func (f FundingSource) Valid() bool {
	switch f {
	case FundingFiscal, FundingWelfareLottery, FundingCharity, FundingSocial:
		return true
	}
	return false
}

// Valid reports whether m is a known evaluation method.
func (m Method) Valid() bool {
	switch m {
	case MethodComprehensive, MethodLowestPrice, MethodNegotiated, MethodClaim:
		return true
	}
	return false
}

// Valid reports whether k is a known criterion kind.
func (k CriterionKind) Valid() bool { return k == CriterionQuality || k == CriterionPrice }

// tenderVerb is a business verb of the tender lifecycle.
type tenderVerb string

const (
	verbPublish     tenderVerb = "publish"
	verbOpen        tenderVerb = "open"
	verbFail        tenderVerb = "fail"
	verbAward       tenderVerb = "award"
	verbRevokeAward tenderVerb = "revoke_award"
	verbComplete    tenderVerb = "complete"
	verbCancel      tenderVerb = "cancel"
)

// tenderVerbLabel is what a clerk reads in an invalid_state message.
var tenderVerbLabel = map[tenderVerb]string{
	verbPublish:     "发布",
	verbOpen:        "开标",
	verbFail:        "流标",
	verbAward:       "确定成交",
	verbRevokeAward: "撤销成交",
	verbComplete:    "办结",
	verbCancel:      "取消",
}

// tenderTransitions is the whole tender lifecycle: per verb, the statuses it
// may start from and the statuses it may lead to. Every status change goes
// through it; there is no generic SetStatus.
var tenderTransitions = map[tenderVerb]map[Status][]Status{
	verbPublish:     {StatusDraft: {StatusOpen}},
	verbOpen:        {StatusOpen: {StatusEvaluating, StatusFailed}},
	verbFail:        {StatusEvaluating: {StatusFailed}},
	verbAward:       {StatusEvaluating: {StatusAwarded}},
	verbRevokeAward: {StatusAwarded: {StatusEvaluating}},
	verbComplete:    {StatusAwarded: {StatusCompleted}},
	verbCancel: {
		StatusDraft:      {StatusCancelled},
		StatusOpen:       {StatusCancelled},
		StatusEvaluating: {StatusCancelled},
	},
}

// CanTransition reports whether some verb of the lifecycle leads from one
// status to another.
func CanTransition(from, to Status) bool {
	for _, byFrom := range tenderTransitions {
		if slices.Contains(byFrom[from], to) {
			return true
		}
	}
	return false
}

// allowed returns nil when verb may start from t's status, else invalid_state.
func (t *Tender) allowed(v tenderVerb) error {
	if len(tenderTransitions[v][t.Status]) == 0 {
		return InvalidState("tender", string(t.Status), tenderVerbLabel[v])
	}
	return nil
}

// move applies verb, leading to status to, through the transition table.
func (t *Tender) move(v tenderVerb, to Status) error {
	if !slices.Contains(tenderTransitions[v][t.Status], to) {
		return InvalidState("tender", string(t.Status), tenderVerbLabel[v])
	}
	t.Status = to
	return nil
}

// CanEdit returns nil when the tender may still be edited (only drafts may).
func (t *Tender) CanEdit() error {
	if t.Status != StatusDraft {
		return InvalidState("tender", string(t.Status), "编辑")
	}
	return nil
}

// Publish validates a draft against every publishing rule of the SPEC and of
// its procedure (§7.3), listing all problems together, and opens it for bids
// at now. cal counts working days for the procedures whose windows are in
// working days.
func (t *Tender) Publish(now time.Time, cfg Config, cal Calendar) error {
	if err := t.allowed(verbPublish); err != nil {
		return err
	}
	t.ResolveProcedure(cfg)
	var f Fields
	t.draftProblems(&f)
	t.publishProblems(&f, now, cfg, cal)
	if err := f.Err(CodeValidationFailed, "tender.publish.invalid", "项目不满足发布条件，请检查标注的字段"); err != nil {
		return err
	}
	if err := t.move(verbPublish, StatusOpen); err != nil {
		return err
	}
	t.PublishedAt = &now
	return nil
}

// Cancel ends a draft, open or evaluating tender; the reason is published.
func (t *Tender) Cancel(reason string) error {
	if err := t.allowed(verbCancel); err != nil {
		return err
	}
	reason = strings.TrimSpace(reason)
	if reason == "" {
		var f Fields
		f.Add("reason", "请填写取消理由")
		return f.Validation()
	}
	if err := t.move(verbCancel, StatusCancelled); err != nil {
		return err
	}
	for i := range t.Lots {
		if len(lotTransitions[verbCancel][t.Lots[i].Status]) > 0 {
			t.Lots[i].Status = LotCancelled
		}
	}
	t.CancelReason = reason
	return nil
}

// DueForOpening reports whether the tender is open and ArrivalGrace has
// passed since its bid deadline, so the timer should open it (unless
// NoticeHeld): every bid change that reached the portal before the deadline
// and waited less than ArrivalGrace has been decided by then.
func (t *Tender) DueForOpening(now time.Time) bool {
	return t.Status == StatusOpen && !now.Before(t.BidDeadline.Add(ArrivalGrace))
}

// NoticeHeld reports whether an open single-source tender must wait for the
// objections to its notice (公示) to be answered before it opens (SPEC §4).
func (t *Tender) NoticeHeld(pendingObjections int) bool {
	return t.Procedure == ProcedureSingleSource && t.Status == StatusOpen && pendingObjections > 0
}

// Open unseals the bids at or after the bid deadline. With fewer than
// min_bids submitted bids the tender fails (流标); otherwise it moves to
// evaluating. It returns the new status.
func (t *Tender) Open(now time.Time, submitted int) (Status, error) {
	if err := t.allowed(verbOpen); err != nil {
		return t.Status, err
	}
	if now.Before(t.BidDeadline) {
		// Opening early would unseal bids others may still change.
		return t.Status, &Error{Code: CodeInvalidState, Key: "tender.open.before_deadline",
			Message: "投标截止时间未到，不能开标"}
	}
	to := StatusEvaluating
	if submitted < t.MinBids {
		to = StatusFailed
	}
	if err := t.move(verbOpen, to); err != nil {
		return t.Status, err
	}
	t.OpenedAt = &now
	return to, nil
}

// FailAfterQualification fails an evaluating tender once every opened bid is
// qualified or disqualified and fewer than min_bids are qualified (财政部令第87号
// 第四十四条). It reports whether the tender failed; while some bids are still
// undecided nothing changes.
func (t *Tender) FailAfterQualification(qualified int, allDecided bool) (bool, error) {
	if err := t.allowed(verbFail); err != nil {
		return false, err
	}
	if !allDecided || qualified >= t.MinBids {
		return false, nil
	}
	if err := t.move(verbFail, StatusFailed); err != nil {
		return false, err
	}
	return true, nil
}

// Award moves an evaluating tender to awarded. The award itself is checked by
// ValidateAward.
func (t *Tender) Award() error { return t.move(verbAward, StatusAwarded) }

// RevokeAward returns an awarded tender to evaluating after an upheld objection.
func (t *Tender) RevokeAward() error { return t.move(verbRevokeAward, StatusEvaluating) }

// Complete closes an awarded tender once publicity has ended with no pending
// objection (see ReadyToComplete).
func (t *Tender) Complete() error { return t.move(verbComplete, StatusCompleted) }

// BidsSealed reports whether bids of the tender are still sealed: until the
// opening, only each bid's own organization may see its bid. A tender
// cancelled before its opening stays sealed for good.
func (t *Tender) BidsSealed() bool { return t.OpenedAt == nil }

// Public reports whether the public may see the tender (every status but draft).
func (t *Tender) Public() bool { return t.Status != StatusDraft && t.Status.Valid() }

// CanAsk returns nil when an organization may still ask a question: the
// tender is open and now is before enquiry_deadline.
func (t *Tender) CanAsk(now time.Time) error {
	if t.Status != StatusOpen {
		return InvalidState("tender", string(t.Status), "提问")
	}
	if !now.Before(t.EnquiryDeadline) {
		return &Error{Code: CodeDeadlinePassed, Key: "question.deadline_passed", Message: "答疑截止时间已过，不能再提问"}
	}
	return nil
}

// ApplyDefaults trims text fields and fills what the bureau left unset:
// min_bids from the procedure (else 3 for purchase, 政府采购法 第三十六条, and 1
// for venture), max_awards 1 for purchase, the procedure's first method (else
// comprehensive), panel_size 3 where the procedure has a panel, and an id
// ("c1", "c2", …) for each criterion without one. Call it before ValidateDraft.
func (t *Tender) ApplyDefaults() {
	t.Title = strings.TrimSpace(t.Title)
	t.Description = strings.TrimSpace(t.Description)
	t.Community = strings.TrimSpace(t.Community)
	t.CatalogItemID = strings.TrimSpace(t.CatalogItemID)
	t.SingleSourceOrgID = strings.TrimSpace(t.SingleSourceOrgID)
	rule, known := t.Procedure.Rule()
	if t.MinBids == 0 {
		switch {
		case known:
			t.MinBids = rule.MinBids
		case t.Kind == KindPurchase:
			t.MinBids = 3
		case t.Kind == KindVenture:
			t.MinBids = 1
		}
	}
	if t.MaxAwards == 0 && t.Kind == KindPurchase {
		t.MaxAwards = 1
	}
	if t.Evaluation.Method == "" {
		t.Evaluation.Method = MethodComprehensive
		if known {
			t.Evaluation.Method = rule.Methods[0]
		}
	}
	if t.Evaluation.PanelSize == 0 && (!known || rule.scored()) {
		t.Evaluation.PanelSize = 3
	}
	if t.Eligibility.OrgTypes == nil {
		t.Eligibility.OrgTypes = []OrgType{}
	}
	t.lotDefaults()
	if t.Evaluation.Criteria == nil {
		t.Evaluation.Criteria = []Criterion{}
	}
	used := map[string]bool{}
	for i := range t.Evaluation.Criteria {
		c := &t.Evaluation.Criteria[i]
		c.ID = strings.TrimSpace(c.ID)
		c.Name = strings.TrimSpace(c.Name)
		used[c.ID] = true
	}
	n := 0
	for i := range t.Evaluation.Criteria {
		c := &t.Evaluation.Criteria[i]
		if c.ID != "" {
			continue
		}
		for {
			n++
			id := "c" + strconv.Itoa(n)
			if !used[id] {
				c.ID, used[id] = id, true
				break
			}
		}
	}
}

// ValidateDraft checks a tender being created or edited and returns a
// validation_failed error naming the JSON path of every problem. It expects
// ApplyDefaults to have run.
func (t *Tender) ValidateDraft() error {
	var f Fields
	t.draftProblems(&f)
	return f.Err(CodeValidationFailed, "tender.invalid", "项目信息有误，请检查标注的字段")
}

const (
	maxTitleRunes       = 200
	maxDescriptionRunes = 20000
	maxCriterionRunes   = 100
	maxPreferencePct    = 20
	dateLayout          = "2006-01-02"
)

func (t *Tender) draftProblems(f *Fields) {
	if !t.Kind.Valid() {
		f.Add("kind", "项目类型应为 purchase（政府购买服务）或 venture（公益创投）")
	}
	t.procedureDraftProblems(f)
	t.lotProblems(f)
	switch n := utf8.RuneCountInString(strings.TrimSpace(t.Title)); {
	case n == 0:
		f.Add("title", "请填写项目名称")
	case n > maxTitleRunes:
		f.Addf("title", "项目名称不得超过%d字", maxTitleRunes)
	}
	if utf8.RuneCountInString(t.Description) > maxDescriptionRunes {
		f.Addf("description", "项目说明不得超过%d字", maxDescriptionRunes)
	}
	if !t.FundingSource.Valid() {
		f.Add("funding_source", "资金来源应为 fiscal（财政资金）、welfare_lottery（福彩公益金）、charity（慈善资金）或 social（社会资金）")
	}
	if t.BudgetFen <= 0 {
		f.Add("budget_fen", "预算金额应大于0")
	}
	if t.MaxAwardFen != nil && *t.MaxAwardFen <= 0 {
		f.Add("max_award_fen", "单个项目资助上限应大于0")
	}
	if t.MaxAwards < 0 {
		f.Add("max_awards", "资助项目数不能为负数")
	}
	if t.MinBids < 0 {
		f.Add("min_bids", "最少有效投标数不能为负数")
	}
	if t.MinAwardScore != nil && (*t.MinAwardScore < 0 || *t.MinAwardScore > Points(100)) {
		f.Add("min_award_score", "最低入选分应在0到100之间")
	}
	start, startErr := parseDate(t.ServiceStart)
	end, endErr := parseDate(t.ServiceEnd)
	if startErr != nil {
		f.Add("service_start", "服务开始日期应为 YYYY-MM-DD 格式的有效日期")
	}
	if endErr != nil {
		f.Add("service_end", "服务结束日期应为 YYYY-MM-DD 格式的有效日期")
	}
	if startErr == nil && endErr == nil && end.Before(start) {
		f.Add("service_end", "服务结束日期不得早于开始日期")
	}
	if t.CommunityPreferencePct < 0 || t.CommunityPreferencePct > maxPreferencePct {
		f.Addf("community_preference_pct", "本社区优先价格扣除比例应在0到%d之间", maxPreferencePct)
	}
	if t.CommunityPreferencePct > 0 && strings.TrimSpace(t.Community) == "" && t.CommunityID == nil {
		f.Add("community", "设置本社区优先时须填写服务社区")
	}
	for i, ot := range t.Eligibility.OrgTypes {
		if !ot.Valid() {
			f.Addf(fmt.Sprintf("eligibility.org_types[%d]", i), "组织类型应为 social_org、social_work_agency 或 volunteer_org")
		}
	}
	if t.Eligibility.MinSocialWorkers < 0 {
		f.Add("eligibility.min_social_workers", "持证社工人数要求不能为负数")
	}
	if !t.Evaluation.Method.Valid() {
		f.Add("evaluation.method", "评审方法应为 comprehensive（综合评分法）、lowest_price（最低评标价法）、negotiated（单一来源协商）或 claim（服务认领）")
	}
	if t.Evaluation.PanelSize < 0 {
		f.Add("evaluation.panel_size", "评审委员会人数不能为负数")
	}
	ids := map[string]bool{}
	for i, c := range t.Evaluation.Criteria {
		path := fmt.Sprintf("evaluation.criteria[%d]", i)
		switch n := utf8.RuneCountInString(strings.TrimSpace(c.Name)); {
		case n == 0:
			f.Add(path+".name", "请填写评分项名称")
		case n > maxCriterionRunes:
			f.Addf(path+".name", "评分项名称不得超过%d字", maxCriterionRunes)
		}
		if c.MaxScore <= 0 || c.MaxScore > 100 {
			f.Add(path+".max_score", "评分项满分应为1到100之间的整数")
		}
		if !c.Kind.Valid() {
			f.Add(path+".kind", "评分项类型应为 quality（质量分）或 price（价格分）")
		}
		if c.ID != "" {
			if ids[c.ID] {
				f.Add(path+".id", "评分项编号重复")
			}
			ids[c.ID] = true
		}
	}
}

func (t *Tender) publishProblems(f *Fields, now time.Time, cfg Config, cal Calendar) {
	if t.EnquiryDeadline.IsZero() {
		f.Add("enquiry_deadline", "请设置答疑截止时间")
	}
	if t.BidDeadline.IsZero() {
		f.Add("bid_deadline", "请设置投标截止时间")
	}
	if !t.EnquiryDeadline.IsZero() && !t.BidDeadline.IsZero() && t.EnquiryDeadline.After(t.BidDeadline) {
		f.Add("enquiry_deadline", "答疑截止时间不得晚于投标截止时间")
	}
	rule, known := t.Procedure.Rule()
	if !known {
		return // draftProblems named the procedure
	}
	t.procedureProblems(f, rule, now, cfg, cal)

	switch t.Kind {
	case KindVenture:
		switch {
		case t.MaxAwardFen == nil:
			f.Add("max_award_fen", "请设置单个项目资助上限")
		case *t.MaxAwardFen > t.BudgetFen:
			f.Add("max_award_fen", "单个项目资助上限不得超过资金池总额")
		}
		if t.MaxAwards < 1 {
			f.Add("max_awards", "请设置资助项目数（至少1个）")
		}
	case KindPurchase:
		if t.MaxAwards != 1 {
			f.Add("max_awards", "政府购买服务项目只能确定一家承接组织")
		}
	}
	if rule.scored() {
		t.criteriaProblems(f, rule)
	}
}

// criteriaProblems checks the scoring table of a procedure that scores bids.
func (t *Tender) criteriaProblems(f *Fields, rule ProcedureRule) {
	criteria := t.Evaluation.Criteria
	var sum int64
	var prices []int
	for i, c := range criteria {
		sum += c.MaxScore
		if c.Kind == CriterionPrice {
			prices = append(prices, i)
		}
	}
	switch {
	case len(criteria) == 0:
		f.Add("evaluation.criteria", "请设置评分标准")
	case sum != 100:
		f.Addf("evaluation.criteria", "各评分项满分之和应为100分（当前为%d分）", sum)
	}

	switch t.Evaluation.Method {
	case MethodComprehensive:
		if t.Kind == KindPurchase {
			if len(prices) != 1 {
				f.Add("evaluation.criteria", "综合评分法须设且仅设一项价格分")
			} else {
				rule.priceWeightProblem(f, criteria[prices[0]], prices[0])
			}
		}
	case MethodLowestPrice:
		if len(prices) == 0 {
			f.Add("evaluation.criteria", "最低评标价法须设一项价格分")
		}
		if len(criteria) > 1 {
			f.Add("evaluation.criteria", "最低评标价法只设一项价格分")
		}
	}
	if t.Kind == KindVenture {
		for _, i := range prices {
			f.Add(fmt.Sprintf("evaluation.criteria[%d].kind", i), "公益创投不设价格分")
		}
	}
}

// TenderCode returns the human code of the seq-th tender of year, e.g.
// TenderCode(2026, 7) is "LSMZ-2026-0007"; seq has at least four digits.
func TenderCode(year int, seq int64) string {
	return fmt.Sprintf("LSMZ-%d-%04d", year, seq)
}

func parseDate(s string) (time.Time, error) {
	if len(s) != len(dateLayout) {
		return time.Time{}, fmt.Errorf("date %q: want YYYY-MM-DD", s)
	}
	return time.Parse(dateLayout, s)
}

// durationText renders d for a clerk: whole days as 天, else hours, else Go's form.
func durationText(d time.Duration) string {
	switch {
	case d%(24*time.Hour) == 0:
		return fmt.Sprintf("%d天", d/(24*time.Hour))
	case d%time.Hour == 0:
		return fmt.Sprintf("%d小时", d/time.Hour)
	}
	return d.String()
}

// yuanText renders fen as 万元 when whole, else as 元.
func yuanText(fen int64) string {
	if fen%1000000 == 0 {
		return fmt.Sprintf("%d万元", fen/1000000)
	}
	return fmt.Sprintf("%s元", Hundredths(fen).String())
}
