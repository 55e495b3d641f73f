package tender

import (
	"slices"
	"testing"
)

// twoLots is validPurchase split into two lots of 15万元 and 10万元.
func twoLots() Tender {
	tn := validPurchase()
	tn.Lots = []Lot{{Title: "兴大社区", BudgetFen: 15000000, CommunityID: ptr("c-xingda"), Community: "临沭街道兴大社区"},
		{Title: "文化社区", BudgetFen: 10000000}}
	tn.CommunityID = ptr("c-tender")
	tn.ApplyDefaults()
	return tn
}

func TestLotTransitionsAllPairs(t *testing.T) {
	allowed := map[[2]LotStatus]bool{
		{LotOpen, LotEvaluating}: true, {LotOpen, LotFailed}: true, {LotEvaluating, LotFailed}: true,
		{LotEvaluating, LotAwarded}: true, {LotAwarded, LotEvaluating}: true, {LotAwarded, LotCompleted}: true,
		{LotOpen, LotCancelled}: true, {LotEvaluating, LotCancelled}: true,
	}
	for _, from := range LotStatuses() {
		for _, to := range LotStatuses() {
			if got := CanTransitionLot(from, to); got != allowed[[2]LotStatus{from, to}] {
				t.Errorf("%s → %s: %v", from, to, got)
			}
		}
	}
}

func TestLotDefaultsAndValidation(t *testing.T) {
	tn := twoLots()
	if tn.Lots[0].ID != "l1" || tn.Lots[1].ID != "l2" || tn.Lots[0].Status != LotOpen {
		t.Fatalf("defaults: %+v", tn.Lots)
	}
	if err := tn.ValidateDraft(); err != nil {
		t.Fatalf("valid lots: %v", err)
	}
	cases := []struct {
		name   string
		change func(tn *Tender)
		fields []string
	}{
		{"sum equals budget", func(tn *Tender) { tn.Lots[1].BudgetFen = 15000000 }, nil},
		{"sum over budget", func(tn *Tender) { tn.Lots[1].BudgetFen = 15000001 }, []string{"lots"}},
		{"no title", func(tn *Tender) { tn.Lots[0].Title = "" }, []string{"lots[0].title"}},
		{"zero budget", func(tn *Tender) { tn.Lots[1].BudgetFen = 0 }, []string{"lots[1].budget_fen"}},
		{"repeated id", func(tn *Tender) { tn.Lots[1].ID = "l1" }, []string{"lots[1].id"}},
		{"venture", func(tn *Tender) {
			v := validVenture()
			v.Lots = tn.Lots
			*tn = v
		}, []string{"lots"}},
	}
	for _, c := range cases {
		tn := twoLots()
		c.change(&tn)
		if got := errFields(tn.ValidateDraft()); !slices.Equal(sorted(got), sorted(c.fields)) {
			t.Errorf("%s: %v, want %v", c.name, got, c.fields)
		}
	}
}

func TestCheckBidLot(t *testing.T) {
	lots, plain := twoLots(), validPurchase()
	cases := []struct {
		tn    Tender
		lotID string
		ok    bool
	}{
		{lots, "l1", true}, {lots, "l3", false}, {lots, "", false}, {plain, "", true}, {plain, "l1", false},
	}
	for _, c := range cases {
		err := CheckBidLot(c.tn, c.lotID)
		if (err == nil) != c.ok || (err != nil && !slices.Equal(errFields(err), []string{"lot_id"})) {
			t.Errorf("lots %d, lot %q: %v", len(c.tn.Lots), c.lotID, err)
		}
	}
	if lots.LotBudget("l2") != 10000000 || plain.LotBudget("") != plain.BudgetFen {
		t.Error("LotBudget")
	}
	if lots.LotCommunity("l1") != "c-xingda" || lots.LotCommunity("l2") != "c-tender" || plain.LotCommunity("") != "" {
		t.Error("LotCommunity")
	}
}

func TestDeriveStatus(t *testing.T) {
	lot := func(ss ...LotStatus) []Lot {
		var out []Lot
		for _, s := range ss {
			out = append(out, Lot{Status: s})
		}
		return out
	}
	cases := []struct {
		lots []Lot
		want Status
	}{
		{lot(LotOpen, LotOpen), StatusOpen},
		{lot(LotEvaluating, LotFailed), StatusEvaluating},
		{lot(LotAwarded, LotEvaluating), StatusEvaluating},
		{lot(LotAwarded, LotFailed), StatusAwarded},
		{lot(LotAwarded, LotCompleted), StatusAwarded},
		{lot(LotCompleted, LotFailed), StatusCompleted},
		{lot(LotFailed, LotFailed), StatusFailed},
		{lot(LotCancelled, LotCancelled), StatusCancelled},
		{nil, ""},
	}
	for _, c := range cases {
		if got := DeriveStatus(c.lots); got != c.want {
			t.Errorf("%v: %s, want %s", c.lots, got, c.want)
		}
	}
}

// One lot is awarded and completes while the other fails: the tender ends completed.
func TestLotLifecycle(t *testing.T) {
	tn := twoLots()
	if err := tn.Publish(testNow, testCfg, Calendar{}); err != nil {
		t.Fatal(err)
	}
	if _, err := tn.OpenLots(tn.BidDeadline.Add(-1), map[string]int{"l1": 3, "l2": 3}); ErrorCode(err) != CodeInvalidState {
		t.Fatalf("opened early: %v", err)
	}
	st, err := tn.OpenLots(tn.BidDeadline, map[string]int{"l1": 3, "l2": 3})
	if err != nil || st != StatusEvaluating || tn.OpenedAt == nil {
		t.Fatalf("open: %s %v", st, err)
	}
	if err := tn.CheckLotEvaluating("l1"); err != nil {
		t.Fatal(err)
	}
	if err := tn.AwardLot("l1"); err != nil || tn.Status != StatusEvaluating {
		t.Fatalf("award l1: %v %s", err, tn.Status)
	}
	if err := tn.AwardLot("l1"); ErrorCode(err) != CodeInvalidState {
		t.Fatalf("award l1 twice: %v", err)
	}
	if err := tn.CheckLotEvaluating("l1"); ErrorCode(err) != CodeInvalidState {
		t.Fatalf("l1 no longer evaluating: %v", err)
	}
	if failed, err := tn.FailLotAfterQualification("l2", 2, false); failed || err != nil {
		t.Fatalf("undecided l2 failed: %v %v", failed, err)
	}
	if failed, err := tn.FailLotAfterQualification("l2", 2, true); !failed || err != nil || tn.Status != StatusAwarded {
		t.Fatalf("l2 with 2 qualified of min 3: %v %v %s", failed, err, tn.Status)
	}
	if err := tn.RevokeLotAward("l1"); err != nil || tn.Status != StatusEvaluating {
		t.Fatalf("revoke l1: %v %s", err, tn.Status)
	}
	if err := tn.AwardLot("l1"); err != nil || tn.Status != StatusAwarded {
		t.Fatalf("award l1 again: %v %s", err, tn.Status)
	}
	if err := tn.CompleteLot("l1"); err != nil || tn.Status != StatusCompleted {
		t.Fatalf("complete l1: %v %s", err, tn.Status)
	}
	if err := tn.CompleteLot("l9"); ErrorCode(err) != CodeValidationFailed {
		t.Fatalf("unknown lot: %v", err)
	}

	// Every lot under min_bids: the tender fails at the opening; a cancel cancels the open lots.
	tn = twoLots()
	tn.Publish(testNow, testCfg, Calendar{})
	if st, err := tn.OpenLots(tn.BidDeadline, map[string]int{"l1": 2}); err != nil || st != StatusFailed {
		t.Fatalf("all lots failed: %s %v", st, err)
	}
	tn = twoLots()
	tn.Publish(testNow, testCfg, Calendar{})
	if err := tn.Cancel("预算调整"); err != nil || tn.Lots[0].Status != LotCancelled || tn.Lots[1].Status != LotCancelled {
		t.Fatalf("cancel: %v %+v", err, tn.Lots)
	}
	// A tender without lots opens as before.
	plain := validPurchase()
	plain.Publish(testNow, testCfg, Calendar{})
	if st, err := plain.OpenLots(plain.BidDeadline, map[string]int{"": 2}); err != nil || st != StatusFailed {
		t.Fatalf("plain: %s %v", st, err)
	}
}
