package handlers

import (
	"fmt"
	"net/netip"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/linshu/portal/storage"
	"github.com/linshu/portal/tender"
)

// The OCDS 1.1 feed (GET /api/v1/ocds/releases) publishes one release per
// public change of a tender, read from the tenders' audit streams:
//
//	audit action            tag                  tender.status
//	publish                 tender               active
//	add/remove_document     tenderAmendment      active
//	cancel (once published) tenderCancellation   cancelled
//	open                    tenderUpdate         active, or unsuccessful when the opening failed (流标)
//	fail                    tenderUpdate         unsuccessful (too few qualified bids)
//	award                   award                complete; awards[] active
//	resolve_objection       awardUpdate          active again; the revoked awards[] cancelled
//	  (upheld only)
//	complete                contract             complete; awards[] active, contracts[] active
//
// and, from a contract's signing on, one per public change in its stream:
//
//	sign                    contract             contracts[] active with dateSigned and the signed document
//	accept_report, pay,     implementation       contracts[].implementation: milestones (scheduled, met,
//	evaluation_complete,                         notMet for a withheld final payment) and the payments made
//	suspend, reinstate                           by then as transactions
//	complete                implementation       contracts[] terminated (no longer in force: delivered)
//	terminate               contractTermination  contracts[] terminated, with the reason as a contractNotice
//
// Contracts are "active": when publicity ends the award is final and the
// service agreement is in force for the service period; "terminated" would
// claim the service has ended, which the portal does not record.
//
// Nothing sealed is ever published: bidders (tenderers, numberOfTenderers)
// come only from the opening record, and only into releases dated at or after
// the opening; bid prices and bid ids are never part of a release. Static
// fields (title, description, budget, periods) show the tender as it is now:
// after publishing they can no longer change.

const (
	ocdsVersion      = "1.1"
	ocdsPublisher    = "临沭县民政局"
	ocdsBuyerID      = "LSMZ"
	ocdsUSCCScheme   = "CN-USCC"
	ocdsMaxReleases  = 500
	ocdsReleasesPath = "/api/v1/ocds/releases"
)

// ocdsAmount renders an amount in fen as a JSON number of yuan with two decimals.
type ocdsAmount int64

func (a ocdsAmount) MarshalJSON() ([]byte, error) { return []byte(yuan(int64(a))), nil }

type ocdsPackage struct {
	URI           string          `json:"uri"`
	Version       string          `json:"version"`
	PublishedDate time.Time       `json:"publishedDate"`
	Publisher     ocdsPublisherID `json:"publisher"`
	Releases      []ocdsRelease   `json:"releases"`
	Links         *ocdsLinks      `json:"links,omitempty"`
}

type ocdsPublisherID struct {
	Name string `json:"name"`
}

type ocdsLinks struct {
	Next string `json:"next"`
}

type ocdsRelease struct {
	OCID           string         `json:"ocid"`
	ID             string         `json:"id"`
	Date           time.Time      `json:"date"`
	Tag            []string       `json:"tag"`
	InitiationType string         `json:"initiationType"`
	Language       string         `json:"language"`
	Parties        []ocdsParty    `json:"parties"`
	Buyer          ocdsOrgRef     `json:"buyer"`
	Planning       *ocdsPlanning  `json:"planning,omitempty"`
	Tender         ocdsTender     `json:"tender"`
	Awards         []ocdsAward    `json:"awards,omitempty"`
	Contracts      []ocdsContract `json:"contracts,omitempty"`
}

// ocdsPlanning is a project-list item's budget and the needs behind it.
type ocdsPlanning struct {
	Rationale string     `json:"rationale"`
	Budget    ocdsBudget `json:"budget"`
}

type ocdsBudget struct {
	ID          string     `json:"id"`
	Description string     `json:"description"`
	Amount      *ocdsValue `json:"amount"`
	Project     string     `json:"project"`
	ProjectID   string     `json:"projectID"`
}

type ocdsOrgRef struct {
	ID   string `json:"id"`
	Name string `json:"name"`
}

type ocdsIdentifier struct {
	Scheme    string `json:"scheme"`
	ID        string `json:"id"`
	LegalName string `json:"legalName"`
}

type ocdsParty struct {
	ID         string          `json:"id"`
	Name       string          `json:"name"`
	Identifier *ocdsIdentifier `json:"identifier,omitempty"`
	Roles      []string        `json:"roles"`
}

type ocdsValue struct {
	Amount   ocdsAmount `json:"amount"`
	Currency string     `json:"currency"`
}

func cny(fen int64) *ocdsValue { return &ocdsValue{Amount: ocdsAmount(fen), Currency: "CNY"} }

type ocdsPeriod struct {
	StartDate *time.Time `json:"startDate,omitempty"`
	EndDate   *time.Time `json:"endDate,omitempty"`
}

type ocdsDocument struct {
	ID            string     `json:"id"`
	DocumentType  string     `json:"documentType"`
	Title         string     `json:"title"`
	Description   string     `json:"description,omitempty"`
	URL           string     `json:"url,omitempty"`
	DatePublished *time.Time `json:"datePublished,omitempty"`
	Format        string     `json:"format,omitempty"`
	Language      string     `json:"language,omitempty"`
}

type ocdsTender struct {
	ID                       string         `json:"id"`
	Title                    string         `json:"title"`
	Description              string         `json:"description"`
	Status                   string         `json:"status"`
	ProcuringEntity          ocdsOrgRef     `json:"procuringEntity"`
	Value                    *ocdsValue     `json:"value"`
	ProcurementMethod        string         `json:"procurementMethod"`
	ProcurementMethodDetails string         `json:"procurementMethodDetails"`
	MainProcurementCategory  string         `json:"mainProcurementCategory"`
	AwardCriteria            string         `json:"awardCriteria,omitempty"`
	AwardCriteriaDetails     string         `json:"awardCriteriaDetails,omitempty"`
	EligibilityCriteria      string         `json:"eligibilityCriteria,omitempty"`
	TenderPeriod             *ocdsPeriod    `json:"tenderPeriod,omitempty"`
	EnquiryPeriod            *ocdsPeriod    `json:"enquiryPeriod,omitempty"`
	AwardPeriod              *ocdsPeriod    `json:"awardPeriod,omitempty"`
	ContractPeriod           *ocdsPeriod    `json:"contractPeriod,omitempty"`
	NumberOfTenderers        *int           `json:"numberOfTenderers,omitempty"`
	Tenderers                []ocdsOrgRef   `json:"tenderers,omitempty"`
	Documents                []ocdsDocument `json:"documents,omitempty"`
	Lots                     []ocdsLot      `json:"lots,omitempty"` // lots extension
}

// ocdsLot is a lot of the OCDS lots extension.
type ocdsLot struct {
	ID     string     `json:"id"`
	Title  string     `json:"title"`
	Status string     `json:"status"`
	Value  *ocdsValue `json:"value"`
}

type ocdsAward struct {
	ID          string       `json:"id"`
	Title       string       `json:"title"`
	Status      string       `json:"status"`
	Date        time.Time    `json:"date"`
	Value       *ocdsValue   `json:"value"`
	Suppliers   []ocdsOrgRef `json:"suppliers"`
	RelatedLots []string     `json:"relatedLots,omitempty"` // lots extension
}

type ocdsContract struct {
	ID             string              `json:"id"`
	AwardID        string              `json:"awardID"`
	Title          string              `json:"title"`
	Status         string              `json:"status"`
	Period         *ocdsPeriod         `json:"period,omitempty"`
	Value          *ocdsValue          `json:"value"`
	DateSigned     *time.Time          `json:"dateSigned,omitempty"`
	Documents      []ocdsDocument      `json:"documents,omitempty"`
	Implementation *ocdsImplementation `json:"implementation,omitempty"`
}

// ocdsImplementation is the delivery of a signed contract: its milestones
// and the payments made (OCDS 1.1.5 implementation.milestones, .transactions).
type ocdsImplementation struct {
	Milestones   []ocdsMilestone   `json:"milestones"`
	Transactions []ocdsTransaction `json:"transactions"`
}

type ocdsMilestone struct {
	ID          string     `json:"id"`
	Title       string     `json:"title"`
	Type        string     `json:"type"`
	Description string     `json:"description,omitempty"`
	DueDate     *time.Time `json:"dueDate,omitempty"`
	Status      string     `json:"status"`
}

type ocdsTransaction struct {
	ID     string     `json:"id"`
	Source string     `json:"source,omitempty"`
	Date   *time.Time `json:"date,omitempty"`
	Value  *ocdsValue `json:"value"`
	Payer  ocdsOrgRef `json:"payer"`
	Payee  ocdsOrgRef `json:"payee"`
}

// ocdsStage is what a public change means in OCDS: the release tags and the tender's status.
func ocdsStage(e storage.OCDSEvent) (tags []string, status string) {
	if e.ContractID != "" {
		switch tender.ContractVerb(e.Action) {
		case tender.ContractSign:
			return []string{"contract"}, "complete"
		case tender.ContractTerminate:
			return []string{"contractTermination"}, "complete"
		}
		return []string{"implementation"}, "complete"
	}
	switch e.Action {
	case "publish":
		return []string{"tender"}, "active"
	case "add_document", "remove_document":
		return []string{"tenderAmendment"}, "active"
	case "cancel":
		return []string{"tenderCancellation"}, "cancelled"
	case "open":
		if e.Outcome == string(tender.StatusFailed) {
			return []string{"tenderUpdate"}, "unsuccessful"
		}
		return []string{"tenderUpdate"}, "active"
	case "fail":
		return []string{"tenderUpdate"}, "unsuccessful"
	case "award":
		return []string{"award"}, "complete"
	case "resolve_objection": // only upheld ones are selected
		return []string{"awardUpdate"}, "active"
	case "complete":
		return []string{"contract"}, "complete"
	}
	return []string{"tenderUpdate"}, "active"
}

// ocdsReleases serves the OCDS release package: ?since= (RFC 3339, exclusive),
// ?limit= (1–500, default 500) and ?cursor= from links.next. Release ids are
// stable, so a harvester polling with since= should overlap its window by a
// little (a transaction stamps its entry before it commits) and drop repeats.
func (a *API) ocdsReleases(c *fiber.Ctx) error {
	f := storage.OCDSFilter{Limit: ocdsMaxReleases, Cursor: c.Query("cursor")}
	if s := c.Query("since"); s != "" {
		// A "+" in an unencoded query arrives as a space.
		since, err := time.Parse(time.RFC3339Nano, strings.ReplaceAll(s, " ", "+"))
		if err != nil {
			return &tender.Error{Code: tender.CodeValidationFailed, Key: "ocds.since", Message: "since 应为 RFC 3339 时间",
				Fields: []tender.FieldError{{Field: "since", Message: "应为 RFC 3339 时间，例如 2026-12-01T10:00:00+08:00"}}}
		}
		f.Since = &since
	}
	if c.Query("limit") != "" {
		l := c.QueryInt("limit", 0)
		if l < 1 || l > ocdsMaxReleases {
			return &tender.Error{Code: tender.CodeValidationFailed, Key: "validation_failed", Message: "limit 应在 1 到 500 之间",
				Fields: []tender.FieldError{{Field: "limit", Message: "1..500"}}}
		}
		f.Limit = l
	}
	page, err := a.store.OCDSEvents(ctx(c), f)
	if err != nil {
		return err
	}
	base := a.baseURL(c)
	pkg := ocdsPackage{URI: base + c.OriginalURL(), Version: ocdsVersion, PublishedDate: page.Now,
		Publisher: ocdsPublisherID{Name: ocdsPublisher}, Releases: make([]ocdsRelease, 0, len(page.Events))}
	for _, e := range page.Events {
		if e.ItemID != "" {
			if it, ok := page.Items[e.ItemID]; ok {
				pkg.Releases = append(pkg.Releases, a.ocdsPlanningRelease(e, it))
			}
			continue
		}
		t, ok := page.Tenders[e.TenderID]
		if !ok {
			continue
		}
		pkg.Releases = append(pkg.Releases, a.ocdsRelease(base, e, t, page))
	}
	if n := len(pkg.Releases); n > 0 {
		// Generated on demand: the date of the last change it contains.
		pkg.PublishedDate = pkg.Releases[n-1].Date
	}
	if page.More {
		q := url.Values{"cursor": {page.NextCursor()}}
		if s := c.Query("since"); s != "" {
			q.Set("since", f.Since.Format(time.RFC3339Nano))
		}
		if c.Query("limit") != "" {
			q.Set("limit", strconv.Itoa(f.Limit))
		}
		pkg.Links = &ocdsLinks{Next: base + ocdsReleasesPath + "?" + q.Encode()}
	}
	return c.JSON(pkg)
}

// ocdsRelease renders one public change e of tender t.
func (a *API) ocdsRelease(base string, e storage.OCDSEvent, t tender.Tender, page storage.OCDSPage) ocdsRelease {
	ocid := a.opts.OCIDPrefix + t.Code
	if t.ProjectItemID != nil {
		ocid = a.itemOCID(*t.ProjectItemID) // the tender continues its item's planning process
	}
	tags, status := ocdsStage(e)
	buyer := ocdsOrgRef{ID: ocdsBuyerID, Name: ocdsPublisher}
	id := ocid + "-" + strconv.FormatInt(e.Seq, 10)
	if e.ContractID != "" {
		// Contract changes number in the contract's own stream.
		id = ocid + "-contract-" + e.ContractID + "-" + strconv.FormatInt(e.Seq, 10)
	}
	r := ocdsRelease{OCID: ocid, ID: id, Date: e.At, Tag: tags,
		InitiationType: "tender", Language: "zh", Buyer: buyer,
		Parties: []ocdsParty{{ID: ocdsBuyerID, Name: ocdsPublisher, Roles: []string{"buyer", "procuringEntity"}}}}
	parties := map[string]int{} // organization id → index in r.Parties
	party := func(orgID, name string, role string) ocdsOrgRef {
		i, ok := parties[orgID]
		if !ok {
			p := ocdsParty{ID: "lsmz-org-" + orgID, Name: name, Roles: []string{}}
			if uscc := page.USCC[orgID]; uscc != "" {
				p.ID = ocdsUSCCScheme + "-" + uscc
				p.Identifier = &ocdsIdentifier{Scheme: ocdsUSCCScheme, ID: uscc, LegalName: name}
			}
			i = len(r.Parties)
			parties[orgID] = i
			r.Parties = append(r.Parties, p)
		}
		p := &r.Parties[i]
		if !slices.Contains(p.Roles, role) {
			p.Roles = append(p.Roles, role)
		}
		return ocdsOrgRef{ID: p.ID, Name: p.Name}
	}

	td := ocdsTender{ID: t.ID, Title: t.Title, Description: t.Description, Status: status, ProcuringEntity: buyer,
		Value: cny(t.BudgetFen), ProcurementMethod: "open", ProcurementMethodDetails: "公开招标",
		MainProcurementCategory: "services", EligibilityCriteria: eligibilityText(t.Eligibility)}
	if rule, ok := t.Procedure.Rule(); ok {
		td.ProcurementMethod, td.ProcurementMethodDetails = rule.OCDSMethod, rule.NameZh
	}
	td.AwardCriteria, td.AwardCriteriaDetails = awardCriteria(t.Evaluation)
	if t.PublishedAt != nil {
		td.TenderPeriod = &ocdsPeriod{StartDate: t.PublishedAt, EndDate: ptr(t.BidDeadline)}
		td.EnquiryPeriod = &ocdsPeriod{StartDate: t.PublishedAt, EndDate: ptr(t.EnquiryDeadline)}
	}
	td.ContractPeriod = servicePeriod(t)
	for _, d := range page.Documents[t.ID] {
		if d.CreatedAt.After(e.At) {
			continue // not yet published at the time of this change
		}
		td.Documents = append(td.Documents, ocdsDocument{ID: d.ID, DocumentType: "biddingDocuments", Title: d.Filename,
			Description: "SHA-256: " + d.SHA256, URL: base + "/api/v1/documents/" + d.ID + "/content",
			DatePublished: ptr(d.CreatedAt), Format: d.ContentType})
	}
	if e.Action == "cancel" {
		td.Documents = append(td.Documents, ocdsDocument{ID: "cancellation-" + strconv.FormatInt(e.Seq, 10),
			DocumentType: "cancellationDetails", Title: "取消公告", Description: e.Reason, DatePublished: ptr(e.At),
			Language: "zh"})
	}

	// The opening record is public from the opening on, never before.
	if op, ok := page.Openings[t.ID]; ok && !e.At.Before(op.OpenedAt) {
		// An organization that bid on several lots is one tenderer (the schema wants them unique).
		seen := map[string]bool{}
		for _, b := range op.Bids {
			if !seen[b.OrgID] {
				seen[b.OrgID] = true
				td.Tenderers = append(td.Tenderers, party(b.OrgID, b.OrgName, "tenderer"))
			}
		}
		n := len(td.Tenderers)
		td.NumberOfTenderers = &n
		td.AwardPeriod = &ocdsPeriod{StartDate: ptr(op.OpenedAt)}
	}

	// The award decision this change refers to: the latest one at or before it.
	var decision []storage.OCDSAward
	for _, aw := range page.Awards[t.ID] {
		if aw.AwardedAt.After(e.At) {
			continue
		}
		if len(decision) > 0 && aw.AwardedAt.After(decision[0].AwardedAt) {
			decision = decision[:0]
		}
		decision = append(decision, aw)
	}
	awardStatus := ""
	switch e.Action {
	case "award", "complete":
		awardStatus = "active"
	case "resolve_objection":
		awardStatus = "cancelled"
	}
	if e.ContractID != "" {
		awardStatus = "active"
	}
	if awardStatus != "" && len(decision) > 0 {
		if td.AwardPeriod != nil && e.Action != "resolve_objection" {
			td.AwardPeriod.EndDate = ptr(decision[0].AwardedAt)
		}
		for _, aw := range decision {
			supplier := party(aw.OrgID, aw.OrgName, "supplier")
			oa := ocdsAward{ID: aw.ID, Title: t.Title, Status: awardStatus, Date: aw.AwardedAt,
				Value: cny(aw.AmountFen), Suppliers: []ocdsOrgRef{supplier}}
			if aw.LotID != "" {
				oa.RelatedLots = []string{aw.LotID}
			}
			r.Awards = append(r.Awards, oa)
			if k, ok := page.Contracts[e.ContractID]; ok && k.AwardID == aw.ID {
				r.Contracts = append(r.Contracts, ocdsSignedContract(base, e, t, k, buyer, supplier))
			} else if e.Action == "complete" && e.ContractID == "" {
				r.Contracts = append(r.Contracts, ocdsContract{ID: aw.ID + "-contract", AwardID: aw.ID, Title: t.Title,
					Status: "active", Period: servicePeriod(t), Value: cny(aw.AmountFen)})
			}
		}
	}
	td.Lots = ocdsLots(t, e, page)
	r.Tender = td
	return r
}

// ocdsLots is the tender's lots as they stood at change e: active until the
// opening, then unsuccessful when the lot failed (流标), complete once its
// award was decided, cancelled with the tender.
func ocdsLots(t tender.Tender, e storage.OCDSEvent, page storage.OCDSPage) []ocdsLot {
	var out []ocdsLot
	op, opened := page.Openings[t.ID]
	opened = opened && !e.At.Before(op.OpenedAt)
	for _, l := range t.Lots {
		status := "active"
		switch {
		case e.Action == "cancel":
			status = "cancelled"
		case opened && l.Status == tender.LotFailed:
			status = "unsuccessful"
		case opened:
			for _, aw := range page.Awards[t.ID] {
				if aw.LotID == l.ID && !aw.AwardedAt.After(e.At) && aw.Status != tender.AwardRevoked {
					status = "complete"
				}
			}
		}
		out = append(out, ocdsLot{ID: l.ID, Title: l.Title, Status: status, Value: cny(l.BudgetFen)})
	}
	return out
}

func ptr[T any](v T) *T { return &v }

// ocdsMilestoneStatus maps a milestone's status to the closed milestoneStatus codelist.
var ocdsMilestoneStatus = map[tender.MilestoneStatus]string{
	tender.MilestonePending: "scheduled", tender.MilestoneSubmitted: "scheduled", tender.MilestoneReturned: "scheduled",
	tender.MilestoneAccepted: "met", tender.MilestonePaid: "met", tender.MilestoneWithheld: "notMet",
}

// ocdsSignedContract renders a signed contract at the change e: status
// terminated once it is completed or terminated (OCDS "terminated": no
// longer in force), else active; payments made by then as transactions;
// milestones as they stand now, or all scheduled in the signing release.
func ocdsSignedContract(base string, e storage.OCDSEvent, t tender.Tender, k tender.Contract, buyer, supplier ocdsOrgRef) ocdsContract {
	out := ocdsContract{ID: k.AwardID + "-contract", AwardID: k.AwardID, Title: t.Title, Status: "active",
		Value: cny(k.AmountFen), Period: datePeriod(k.PeriodStart, k.PeriodEnd)}
	if e.Action == string(tender.ContractTerminate) || e.Action == string(tender.ContractComplete) {
		out.Status = "terminated"
	}
	if k.SignedOn != nil {
		if d, err := time.ParseInLocation(tender.DateLayout, *k.SignedOn, shanghai); err == nil {
			out.DateSigned = &d
		}
	}
	if k.DocumentID != nil && k.SignedAt != nil {
		out.Documents = []ocdsDocument{{ID: *k.DocumentID, DocumentType: "contractSigned", Title: "合同文本",
			URL: base + "/api/v1/documents/" + *k.DocumentID + "/content", DatePublished: k.SignedAt}}
	}
	if e.Action == string(tender.ContractTerminate) {
		out.Documents = append(out.Documents, ocdsDocument{ID: "termination-" + strconv.FormatInt(e.Seq, 10),
			DocumentType: "contractNotice", Title: "合同终止", Description: e.Reason, DatePublished: ptr(e.At), Language: "zh"})
	}
	impl := &ocdsImplementation{Milestones: []ocdsMilestone{}, Transactions: []ocdsTransaction{}}
	for _, m := range k.Milestones {
		st := ocdsMilestoneStatus[m.Status]
		if e.Action == string(tender.ContractSign) {
			st = "scheduled"
		}
		om := ocdsMilestone{ID: m.ID, Title: m.Title, Type: "delivery", Status: st,
			Description: fmt.Sprintf("付款比例 %d%%", m.PaymentPct)}
		if d, err := time.ParseInLocation(tender.DateLayout, m.DueDate, shanghai); err == nil {
			om.DueDate = &d
		}
		impl.Milestones = append(impl.Milestones, om)
	}
	for _, p := range k.Payments {
		if p.CreatedAt.After(e.At) {
			continue // not yet paid at the time of this change
		}
		tx := ocdsTransaction{ID: p.ID, Source: base + "/api/v1/contracts/" + k.ID, Value: cny(p.AmountFen),
			Payer: buyer, Payee: supplier}
		if d, err := time.ParseInLocation(tender.DateLayout, p.PaidAt, shanghai); err == nil {
			tx.Date = &d
		}
		impl.Transactions = append(impl.Transactions, tx)
	}
	out.Implementation = impl
	return out
}

// datePeriod is a period of the bureau's days, from the start of start to the end of end.
func datePeriod(start, end string) *ocdsPeriod {
	s, err1 := time.ParseInLocation(tender.DateLayout, start, shanghai)
	e, err2 := time.ParseInLocation(tender.DateLayout, end, shanghai)
	if err1 != nil || err2 != nil {
		return nil
	}
	e = e.Add(24*time.Hour - time.Second)
	return &ocdsPeriod{StartDate: &s, EndDate: &e}
}

// servicePeriod is the service period (dates) as a period of the bureau's days.
func servicePeriod(t tender.Tender) *ocdsPeriod {
	var p ocdsPeriod
	if d, err := time.ParseInLocation(time.DateOnly, t.ServiceStart, shanghai); err == nil {
		p.StartDate = &d
	}
	if d, err := time.ParseInLocation(time.DateOnly, t.ServiceEnd, shanghai); err == nil {
		end := d.Add(24*time.Hour - time.Second)
		p.EndDate = &end
	}
	if p.StartDate == nil && p.EndDate == nil {
		return nil
	}
	return &p
}

var orgTypeLabel = map[tender.OrgType]string{"social_org": "社会组织", "social_work_agency": "社会工作服务机构",
	"volunteer_org": "志愿服务组织"}

// eligibilityText states the tender's eligibility rules in words.
func eligibilityText(e tender.Eligibility) string {
	var parts []string
	if len(e.OrgTypes) > 0 {
		var names []string
		for _, t := range e.OrgTypes {
			if l, ok := orgTypeLabel[t]; ok {
				names = append(names, l)
			} else {
				names = append(names, string(t))
			}
		}
		parts = append(parts, "机构类型："+strings.Join(names, "、"))
	}
	if e.RegisteredOnly {
		parts = append(parts, "须为依法登记的机构")
	}
	if e.MinSocialWorkers > 0 {
		parts = append(parts, "持证社会工作者不少于 "+strconv.Itoa(e.MinSocialWorkers)+" 名")
	}
	if len(parts) == 0 {
		return ""
	}
	return "须为本平台审核通过的机构；" + strings.Join(parts, "；")
}

// awardCriteria maps the evaluation method to the awardCriteria codelist and lists the criteria.
func awardCriteria(ev tender.EvaluationConfig) (string, string) {
	code := "ratedCriteria" // 综合评分法
	switch ev.Method {
	case tender.MethodLowestPrice, tender.MethodNegotiated:
		code = "priceOnly" // 最低评标价法; 单一来源 at the negotiated price
	case tender.MethodClaim:
		// Claims are all at the budget price; the codelist has nothing closer.
		return "priceOnly", "按预算价认领；多家认领时本社区优先，再公开抽签"
	}
	var parts []string
	for _, c := range ev.Criteria {
		parts = append(parts, c.Name+" "+strconv.FormatInt(c.MaxScore, 10)+" 分")
	}
	return code, strings.Join(parts, "；")
}

// baseURL is the scheme and host the caller used. Forwarding headers count
// only from trusted proxies, so a client cannot plant its own host in the links.
func (a *API) baseURL(c *fiber.Ctx) string {
	scheme, host := "http", string(c.Request().Host())
	if c.Context().IsTLS() {
		scheme = "https"
	}
	if peer, ok := netip.AddrFromSlice(c.Context().RemoteIP()); ok && a.trusted(peer.Unmap()) {
		if p := c.Get(fiber.HeaderXForwardedProto); p == "http" || p == "https" {
			scheme = p
		}
		if h := c.Get(fiber.HeaderXForwardedHost); h != "" {
			host = strings.TrimSpace(strings.Split(h, ",")[0])
		}
	}
	if host == "" {
		host = "localhost"
	}
	return scheme + "://" + host
}

// itemOCID is the ocid of a project-list item's contracting process: its
// planning releases and then those of the tender created from it.
func (a *API) itemOCID(itemID string) string { return a.opts.OCIDPrefix + "PL-" + itemID }

// ocdsPlanningRelease renders an item's publication (tag planning, tender
// status planning) or its withdrawal (planningUpdate, withdrawn).
func (a *API) ocdsPlanningRelease(e storage.OCDSEvent, it storage.OCDSItem) ocdsRelease {
	ocid := a.itemOCID(it.ID)
	buyer := ocdsOrgRef{ID: ocdsBuyerID, Name: ocdsPublisher}
	tag, status := []string{"planning"}, "planning"
	if e.Action == "drop" {
		tag, status = []string{"planningUpdate"}, "withdrawn"
	}
	var needs []string
	for _, n := range it.Needs {
		needs = append(needs, n.Community+"："+n.Title+"（受益约"+strconv.Itoa(n.Beneficiaries)+"人）")
	}
	rationale := "列入" + strconv.Itoa(it.Year) + "年度购买服务项目清单"
	if len(needs) > 0 {
		rationale += "，对接社区需求：" + strings.Join(needs, "；")
	}
	if it.CommunityID != nil && !it.LocalOrgsFirst && it.CountyWideReason != "" {
		rationale += "。面向全县组织的理由：" + it.CountyWideReason
	}
	community := it.Community
	if community == "" {
		community = "全县"
	}
	td := ocdsTender{ID: it.ID, Title: it.Title, Description: community + " · 计划第" + strconv.Itoa(it.PlannedQuarter) + "季度",
		Status: status, ProcuringEntity: buyer, Value: cny(it.BudgetFen), ProcurementMethod: "open",
		ProcurementMethodDetails: "待定", MainProcurementCategory: "services"}
	if rule, ok := it.Procedure.Rule(); ok {
		td.ProcurementMethod, td.ProcurementMethodDetails = rule.OCDSMethod, rule.NameZh
	}
	if e.Action == "drop" {
		td.Documents = []ocdsDocument{{ID: "withdrawal-" + strconv.FormatInt(e.Seq, 10), DocumentType: "cancellationDetails",
			Title: "撤销说明", Description: e.Reason, DatePublished: ptr(e.At), Language: "zh"}}
	}
	return ocdsRelease{OCID: ocid, ID: ocid + "-plan-" + strconv.FormatInt(e.Seq, 10), Date: e.At, Tag: tag,
		InitiationType: "tender", Language: "zh", Buyer: buyer,
		Parties: []ocdsParty{{ID: ocdsBuyerID, Name: ocdsPublisher, Roles: []string{"buyer", "procuringEntity"}}},
		Planning: &ocdsPlanning{Rationale: rationale, Budget: ocdsBudget{ID: it.ID, Description: fundingText(it.FundingSource),
			Amount: cny(it.BudgetFen), Project: it.Title, ProjectID: it.ID}},
		Tender: td}
}

// fundingText names a funding source in Chinese, for the budget's description.
func fundingText(f tender.FundingSource) string {
	switch f {
	case tender.FundingFiscal:
		return "财政资金"
	case tender.FundingWelfareLottery:
		return "福彩公益金"
	case tender.FundingCharity:
		return "慈善资金"
	case tender.FundingSocial:
		return "社会资金"
	}
	return string(f)
}
