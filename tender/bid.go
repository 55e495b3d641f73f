package tender

import (
	"bytes"
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"slices"
	"strings"
	"time"
	"unicode/utf8"
)

// BidStatus is where a bid stands.
type BidStatus string

// Bid statuses.
const (
	BidDraft        BidStatus = "draft"
	BidSubmitted    BidStatus = "submitted"
	BidWithdrawn    BidStatus = "withdrawn"
	BidQualified    BidStatus = "qualified"
	BidDisqualified BidStatus = "disqualified"
)

// BidStatuses lists every bid status, in lifecycle order.
func BidStatuses() []BidStatus {
	return []BidStatus{BidDraft, BidSubmitted, BidWithdrawn, BidQualified, BidDisqualified}
}

// Valid reports whether s is a known bid status.
func (s BidStatus) Valid() bool { return slices.Contains(BidStatuses(), s) }

// Bid is an organization's sealed offer for a tender (a proposal for venture).
type Bid struct {
	ID                  string     `json:"id" db:"id"`
	TenderID            string     `json:"tender_id" db:"tender_id"`
	OrgID               string     `json:"org_id" db:"org_id"`
	OrgName             string     `json:"org_name,omitempty" db:"org_name"`
	LotID               string     `json:"lot_id" db:"lot_id"`       // the lot bid for; "" without lots
	PriceFen            int64      `json:"price_fen" db:"price_fen"` // offer; the requested amount for venture
	Summary             string     `json:"summary" db:"summary"`
	Status              BidStatus  `json:"status" db:"status"`
	Version             int        `json:"version" db:"version"` // bumped by every submit
	SubmittedAt         *time.Time `json:"submitted_at" db:"submitted_at"`
	QualificationReason string     `json:"qualification_reason,omitempty" db:"qualification_reason"`
	ContentSHA256       string     `json:"content_sha256,omitempty" db:"content_sha256"` // BidContentHash of the submitted content
	Facts               *BidFacts  `json:"facts,omitempty" db:"facts"`                   // frozen at the last submit (§8.2)
	CreatedAt           time.Time  `json:"created_at" db:"created_at"`
	UpdatedAt           time.Time  `json:"updated_at" db:"updated_at"`
}

// bidVerb is a business verb of the bid lifecycle.
type bidVerb string

const (
	bidVerbEdit     bidVerb = "edit"
	bidVerbSubmit   bidVerb = "submit"
	bidVerbWithdraw bidVerb = "withdraw"
	bidVerbQualify  bidVerb = "qualify"
)

var bidVerbLabel = map[bidVerb]string{
	bidVerbEdit:     "修改",
	bidVerbSubmit:   "提交",
	bidVerbWithdraw: "撤回",
	bidVerbQualify:  "资格审查",
}

// bidTransitions is the whole bid lifecycle: per verb, the statuses it may
// start from and the statuses it may lead to.
var bidTransitions = map[bidVerb]map[BidStatus][]BidStatus{
	// Editing returns a submitted bid to draft so that what is opened is
	// always exactly what the last receipt covers.
	bidVerbEdit: {
		BidDraft:     {BidDraft},
		BidSubmitted: {BidDraft},
		BidWithdrawn: {BidDraft},
	},
	bidVerbSubmit: {
		BidDraft:     {BidSubmitted},
		BidSubmitted: {BidSubmitted},
		BidWithdrawn: {BidSubmitted},
	},
	bidVerbWithdraw: {BidSubmitted: {BidWithdrawn}},
	bidVerbQualify:  {BidSubmitted: {BidQualified, BidDisqualified}},
}

// CanTransitionBid reports whether some verb of the bid lifecycle leads from
// one status to another (a re-submit leads from submitted to submitted).
func CanTransitionBid(from, to BidStatus) bool {
	for _, byFrom := range bidTransitions {
		if slices.Contains(byFrom[from], to) {
			return true
		}
	}
	return false
}

func (b *Bid) move(v bidVerb, to BidStatus) error {
	if !slices.Contains(bidTransitions[v][b.Status], to) {
		return InvalidState("bid", string(b.Status), bidVerbLabel[v])
	}
	b.Status = to
	return nil
}

// Edit records that the bid's price, summary or documents are about to
// change. A submitted or withdrawn bid returns to draft and loses its content
// hash: it is in the opening only if submitted again before the deadline.
// The caller checks CanChangeBid first.
func (b *Bid) Edit() error {
	if err := b.move(bidVerbEdit, BidDraft); err != nil {
		return err
	}
	b.SubmittedAt = nil
	b.ContentSHA256 = ""
	return nil
}

// Submit submits (or re-submits) the bid at the database clock's dbNow and
// bumps its version. The caller checks CanChangeBid, CheckEligibility and
// CheckPrice in the same transaction and sets ContentSHA256.
func (b *Bid) Submit(dbNow time.Time) error {
	if err := b.move(bidVerbSubmit, BidSubmitted); err != nil {
		return err
	}
	b.Version++
	b.SubmittedAt = &dbNow
	return nil
}

// Withdraw takes a submitted bid out of the tender; it may be submitted again
// before the deadline.
func (b *Bid) Withdraw() error { return b.move(bidVerbWithdraw, BidWithdrawn) }

// Qualify records the bureau's qualification decision (资格审查) on an opened
// bid. Disqualifying needs a reason, which is kept.
func (b *Bid) Qualify(ok bool, reason string) error {
	to := BidQualified
	if !ok {
		to = BidDisqualified
	}
	if !slices.Contains(bidTransitions[bidVerbQualify][b.Status], to) {
		return InvalidState("bid", string(b.Status), bidVerbLabel[bidVerbQualify])
	}
	reason = strings.TrimSpace(reason)
	if !ok && reason == "" {
		var f Fields
		f.Add("reason", "判定资格审查不通过须填写理由")
		return f.Validation()
	}
	if err := b.move(bidVerbQualify, to); err != nil {
		return err
	}
	b.QualificationReason = reason
	return nil
}

// CanChangeBid returns nil when bids of t may be created, edited, submitted or
// withdrawn at dbNow, the database clock read in the same transaction (less
// the request's Waited time when it is judged at its arrival): the tender is
// open and dbNow is before bid_deadline. A tender already opened
// answers deadline_passed as well, so a late bid gets the same answer whether
// or not the timer has run.
func CanChangeBid(t Tender, dbNow time.Time) error {
	switch t.Status {
	case StatusOpen:
		if dbNow.Before(t.BidDeadline) {
			return nil
		}
		return errBidDeadlinePassed()
	case StatusEvaluating, StatusAwarded, StatusCompleted, StatusFailed:
		return errBidDeadlinePassed()
	}
	return InvalidState("tender", string(t.Status), "投标")
}

// ArrivalGrace (G) is the longest wait between a bid change reaching the
// portal and its transaction that is forgiven: the deadline rule judges a
// request at the database clock's present minus the time it waited since it
// reached the portal (its whole request read), that wait counted up to G.
// A request that reached the portal before the deadline is therefore judged
// before it, however long it queued for a database connection or a lock,
// unless it waited longer than G; such a request is judged at the present
// minus G. The opening waits until the database clock is past bid_deadline
// + G (DueForOpening), so every request judged in time is decided before it.
const ArrivalGrace = 2 * time.Second

// Waited is how long the deadline rule lets a request have waited since it
// reached the portal: elapsed, at least 0 and at most ArrivalGrace.
func Waited(elapsed time.Duration) time.Duration {
	return min(max(elapsed, 0), ArrivalGrace)
}

// BidDeadlinePassed is the answer to any bid change after the deadline.
func BidDeadlinePassed() *Error { return errBidDeadlinePassed() }

func errBidDeadlinePassed() *Error {
	return &Error{Code: CodeDeadlinePassed, Key: "bid.deadline_passed", Message: "投标截止时间已过，不能再提交、修改或撤回投标"}
}

// CheckEligibility checks org against the eligibility of t (at bid creation
// and at submit). It returns a not_eligible error listing every failed rule:
// org approved; type among eligibility.org_types (an empty list admits every
// type); registered when eligibility.registered_only; enough social workers.
func CheckEligibility(t Tender, org Organization) error {
	var f Fields
	if org.Status != OrgApproved {
		f.Add("organization.status", "组织尚未通过审核或已被暂停，不能投标")
	}
	if len(t.Eligibility.OrgTypes) > 0 && !slices.Contains(t.Eligibility.OrgTypes, org.Type) {
		f.Add("eligibility.org_types", "本项目不接受该类型组织投标")
	}
	if t.Eligibility.RegisteredOnly && org.Registration != Registered {
		f.Add("eligibility.registered_only", "本项目仅限在民政部门登记的组织投标，备案组织不能投标")
	}
	if c := t.Eligibility.CommunityID; c != nil && (org.CommunityID == nil || *org.CommunityID != *c) {
		f.Add("eligibility.community_id", "本项目优先由本社区社会组织承接，仅限本社区组织投标")
	}
	if org.SocialWorkers < t.Eligibility.MinSocialWorkers {
		f.Addf("eligibility.min_social_workers", "本项目要求持证社工不少于%d人，组织现有%d人",
			t.Eligibility.MinSocialWorkers, org.SocialWorkers)
	}
	singleSourceProblems(&f, t, org)
	return f.Err(CodeNotEligible, "bid.not_eligible", "组织不符合本项目的投标资格")
}

// CheckPrice checks a bid's price: positive; for purchase at most budget_fen
// (最高限价); for venture at most max_award_fen (the cap per proposal).
func CheckPrice(t Tender, priceFen int64) error {
	var f Fields
	switch {
	case priceFen <= 0:
		f.Add("price_fen", "报价应大于0")
	case t.Kind == KindVenture && t.MaxAwardFen != nil && priceFen > *t.MaxAwardFen:
		f.Addf("price_fen", "申请金额不得超过单个项目资助上限%s元", Hundredths(*t.MaxAwardFen))
	case t.Kind == KindVenture && priceFen > t.BudgetFen:
		f.Addf("price_fen", "申请金额不得超过资金池总额%s元", Hundredths(t.BudgetFen))
	case t.Kind == KindPurchase && priceFen > t.BudgetFen:
		f.Addf("price_fen", "报价不得超过最高限价%s元", Hundredths(t.BudgetFen))
	}
	return f.Validation()
}

// CheckBidSummary checks the summary text of a bid.
func CheckBidSummary(summary string) error {
	var f Fields
	if utf8.RuneCountInString(summary) > maxBidSummaryRunes {
		f.Addf("summary", "投标摘要不得超过%d字", maxBidSummaryRunes)
	}
	return f.Validation()
}

const maxBidSummaryRunes = 20000

// BidContentHash returns the SHA-256 (lowercase hex) of a bid's canonical
// content, which the receipt signs and the opening record publishes. The
// canonical content is the UTF-8 JSON object
//
//	{"documents":["<sha256>",…],"price_fen":<integer>,"summary":"<text>"}
//
// with exactly these keys in this order, no whitespace, documents holding the
// lowercase hex SHA-256 of each bid document sorted ascending (duplicates
// kept, [] when none), and summary as stored, escaped as JSON requires and
// with no other escapes ("<", ">", "&" and non-ASCII characters appear as
// themselves). A bidder recomputes it with, for example,
//
//	printf '%s' '{"documents":[],"price_fen":100,"summary":"x"}' | sha256sum
func BidContentHash(priceFen int64, summary string, docSHA256s []string) string {
	docs := make([]string, len(docSHA256s))
	for i, d := range docSHA256s {
		docs[i] = strings.ToLower(d)
	}
	slices.Sort(docs)
	b := marshalCanonical(struct {
		Documents []string `json:"documents"`
		PriceFen  int64    `json:"price_fen"`
		Summary   string   `json:"summary"`
	}{docs, priceFen, summary})
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

// marshalCanonical encodes v without HTML escaping and without the trailing newline.
func marshalCanonical(v any) []byte {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		// Only fixed structs of strings and integers are encoded here.
		panic("tender: canonical JSON: " + err.Error())
	}
	return bytes.TrimSuffix(buf.Bytes(), []byte("\n"))
}

// Receipt is what the portal signs when a bid is submitted.
type Receipt struct {
	BidID         string `json:"bid_id"`
	TenderID      string `json:"tender_id"`
	Version       int    `json:"version"`
	SubmittedAt   string `json:"submitted_at"` // RFC 3339 with nanoseconds, UTC
	ContentSHA256 string `json:"content_sha256"`
}

// NewReceipt returns the receipt of a submitted bid.
func NewReceipt(b Bid) Receipt {
	r := Receipt{BidID: b.ID, TenderID: b.TenderID, Version: b.Version, ContentSHA256: b.ContentSHA256}
	if b.SubmittedAt != nil {
		r.SubmittedAt = b.SubmittedAt.UTC().Format(time.RFC3339Nano)
	}
	return r
}

// SigningBytes returns the bytes the signature covers: the canonical JSON
//
//	{"bid_id":"…","content_sha256":"…","submitted_at":"…","tender_id":"…","version":N}
//
// with keys in this (sorted) order and no whitespace.
func (r Receipt) SigningBytes() []byte {
	return marshalCanonical(struct {
		BidID         string `json:"bid_id"`
		ContentSHA256 string `json:"content_sha256"`
		SubmittedAt   string `json:"submitted_at"`
		TenderID      string `json:"tender_id"`
		Version       int    `json:"version"`
	}{r.BidID, r.ContentSHA256, r.SubmittedAt, r.TenderID, r.Version})
}

// SignedReceipt is a receipt with the portal's Ed25519 signature over its
// SigningBytes, base64 (standard, padded), and the id of the signing key.
type SignedReceipt struct {
	Receipt
	Signature string `json:"signature"`
	KeyID     string `json:"key_id"`
}

// ReceiptKeyID names a receipt public key: the first 16 hex digits of its SHA-256.
func ReceiptKeyID(pub ed25519.PublicKey) string {
	sum := sha256.Sum256(pub)
	return hex.EncodeToString(sum[:8])
}

// SignReceipt signs r with the portal's receipt key.
func SignReceipt(priv ed25519.PrivateKey, r Receipt) SignedReceipt {
	sig := ed25519.Sign(priv, r.SigningBytes())
	return SignedReceipt{
		Receipt:   r,
		Signature: base64.StdEncoding.EncodeToString(sig),
		KeyID:     ReceiptKeyID(priv.Public().(ed25519.PublicKey)),
	}
}

// VerifyReceipt reports whether s carries a valid signature by pub (and, when
// s names a key, whether it names pub).
func VerifyReceipt(pub ed25519.PublicKey, s SignedReceipt) bool {
	if len(pub) != ed25519.PublicKeySize {
		return false
	}
	if s.KeyID != "" && s.KeyID != ReceiptKeyID(pub) {
		return false
	}
	sig, err := base64.StdEncoding.DecodeString(s.Signature)
	if err != nil {
		return false
	}
	return ed25519.Verify(pub, s.Receipt.SigningBytes(), sig)
}

// SubmittedAtBefore reports whether the receipt's time is before t.
func (r Receipt) SubmittedAtBefore(t time.Time) bool {
	at, err := time.Parse(time.RFC3339Nano, r.SubmittedAt)
	return err == nil && at.Before(t)
}
