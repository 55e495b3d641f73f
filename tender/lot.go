package tender

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// LotStatus is where a lot (标包) stands. A lot follows the tender's lifecycle
// on its own: one lot can fail (流标) while the others are awarded (SPEC §7.4).
type LotStatus string

// Lot statuses.
const (
	LotOpen       LotStatus = "open"
	LotEvaluating LotStatus = "evaluating"
	LotFailed     LotStatus = "failed"
	LotAwarded    LotStatus = "awarded"
	LotCompleted  LotStatus = "completed"
	LotCancelled  LotStatus = "cancelled"
)

// LotStatuses lists every lot status, in lifecycle order.
func LotStatuses() []LotStatus {
	return []LotStatus{LotOpen, LotEvaluating, LotFailed, LotAwarded, LotCompleted, LotCancelled}
}

// Lot is one part of a purchase tender with its own budget, bids, evaluation
// and award. Lots live in the tender's row; their ids ("l1", "l2", …) are
// assigned like criterion ids and stay once the tender is published.
type Lot struct {
	ID          string    `json:"id"`
	Title       string    `json:"title"`
	BudgetFen   int64     `json:"budget_fen"`
	CommunityID *string   `json:"community_id"` // served community; nil = the tender's
	Community   string    `json:"community"`    // its name
	Status      LotStatus `json:"status"`
}

// lotTransitions is the lot lifecycle: per verb, where it may start and lead.
var lotTransitions = map[tenderVerb]map[LotStatus][]LotStatus{
	verbOpen:        {LotOpen: {LotEvaluating, LotFailed}},
	verbFail:        {LotEvaluating: {LotFailed}},
	verbAward:       {LotEvaluating: {LotAwarded}},
	verbRevokeAward: {LotAwarded: {LotEvaluating}},
	verbComplete:    {LotAwarded: {LotCompleted}},
	verbCancel:      {LotOpen: {LotCancelled}, LotEvaluating: {LotCancelled}},
}

// CanTransitionLot reports whether some verb leads from one lot status to another.
func CanTransitionLot(from, to LotStatus) bool {
	for _, byFrom := range lotTransitions {
		if slices.Contains(byFrom[from], to) {
			return true
		}
	}
	return false
}

func (l *Lot) move(v tenderVerb, to LotStatus) error {
	if !slices.Contains(lotTransitions[v][l.Status], to) {
		return &Error{Code: CodeInvalidState, Key: "lot.invalid_state",
			Message: fmt.Sprintf("标包%s当前状态（%s）不允许执行“%s”", l.ID, l.Status, tenderVerbLabel[v]),
			Fields:  []FieldError{{Field: "lot_id", Message: string(l.Status)}}}
	}
	l.Status = to
	return nil
}

// Lot returns the tender's lot with id, or false.
func (t *Tender) Lot(id string) (*Lot, bool) {
	for i := range t.Lots {
		if t.Lots[i].ID == id {
			return &t.Lots[i], true
		}
	}
	return nil, false
}

// HasLots reports whether the tender is split into lots; without lots it is
// one implicit lot and behaves as a tender always has.
func (t *Tender) HasLots() bool { return len(t.Lots) > 0 }

// LotCommunity is the id of the community a lot serves: its own, else the
// tender's ("" county-wide).
func (t *Tender) LotCommunity(lotID string) string {
	if l, ok := t.Lot(lotID); ok && l.CommunityID != nil {
		return *l.CommunityID
	}
	if t.CommunityID != nil {
		return *t.CommunityID
	}
	return ""
}

// LotBudget is the ceiling price of a bid on lotID: the lot's budget, or the
// tender's when it has no lots.
func (t *Tender) LotBudget(lotID string) int64 {
	if l, ok := t.Lot(lotID); ok {
		return l.BudgetFen
	}
	return t.BudgetFen
}

// CheckBidLot checks the lot a bid names: a tender with lots needs one of its
// own lots, a tender without lots none (422 validation_failed naming lot_id).
func CheckBidLot(t Tender, lotID string) error {
	var f Fields
	switch {
	case t.HasLots() && lotID == "":
		f.Add("lot_id", "本项目分标包采购，请选择投标的标包")
	case t.HasLots():
		if _, ok := t.Lot(lotID); !ok {
			f.Add("lot_id", "本项目没有该标包")
		}
	case lotID != "":
		f.Add("lot_id", "本项目不分标包")
	}
	return f.Validation()
}

const maxLots = 50

// lotDefaults trims the lots, gives each a status and an id ("l1", "l2", …)
// where it has none.
func (t *Tender) lotDefaults() {
	if t.Lots == nil {
		t.Lots = []Lot{}
	}
	used := map[string]bool{}
	for i := range t.Lots {
		l := &t.Lots[i]
		l.ID, l.Title, l.Community = strings.TrimSpace(l.ID), strings.TrimSpace(l.Title), strings.TrimSpace(l.Community)
		used[l.ID] = true
		if l.Status == "" {
			l.Status = LotOpen
		}
	}
	n := 0
	for i := range t.Lots {
		for t.Lots[i].ID == "" {
			n++
			if id := "l" + strconv.Itoa(n); !used[id] {
				t.Lots[i].ID, used[id] = id, true
			}
		}
	}
}

// lotProblems checks the lots of a draft: only purchase tenders have lots;
// each has a title and a positive budget; ids are unique; the budgets sum to
// at most budget_fen (SPEC §7.4).
func (t *Tender) lotProblems(f *Fields) {
	if len(t.Lots) == 0 {
		return
	}
	if t.Kind != KindPurchase {
		f.Add("lots", "只有政府购买服务项目可以划分标包")
		return
	}
	if len(t.Lots) > maxLots {
		f.Addf("lots", "标包不得超过%d个", maxLots)
	}
	var sum int64
	ids := map[string]bool{}
	for i, l := range t.Lots {
		path := fmt.Sprintf("lots[%d]", i)
		switch n := utf8.RuneCountInString(l.Title); {
		case n == 0:
			f.Add(path+".title", "请填写标包名称")
		case n > maxTitleRunes:
			f.Addf(path+".title", "标包名称不得超过%d字", maxTitleRunes)
		}
		if l.BudgetFen <= 0 {
			f.Add(path+".budget_fen", "标包预算应大于0")
		}
		if ids[l.ID] {
			f.Add(path+".id", "标包编号重复")
		}
		ids[l.ID] = true
		sum += l.BudgetFen
	}
	if sum > t.BudgetFen {
		f.Addf("lots", "各标包预算合计%s元，超过项目预算%s元", Hundredths(sum), Hundredths(t.BudgetFen))
	}
}

// DeriveStatus is the tender's status from its lots' (SPEC §7.4): evaluating
// while any lot is; failed when every lot failed; completed when every lot is
// completed or failed; awarded when every lot is awarded, completed or failed;
// cancelled when every lot is cancelled; otherwise open.
func DeriveStatus(lots []Lot) Status {
	count := map[LotStatus]int{}
	for _, l := range lots {
		count[l.Status]++
	}
	n := len(lots)
	switch {
	case n == 0:
		return ""
	case count[LotEvaluating] > 0:
		return StatusEvaluating
	case count[LotCancelled] == n:
		return StatusCancelled
	case count[LotFailed] == n:
		return StatusFailed
	case count[LotCompleted]+count[LotFailed] == n:
		return StatusCompleted
	case count[LotAwarded]+count[LotCompleted]+count[LotFailed] == n:
		return StatusAwarded
	}
	return StatusOpen
}

// syncStatus sets the tender's status to the one its lots derive, through
// the tender's transition table.
func (t *Tender) syncStatus() error {
	to := DeriveStatus(t.Lots)
	if to == t.Status || to == "" {
		return nil
	}
	if !CanTransition(t.Status, to) {
		return InvalidState("tender", string(t.Status), string(to))
	}
	t.Status = to
	return nil
}

// OpenLots opens a tender at its deadline lot by lot: a lot with fewer than
// min_bids submitted bids (submitted[lot id]) fails, the others go to
// evaluation, and the tender is evaluating while any lot is, else failed. A
// tender without lots opens as Open does, with submitted[""].
func (t *Tender) OpenLots(now time.Time, submitted map[string]int) (Status, error) {
	if !t.HasLots() {
		return t.Open(now, submitted[""])
	}
	if err := t.allowed(verbOpen); err != nil {
		return t.Status, err
	}
	if now.Before(t.BidDeadline) {
		return t.Status, &Error{Code: CodeInvalidState, Key: "tender.open.before_deadline", Message: "投标截止时间未到，不能开标"}
	}
	for i := range t.Lots {
		to := LotEvaluating
		if submitted[t.Lots[i].ID] < t.MinBids {
			to = LotFailed
		}
		if err := t.Lots[i].move(verbOpen, to); err != nil {
			return t.Status, err
		}
	}
	if err := t.move(verbOpen, DeriveStatus(t.Lots)); err != nil {
		return t.Status, err
	}
	t.OpenedAt = &now
	return t.Status, nil
}

// FailLotAfterQualification is FailAfterQualification for one lot: once its
// opened bids are all decided and fewer than min_bids are qualified, the lot
// fails (财政部令第87号 第四十四条) and the tender's status follows its lots.
// Without lots it is FailAfterQualification.
func (t *Tender) FailLotAfterQualification(lotID string, qualified int, allDecided bool) (bool, error) {
	if !t.HasLots() {
		return t.FailAfterQualification(qualified, allDecided)
	}
	l, ok := t.Lot(lotID)
	if !ok {
		return false, ErrNotFound
	}
	if l.Status != LotEvaluating || !allDecided || qualified >= t.MinBids {
		return false, nil
	}
	if err := l.move(verbFail, LotFailed); err != nil {
		return false, err
	}
	return true, t.syncStatus()
}

// CheckLotEvaluating returns nil when the lot (or, without lots, the tender)
// is being evaluated, so it may be recommended and awarded.
func (t *Tender) CheckLotEvaluating(lotID string) error {
	if !t.HasLots() {
		if lotID != "" {
			return CheckBidLot(*t, lotID)
		}
		return nil
	}
	l, ok := t.Lot(lotID)
	if !ok {
		return CheckBidLot(*t, lotID)
	}
	if l.Status != LotEvaluating {
		return &Error{Code: CodeInvalidState, Key: "lot.invalid_state",
			Message: fmt.Sprintf("标包%s当前状态（%s）不在评审中", l.ID, l.Status),
			Fields:  []FieldError{{Field: "lot_id", Message: string(l.Status)}}}
	}
	return nil
}

// AwardLot awards one lot; the tender is awarded once no lot is evaluating.
// Without lots it is Award.
func (t *Tender) AwardLot(lotID string) error {
	if !t.HasLots() {
		return t.Award()
	}
	l, ok := t.Lot(lotID)
	if !ok {
		return CheckBidLot(*t, lotID)
	}
	if err := l.move(verbAward, LotAwarded); err != nil {
		return err
	}
	return t.syncStatus()
}

// RevokeLotAward returns an awarded lot to evaluation after an upheld
// objection. Without lots it is RevokeAward.
func (t *Tender) RevokeLotAward(lotID string) error {
	if !t.HasLots() {
		return t.RevokeAward()
	}
	l, ok := t.Lot(lotID)
	if !ok {
		return CheckBidLot(*t, lotID)
	}
	if err := l.move(verbRevokeAward, LotEvaluating); err != nil {
		return err
	}
	return t.syncStatus()
}

// CompleteLot completes an awarded lot whose publicity ended; the tender
// completes when every lot is completed or failed. Without lots it is Complete.
func (t *Tender) CompleteLot(lotID string) error {
	if !t.HasLots() {
		return t.Complete()
	}
	l, ok := t.Lot(lotID)
	if !ok {
		return CheckBidLot(*t, lotID)
	}
	if err := l.move(verbComplete, LotCompleted); err != nil {
		return err
	}
	return t.syncStatus()
}

// CheckLotPrice is CheckPrice with the lot's budget as the ceiling of a bid on
// a lot (SPEC §7.4).
func CheckLotPrice(t Tender, lotID string, priceFen int64) error {
	if err := CheckPrice(t, priceFen); err != nil {
		return err
	}
	var f Fields
	budget := t.LotBudget(lotID)
	switch l, ok := t.Lot(lotID); {
	case ok && priceFen > l.BudgetFen:
		f.Addf("price_fen", "报价不得超过标包%s的预算%s元", l.Title, Hundredths(l.BudgetFen))
	case t.Procedure == ProcedureClaim && priceFen != budget:
		f.Addf("price_fen", "服务认领按预算价%s元认领", Hundredths(budget))
	}
	return f.Validation()
}
