package tender

import (
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/hex"
	"slices"
	"strings"
	"testing"
	"time"
)

// expectedBidTransitions is the bid lifecycle of SPEC §4, written out
// independently of bidTransitions.
var expectedBidTransitions = map[BidStatus][]BidStatus{
	BidDraft:        {BidDraft, BidSubmitted},
	BidSubmitted:    {BidDraft, BidSubmitted, BidWithdrawn, BidQualified, BidDisqualified},
	BidWithdrawn:    {BidDraft, BidSubmitted},
	BidQualified:    nil,
	BidDisqualified: nil,
}

func TestBidTransitionsAllPairs(t *testing.T) {
	all := BidStatuses()
	if len(all) != len(expectedBidTransitions) {
		t.Fatalf("BidStatuses() has %d statuses, the test knows %d", len(all), len(expectedBidTransitions))
	}
	for _, from := range all {
		if _, ok := expectedBidTransitions[from]; !ok {
			t.Fatalf("status %q missing from expectedBidTransitions", from)
		}
		for _, to := range all {
			want := slices.Contains(expectedBidTransitions[from], to)
			if got := CanTransitionBid(from, to); got != want {
				t.Errorf("CanTransitionBid(%s, %s) = %v, want %v", from, to, got, want)
			}
		}
	}
	for v, byFrom := range bidTransitions {
		if bidVerbLabel[v] == "" {
			t.Errorf("verb %q has no label", v)
		}
		for from, tos := range byFrom {
			if !from.Valid() {
				t.Errorf("verb %s from unknown %q", v, from)
			}
			for _, to := range tos {
				if !to.Valid() {
					t.Errorf("verb %s to unknown %q", v, to)
				}
			}
		}
	}
}

func TestBidVerbsFromEveryStatus(t *testing.T) {
	at := testNow
	verbs := []struct {
		name string
		from []BidStatus
		to   BidStatus
		do   func(b *Bid) error
	}{
		{"edit", []BidStatus{BidDraft, BidSubmitted, BidWithdrawn}, BidDraft, func(b *Bid) error { return b.Edit() }},
		{"submit", []BidStatus{BidDraft, BidSubmitted, BidWithdrawn}, BidSubmitted, func(b *Bid) error { return b.Submit(at) }},
		{"withdraw", []BidStatus{BidSubmitted}, BidWithdrawn, func(b *Bid) error { return b.Withdraw() }},
		{"qualify", []BidStatus{BidSubmitted}, BidQualified, func(b *Bid) error { return b.Qualify(true, "") }},
		{"disqualify", []BidStatus{BidSubmitted}, BidDisqualified, func(b *Bid) error { return b.Qualify(false, "缺少资质证明") }},
	}
	for _, v := range verbs {
		for _, s := range BidStatuses() {
			b := Bid{ID: "b1", Status: s, Version: 2, ContentSHA256: "abc"}
			err := v.do(&b)
			if slices.Contains(v.from, s) {
				if err != nil || b.Status != v.to {
					t.Errorf("%s from %s: %v, status %s", v.name, s, err, b.Status)
				}
				continue
			}
			if errCode(err) != CodeInvalidState || b.Status != s || b.Version != 2 {
				t.Errorf("%s from %s: %v, status %s version %d", v.name, s, err, b.Status, b.Version)
			}
		}
	}
}

func TestBidSubmitEditCycle(t *testing.T) {
	b := Bid{Status: BidDraft}
	t1 := testNow
	if err := b.Submit(t1); err != nil || b.Version != 1 || !b.SubmittedAt.Equal(t1) {
		t.Fatalf("first submit: %v %+v", err, b)
	}
	b.ContentSHA256 = "h1"
	t2 := t1.Add(time.Hour)
	if err := b.Submit(t2); err != nil || b.Version != 2 || !b.SubmittedAt.Equal(t2) {
		t.Fatalf("re-submit: %v %+v", err, b)
	}
	if err := b.Edit(); err != nil || b.Status != BidDraft || b.SubmittedAt != nil || b.ContentSHA256 != "" || b.Version != 2 {
		t.Fatalf("edit after submit: %v %+v", err, b)
	}
	if err := b.Submit(t2); err != nil || b.Version != 3 {
		t.Fatalf("submit after edit: %v %+v", err, b)
	}
	if err := b.Withdraw(); err != nil || b.Status != BidWithdrawn {
		t.Fatalf("withdraw: %v %+v", err, b)
	}
	if err := b.Submit(t2); err != nil || b.Status != BidSubmitted || b.Version != 4 {
		t.Fatalf("submit after withdraw: %v %+v", err, b)
	}
}

func TestQualify(t *testing.T) {
	cases := []struct {
		ok     bool
		reason string
		want   BidStatus
		code   string
	}{
		{true, "", BidQualified, ""},
		{true, "材料齐全", BidQualified, ""},
		{false, "", BidSubmitted, CodeValidationFailed},
		{false, "   ", BidSubmitted, CodeValidationFailed},
		{false, " 未登记 ", BidDisqualified, ""},
	}
	for _, c := range cases {
		b := Bid{Status: BidSubmitted}
		err := b.Qualify(c.ok, c.reason)
		if errCode(err) != c.code || b.Status != c.want {
			t.Errorf("%+v: %v status %s", c, err, b.Status)
		}
		if c.code == CodeValidationFailed && !slices.Equal(errFields(err), []string{"reason"}) {
			t.Errorf("%+v: fields %v", c, errFields(err))
		}
		if c.code == "" && b.QualificationReason != strings.TrimSpace(c.reason) {
			t.Errorf("%+v: reason %q", c, b.QualificationReason)
		}
	}
}

func TestCanChangeBid(t *testing.T) {
	tn := validPurchase()
	d := tn.BidDeadline
	cases := []struct {
		status Status
		at     time.Time
		code   string
	}{
		{StatusOpen, d.Add(-time.Nanosecond), ""},
		{StatusOpen, d, CodeDeadlinePassed},
		{StatusOpen, d.Add(time.Second), CodeDeadlinePassed},
		{StatusOpen, d.In(time.UTC).Add(-time.Nanosecond), ""}, // instants, not wall clocks
		{StatusDraft, testNow, CodeInvalidState},
		{StatusCancelled, testNow, CodeInvalidState},
		{StatusEvaluating, testNow, CodeDeadlinePassed},
		{StatusAwarded, d.Add(time.Hour), CodeDeadlinePassed},
		{StatusCompleted, d.Add(time.Hour), CodeDeadlinePassed},
		{StatusFailed, d.Add(time.Hour), CodeDeadlinePassed},
	}
	for _, s := range Statuses() {
		found := false
		for _, c := range cases {
			found = found || c.status == s
		}
		if !found {
			t.Errorf("no case for tender status %s", s)
		}
	}
	for _, c := range cases {
		tn.Status = c.status
		err := CanChangeBid(tn, c.at)
		if errCode(err) != c.code {
			t.Errorf("%s at %v: %v, want %q", c.status, c.at, err, c.code)
		}
		if c.code == CodeDeadlinePassed {
			if e, _ := AsError(err); e.Key != "bid.deadline_passed" {
				t.Errorf("key %q", e.Key)
			}
		}
	}
}

// Waited counts a request's wait since it reached the portal up to
// ArrivalGrace: a request that waited longer is judged at the present − G.
func TestWaited(t *testing.T) {
	cases := []struct {
		elapsed, want time.Duration
	}{
		{-time.Second, 0}, // a clock step backwards never moves the judgement later than the present
		{0, 0},
		{300 * time.Millisecond, 300 * time.Millisecond},
		{ArrivalGrace, ArrivalGrace},
		{ArrivalGrace + time.Nanosecond, ArrivalGrace},
		{time.Hour, ArrivalGrace},
	}
	for _, c := range cases {
		if got := Waited(c.elapsed); got != c.want {
			t.Errorf("Waited(%v) = %v, want %v", c.elapsed, got, c.want)
		}
	}
}

func TestCheckEligibility(t *testing.T) {
	good := Organization{ID: "o1", Type: OrgSocialWorkAgency, Registration: Registered, Status: OrgApproved, SocialWorkers: 2}
	cases := []struct {
		name   string
		elig   Eligibility
		change func(o *Organization)
		fields []string
	}{
		{"eligible", Eligibility{OrgTypes: []OrgType{OrgSocialOrg, OrgSocialWorkAgency}, RegisteredOnly: true, MinSocialWorkers: 2}, func(o *Organization) {}, nil},
		{"any type", Eligibility{}, func(o *Organization) { o.Type = OrgVolunteerOrg }, nil},
		{"pending", Eligibility{}, func(o *Organization) { o.Status = OrgPending }, []string{"organization.status"}},
		{"suspended", Eligibility{}, func(o *Organization) { o.Status = OrgSuspended }, []string{"organization.status"}},
		{"rejected", Eligibility{}, func(o *Organization) { o.Status = OrgRejected }, []string{"organization.status"}},
		{"wrong type", Eligibility{OrgTypes: []OrgType{OrgSocialOrg}}, func(o *Organization) {}, []string{"eligibility.org_types"}},
		{"filed", Eligibility{RegisteredOnly: true}, func(o *Organization) { o.Registration = Filed }, []string{"eligibility.registered_only"}},
		{"filed allowed", Eligibility{}, func(o *Organization) { o.Registration = Filed }, nil},
		{"too few social workers", Eligibility{MinSocialWorkers: 3}, func(o *Organization) {}, []string{"eligibility.min_social_workers"}},
		{"every rule", Eligibility{OrgTypes: []OrgType{OrgSocialOrg}, RegisteredOnly: true, MinSocialWorkers: 1},
			func(o *Organization) { o.Status = OrgSuspended; o.Registration = Filed; o.SocialWorkers = 0 },
			[]string{"organization.status", "eligibility.org_types", "eligibility.registered_only", "eligibility.min_social_workers"}},
	}
	for _, c := range cases {
		tn := validPurchase()
		tn.Eligibility = c.elig
		org := good
		c.change(&org)
		err := CheckEligibility(tn, org)
		if c.fields == nil {
			if err != nil {
				t.Errorf("%s: %v", c.name, err)
			}
			continue
		}
		if errCode(err) != CodeNotEligible || !slices.Equal(errFields(err), c.fields) {
			t.Errorf("%s: %v, fields %v, want not_eligible %v", c.name, err, errFields(err), c.fields)
		}
	}
}

func TestCheckPrice(t *testing.T) {
	p, v := validPurchase(), validVenture() // budgets 30000000 and 50000000, venture cap 10000000
	cases := []struct {
		name  string
		tn    Tender
		price int64
		ok    bool
	}{
		{"purchase at ceiling", p, 30000000, true},
		{"purchase over ceiling", p, 30000001, false},
		{"purchase zero", p, 0, false},
		{"purchase negative", p, -5, false},
		{"venture at cap", v, 10000000, true},
		{"venture over cap", v, 10000001, false},
		{"venture zero", v, 0, false},
	}
	for _, c := range cases {
		err := CheckPrice(c.tn, c.price)
		if c.ok != (err == nil) {
			t.Errorf("%s: %v", c.name, err)
		}
		if err != nil && (errCode(err) != CodeValidationFailed || !slices.Equal(errFields(err), []string{"price_fen"})) {
			t.Errorf("%s: %v fields %v", c.name, err, errFields(err))
		}
	}
	if err := CheckBidSummary(strings.Repeat("字", maxBidSummaryRunes+1)); errCode(err) != CodeValidationFailed {
		t.Errorf("long summary: %v", err)
	}
}

func TestBidContentHash(t *testing.T) {
	d1 := strings.Repeat("a", 64)
	d2 := strings.Repeat("0", 63) + "f"
	canonical := `{"documents":["` + d2 + `","` + d1 + `"],"price_fen":28000000,"summary":"养老<服务> & \"陪护\""}`
	sum := sha256.Sum256([]byte(canonical))
	want := hex.EncodeToString(sum[:])
	if got := BidContentHash(28000000, `养老<服务> & "陪护"`, []string{d1, strings.ToUpper(d2)}); got != want {
		t.Errorf("hash %s, want %s (of %s)", got, want, canonical)
	}
	empty := sha256.Sum256([]byte(`{"documents":[],"price_fen":100,"summary":""}`))
	if got := BidContentHash(100, "", nil); got != hex.EncodeToString(empty[:]) {
		t.Errorf("no documents: %s", got)
	}
	if BidContentHash(100, "a", nil) == BidContentHash(101, "a", nil) ||
		BidContentHash(100, "a", nil) == BidContentHash(100, "b", nil) ||
		BidContentHash(100, "a", nil) == BidContentHash(100, "a", []string{d1}) {
		t.Error("hash ignores part of the content")
	}
	docs := []string{d1, d2}
	BidContentHash(1, "", docs)
	if docs[0] != d1 {
		t.Error("BidContentHash reordered the caller's slice")
	}
}

func TestReceipt(t *testing.T) {
	at := time.Date(2026, 12, 8, 9, 59, 59, 123456789, time.FixedZone("CST", 8*3600))
	b := Bid{ID: "b1", TenderID: "t1", Version: 3, SubmittedAt: &at, ContentSHA256: "ab12"}
	r := NewReceipt(b)
	if r.SubmittedAt != "2026-12-08T01:59:59.123456789Z" {
		t.Errorf("submitted_at %q", r.SubmittedAt)
	}
	want := `{"bid_id":"b1","content_sha256":"ab12","submitted_at":"2026-12-08T01:59:59.123456789Z","tender_id":"t1","version":3}`
	if got := string(r.SigningBytes()); got != want {
		t.Errorf("signing bytes\n got %s\nwant %s", got, want)
	}

	seed := make([]byte, ed25519.SeedSize)
	for i := range seed {
		seed[i] = byte(i)
	}
	priv := ed25519.NewKeyFromSeed(seed)
	pub := priv.Public().(ed25519.PublicKey)
	s := SignReceipt(priv, r)
	if s.KeyID != ReceiptKeyID(pub) || len(s.KeyID) != 16 {
		t.Errorf("key id %q", s.KeyID)
	}
	if !VerifyReceipt(pub, s) {
		t.Fatal("valid receipt does not verify")
	}
	tampered := []func(s *SignedReceipt){
		func(s *SignedReceipt) { s.Version++ },
		func(s *SignedReceipt) { s.ContentSHA256 = "ab13" },
		func(s *SignedReceipt) { s.SubmittedAt = "2026-12-08T01:59:58Z" },
		func(s *SignedReceipt) { s.BidID = "b2" },
		func(s *SignedReceipt) { s.TenderID = "t2" },
		func(s *SignedReceipt) { s.Signature = "!!" },
		func(s *SignedReceipt) { s.KeyID = "0000000000000000" },
	}
	for i, change := range tampered {
		c := s
		change(&c)
		if VerifyReceipt(pub, c) {
			t.Errorf("tampered receipt %d verifies", i)
		}
	}
	other := ed25519.NewKeyFromSeed(make([]byte, ed25519.SeedSize))
	s.KeyID = ""
	if VerifyReceipt(other.Public().(ed25519.PublicKey), s) {
		t.Error("receipt verifies under another key")
	}
	if VerifyReceipt(nil, s) {
		t.Error("receipt verifies under no key")
	}
}
