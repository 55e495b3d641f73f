package tender

import (
	"slices"
	"strings"
	"testing"
	"time"
)

// expectedContractTransitions is the contract lifecycle of SPEC §7.5, written
// out so the test fails when the table changes or a status is forgotten.
var expectedContractTransitions = map[ContractStatus][]ContractStatus{
	ContractDrafted:    {ContractActive},
	ContractActive:     {ContractSuspended, ContractCompleted, ContractTerminated},
	ContractSuspended:  {ContractActive, ContractTerminated},
	ContractCompleted:  {},
	ContractTerminated: {},
}

func TestContractTransitionsAllPairs(t *testing.T) {
	all := ContractStatuses()
	if len(all) != len(expectedContractTransitions) {
		t.Fatalf("ContractStatuses() has %d statuses, the test knows %d", len(all), len(expectedContractTransitions))
	}
	for _, from := range all {
		if _, ok := expectedContractTransitions[from]; !ok {
			t.Fatalf("status %q missing from expectedContractTransitions", from)
		}
		for _, to := range all {
			want := slices.Contains(expectedContractTransitions[from], to)
			if got := CanTransitionContract(from, to); got != want {
				t.Errorf("CanTransitionContract(%s, %s) = %v, want %v", from, to, got, want)
			}
		}
		if got, want := from.Terminal(), len(expectedContractTransitions[from]) == 0; got != want {
			t.Errorf("%s.Terminal() = %v, want %v", from, got, want)
		}
	}
	for v, byFrom := range contractTransitions {
		if contractVerbLabel[v] == "" {
			t.Errorf("verb %q has no label", v)
		}
		for from, to := range byFrom {
			if !from.Valid() || !to.Valid() {
				t.Errorf("verb %s: unknown status in %q → %q", v, from, to)
			}
		}
	}
	if ContractStatus("archived").Valid() {
		t.Error("unknown status reported valid")
	}
	if ContractDrafted.Public() || !ContractActive.Public() || !ContractTerminated.Public() {
		t.Error("only signed contracts are public")
	}
}

var expectedMilestoneTransitions = map[MilestoneStatus][]MilestoneStatus{
	MilestonePending:   {MilestoneSubmitted},
	MilestoneSubmitted: {MilestoneAccepted, MilestoneReturned},
	MilestoneReturned:  {MilestoneSubmitted},
	MilestoneAccepted:  {MilestonePaid, MilestoneWithheld},
	MilestonePaid:      {},
	MilestoneWithheld:  {},
}

func TestMilestoneTransitionsAllPairs(t *testing.T) {
	all := MilestoneStatuses()
	if len(all) != len(expectedMilestoneTransitions) {
		t.Fatalf("MilestoneStatuses() has %d statuses, the test knows %d", len(all), len(expectedMilestoneTransitions))
	}
	for _, from := range all {
		for _, to := range all {
			want := slices.Contains(expectedMilestoneTransitions[from], to)
			if got := CanTransitionMilestone(from, to); got != want {
				t.Errorf("CanTransitionMilestone(%s, %s) = %v, want %v", from, to, got, want)
			}
		}
	}
	for v, byFrom := range milestoneTransitions {
		if milestoneVerbLabel[v] == "" {
			t.Errorf("verb %q has no label", v)
		}
		for from, to := range byFrom {
			if !from.Valid() || !to.Valid() {
				t.Errorf("verb %s: unknown status in %q → %q", v, from, to)
			}
		}
	}
	if !MilestonePaid.Settled() || !MilestoneWithheld.Settled() || MilestoneAccepted.Settled() {
		t.Error("settled means paid in full or withheld")
	}
}

func TestContractVerbs(t *testing.T) {
	now := time.Date(2027, 1, 10, 9, 0, 0, 0, Shanghai)
	awarded := time.Date(2027, 1, 2, 9, 0, 0, 0, Shanghai)
	cases := []struct {
		name   string
		from   ContractStatus
		do     func(c *Contract) error
		code   string // "" = succeeds
		field  string
		to     ContractStatus
		reason string
	}{
		{"sign", ContractDrafted, func(c *Contract) error { return c.Sign("doc", "2027-01-09", now) }, "", "", ContractActive, ""},
		{"sign today", ContractDrafted, func(c *Contract) error { return c.Sign("doc", "2027-01-10", now) }, "", "", ContractActive, ""},
		{"sign without document", ContractDrafted, func(c *Contract) error { return c.Sign(" ", "2027-01-09", now) }, CodeValidationFailed, "document_id", ContractDrafted, ""},
		{"sign bad date", ContractDrafted, func(c *Contract) error { return c.Sign("doc", "2027-13-01", now) }, CodeValidationFailed, "signed_on", ContractDrafted, ""},
		{"sign tomorrow", ContractDrafted, func(c *Contract) error { return c.Sign("doc", "2027-01-11", now) }, CodeValidationFailed, "signed_on", ContractDrafted, ""},
		{"sign before award", ContractDrafted, func(c *Contract) error { return c.Sign("doc", "2027-01-01", now) }, CodeValidationFailed, "signed_on", ContractDrafted, ""},
		{"sign twice", ContractActive, func(c *Contract) error { return c.Sign("doc", "2027-01-09", now) }, CodeInvalidState, "status", ContractActive, ""},
		{"suspend", ContractActive, func(c *Contract) error { return c.Suspend(" 服务中断 ") }, "", "", ContractSuspended, "服务中断"},
		{"suspend without reason", ContractActive, func(c *Contract) error { return c.Suspend("  ") }, CodeValidationFailed, "reason", ContractActive, ""},
		{"suspend reason too long", ContractActive, func(c *Contract) error { return c.Suspend(strings.Repeat("长", 2001)) }, CodeValidationFailed, "reason", ContractActive, ""},
		{"suspend drafted", ContractDrafted, func(c *Contract) error { return c.Suspend("x") }, CodeInvalidState, "status", ContractDrafted, ""},
		{"reinstate", ContractSuspended, func(c *Contract) error { return c.Reinstate() }, "", "", ContractActive, ""},
		{"reinstate active", ContractActive, func(c *Contract) error { return c.Reinstate() }, CodeInvalidState, "status", ContractActive, ""},
		{"terminate active", ContractActive, func(c *Contract) error { return c.Terminate("违约") }, "", "", ContractTerminated, "违约"},
		{"terminate suspended", ContractSuspended, func(c *Contract) error { return c.Terminate("违约") }, "", "", ContractTerminated, "违约"},
		{"terminate without reason", ContractSuspended, func(c *Contract) error { return c.Terminate("") }, CodeValidationFailed, "reason", ContractSuspended, ""},
		{"terminate drafted", ContractDrafted, func(c *Contract) error { return c.Terminate("x") }, CodeInvalidState, "status", ContractDrafted, ""},
		{"terminate completed", ContractCompleted, func(c *Contract) error { return c.Terminate("x") }, CodeInvalidState, "status", ContractCompleted, ""},
		{"complete", ContractActive, func(c *Contract) error { return c.Complete() }, "", "", ContractCompleted, ""},
		{"complete suspended", ContractSuspended, func(c *Contract) error { return c.Complete() }, CodeInvalidState, "status", ContractSuspended, ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c := Contract{Status: tc.from, AwardedAt: awarded}
			err := tc.do(&c)
			if got := codeOf(err); got != tc.code {
				t.Fatalf("code %q, want %q (%v)", got, tc.code, err)
			}
			if tc.field != "" {
				e, _ := AsError(err)
				if len(e.Fields) == 0 || e.Fields[0].Field != tc.field {
					t.Fatalf("fields %v, want %s", e.Fields, tc.field)
				}
			}
			if c.Status != tc.to || c.StatusReason != tc.reason {
				t.Fatalf("status %s reason %q, want %s %q", c.Status, c.StatusReason, tc.to, tc.reason)
			}
			if tc.name == "sign" && (c.DocumentID == nil || *c.SignedOn != "2027-01-09" || !c.SignedAt.Equal(now)) {
				t.Fatalf("sign did not record the document and dates: %+v", c)
			}
		})
	}
}

func codeOf(err error) string {
	if err == nil {
		return ""
	}
	return ErrorCode(err)
}

func TestDefaultMilestones(t *testing.T) {
	cases := []struct {
		kind Kind
		pcts []int
	}{
		{KindPurchase, []int{40, 30, 30}},
		{KindVenture, []int{50, 30, 20}},
	}
	for _, tc := range cases {
		ms := DefaultMilestones(tc.kind, "2027-01-01", "2027-12-31")
		var got []int
		for _, m := range ms {
			got = append(got, m.PaymentPct)
		}
		if !slices.Equal(got, tc.pcts) {
			t.Errorf("%s: pcts %v, want %v", tc.kind, got, tc.pcts)
		}
		if ms[0].DueDate != "2027-01-01" || ms[1].DueDate != "2027-07-02" || ms[2].DueDate != "2027-12-31" {
			t.Errorf("%s: due dates %s %s %s", tc.kind, ms[0].DueDate, ms[1].DueDate, ms[2].DueDate)
		}
		if ms[0].Report != ReportProgress || ms[1].Report != ReportMidTerm || ms[2].Report != ReportFinal {
			t.Errorf("%s: report kinds %+v", tc.kind, ms)
		}
		if err := ValidateMilestones(ms, "2027-01-01", "2027-12-31"); err != nil {
			t.Errorf("%s: default schedule invalid: %v", tc.kind, err)
		}
	}
}

func TestValidateMilestones(t *testing.T) {
	ok := func() []MilestoneInput { return DefaultMilestones(KindPurchase, "2027-01-01", "2027-12-31") }
	cases := []struct {
		name  string
		edit  func(ms []MilestoneInput) []MilestoneInput
		field string // "" = valid
	}{
		{"default", func(ms []MilestoneInput) []MilestoneInput { return ms }, ""},
		{"sum 99", func(ms []MilestoneInput) []MilestoneInput { ms[0].PaymentPct = 39; return ms }, "milestones"},
		{"sum 101", func(ms []MilestoneInput) []MilestoneInput { ms[0].PaymentPct = 41; return ms }, "milestones"},
		{"0 pct allowed", func(ms []MilestoneInput) []MilestoneInput { ms[0].PaymentPct = 0; ms[1].PaymentPct = 70; return ms }, ""},
		{"negative pct", func(ms []MilestoneInput) []MilestoneInput { ms[0].PaymentPct = -10; ms[1].PaymentPct = 80; return ms }, "milestones[0].payment_pct"},
		{"empty", func([]MilestoneInput) []MilestoneInput { return nil }, "milestones"},
		{"no title", func(ms []MilestoneInput) []MilestoneInput { ms[1].Title = " "; return ms }, "milestones[1].title"},
		{"control char", func(ms []MilestoneInput) []MilestoneInput { ms[1].Title = "a\u202Eb"; return ms }, "milestones[1].title"},
		{"bad date", func(ms []MilestoneInput) []MilestoneInput { ms[1].DueDate = "2027-02-30"; return ms }, "milestones[1].due_date"},
		{"outside period", func(ms []MilestoneInput) []MilestoneInput { ms[0].DueDate = "2026-12-31"; return ms }, "milestones[0].due_date"},
		{"bad kind", func(ms []MilestoneInput) []MilestoneInput { ms[0].Report = "annual"; return ms }, "milestones[0].report"},
		{"two finals", func(ms []MilestoneInput) []MilestoneInput { ms[1].Report = ReportFinal; return ms }, "milestones"},
		{"no final", func(ms []MilestoneInput) []MilestoneInput { ms[2].Report = ReportProgress; return ms }, "milestones"},
		{"two mid-terms", func(ms []MilestoneInput) []MilestoneInput { ms[0].Report = ReportMidTerm; return ms }, "milestones"},
		{"final not last", func(ms []MilestoneInput) []MilestoneInput { ms[2].DueDate = "2027-03-01"; return ms }, "milestones"},
		{"four stages", func(ms []MilestoneInput) []MilestoneInput {
			ms[0].PaymentPct = 20
			return append(ms, MilestoneInput{Title: "季度", DueDate: "2027-04-01", PaymentPct: 20, Report: ReportProgress})
		}, ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			err := ValidateMilestones(tc.edit(ok()), "2027-01-01", "2027-12-31")
			if tc.field == "" {
				if err != nil {
					t.Fatalf("want valid, got %v", err)
				}
				return
			}
			e, isErr := AsError(err)
			if !isErr || e.Code != CodeValidationFailed {
				t.Fatalf("want validation_failed, got %v", err)
			}
			if !slices.ContainsFunc(e.Fields, func(f FieldError) bool { return f.Field == tc.field }) {
				t.Fatalf("fields %v do not name %s", e.Fields, tc.field)
			}
		})
	}
}

func TestMilestoneShares(t *testing.T) {
	cases := []struct {
		amount int64
		pcts   []int
		want   []int64
	}{
		{28000000, []int{40, 30, 30}, []int64{11200000, 8400000, 8400000}},
		{28000001, []int{40, 30, 30}, []int64{11200000, 8400000, 8400001}},
		{100, []int{33, 33, 34}, []int64{33, 33, 34}},
		{1, []int{50, 30, 20}, []int64{0, 0, 1}},
		{99999, []int{50, 30, 20}, []int64{49999, 30000, 20000}},
		{7, []int{0, 100}, []int64{0, 7}},
		{9_000_000_000_000_000, []int{40, 30, 30}, []int64{3_600_000_000_000_000, 2_700_000_000_000_000, 2_700_000_000_000_000}},
	}
	for _, tc := range cases {
		got := MilestoneShares(tc.amount, tc.pcts)
		if !slices.Equal(got, tc.want) {
			t.Errorf("MilestoneShares(%d, %v) = %v, want %v", tc.amount, tc.pcts, got, tc.want)
		}
		var sum int64
		for _, s := range got {
			sum += s
		}
		if sum != tc.amount {
			t.Errorf("shares of %d sum to %d", tc.amount, sum)
		}
	}
}

func TestValidatePayment(t *testing.T) {
	base := func() PaymentCheck {
		return PaymentCheck{Contract: ContractActive, AmountFen: 1000000, PaidTotalFen: 0,
			Milestone: Milestone{Status: MilestoneAccepted, Report: ReportMidTerm, PaymentPct: 30},
			ShareFen:  300000, AmountFenToPay: 300000, PaidOn: "2027-06-01", DocumentPresent: true}
	}
	cases := []struct {
		name  string
		edit  func(p *PaymentCheck)
		code  string
		field string
	}{
		{"whole share", func(*PaymentCheck) {}, "", ""},
		{"part of share", func(p *PaymentCheck) { p.AmountFenToPay = 100000 }, "", ""},
		{"rest of share", func(p *PaymentCheck) { p.PaidMilestone = 100000; p.AmountFenToPay = 200000 }, "", ""},
		{"one fen over share", func(p *PaymentCheck) { p.AmountFenToPay = 300001 }, CodeValidationFailed, "amount_fen"},
		{"over rest of share", func(p *PaymentCheck) { p.PaidMilestone = 100000; p.AmountFenToPay = 200001 }, CodeValidationFailed, "amount_fen"},
		{"over contract", func(p *PaymentCheck) { p.PaidTotalFen = 800000 }, CodeValidationFailed, "amount_fen"},
		{"zero", func(p *PaymentCheck) { p.AmountFenToPay = 0 }, CodeValidationFailed, "amount_fen"},
		{"negative", func(p *PaymentCheck) { p.AmountFenToPay = -1 }, CodeValidationFailed, "amount_fen"},
		{"bad date", func(p *PaymentCheck) { p.PaidOn = "2027-6-1" }, CodeValidationFailed, "paid_at"},
		{"no voucher", func(p *PaymentCheck) { p.DocumentPresent = false }, CodeValidationFailed, "document_id"},
		{"terminated", func(p *PaymentCheck) { p.Contract = ContractTerminated }, CodeInvalidState, "status"},
		{"drafted", func(p *PaymentCheck) { p.Contract = ContractDrafted }, CodeInvalidState, "status"},
		{"suspended", func(p *PaymentCheck) { p.Contract = ContractSuspended }, CodeInvalidState, "status"},
		{"pending milestone", func(p *PaymentCheck) { p.Milestone.Status = MilestonePending }, CodeInvalidState, "status"},
		{"submitted milestone", func(p *PaymentCheck) { p.Milestone.Status = MilestoneSubmitted }, CodeInvalidState, "status"},
		{"returned milestone", func(p *PaymentCheck) { p.Milestone.Status = MilestoneReturned }, CodeInvalidState, "status"},
		{"paid milestone", func(p *PaymentCheck) { p.Milestone.Status = MilestonePaid }, CodeInvalidState, "status"},
		{"withheld milestone", func(p *PaymentCheck) { p.Milestone.Status = MilestoneWithheld }, CodeInvalidState, "status"},
		{"final not passed", func(p *PaymentCheck) { p.Milestone.Report = ReportFinal }, CodeInvalidState, "evaluation"},
		{"final passed", func(p *PaymentCheck) { p.Milestone.Report = ReportFinal; p.FinalPassed = true }, "", ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			p := base()
			tc.edit(&p)
			err := ValidatePayment(p)
			if got := codeOf(err); got != tc.code {
				t.Fatalf("code %q, want %q (%v)", got, tc.code, err)
			}
			if tc.field != "" {
				e, _ := AsError(err)
				if !slices.ContainsFunc(e.Fields, func(f FieldError) bool { return f.Field == tc.field }) {
					t.Fatalf("fields %v do not name %s", e.Fields, tc.field)
				}
			}
		})
	}
}

func TestGradeOf(t *testing.T) {
	cases := []struct {
		total Hundredths
		want  Grade
	}{
		{Points(100), GradeExcellent}, {Points(90), GradeExcellent}, {8999, GradeGood}, {Points(80), GradeGood},
		{7999, GradePass}, {Points(60), GradePass}, {5999, GradeFail}, {0, GradeFail},
	}
	for _, tc := range cases {
		if got := GradeOf(tc.total); got != tc.want {
			t.Errorf("GradeOf(%s) = %s, want %s", tc.total, got, tc.want)
		}
	}
	if GradeFail.Passed() || !GradePass.Passed() || GradeLabel[GradePass] != "合格" || GradeLabel[GradeFail] != "不合格" {
		t.Error("grade labels or pass rule wrong")
	}
}

func TestEvaluateContract(t *testing.T) {
	cs := []ContractCriterion{{ID: "a", MaxScore: 40}, {ID: "b", MaxScore: 20}, {ID: "c", MaxScore: 20}, {ID: "d", MaxScore: 20}}
	cases := []struct {
		name   string
		sheets []map[string]Hundredths
		crit   []Hundredths
		total  Hundredths
		grade  Grade
	}{
		// a: (33.33+33.33+33.34)/3 = 33.3333… → 33.33; b: (15+16)/2 → 15.50; c: 10.005 → 10.01 (half-up)
		{"half-up per criterion", []map[string]Hundredths{
			{"a": 3333, "b": 1500, "c": 1000, "d": 1800},
			{"a": 3333, "b": 1600, "c": 1001, "d": 1800},
			{"a": 3334, "b": 1550, "c": 1002, "d": 1800},
		}, []Hundredths{3333, 1550, 1001, 1800}, 7684, GradePass},
		{"exactly 60", []map[string]Hundredths{{"a": 3000, "b": 1000, "c": 1000, "d": 1000}}, []Hundredths{3000, 1000, 1000, 1000}, 6000, GradePass},
		{"just under 60", []map[string]Hundredths{{"a": 2999, "b": 1000, "c": 1000, "d": 1000}}, []Hundredths{2999, 1000, 1000, 1000}, 5999, GradeFail},
		{"90", []map[string]Hundredths{{"a": 4000, "b": 2000, "c": 1500, "d": 1500}}, []Hundredths{4000, 2000, 1500, 1500}, 9000, GradeExcellent},
		{"no sheets", nil, []Hundredths{0, 0, 0, 0}, 0, GradeFail},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := EvaluateContract(cs, tc.sheets)
			var got []Hundredths
			for _, c := range r.Criteria {
				got = append(got, c.Score)
			}
			if !slices.Equal(got, tc.crit) || r.Total != tc.total || r.Grade != tc.grade {
				t.Fatalf("got %v total %s grade %s, want %v %s %s", got, r.Total, r.Grade, tc.crit, tc.total, tc.grade)
			}
		})
	}
}

func TestValidateContractCriteria(t *testing.T) {
	if err := ValidateContractCriteria(DefaultContractCriteria()); err != nil {
		t.Fatalf("defaults invalid: %v", err)
	}
	bad := [][]ContractCriterion{
		nil,
		{{Name: "a", MaxScore: 99}},
		{{Name: "", MaxScore: 100}},
		{{Name: "a", MaxScore: 0}, {Name: "b", MaxScore: 100}},
	}
	for i, cs := range bad {
		if codeOf(ValidateContractCriteria(cs)) != CodeValidationFailed {
			t.Errorf("case %d accepted", i)
		}
	}
}

func TestValidateSchedule(t *testing.T) {
	ms := func() []MilestoneInput { return DefaultMilestones(KindPurchase, "2027-01-01", "2027-12-31") }
	badMs := ms()
	badMs[0].PaymentPct = 50
	badCs := DefaultContractCriteria()
	badCs[1].Name = ""
	cases := []struct {
		name     string
		ms       []MilestoneInput
		criteria []ContractCriterion
		fields   []string // nil = valid
	}{
		{"milestones only", ms(), nil, nil},
		{"both valid", ms(), DefaultContractCriteria(), nil},
		{"milestones wrong, criteria absent", badMs, nil, []string{"milestones"}},
		{"criteria wrong", ms(), badCs, []string{"criteria[1].name"}},
		{"both wrong: every field named at once", badMs, badCs, []string{"milestones", "criteria[1].name"}},
		{"empty criteria list", ms(), []ContractCriterion{}, []string{"criteria"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			err := ValidateSchedule(tc.ms, tc.criteria, "2027-01-01", "2027-12-31")
			if tc.fields == nil {
				if err != nil {
					t.Fatalf("want valid, got %v", err)
				}
				return
			}
			e, ok := AsError(err)
			if !ok || e.Code != CodeValidationFailed {
				t.Fatalf("want validation_failed, got %v", err)
			}
			for _, f := range tc.fields {
				if !slices.ContainsFunc(e.Fields, func(x FieldError) bool { return x.Field == f }) {
					t.Fatalf("fields %v do not name %s", e.Fields, f)
				}
			}
		})
	}
}

func TestRectificationDue(t *testing.T) {
	cases := []struct {
		at   time.Time
		want string
	}{
		{time.Date(2027, 6, 10, 9, 0, 0, 0, Shanghai), "2027-07-10"},
		// 17:00 UTC on 31 Jan is already 1 Feb in Shanghai.
		{time.Date(2027, 1, 31, 17, 0, 0, 0, time.UTC), "2027-03-03"},
		{time.Date(2028, 2, 1, 12, 0, 0, 0, Shanghai), "2028-03-02"},
	}
	for _, tc := range cases {
		if got := RectificationDue(tc.at); got != tc.want {
			t.Errorf("RectificationDue(%s) = %s, want %s", tc.at, got, tc.want)
		}
	}
}

func TestContractRedFlags(t *testing.T) {
	str := func(s string) *string { return &s }
	at := func(y int, m time.Month, d, h int) *time.Time {
		v := time.Date(y, m, d, h, 0, 0, 0, Shanghai)
		return &v
	}
	awarded := time.Date(2027, 1, 25, 10, 0, 0, 0, Shanghai) // Monday; day 30 is 24 Feb
	// 2027-02-08 (Mon) is a holiday; 2027-02-06 (Sat) is a make-up workday.
	cal := Calendar{Holidays: map[string]bool{"2027-02-08": true}, Workdays: map[string]bool{"2027-02-06": true}}
	later := time.Date(2027, 3, 1, 0, 0, 0, 0, Shanghai)
	cases := []struct {
		name     string
		signedOn *string
		signedAt *time.Time
		now      time.Time
		want     []string
	}{
		{"unsigned on day 30", nil, nil, time.Date(2027, 2, 24, 23, 0, 0, 0, Shanghai), []string{}},
		{"unsigned on day 31", nil, nil, time.Date(2027, 2, 25, 0, 30, 0, 0, Shanghai), []string{RedFlagContractSignedLate}},
		// 16:30 UTC on 24 Feb is already 25 Feb in Shanghai.
		{"unsigned on day 31 in Shanghai", nil, nil, time.Date(2027, 2, 24, 16, 30, 0, 0, time.UTC), []string{RedFlagContractSignedLate}},
		{"signed on day 30", str("2027-02-24"), at(2027, 2, 24, 12), later, []string{}},
		{"signed on day 31", str("2027-02-25"), at(2027, 2, 25, 12), later, []string{RedFlagContractSignedLate}},
		// Signed Thu 4 Feb: working days Fri 5 and Sat 6 (调休) → due at the end of Sat 6.
		{"published on the make-up workday", str("2027-02-04"), at(2027, 2, 6, 23), later, []string{}},
		{"published the Sunday after", str("2027-02-04"), at(2027, 2, 7, 9), later, []string{RedFlagContractPublishedLate}},
		// Signed Fri 5 Feb: working days Sat 6 (调休) and Tue 9 (Mon 8 is a holiday) → due at the end of Tue 9.
		{"holiday extends the window", str("2027-02-05"), at(2027, 2, 9, 22), later, []string{}},
		{"published the Wednesday after", str("2027-02-05"), at(2027, 2, 10, 0), later, []string{RedFlagContractPublishedLate}},
		// Signed Fri 29 Jan: Mon 1, Tue 2 Feb.
		{"published over a weekend in time", str("2027-01-29"), at(2027, 2, 2, 20), later, []string{}},
		{"published on the third workday", str("2027-01-29"), at(2027, 2, 3, 9), later, []string{RedFlagContractPublishedLate}},
		{"both", str("2027-02-26"), at(2027, 3, 3, 9), later, []string{RedFlagContractSignedLate, RedFlagContractPublishedLate}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got := ContractRedFlags(awarded, tc.signedOn, tc.signedAt, tc.now, cal)
			if !slices.Equal(got, tc.want) {
				t.Fatalf("got %v, want %v", got, tc.want)
			}
		})
	}
}

func TestReadyToCompleteContract(t *testing.T) {
	settled := []Milestone{{Status: MilestonePaid}, {Status: MilestonePaid}, {Status: MilestonePaid}}
	after := time.Date(2028, 1, 1, 0, 0, 1, 0, Shanghai)
	lastDay := time.Date(2027, 12, 31, 23, 59, 0, 0, Shanghai)
	cases := []struct {
		name   string
		status ContractStatus
		ms     []Milestone
		passed bool
		now    time.Time
		want   bool
	}{
		{"ready", ContractActive, settled, true, after, true},
		{"last day of the period", ContractActive, settled, true, lastDay, false},
		{"final not passed", ContractActive, settled, false, after, false},
		{"one milestone accepted but unpaid", ContractActive, []Milestone{{Status: MilestonePaid}, {Status: MilestoneAccepted}}, true, after, false},
		{"withheld counts as settled", ContractActive, []Milestone{{Status: MilestonePaid}, {Status: MilestoneWithheld}}, true, after, true},
		{"suspended", ContractSuspended, settled, true, after, false},
		{"already completed", ContractCompleted, settled, true, after, false},
		{"no milestones", ContractActive, nil, true, after, false},
	}
	for _, tc := range cases {
		c := Contract{Status: tc.status, PeriodEnd: "2027-12-31", Milestones: tc.ms}
		if got := ReadyToCompleteContract(c, tc.passed, tc.now); got != tc.want {
			t.Errorf("%s: got %v, want %v", tc.name, got, tc.want)
		}
	}
}

func TestMilestoneMoveAndOverdue(t *testing.T) {
	m := Milestone{Status: MilestoneSubmitted}
	if err := m.Move(MilestoneReturn, " "); codeOf(err) != CodeValidationFailed || m.Status != MilestoneSubmitted {
		t.Fatalf("return without reason: %v, %s", err, m.Status)
	}
	if err := m.Move(MilestoneReturn, "材料不全"); err != nil || m.Status != MilestoneReturned || m.Reason != "材料不全" {
		t.Fatalf("return: %v %+v", err, m)
	}
	if err := m.Move(MilestoneAccept, ""); codeOf(err) != CodeInvalidState {
		t.Fatalf("accept a returned report: %v", err)
	}
	due := Milestone{DueDate: "2027-06-30"}
	cases := []struct {
		status MilestoneStatus
		now    time.Time
		want   bool
	}{
		{MilestonePending, time.Date(2027, 6, 30, 23, 59, 0, 0, Shanghai), false},
		{MilestonePending, time.Date(2027, 7, 1, 0, 0, 0, 0, Shanghai), true},
		// 16:30 UTC on 30 June is already 1 July in Shanghai.
		{MilestonePending, time.Date(2027, 6, 30, 16, 30, 0, 0, time.UTC), true},
		{MilestoneReturned, time.Date(2027, 7, 1, 0, 0, 0, 0, Shanghai), true},
		{MilestoneSubmitted, time.Date(2027, 7, 1, 0, 0, 0, 0, Shanghai), false},
		{MilestoneAccepted, time.Date(2027, 8, 1, 0, 0, 0, 0, Shanghai), false},
	}
	for _, tc := range cases {
		due.Status = tc.status
		if got := MilestoneOverdue(due, tc.now); got != tc.want {
			t.Errorf("overdue(%s at %s) = %v, want %v", tc.status, tc.now, got, tc.want)
		}
	}
}

func TestValidateReport(t *testing.T) {
	h := strings.Repeat("a", 64)
	rec := func() ServiceRecord {
		return ServiceRecord{PeriodStart: "2027-01-01", PeriodEnd: "2027-06-30", Beneficiaries: 120, Activities: 8,
			Volunteers: []Volunteer{{IDHash: h, Hours: 1250}, {IDHash: strings.Repeat("b", 64), Hours: 300}}, SocialWorkers: 2}
	}
	cases := []struct {
		name  string
		text  string
		edit  func(r *ServiceRecord)
		field string
	}{
		{"valid", "报告", func(*ServiceRecord) {}, ""},
		{"no text", " ", func(*ServiceRecord) {}, "text"},
		{"end before start", "报告", func(r *ServiceRecord) { r.PeriodEnd = "2026-12-31" }, "service_record.period_end"},
		{"bad start", "报告", func(r *ServiceRecord) { r.PeriodStart = "" }, "service_record.period_start"},
		{"negative beneficiaries", "报告", func(r *ServiceRecord) { r.Beneficiaries = -1 }, "service_record.beneficiaries"},
		{"raw registration number", "报告", func(r *ServiceRecord) { r.Volunteers[0].IDHash = "370000199001011234" }, "service_record.volunteers[0].id_hash"},
		{"upper-case hash", "报告", func(r *ServiceRecord) { r.Volunteers[0].IDHash = strings.Repeat("A", 64) }, "service_record.volunteers[0].id_hash"},
		{"repeated volunteer", "报告", func(r *ServiceRecord) { r.Volunteers[1].IDHash = h }, "service_record.volunteers[1].id_hash"},
		{"zero hours", "报告", func(r *ServiceRecord) { r.Volunteers[1].Hours = 0 }, "service_record.volunteers[1].hours"},
		{"too many hours", "报告", func(r *ServiceRecord) { r.Volunteers[1].Hours = Points(8785) }, "service_record.volunteers[1].hours"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := rec()
			tc.edit(&r)
			err := ValidateReport(tc.text, r)
			if tc.field == "" {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			e, ok := AsError(err)
			if !ok || !slices.ContainsFunc(e.Fields, func(f FieldError) bool { return f.Field == tc.field }) {
				t.Fatalf("want field %s, got %v", tc.field, err)
			}
		})
	}
	if got := rec().VolunteerHours(); got != 1550 {
		t.Errorf("VolunteerHours = %s, want 15.50", got)
	}
}

func TestCanStartEvaluation(t *testing.T) {
	mid := Milestone{Report: ReportMidTerm, Status: MilestoneAccepted}
	final := Milestone{Report: ReportFinal, Status: MilestoneAccepted}
	cases := []struct {
		name   string
		cs     ContractStatus
		m      Milestone
		rounds []Grade
		code   string
	}{
		{"first mid-term", ContractActive, mid, nil, ""},
		{"mid-term already paid", ContractActive, Milestone{Report: ReportMidTerm, Status: MilestonePaid}, nil, ""},
		{"report not accepted", ContractActive, Milestone{Report: ReportMidTerm, Status: MilestoneSubmitted}, nil, CodeInvalidState},
		{"progress milestone", ContractActive, Milestone{Report: ReportProgress, Status: MilestoneAccepted}, nil, CodeValidationFailed},
		{"suspended contract", ContractSuspended, mid, nil, CodeInvalidState},
		{"round scoring", ContractActive, mid, []Grade{""}, CodeConflict},
		{"second after failing mid-term", ContractActive, mid, []Grade{GradeFail}, ""},
		{"third after two fails", ContractActive, mid, []Grade{GradeFail, GradeFail}, CodeInvalidState},
		{"after passing mid-term", ContractActive, mid, []Grade{GradePass}, CodeInvalidState},
		{"second final", ContractActive, final, []Grade{GradeFail}, CodeInvalidState},
		{"first final", ContractActive, final, nil, ""},
	}
	for _, tc := range cases {
		if got := codeOf(CanStartEvaluation(tc.cs, tc.m, tc.rounds)); got != tc.code {
			t.Errorf("%s: code %q, want %q", tc.name, got, tc.code)
		}
	}
}
