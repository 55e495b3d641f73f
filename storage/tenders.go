package storage

import (
	"context"
	"database/sql"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/jmoiron/sqlx"

	"github.com/linshu/portal/tender"
)

// tenderRow is a tenders row: the JSON columns and nullable values arrive raw.
type tenderRow struct {
	ID                     string     `db:"id"`
	Code                   string     `db:"code"`
	Kind                   string     `db:"kind"`
	Procedure              string     `db:"procedure"`
	SingleSourceOrgID      *string    `db:"single_source_org_id"`
	Title                  string     `db:"title"`
	Description            string     `db:"description"`
	CatalogItemID          *string    `db:"catalog_item_id"`
	CommunityID            *string    `db:"community_id"`
	Community              string     `db:"community"`
	FundingSource          string     `db:"funding_source"`
	BudgetFen              int64      `db:"budget_fen"`
	MaxAwardFen            *int64     `db:"max_award_fen"`
	MaxAwards              int        `db:"max_awards"`
	MinBids                int        `db:"min_bids"`
	MinAwardScore          *int64     `db:"min_award_score"`
	ServiceStart           *string    `db:"service_start"`
	ServiceEnd             *string    `db:"service_end"`
	Eligibility            []byte     `db:"eligibility"`
	CommunityPreferencePct int        `db:"community_preference_pct"`
	ProjectItemID          *string    `db:"project_item_id"`
	Evaluation             []byte     `db:"evaluation"`
	Lots                   []byte     `db:"lots"`
	EnquiryDeadline        time.Time  `db:"enquiry_deadline"`
	BidDeadline            time.Time  `db:"bid_deadline"`
	Status                 string     `db:"status"`
	CancelReason           string     `db:"cancel_reason"`
	PublishedAt            *time.Time `db:"published_at"`
	OpenedAt               *time.Time `db:"opened_at"`
	DrawCommitment         string     `db:"draw_commitment"`
	CreatedAt              time.Time  `db:"created_at"`
	UpdatedAt              time.Time  `db:"updated_at"`
}

const tenderColumns = `id, code, kind, procedure, single_source_org_id, title, description, catalog_item_id, community_id,
	COALESCE((SELECT cm.name FROM communities cm WHERE cm.id = community_id), '') AS community, funding_source, budget_fen,
	max_award_fen, max_awards, min_bids, min_award_score, to_char(service_start, 'YYYY-MM-DD') AS service_start,
	to_char(service_end, 'YYYY-MM-DD') AS service_end, eligibility, community_preference_pct, evaluation, lots,
	enquiry_deadline, bid_deadline, status, cancel_reason, published_at, opened_at, draw_commitment, created_at, updated_at, project_item_id`

func (r tenderRow) tender() (tender.Tender, error) {
	t := tender.Tender{ID: r.ID, Code: r.Code, Kind: tender.Kind(r.Kind), Procedure: tender.Procedure(r.Procedure), Title: r.Title, Description: r.Description,
		CommunityID: r.CommunityID, Community: r.Community, ProjectItemID: r.ProjectItemID, FundingSource: tender.FundingSource(r.FundingSource), BudgetFen: r.BudgetFen,
		MaxAwardFen: r.MaxAwardFen, MaxAwards: r.MaxAwards, MinBids: r.MinBids,
		CommunityPreferencePct: r.CommunityPreferencePct, EnquiryDeadline: r.EnquiryDeadline, BidDeadline: r.BidDeadline,
		Status: tender.Status(r.Status), CancelReason: r.CancelReason, PublishedAt: r.PublishedAt, OpenedAt: r.OpenedAt,
		DrawCommitment: r.DrawCommitment, CreatedAt: r.CreatedAt, UpdatedAt: r.UpdatedAt}
	if r.CatalogItemID != nil {
		t.CatalogItemID = *r.CatalogItemID
	}
	if r.SingleSourceOrgID != nil {
		t.SingleSourceOrgID = *r.SingleSourceOrgID
	}
	if r.MinAwardScore != nil {
		h := tender.Hundredths(*r.MinAwardScore)
		t.MinAwardScore = &h
	}
	if r.ServiceStart != nil {
		t.ServiceStart = *r.ServiceStart
	}
	if r.ServiceEnd != nil {
		t.ServiceEnd = *r.ServiceEnd
	}
	var err error
	if t.Eligibility, err = settings.eligibility(r.Eligibility); err != nil {
		return t, fmt.Errorf("tender %s eligibility: %w", r.ID, err)
	}
	if t.Evaluation, err = settings.evaluation(r.Evaluation); err != nil {
		return t, fmt.Errorf("tender %s evaluation: %w", r.ID, err)
	}
	if err := json.Unmarshal(r.Lots, &t.Lots); err != nil {
		return t, fmt.Errorf("tender %s lots: %w", r.ID, err)
	}
	if t.Lots == nil {
		t.Lots = []tender.Lot{}
	}
	if t.Eligibility.OrgTypes == nil {
		t.Eligibility.OrgTypes = []tender.OrgType{}
	}
	if t.Evaluation.Criteria == nil {
		t.Evaluation.Criteria = []tender.Criterion{}
	}
	return t, nil
}

// settings remembers decoded eligibility and evaluation settings by their
// stored JSON: tenders share a handful of them, and decoding both for every
// row was a third of the CPU of a list request. Every caller gets its own
// copy, slices included.
var settings = &settingsCache{}

type settingsCache struct {
	mu   sync.RWMutex
	elig map[string]tender.Eligibility
	eval map[string]tender.EvaluationConfig
}

// settingsCacheSize bounds each map; when full it starts again empty.
const settingsCacheSize = 512

func (c *settingsCache) eligibility(raw []byte) (tender.Eligibility, error) {
	c.mu.RLock()
	e, ok := c.elig[string(raw)]
	c.mu.RUnlock()
	if !ok {
		if err := json.Unmarshal(raw, &e); err != nil {
			return e, err
		}
		c.mu.Lock()
		if c.elig == nil || len(c.elig) >= settingsCacheSize {
			c.elig = map[string]tender.Eligibility{}
		}
		c.elig[string(raw)] = e
		c.mu.Unlock()
	}
	e.OrgTypes = slices.Clone(e.OrgTypes)
	return e, nil
}

func (c *settingsCache) evaluation(raw []byte) (tender.EvaluationConfig, error) {
	c.mu.RLock()
	e, ok := c.eval[string(raw)]
	c.mu.RUnlock()
	if !ok {
		if err := json.Unmarshal(raw, &e); err != nil {
			return e, err
		}
		c.mu.Lock()
		if c.eval == nil || len(c.eval) >= settingsCacheSize {
			c.eval = map[string]tender.EvaluationConfig{}
		}
		c.eval[string(raw)] = e
		c.mu.Unlock()
	}
	e.Criteria = slices.Clone(e.Criteria)
	return e, nil
}

// tenderArgs are the stored columns of t in the order of the INSERT/UPDATE below.
func tenderArgs(t tender.Tender) ([]any, error) {
	elig, err := json.Marshal(t.Eligibility)
	if err != nil {
		return nil, err
	}
	eval, err := json.Marshal(t.Evaluation)
	if err != nil {
		return nil, err
	}
	lots := []byte("[]")
	if len(t.Lots) > 0 {
		if lots, err = json.Marshal(t.Lots); err != nil {
			return nil, err
		}
	}
	var minScore *int64
	if t.MinAwardScore != nil {
		v := int64(*t.MinAwardScore)
		minScore = &v
	}
	return []any{t.Kind, t.Title, t.Description, nullIfEmpty(t.CatalogItemID), t.CommunityID, t.FundingSource,
		t.BudgetFen, t.MaxAwardFen, t.MaxAwards, t.MinBids, minScore, nullIfEmpty(t.ServiceStart),
		nullIfEmpty(t.ServiceEnd), string(elig), t.CommunityPreferencePct, string(eval), t.EnquiryDeadline,
		t.BidDeadline, t.Procedure, nullIfEmpty(t.SingleSourceOrgID), string(lots)}, nil
}

func nullIfEmpty(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

// dbNow reads the database clock inside tx; binding deadlines use it.
func dbNow(ctx context.Context, tx *sqlx.Tx) (time.Time, error) {
	var now time.Time
	err := tx.GetContext(ctx, &now, `SELECT clock_timestamp()`)
	return now, err
}

// CreateTender stores a draft with the next gapless code of the current year (Asia/Shanghai).
func (s *Store) CreateTender(ctx context.Context, actor tender.Actor, t tender.Tender) (tender.Tender, error) {
	var out tender.Tender
	err := s.inTx(ctx, func(tx *sqlx.Tx) error {
		var err error
		out, err = createTender(ctx, tx, actor, t)
		return err
	})
	return out, wrapf(err, "tenders: create tender")
}

// createTender stores a draft in tx (see CreateTender); a tender created from
// a project-list item keeps the item's id.
func createTender(ctx context.Context, tx *sqlx.Tx, actor tender.Actor, t tender.Tender) (tender.Tender, error) {
	var out tender.Tender
	err := func() error {
		if err := checkCatalogItem(ctx, tx, t.CatalogItemID); err != nil {
			return err
		}
		if err := resolveCommunity(ctx, tx, &t.CommunityID, &t.Community, "community"); err != nil {
			return err
		}
		if err := checkEligibilityCommunity(ctx, tx, t.Eligibility); err != nil {
			return err
		}
		if err := resolveLotCommunities(ctx, tx, &t); err != nil {
			return err
		}
		if err := checkSingleSourceOrg(ctx, tx, t.SingleSourceOrgID); err != nil {
			return err
		}
		var year int
		if err := tx.GetContext(ctx, &year, `SELECT extract(year FROM clock_timestamp() AT TIME ZONE 'Asia/Shanghai')::int`); err != nil {
			return err
		}
		var seq int64
		// The counter row lock serialises code assignment; a rollback returns the number.
		if err := tx.GetContext(ctx, &seq, `INSERT INTO tender_code_counters (year, last_seq) VALUES ($1, 1)
			ON CONFLICT (year) DO UPDATE SET last_seq = tender_code_counters.last_seq + 1 RETURNING last_seq`, year); err != nil {
			return err
		}
		args, err := tenderArgs(t)
		if err != nil {
			return err
		}
		args = append([]any{tender.TenderCode(year, seq), nullIfEmpty(actor.UserID)}, args...)
		var r tenderRow
		if err := tx.GetContext(ctx, &r, `INSERT INTO tenders (code, created_by, kind, title, description,
			catalog_item_id, community_id, funding_source, budget_fen, max_award_fen, max_awards, min_bids,
			min_award_score, service_start, service_end, eligibility, community_preference_pct, evaluation,
			enquiry_deadline, bid_deadline, procedure, single_source_org_id, lots, project_item_id)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22, $23, $24)
			RETURNING `+tenderColumns, append(args, t.ProjectItemID)...); err != nil {
			return err
		}
		if out, err = r.tender(); err != nil {
			return err
		}
		return appendAudit(ctx, tx, actor, "create", "tender", out.ID, out)
	}()
	return out, err
}

// checkEligibilityCommunity refuses an eligibility limited to an unregistered community.
func checkEligibilityCommunity(ctx context.Context, tx *sqlx.Tx, e tender.Eligibility) error {
	if e.CommunityID == nil {
		return nil
	}
	id, name := e.CommunityID, ""
	if err := resolveCommunity(ctx, tx, &id, &name, "community"); err != nil {
		return &tender.Error{Code: tender.CodeValidationFailed, Key: "community.unknown", Message: "社区未登记",
			Fields: []tender.FieldError{{Field: "eligibility.community_id", Message: "社区未登记"}}}
	}
	return nil
}

func checkCatalogItem(ctx context.Context, tx *sqlx.Tx, id string) error {
	if id == "" {
		return nil
	}
	var active bool
	err := tx.GetContext(ctx, &active, `SELECT active FROM catalog_items WHERE id = $1`, id)
	if err := mapError(err); err != nil {
		if errors.Is(err, tender.ErrNotFound) {
			return &tender.Error{Code: tender.CodeValidationFailed, Key: "tender.catalog_item", Message: "服务目录项不存在",
				Fields: []tender.FieldError{{Field: "catalog_item_id", Message: "服务目录项不存在"}}}
		}
		return err
	}
	if !active {
		return &tender.Error{Code: tender.CodeValidationFailed, Key: "tender.catalog_item", Message: "服务目录项已停用",
			Fields: []tender.FieldError{{Field: "catalog_item_id", Message: "服务目录项已停用"}}}
	}
	return nil
}

// checkSingleSourceOrg: the organization a single-source tender names exists
// and is approved.
func checkSingleSourceOrg(ctx context.Context, tx *sqlx.Tx, id string) error {
	if id == "" {
		return nil
	}
	var status string
	err := tx.GetContext(ctx, &status, `SELECT status FROM organizations WHERE id = $1`, id)
	switch mapError(err) {
	case nil:
		if status == string(tender.OrgApproved) {
			return nil
		}
	case tender.ErrNotFound:
	default:
		return mapError(err)
	}
	return &tender.Error{Code: tender.CodeValidationFailed, Key: "tender.single_source_org", Message: "指定的供应商不存在或未通过审核",
		Fields: []tender.FieldError{{Field: "single_source_org_id", Message: "指定的供应商不存在或未通过审核"}}}
}

// Tender returns one tender.
func (s *Store) Tender(ctx context.Context, id string) (tender.Tender, error) {
	var r tenderRow
	if err := get(ctx, s.db, &r, `SELECT `+tenderColumns+` FROM tenders WHERE id = $1`, id); err != nil {
		return tender.Tender{}, wrapf(err, "tenders: get %s", id)
	}
	return r.tender()
}

// TenderChange applies a domain verb to a locked tender at the database time
// now, and returns the audit action and details.
type TenderChange func(t *tender.Tender, now time.Time) (action string, details any, err error)

// UpdateTender locks the tender FOR UPDATE, lets change apply a domain rule at
// the database clock, saves it and appends the audit entry, all in one transaction.
func (s *Store) UpdateTender(ctx context.Context, actor tender.Actor, id string, change TenderChange) (tender.Tender, error) {
	var out tender.Tender
	err := s.inTx(ctx, func(tx *sqlx.Tx) error {
		var err error
		out, err = s.updateTender(ctx, tx, actor, id, change)
		return err
	})
	return out, wrapf(err, "tenders: update %s", id)
}

func (s *Store) updateTender(ctx context.Context, tx *sqlx.Tx, actor tender.Actor, id string, change TenderChange) (tender.Tender, error) {
	var r tenderRow
	if err := tx.GetContext(ctx, &r, `SELECT `+tenderColumns+` FROM tenders WHERE id = $1 FOR UPDATE`, id); err != nil {
		return tender.Tender{}, err
	}
	t, err := r.tender()
	if err != nil {
		return t, err
	}
	now, err := dbNow(ctx, tx)
	if err != nil {
		return t, err
	}
	firstPublish := t.PublishedAt == nil
	action, details, err := change(&t, now)
	if err != nil {
		return t, err
	}
	if firstPublish && t.PublishedAt != nil {
		if err := s.commitDrawSecret(ctx, tx, id); err != nil {
			return t, err
		}
	}
	if action == "update" {
		if err := checkCatalogItem(ctx, tx, t.CatalogItemID); err != nil {
			return t, err
		}
		if err := checkSingleSourceOrg(ctx, tx, t.SingleSourceOrgID); err != nil {
			return t, err
		}
	}
	if err := resolveCommunity(ctx, tx, &t.CommunityID, &t.Community, "community"); err != nil {
		return t, err
	}
	if err := checkEligibilityCommunity(ctx, tx, t.Eligibility); err != nil && action == "update" {
		return t, err
	}
	if err := resolveLotCommunities(ctx, tx, &t); err != nil {
		return t, err
	}
	args, err := tenderArgs(t)
	if err != nil {
		return t, err
	}
	args = append([]any{id, t.Status, t.CancelReason, t.PublishedAt, t.OpenedAt}, args...)
	if err := tx.GetContext(ctx, &r, `UPDATE tenders SET status = $2, cancel_reason = $3, published_at = $4,
		opened_at = $5, kind = $6, title = $7, description = $8, catalog_item_id = $9, community_id = $10,
		funding_source = $11, budget_fen = $12, max_award_fen = $13, max_awards = $14, min_bids = $15,
		min_award_score = $16, service_start = $17, service_end = $18, eligibility = $19,
		community_preference_pct = $20, evaluation = $21, enquiry_deadline = $22, bid_deadline = $23,
		procedure = $24, single_source_org_id = $25, lots = $26, updated_at = clock_timestamp() WHERE id = $1 RETURNING `+tenderColumns, args...); err != nil {
		return t, err
	}
	out, err := r.tender()
	if err != nil {
		return out, err
	}
	return out, appendAudit(ctx, tx, actor, action, "tender", id, details)
}

// TenderFilter selects tenders for a list.
type TenderFilter struct {
	IncludeDrafts bool
	Status        string
	Kind          string
	Procedure     string // §7.3, e.g. claim for the 服务认领 board
	CatalogItemID string
	Community     string
	Q             string
	Cursor        string
	Limit         int
}

// TenderCursor encodes a keyset position (created_at, id); stable under inserts.
func TenderCursor(t tender.Tender) string {
	return base64.RawURLEncoding.EncodeToString([]byte(t.CreatedAt.UTC().Format(time.RFC3339Nano) + "|" + t.ID))
}

func parseTenderCursor(c string) (*time.Time, string, error) {
	if c == "" {
		return nil, "", nil
	}
	b, err := base64.RawURLEncoding.DecodeString(c)
	if err != nil {
		return nil, "", errBadCursor
	}
	ts, id, ok := strings.Cut(string(b), "|")
	at, perr := time.Parse(time.RFC3339Nano, ts)
	if !ok || perr != nil {
		return nil, "", errBadCursor
	}
	return &at, id, nil
}

// KeysetCursor encodes the position (created_at, id) of a list ordered by them.
func KeysetCursor(at time.Time, id string) string {
	return base64.RawURLEncoding.EncodeToString([]byte(at.UTC().Format(time.RFC3339Nano) + "|" + id))
}

var uuidPattern = regexp.MustCompile(`^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$`)

// parseKeyset decodes a KeysetCursor; "" is the first page (nil time).
func parseKeyset(c string) (*time.Time, string, error) {
	at, id, err := parseTenderCursor(c)
	if err != nil || (at != nil && !uuidPattern.MatchString(id)) {
		return nil, "", errBadCursor
	}
	return at, id, nil
}

var errBadCursor = &tender.Error{Code: tender.CodeValidationFailed, Key: "cursor.invalid", Message: "分页游标无效",
	Fields: []tender.FieldError{{Field: "cursor", Message: "分页游标无效"}}}

// searchTerms splits a search string into lower-cased terms (at most 8, each
// at most 64 characters).
func searchTerms(q string) []string {
	terms := strings.Fields(strings.ToLower(q))
	if len(terms) > 8 {
		terms = terms[:8]
	}
	for i, t := range terms {
		if r := []rune(t); len(r) > 64 {
			terms[i] = string(r[:64])
		}
	}
	return terms
}

func bigrams(term string) []string {
	runes := []rune(term)
	var out []string
	for i := 0; i+1 < len(runes); i++ {
		out = append(out, string(runes[i:i+2]))
	}
	return out
}

func quoteLexeme(s string) string {
	return "'" + strings.ReplaceAll(strings.ReplaceAll(s, `\`, `\\`), "'", "''") + "'"
}

// BigramQuery turns a search string into the tsquery that selects candidates
// from the bigram index: for each term its rarest two-character token (a
// one-character term: a prefix match), ANDed. Exactness comes from the
// substring check that goes with it (see Tenders); the rarest token keeps the
// candidate set small, and a single token lets PostgreSQL estimate it from its
// statistics instead of multiplying the guesses of a phrase. freq gives token
// frequencies (missing: rarer than any known); nil picks the first token.
func BigramQuery(q string, freq map[string]float64) string {
	var parts []string
	for _, term := range searchTerms(q) {
		grams := bigrams(term)
		if len(grams) == 0 {
			parts = append(parts, quoteLexeme(term)+":*")
			continue
		}
		best := grams[0]
		if freq != nil {
			bestF, ok := freq[best]
			for _, g := range grams[1:] {
				f, known := freq[g]
				if ok && (!known || f < bestF) {
					best, bestF, ok = g, f, known
				}
			}
		}
		parts = append(parts, quoteLexeme(best))
	}
	return strings.Join(parts, " & ")
}

// Tenders lists tenders newest first with keyset pagination. The search runs
// in PostgreSQL, the way planSearch chooses.
func (s *Store) Tenders(ctx context.Context, f TenderFilter) ([]tender.Tender, error) {
	at, id, err := parseTenderCursor(f.Cursor)
	if err != nil {
		return nil, wrapf(err, "tenders: list")
	}
	if utf8.RuneCountInString(f.Q) > 100 {
		f.Q = string([]rune(f.Q)[:100])
	}
	var plan searchPlan
	if f.Q != "" {
		plan = s.planSearch(ctx, f.Q, f.Limit)
	}
	// One prepared statement per shape of the query (the filters that are
	// set, the search's way and terms): PostgreSQL plans each shape once per
	// connection instead of per request, and lib/pq sends one round trip
	// instead of two.
	var rows []tenderRow
	for window := plan.window; ; window *= windowWiden {
		var since *time.Time
		if window > 0 {
			if t, ok := plan.stats.windowStart(at, window); ok {
				since = &t
			}
		}
		query, args := tendersQuery(tenderColumns, f, plan, at, id, since)
		rows = rows[:0]
		if err := s.selectPrepared(ctx, &rows, query, args...); err != nil {
			return nil, wrapf(mapListError(err), "tenders: list")
		}
		// A window that holds a page holds the newest matches of the table:
		// every match outside it is older than every match in it.
		if since == nil || len(rows) >= f.Limit {
			break
		}
	}
	out := make([]tender.Tender, 0, len(rows))
	for _, r := range rows {
		t, err := r.tender()
		if err != nil {
			return nil, wrapf(err, "tenders: list")
		}
		out = append(out, t)
	}
	return out, nil
}

func nullUUID(id string) any {
	if id == "" {
		return nil
	}
	return id
}

// TenderListVersion is a number that changes with every committed change
// that can change a page of Tenders: any insert, update or delete of a
// tender or a community (migration 00025: a row bumped by deferred triggers,
// in the transaction of the change). The same number means the same pages;
// the handlers keep encoded pages by it. Read it before the page it labels:
// the page is then at least as new as the number.
func (s *Store) TenderListVersion(ctx context.Context) (int64, error) {
	var n []int64
	if err := s.selectPrepared(ctx, &n, `SELECT n FROM tender_list_version`); err != nil {
		return 0, wrapf(mapError(err), "tenders: list version")
	}
	if len(n) != 1 {
		return 0, fmt.Errorf("tenders: list version: %d rows", len(n))
	}
	return n[0], nil
}

// tendersQuery writes the SQL of a list for the filters that are set, and
// nothing for those that are not: each combination is its own statement with
// a plan of its own (a catch-all WHERE that tests each parameter for being
// empty is planned per call). A search adds its terms the way planSearch
// chose; since, with the index way, is the start of its window (nil: none).
func tendersQuery(columns string, f TenderFilter, plan searchPlan, at *time.Time, id string, since *time.Time) (string, []any) {
	var where []string
	var args []any
	arg := func(v any) string {
		args = append(args, v)
		return "$" + strconv.Itoa(len(args))
	}
	if !f.IncludeDrafts {
		where = append(where, "status <> "+draftTenderSQL) // tender.CanSeeTender
	}
	if f.Status != "" {
		where = append(where, "status = "+arg(f.Status))
	}
	if f.Kind != "" {
		where = append(where, "kind = "+arg(f.Kind))
	}
	if f.Procedure != "" {
		where = append(where, "procedure = "+arg(f.Procedure))
	}
	if f.CatalogItemID != "" {
		where = append(where, "catalog_item_id = "+arg(f.CatalogItemID)+"::uuid")
	}
	if f.Community != "" {
		where = append(where, "community_id = (SELECT id FROM communities WHERE name = "+arg(f.Community)+")")
	}
	if at != nil {
		where = append(where, "(created_at, id) < ("+arg(*at)+"::timestamptz, "+arg(id)+"::uuid)")
	}
	var exact []string
	for _, term := range plan.terms {
		exact = append(exact, plan.exactSQL(arg(term)))
	}
	order := "\n\t\tORDER BY created_at DESC, id DESC LIMIT "
	if len(plan.terms) == 0 {
		return `SELECT ` + columns + ` FROM tenders` + whereSQL(where) + order + arg(f.Limit), args
	}
	if !plan.index {
		// The walk: newest first, checking the substrings only.
		return `SELECT ` + columns + ` FROM tenders` + whereSQL(append(where, exact...)) + order + limitSQL(f.Limit), args
	}
	// The index: the candidates of the rarest bigrams, then the substrings,
	// sorted. OFFSET 0 keeps the ORDER BY out of the subquery, so that
	// PostgreSQL cannot turn it into the walk.
	where = append(where, "search @@ "+arg(plan.tsq)+"::tsquery")
	if since != nil {
		// The window, a range with both ends: the generic plan of a prepared
		// statement then expects a narrow range and ANDs the two indexes'
		// bitmaps (with one end it expects a third of the table and filters
		// every candidate of the bigram index instead).
		upper := "'infinity'::timestamptz"
		if at != nil {
			upper = arg(*at) + "::timestamptz"
		}
		where = append(where, "created_at >= "+arg(*since)+"::timestamptz AND created_at <= "+upper)
	}
	return `SELECT ` + columns + ` FROM (SELECT tenders.*, tenders.xmin FROM tenders` + whereSQL(where) + ` OFFSET 0) tenders` +
		whereSQL(exact) + order + limitSQL(f.Limit), args
}

func whereSQL(conds []string) string {
	if len(conds) == 0 {
		return ""
	}
	return "\n\t\tWHERE " + strings.Join(conds, "\n\t\t  AND ")
}

// stmtCache holds one prepared statement per SQL text; database/sql prepares
// it again on each connection that runs it. Beyond stmtCacheSize texts (the
// shapes of searches with many terms) get answers nil: run it unprepared.
type stmtCache struct {
	mu    sync.Mutex
	stmts map[string]*sqlx.Stmt
}

const stmtCacheSize = 512

// selectPrepared runs query as a prepared statement of the cache, or
// unprepared when the cache is full.
func (s *Store) selectPrepared(ctx context.Context, dest any, query string, args ...any) error {
	stmt, err := s.stmts.get(ctx, s.db, query)
	if err != nil {
		return err
	}
	if stmt == nil {
		return s.db.SelectContext(ctx, dest, query, args...)
	}
	return stmt.SelectContext(ctx, dest, args...)
}

// getPrepared is selectPrepared for one row (sql.ErrNoRows: not found).
func (s *Store) getPrepared(ctx context.Context, dest any, query string, args ...any) error {
	stmt, err := s.stmts.get(ctx, s.db, query)
	if err != nil {
		return err
	}
	if stmt == nil {
		return mapError(s.db.GetContext(ctx, dest, query, args...))
	}
	return mapError(stmt.GetContext(ctx, dest, args...))
}

// get returns the cached statement of query, preparing it on a connection
// of the pool the first time. The lock is not held while preparing: a caller
// inside a transaction (cached) must never wait for a connection.
func (c *stmtCache) get(ctx context.Context, db *sqlx.DB, query string) (*sqlx.Stmt, error) {
	c.mu.Lock()
	st, ok := c.stmts[query]
	full := len(c.stmts) >= stmtCacheSize
	c.mu.Unlock()
	if ok || full {
		return st, nil
	}
	st, err := db.PreparexContext(ctx, query)
	if err != nil {
		return nil, err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if kept, ok := c.stmts[query]; ok { // prepared meanwhile by another caller
		st.Close()
		return kept, nil
	}
	if c.stmts == nil {
		c.stmts = map[string]*sqlx.Stmt{}
	}
	c.stmts[query] = st
	return st, nil
}

// cached returns the statement of query if it is already prepared, else nil;
// it never prepares, so it may be called inside a transaction.
func (c *stmtCache) cached(query string) *sqlx.Stmt {
	if c == nil {
		return nil
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.stmts[query]
}

// txGet runs query in tx, as the pool's prepared statement when it is
// cached (one round trip with lib/pq, which sends an unprepared statement
// with parameters in two: Parse and Describe, then Bind and Execute; the
// statement is prepared on a connection once), else unprepared.
func (s *Store) txGet(ctx context.Context, tx *sqlx.Tx, dest any, query string, args ...any) error {
	return txGet(ctx, tx, s.stmts, dest, query, args...)
}

// txGet is Store.txGet for functions that have the cache c (nil: none) but no Store.
func txGet(ctx context.Context, tx *sqlx.Tx, c *stmtCache, dest any, query string, args ...any) error {
	if st := c.cached(query); st != nil {
		return tx.StmtxContext(ctx, st).GetContext(ctx, dest, args...)
	}
	return tx.GetContext(ctx, dest, query, args...)
}

// txExec is txGet for a statement that returns no rows.
func txExec(ctx context.Context, tx *sqlx.Tx, c *stmtCache, query string, args ...any) (sql.Result, error) {
	if st := c.cached(query); st != nil {
		return tx.StmtxContext(ctx, st).ExecContext(ctx, args...)
	}
	return tx.ExecContext(ctx, query, args...)
}

func (c *stmtCache) close() {
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, st := range c.stmts {
		st.Close()
	}
	c.stmts = nil
}

// mapListError: a malformed filter id in a list names nothing, so the list is simply empty.
func mapListError(err error) error {
	if errors.Is(mapError(err), tender.ErrNotFound) {
		return &tender.Error{Code: tender.CodeValidationFailed, Key: "filter.invalid", Message: "筛选条件格式不正确"}
	}
	return mapError(err)
}

// LockTender reads a tender FOR UPDATE inside tx.
func (s *Store) LockTender(ctx context.Context, tx *sqlx.Tx, id string) (tender.Tender, error) {
	var r tenderRow
	if err := tx.GetContext(ctx, &r, `SELECT `+tenderColumns+` FROM tenders WHERE id = $1 FOR UPDATE`, id); err != nil {
		return tender.Tender{}, wrapf(mapError(err), "tenders: lock tender %s", id)
	}
	return r.tender()
}

// resolveLotCommunities resolves each lot's community, by id or registered
// name, as the tender's is; an unknown one is 422 naming lots[i].community.
func resolveLotCommunities(ctx context.Context, tx *sqlx.Tx, t *tender.Tender) error {
	for i := range t.Lots {
		l := &t.Lots[i]
		if err := resolveCommunity(ctx, tx, &l.CommunityID, &l.Community, fmt.Sprintf("lots[%d].community", i)); err != nil {
			return err
		}
	}
	return nil
}
