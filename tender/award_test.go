package tender

import (
	"slices"
	"strings"
	"testing"
	"time"
)

func TestValidateAward(t *testing.T) {
	purchase := validPurchase()
	purchase.Status = StatusEvaluating
	venture := validVenture() // pool 50000000, up to 5 awards
	venture.Status = StatusEvaluating
	venture.ID = "t1"
	bids := map[string]Bid{
		"b1": {ID: "b1", TenderID: "t1", PriceFen: 20000000, Status: BidQualified},
		"b2": {ID: "b2", TenderID: "t1", PriceFen: 20000000, Status: BidQualified},
		"b3": {ID: "b3", TenderID: "t1", PriceFen: 10000001, Status: BidQualified},
		"bx": {ID: "bx", TenderID: "t1", PriceFen: 1, Status: BidDisqualified},
		"by": {ID: "by", TenderID: "t9", PriceFen: 1, Status: BidQualified},
	}
	ends := testNow.Add(168 * time.Hour)
	cases := []struct {
		name   string
		tn     Tender
		ids    []string
		rec    []string
		ends   time.Time
		cfg    Config
		reason string
		code   string
		fields []string
	}{
		{"purchase as recommended", purchase, []string{"b1"}, []string{"b1"}, ends, testCfg, "", "", nil},
		{"purchase other without reason", purchase, []string{"b2"}, []string{"b1"}, ends, testCfg, "", CodeValidationFailed, []string{"reason"}},
		{"purchase other with reason", purchase, []string{"b2"}, []string{"b1"}, ends, testCfg, "第一名放弃", "", nil},
		{"purchase two", purchase, []string{"b1", "b2"}, []string{"b1"}, ends, testCfg, "x", CodeValidationFailed, []string{"bid_ids"}},
		{"empty", purchase, nil, []string{"b1"}, ends, testCfg, "x", CodeValidationFailed, []string{"bid_ids"}},
		{"disqualified", purchase, []string{"bx"}, []string{"b1"}, ends, testCfg, "x", CodeValidationFailed, []string{"bid_ids[0]"}},
		{"other tender", purchase, []string{"by"}, []string{"b1"}, ends, testCfg, "x", CodeValidationFailed, []string{"bid_ids[0]"}},
		{"unknown", purchase, []string{"nope"}, []string{"b1"}, ends, testCfg, "x", CodeValidationFailed, []string{"bid_ids[0]"}},
		{"publicity short", purchase, []string{"b1"}, []string{"b1"}, ends.Add(-time.Second), testCfg, "", CodeValidationFailed, []string{"publicity_ends_at"}},
		{"publicity missing", purchase, []string{"b1"}, []string{"b1"}, time.Time{}, testCfg, "", CodeValidationFailed, []string{"publicity_ends_at"}},
		{"publicity zero config", purchase, []string{"b1"}, []string{"b1"}, testNow, Config{}, "", "", nil},
		{"not evaluating", func() Tender { x := purchase; x.Status = StatusAwarded; return x }(), []string{"b1"}, []string{"b1"}, ends, testCfg, "", CodeInvalidState, nil},
		{"venture two fit", venture, []string{"b2", "b1"}, []string{"b1", "b2"}, ends, testCfg, "", "", nil},
		{"venture over pool", venture, []string{"b1", "b2", "b3"}, []string{"b1", "b2"}, ends, testCfg, "加入第三名", CodeValidationFailed, []string{"bid_ids"}},
		{"venture over max awards", func() Tender { x := venture; x.MaxAwards = 1; return x }(), []string{"b1", "b2"}, []string{"b1"}, ends, testCfg, "x", CodeValidationFailed, []string{"bid_ids"}},
		{"venture repeat", venture, []string{"b1", "b1"}, []string{"b1"}, ends, testCfg, "", CodeValidationFailed, []string{"bid_ids[1]"}},
		{"all together", purchase, []string{"bx", "b2"}, []string{"b1"}, ends.Add(-time.Hour), testCfg, " ", CodeValidationFailed,
			[]string{"bid_ids[0]", "bid_ids", "publicity_ends_at", "reason"}},
	}
	for _, c := range cases {
		err := ValidateAward(c.tn, c.ids, c.rec, c.ends, testNow, c.cfg, c.reason, bids)
		if errCode(err) != c.code {
			t.Errorf("%s: %v, want %q", c.name, err, c.code)
			continue
		}
		if c.fields != nil && !slices.Equal(errFields(err), c.fields) {
			t.Errorf("%s: fields %v, want %v", c.name, errFields(err), c.fields)
		}
	}
}

func TestAwardTransitions(t *testing.T) {
	for _, s := range AwardStatuses() {
		for verb, do := range map[string]func(a *Award) error{"revoke": (*Award).Revoke, "complete": (*Award).Complete} {
			a := Award{Status: s}
			err := do(&a)
			if s == AwardActive {
				want := map[string]AwardStatus{"revoke": AwardRevoked, "complete": AwardCompleted}[verb]
				if err != nil || a.Status != want {
					t.Errorf("%s from %s: %v %s", verb, s, err, a.Status)
				}
			} else if errCode(err) != CodeInvalidState || a.Status != s {
				t.Errorf("%s from %s: %v %s", verb, s, err, a.Status)
			}
		}
	}
}

func TestCanObject(t *testing.T) {
	ends := testNow.Add(time.Hour)
	cases := []struct {
		status    Status
		submitted bool
		at        time.Time
		code      string
	}{
		{StatusAwarded, true, ends.Add(-time.Nanosecond), ""},
		{StatusAwarded, true, ends, CodeDeadlinePassed},
		{StatusAwarded, false, testNow, CodeForbidden},
		{StatusCompleted, true, testNow, CodeDeadlinePassed},
		{StatusEvaluating, true, testNow, CodeInvalidState},
		{StatusOpen, true, testNow, CodeInvalidState},
		{StatusCancelled, true, testNow, CodeInvalidState},
	}
	for _, c := range cases {
		tn := Tender{Status: c.status}
		if got := errCode(CanObject(tn, c.submitted, c.at, ends)); got != c.code {
			t.Errorf("%+v: %q", c, got)
		}
	}
	if ValidateObjectionText("  ") == nil || ValidateObjectionText(strings.Repeat("质", maxObjectionRunes+1)) == nil {
		t.Error("blank or long objection accepted")
	}
	if err := ValidateObjectionText("评分有误"); err != nil {
		t.Error(err)
	}
}

func TestResolveObjection(t *testing.T) {
	cases := []struct {
		from     ObjectionStatus
		upheld   bool
		response string
		want     ObjectionStatus
		code     string
	}{
		{ObjectionPending, true, "经复核，质疑成立", ObjectionUpheld, ""},
		{ObjectionPending, false, "经复核，质疑不成立", ObjectionRejected, ""},
		{ObjectionPending, true, " ", ObjectionPending, CodeValidationFailed},
		{ObjectionUpheld, false, "再次答复", ObjectionUpheld, CodeInvalidState},
		{ObjectionRejected, true, "再次答复", ObjectionRejected, CodeInvalidState},
	}
	for _, c := range cases {
		o := Objection{Status: c.from}
		err := o.Resolve(c.upheld, c.response, testNow)
		if errCode(err) != c.code || o.Status != c.want {
			t.Errorf("%+v: %v %s", c, err, o.Status)
		}
		if c.code == "" && (o.ResolvedAt == nil || o.Response != c.response) {
			t.Errorf("%+v: %+v", c, o)
		}
	}
}

func TestReadyToComplete(t *testing.T) {
	ends := testNow
	cases := []struct {
		status  Status
		at      time.Time
		pending int
		want    bool
	}{
		{StatusAwarded, ends, 0, true},
		{StatusAwarded, ends.Add(-time.Nanosecond), 0, false},
		{StatusAwarded, ends.Add(time.Hour), 1, false},
		{StatusEvaluating, ends.Add(time.Hour), 0, false},
	}
	for _, c := range cases {
		if got := ReadyToComplete(Tender{Status: c.status}, c.at, ends, c.pending); got != c.want {
			t.Errorf("%+v: %v", c, got)
		}
	}
}

func TestValidatePerformance(t *testing.T) {
	cases := []struct {
		tender Status
		award  AwardStatus
		score  int
		code   string
	}{
		{StatusCompleted, AwardCompleted, 0, ""},
		{StatusCompleted, AwardCompleted, 100, ""},
		{StatusCompleted, AwardCompleted, 101, CodeValidationFailed},
		{StatusCompleted, AwardCompleted, -1, CodeValidationFailed},
		{StatusAwarded, AwardActive, 80, CodeInvalidState},
		{StatusCompleted, AwardRevoked, 80, CodeInvalidState},
	}
	for _, c := range cases {
		err := ValidatePerformance(Tender{Status: c.tender}, Award{Status: c.award}, c.score, "")
		if errCode(err) != c.code {
			t.Errorf("%+v: %v", c, err)
		}
	}
}
