package tender

import (
	"slices"
	"strings"
	"time"
	"unicode/utf8"
)

// PlanStatus is where a project-list item (购买服务项目清单) stands.
type PlanStatus string

// Project-list item statuses (SPEC §7.2).
const (
	PlanDraft     PlanStatus = "draft"
	PlanPublished PlanStatus = "published"
	PlanTendered  PlanStatus = "tendered"
	PlanCompleted PlanStatus = "completed"
	PlanDropped   PlanStatus = "dropped"
)

// PlanStatuses lists every item status.
func PlanStatuses() []PlanStatus {
	return []PlanStatus{PlanDraft, PlanPublished, PlanTendered, PlanCompleted, PlanDropped}
}

// PublicPlanStatuses are what the public sees of the list: published and later.
func PublicPlanStatuses() []PlanStatus {
	return []PlanStatus{PlanPublished, PlanTendered, PlanCompleted, PlanDropped}
}

// Valid reports whether s is a known item status.
func (s PlanStatus) Valid() bool { return slices.Contains(PlanStatuses(), s) }

// PlanItem is one line of a year's list of purchasable services.
type PlanItem struct {
	ID            string        `json:"id" db:"id"`
	Year          int           `json:"year" db:"year"`
	Title         string        `json:"title" db:"title"`
	CatalogItemID *string       `json:"catalog_item_id" db:"catalog_item_id"`
	CommunityID   *string       `json:"community_id" db:"community_id"`
	Community     string        `json:"community" db:"community"`
	NeedIDs       []string      `json:"need_ids" db:"-"`
	BudgetFen     int64         `json:"budget_fen" db:"budget_fen"`
	FundingSource FundingSource `json:"funding_source" db:"funding_source"`
	Procedure     Procedure     `json:"procedure" db:"procedure"`
	// LocalOrgsFirst limits the item's tender to organizations of its
	// community (沭民字〔2016〕14号: 优先考虑符合条件的城乡社区社会组织).
	LocalOrgsFirst bool `json:"local_orgs_first" db:"local_orgs_first"`
	// CountyWideReason is why an item of a community is opened to the whole
	// county instead; required to publish it so, and shown publicly.
	CountyWideReason string     `json:"county_wide_reason" db:"county_wide_reason"`
	PlannedQuarter   int        `json:"planned_quarter" db:"planned_quarter"`
	Status           PlanStatus `json:"status" db:"status"`
	DropReason       string     `json:"drop_reason,omitempty" db:"drop_reason"`
	TenderID         *string    `json:"tender_id" db:"tender_id"`
	PublishedAt      *time.Time `json:"published_at" db:"published_at"`
	CreatedAt        time.Time  `json:"created_at" db:"created_at"`
	UpdatedAt        time.Time  `json:"updated_at" db:"updated_at"`
}

type planVerb string

const (
	planPublish  planVerb = "publish"
	planTender   planVerb = "tender"
	planComplete planVerb = "complete"
	planDrop     planVerb = "drop"
)

var planVerbLabel = map[planVerb]string{planPublish: "发布", planTender: "生成采购项目", planComplete: "完成", planDrop: "撤销"}

// planTransitions is the item lifecycle: per verb, from → to.
var planTransitions = map[planVerb]map[PlanStatus]PlanStatus{
	planPublish:  {PlanDraft: PlanPublished},
	planTender:   {PlanPublished: PlanTendered},
	planComplete: {PlanTendered: PlanCompleted},
	planDrop:     {PlanDraft: PlanDropped, PlanPublished: PlanDropped},
}

// CanTransitionPlan reports whether some verb leads from one item status to another.
func CanTransitionPlan(from, to PlanStatus) bool {
	for _, byFrom := range planTransitions {
		if next, ok := byFrom[from]; ok && next == to {
			return true
		}
	}
	return false
}

func (p *PlanItem) move(v planVerb) error {
	next, ok := planTransitions[v][p.Status]
	if !ok {
		return InvalidState("plan_item", string(p.Status), planVerbLabel[v])
	}
	p.Status = next
	return nil
}

// CanEdit returns nil while the item is a draft: a published item's budget,
// community and procedure are on the public record.
func (p *PlanItem) CanEdit() error {
	if p.Status != PlanDraft {
		return InvalidState("plan_item", string(p.Status), "编辑")
	}
	return nil
}

// Publish puts a draft on the public list at now. An item of a community
// that is not limited to its community's organizations needs the reason.
func (p *PlanItem) Publish(now time.Time) error {
	if err := p.allowed(planPublish); err != nil {
		return err
	}
	if err := p.Validate(); err != nil {
		return err
	}
	if p.CommunityID != nil && !p.LocalOrgsFirst && p.CountyWideReason == "" {
		var f Fields
		f.Add("county_wide_reason", "本社区项目面向全县时须说明理由（将公开）")
		return f.Validation()
	}
	p.PublishedAt = &now
	return p.move(planPublish)
}

func (p *PlanItem) allowed(v planVerb) error {
	if _, ok := planTransitions[v][p.Status]; !ok {
		return InvalidState("plan_item", string(p.Status), planVerbLabel[v])
	}
	return nil
}

// Tendered records the tender created from a published item. An item has
// at most one tender: a second attempt finds it tendered.
func (p *PlanItem) Tendered(tenderID string) error {
	if err := p.move(planTender); err != nil {
		return err
	}
	p.TenderID = &tenderID
	return nil
}

// Complete marks a tendered item completed once its service is delivered.
func (p *PlanItem) Complete() error { return p.move(planComplete) }

// Drop withdraws a draft or published item with a public reason.
func (p *PlanItem) Drop(reason string) error {
	reason = strings.TrimSpace(reason)
	if reason == "" || utf8.RuneCountInString(reason) > 500 || !displaySafe(reason) {
		var f Fields
		f.Add("reason", "请填写撤销理由（不超过500字）")
		return f.Validation()
	}
	if err := p.move(planDrop); err != nil {
		return err
	}
	p.DropReason = reason
	return nil
}

// maxPlanBudgetFen bounds one item's budget: 1亿元 is far above any community
// service the county buys, so more is a typing error.
const maxPlanBudgetFen = 10_000_000_000

// Normalize trims the item's text and drops empty references.
func (p *PlanItem) Normalize() {
	p.Title = strings.TrimSpace(p.Title)
	p.CountyWideReason = strings.TrimSpace(p.CountyWideReason)
	if p.CatalogItemID != nil && strings.TrimSpace(*p.CatalogItemID) == "" {
		p.CatalogItemID = nil
	}
	if p.NeedIDs == nil {
		p.NeedIDs = []string{}
	}
}

// Validate checks an item's fields.
func (p *PlanItem) Validate() error {
	var f Fields
	if p.Year < 2016 || p.Year > 2100 {
		f.Add("year", "年度应在2016至2100之间")
	}
	if p.Title == "" || utf8.RuneCountInString(p.Title) > maxTitleRunes || !displaySafe(p.Title) {
		f.Addf("title", "请填写项目名称（不超过%d字，不含控制字符）", maxTitleRunes)
	}
	if p.BudgetFen <= 0 || p.BudgetFen > maxPlanBudgetFen {
		f.Add("budget_fen", "预算金额应大于0且不超过1亿元")
	}
	if !p.FundingSource.Valid() {
		f.Add("funding_source", "资金来源应为 fiscal、welfare_lottery、charity 或 social")
	}
	if p.Procedure != "" && !p.Procedure.Valid() {
		f.Add("procedure", "采购方式应为 public_tender、competitive_consultation、competitive_negotiation、single_source、venture 或 claim")
	}
	if p.PlannedQuarter < 1 || p.PlannedQuarter > 4 {
		f.Add("planned_quarter", "计划季度应为1至4")
	}
	if utf8.RuneCountInString(p.CountyWideReason) > 500 || !displaySafe(p.CountyWideReason) {
		f.Add("county_wide_reason", "理由不超过500字，不含控制字符")
	}
	if p.LocalOrgsFirst && p.CommunityID == nil && p.Community == "" {
		f.Add("local_orgs_first", "全县项目不能限定本社区组织")
	}
	seen := map[string]bool{}
	for i, id := range p.NeedIDs {
		if seen[id] {
			f.Addf("need_ids", "第%d项需求重复", i+1)
		}
		seen[id] = true
	}
	return f.Validation()
}

// TenderFromItem is the draft tender a published item becomes (SPEC §7.2):
// title, catalog item, community, budget, funding source and procedure from
// the item; kind venture for the venture procedure, else purchase; every
// organization type, registered or filed, no minimum of social workers —
// limited to the item's community when local_orgs_first; a year of service
// from the first day of the planned quarter. rationale is the description
// (the needs it answers).
func TenderFromItem(p PlanItem, rationale string) Tender {
	start := time.Date(p.Year, time.Month((p.PlannedQuarter-1)*3+1), 1, 0, 0, 0, 0, time.UTC)
	t := Tender{Kind: KindPurchase, Procedure: p.Procedure, Title: p.Title, Description: rationale,
		CommunityID: p.CommunityID, Community: p.Community, FundingSource: p.FundingSource, BudgetFen: p.BudgetFen,
		Eligibility: Eligibility{OrgTypes: []OrgType{}}, ProjectItemID: &p.ID,
		ServiceStart: start.Format(time.DateOnly), ServiceEnd: start.AddDate(1, 0, -1).Format(time.DateOnly)}
	if p.CatalogItemID != nil {
		t.CatalogItemID = *p.CatalogItemID
	}
	if p.Procedure == ProcedureVenture {
		t.Kind = KindVenture
	}
	if p.LocalOrgsFirst && p.CommunityID != nil {
		id := *p.CommunityID
		t.Eligibility.CommunityID = &id
	}
	return t
}

// PlanStatusesFor is what a sees of the list: the public published and later
// items, the bureau and its auditors drafts too.
func PlanStatusesFor(a Actor) []PlanStatus {
	if SeesDrafts(a) {
		return PlanStatuses()
	}
	return PublicPlanStatuses()
}
