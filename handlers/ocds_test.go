package handlers_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/csv"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/linshu/portal/handlers"
	"github.com/linshu/portal/tender"
)

const ocdsSchemaBase = "https://standard.open-contracting.org/schema/1__1__5/"

// ocdsLoader serves the OCDS schemas' canonical URLs from the copies in
// testdata (no network in tests); any other URL is refused.
type ocdsLoader string

func (dir ocdsLoader) Load(url string) (any, error) {
	name, ok := strings.CutPrefix(url, ocdsSchemaBase)
	if !ok || strings.Contains(name, "/") {
		return nil, fmt.Errorf("no local copy of %s", url)
	}
	f, err := os.Open(filepath.Join(string(dir), name))
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return jsonschema.UnmarshalJSON(f)
}

// ocdsPackageSchema compiles the official release package schema (draft-04,
// formats asserted) with its release schema resolved locally.
func ocdsPackageSchema(t *testing.T) *jsonschema.Schema {
	t.Helper()
	c := jsonschema.NewCompiler()
	c.UseLoader(ocdsLoader(filepath.Join("testdata", "ocds-1.1.5")))
	sch, err := c.Compile(ocdsSchemaBase + "release-package-schema.json")
	if err != nil {
		t.Fatal(err)
	}
	return sch
}

// codelist reads the codes of one OCDS codelist from testdata.
func codelist(t *testing.T, name string) map[string]bool {
	t.Helper()
	f, err := os.Open(filepath.Join("testdata", "ocds-1.1.5", "codelists", name))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	col := -1
	for i, h := range rows[0] {
		if h == "Code" {
			col = i
		}
	}
	codes := map[string]bool{}
	for _, r := range rows[1:] {
		codes[r[col]] = true
	}
	return codes
}

type ocdsRef struct {
	ID   string
	Name string
}

type ocdsDoc struct {
	ID, DocumentType, Title, Description, URL string
}

type ocdsFeed struct {
	URI           string
	Version       string
	PublishedDate string
	Publisher     struct{ Name string }
	Releases      []struct {
		OCID, ID, Date, InitiationType string
		Tag                            []string
		Buyer                          ocdsRef
		Parties                        []struct {
			ID, Name   string
			Identifier *struct{ Scheme, ID string }
			Roles      []string
		}
		Tender struct {
			ID, Title, Status, AwardCriteria string
			ProcurementMethod                string
			ProcurementMethodDetails         string
			MainProcurementCategory          string
			Value                            struct {
				Amount   json.Number
				Currency string
			}
			NumberOfTenderers *int
			Tenderers         []ocdsRef
			Documents         []ocdsDoc
		}
		Awards []struct {
			ID, Status string
			Value      struct{ Amount json.Number }
			Suppliers  []ocdsRef
		}
		Contracts []struct{ ID, AwardID, Status string }
	}
	Links *struct{ Next string }
}

// feed fetches the feed at path, validates it against the official schema and decodes it.
func (e *env) feed(sch *jsonschema.Schema, path string) (ocdsFeed, []byte) {
	e.t.Helper()
	r := e.do("GET", path, "", nil)
	r.ok(e.t, 200)
	inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(r.Body))
	if err != nil {
		e.t.Fatal(err)
	}
	if err := sch.Validate(inst); err != nil {
		e.t.Fatalf("%s is not a valid OCDS 1.1 release package: %v\n%s", path, err, r.Body)
	}
	var f ocdsFeed
	r.decode(e.t, &f)
	return f, r.Body
}

// stories groups the feed's releases by ocid: "tag/tender.status" in order.
func (f ocdsFeed) stories() map[string][]string {
	out := map[string][]string{}
	for _, r := range f.Releases {
		out[r.OCID] = append(out[r.OCID], strings.Join(r.Tag, "+")+"/"+r.Tender.Status)
	}
	return out
}

func TestOCDSFeedValidatesAndTellsEachTendersStory(t *testing.T) {
	const prefix = "ocds-test00-"
	e := newEnv(t, func(o *handlers.Options) { o.OCIDPrefix = prefix })
	sch := ocdsPackageSchema(t)
	codeOf := func(id string) string {
		e.t.Helper()
		return prefix + e.do("GET", "/api/v1/tenders/"+id, e.admin, nil).json(t)["code"].(string)
	}

	// Drafts never appear, not even cancelled ones.
	e.createTender(tenderBody("仍是草稿的项目"))
	draft := e.createTender(tenderBody("草稿即取消的项目"))
	e.do("POST", "/api/v1/tenders/"+draft+"/cancel", e.admin, map[string]any{"reason": "草稿作废"}).ok(t, 200)

	// Published with a document, amended with another, then cancelled.
	cancelled := e.createTender(tenderBody("取消的项目"))
	pdf := append([]byte("%PDF-1.7\n"), []byte(strings.Repeat("招标文件", 100))...)
	doc1 := e.upload("/api/v1/tenders/"+cancelled+"/documents", e.admin, "招标文件.pdf", pdf).json(t)["id"].(string)
	e.do("POST", "/api/v1/tenders/"+cancelled+"/publish", e.admin, nil).ok(t, 200)
	doc2 := e.upload("/api/v1/tenders/"+cancelled+"/documents", e.admin, "补遗.pdf", append(pdf, '1')).json(t)["id"].(string)
	e.do("POST", "/api/v1/tenders/"+cancelled+"/cancel", e.admin, map[string]any{"reason": "预算调整"}).ok(t, 200)

	// Failed at opening: one bid, min_bids 3.
	_, lone := e.org("lonebidder", true)
	failed := e.shortTender(time.Hour)
	e.submit(e.bid(failed, lone, 1000000), lone)
	e.openNow(failed)

	// A purchase to completion, through an upheld objection and a second award.
	ev := e.evaluatingTender("purchase", 3, []int64{28000000, 27000000, 29000000})
	submitAll := func() {
		for i, tok := range ev.experts {
			for j, b := range ev.bids {
				e.score(ev.id, tok, b, map[string]string{"c1": fmt.Sprint(30 + i + j), "c2": "25"}).ok(t, 200)
			}
			e.do("POST", "/api/v1/tenders/"+ev.id+"/scores/submit", tok, nil).ok(t, 200)
		}
	}
	award := func(publicity time.Duration) string {
		var rec struct {
			BidIDs []string `json:"bid_ids"`
		}
		e.do("GET", "/api/v1/tenders/"+ev.id+"/recommendation", e.admin, nil).decode(t, &rec)
		var out struct {
			Items []struct {
				ID string `json:"id"`
			} `json:"items"`
		}
		r := e.do("POST", "/api/v1/tenders/"+ev.id+"/award", e.admin, map[string]any{"bid_ids": rec.BidIDs,
			"publicity_ends_at": time.Now().Add(publicity)})
		r.ok(t, 201)
		r.decode(t, &out)
		return out.Items[len(out.Items)-1].ID // the list keeps revoked awards first
	}
	submitAll()
	firstAward := award(time.Hour)
	oid := e.do("POST", "/api/v1/tenders/"+ev.id+"/objections", ev.orgs[2], map[string]any{"text": "评分有误"}).json(t)["id"].(string)
	e.do("POST", "/api/v1/objections/"+oid+"/resolve", e.admin, map[string]any{"upheld": true, "response": "质疑成立"}).ok(t, 200)
	// A rejected objection is not a public change of the award.
	submitAll()
	secondAward := award(time.Hour)
	oid2 := e.do("POST", "/api/v1/tenders/"+ev.id+"/objections", ev.orgs[1], map[string]any{"text": "再次质疑"}).json(t)["id"].(string)
	e.do("POST", "/api/v1/objections/"+oid2+"/resolve", e.admin, map[string]any{"upheld": false, "response": "不成立"}).ok(t, 200)
	e.endPublicity(ev.id)
	if done, err := e.store.CompleteDue(context.Background()); err != nil || len(done) != 1 {
		t.Fatalf("completion: %v %v", done, err)
	}

	f, raw := e.feed(sch, "/api/v1/ocds/releases")
	if f.Version != "1.1" || f.Publisher.Name != "临沭县民政局" || !strings.HasPrefix(f.URI, "http://") || f.Links != nil {
		t.Fatalf("package: %+v", f)
	}
	for _, s := range []string{"仍是草稿的项目", "草稿即取消的项目", "草稿作废", draft, "再次质疑", "评分有误"} {
		if bytes.Contains(raw, []byte(s)) {
			t.Fatalf("the feed shows %q, which is not public", s)
		}
	}
	want := map[string][]string{
		codeOf(cancelled): {"tender/active", "tenderAmendment/active", "tenderCancellation/cancelled"},
		codeOf(failed):    {"tender/active", "tenderUpdate/unsuccessful"},
		codeOf(ev.id): {"tender/active", "tenderUpdate/active", "award/complete", "awardUpdate/active", "award/complete",
			"contract/complete"},
	}
	got := f.stories()
	if len(got) != len(want) {
		t.Fatalf("processes in the feed: %v", got)
	}
	for ocid, story := range want {
		if strings.Join(got[ocid], " ") != strings.Join(story, " ") {
			t.Fatalf("%s:\n got %v\nwant %v", ocid, got[ocid], story)
		}
	}

	// Codes come from the codelists; ids are unique; dates ascend.
	lists := map[string]map[string]bool{}
	for _, n := range []string{"tenderStatus", "awardStatus", "contractStatus", "method", "partyRole", "documentType",
		"awardCriteria", "currency", "initiationType", "releaseTag"} {
		lists[n] = codelist(t, n+".csv")
	}
	inList := func(list, code string) {
		t.Helper()
		if !lists[list][code] {
			t.Fatalf("%q is not in the %s codelist", code, list)
		}
	}
	ids := map[string]bool{}
	var last time.Time
	for _, r := range f.Releases {
		at, err := time.Parse(time.RFC3339Nano, r.Date)
		if err != nil || ids[r.ID] || !strings.HasPrefix(r.ID, r.OCID+"-") || at.Before(last) {
			t.Fatalf("release id %s, date %s after %s (%v)", r.ID, r.Date, last, err)
		}
		ids[r.ID], last = true, at
		inList("initiationType", r.InitiationType)
		inList("tenderStatus", r.Tender.Status)
		inList("method", r.Tender.ProcurementMethod)
		inList("awardCriteria", r.Tender.AwardCriteria)
		inList("currency", r.Tender.Value.Currency)
		for _, tag := range r.Tag {
			inList("releaseTag", tag)
		}
		for _, p := range r.Parties {
			for _, role := range p.Roles {
				inList("partyRole", role)
			}
		}
		for _, d := range r.Tender.Documents {
			inList("documentType", d.DocumentType)
		}
		for _, a := range r.Awards {
			inList("awardStatus", a.Status)
		}
		for _, c := range r.Contracts {
			inList("contractStatus", c.Status)
		}
		if r.Buyer.Name != "临沭县民政局" || r.Tender.MainProcurementCategory != "services" ||
			r.Tender.ProcurementMethodDetails != "竞争性磋商" || r.Tender.ProcurementMethod != "selective" ||
			r.Tender.Value.Amount.String() != "300000.00" {
			t.Fatalf("release %s: buyer %+v, tender %+v", r.ID, r.Buyer, r.Tender)
		}
	}

	byOCID := map[string][]int{}
	for i, r := range f.Releases {
		byOCID[r.OCID] = append(byOCID[r.OCID], i)
	}
	rel := func(id string, n int) int { return byOCID[codeOf(id)][n] }

	// Documents: only those published at the time, with their hash and a public URL.
	sum := sha256.Sum256(pdf)
	pub := f.Releases[rel(cancelled, 0)].Tender.Documents
	if len(pub) != 1 || pub[0].ID != doc1 || pub[0].Description != "SHA-256: "+hex.EncodeToString(sum[:]) ||
		!strings.HasSuffix(pub[0].URL, "/api/v1/documents/"+doc1+"/content") || pub[0].DocumentType != "biddingDocuments" {
		t.Fatalf("publish release documents: %+v", pub)
	}
	if amended := f.Releases[rel(cancelled, 1)].Tender.Documents; len(amended) != 2 || amended[1].ID != doc2 {
		t.Fatalf("amendment documents: %+v", amended)
	}
	cancelDocs := f.Releases[rel(cancelled, 2)].Tender.Documents
	if d := cancelDocs[len(cancelDocs)-1]; d.DocumentType != "cancellationDetails" || d.Description != "预算调整" {
		t.Fatalf("cancellation reason: %+v", cancelDocs)
	}
	for _, i := range byOCID[codeOf(cancelled)] {
		if f.Releases[i].Tender.NumberOfTenderers != nil || len(f.Releases[i].Tender.Tenderers) != 0 {
			t.Fatal("a never-opened tender shows tenderers")
		}
	}

	// The opening publishes who bid; the failed one too.
	if n := f.Releases[rel(failed, 1)].Tender.NumberOfTenderers; n == nil || *n != 1 {
		t.Fatalf("failed opening: %+v", f.Releases[rel(failed, 1)].Tender)
	}
	if f.Releases[rel(ev.id, 0)].Tender.NumberOfTenderers != nil {
		t.Fatal("the publish release shows a tenderer count")
	}
	opened := f.Releases[rel(ev.id, 1)]
	if opened.Tender.NumberOfTenderers == nil || *opened.Tender.NumberOfTenderers != 3 || len(opened.Tender.Tenderers) != 3 {
		t.Fatalf("opening release: %+v", opened.Tender)
	}
	for _, p := range opened.Parties[1:] {
		if p.Identifier == nil || p.Identifier.Scheme != "CN-USCC" || p.ID != "CN-USCC-"+p.Identifier.ID || p.Roles[0] != "tenderer" {
			t.Fatalf("tenderer party: %+v", p)
		}
	}

	// Awards: the first, its cancellation, the second, and the contract.
	var awards struct {
		Items []struct {
			ID        string `json:"id"`
			OrgName   string `json:"org_name"`
			AmountFen int64  `json:"amount_fen"`
		} `json:"items"`
	}
	e.do("GET", "/api/v1/tenders/"+ev.id+"/awards", "", nil).decode(t, &awards)
	check := func(n int, awardID, status string) {
		t.Helper()
		r := f.Releases[rel(ev.id, n)]
		var amount, name string
		for _, a := range awards.Items {
			if a.ID == awardID {
				amount, name = fmt.Sprintf("%d.%02d", a.AmountFen/100, a.AmountFen%100), a.OrgName
			}
		}
		if len(r.Awards) != 1 || r.Awards[0].ID != awardID || r.Awards[0].Status != status ||
			r.Awards[0].Value.Amount.String() != amount || r.Awards[0].Suppliers[0].Name != name {
			t.Fatalf("release %d awards: %+v", n, r.Awards)
		}
		supplier := false
		for _, p := range r.Parties {
			if p.ID == r.Awards[0].Suppliers[0].ID && strings.Contains(strings.Join(p.Roles, ","), "supplier") {
				supplier = true
			}
		}
		if !supplier {
			t.Fatalf("release %d: the supplier is not among the parties: %+v", n, r.Parties)
		}
	}
	check(2, firstAward, "active")
	check(3, firstAward, "cancelled")
	check(4, secondAward, "active")
	check(5, secondAward, "active")
	if c := f.Releases[rel(ev.id, 5)].Contracts; len(c) != 1 || c[0].AwardID != secondAward || c[0].Status != "active" {
		t.Fatalf("contracts: %+v", c)
	}

	// since: strictly later releases only.
	since := f.Releases[3].Date
	later, _ := e.feed(sch, "/api/v1/ocds/releases?since="+url.QueryEscape(since))
	if len(later.Releases) == 0 || len(later.Releases) >= len(f.Releases) {
		t.Fatalf("since %s: %d of %d releases", since, len(later.Releases), len(f.Releases))
	}
	sinceT, _ := time.Parse(time.RFC3339Nano, since)
	n := 0
	for _, r := range f.Releases {
		if at, _ := time.Parse(time.RFC3339Nano, r.Date); at.After(sinceT) {
			n++
		}
	}
	if n != len(later.Releases) {
		t.Fatalf("since %s: %d releases, want %d", since, len(later.Releases), n)
	}

	// Pages of two, chained by links.next, add up to the whole feed.
	var paged []string
	next := "/api/v1/ocds/releases?limit=2"
	for pages := 0; next != ""; pages++ {
		if pages > len(f.Releases) {
			t.Fatal("links.next does not end")
		}
		p, _ := e.feed(sch, next)
		for _, r := range p.Releases {
			paged = append(paged, r.ID)
		}
		next = ""
		if p.Links != nil {
			u, err := url.Parse(p.Links.Next)
			if err != nil || !u.IsAbs() || u.Path != "/api/v1/ocds/releases" {
				t.Fatalf("links.next %q", p.Links.Next)
			}
			next = u.RequestURI()
		}
	}
	var all []string
	for _, r := range f.Releases {
		all = append(all, r.ID)
	}
	if strings.Join(paged, ",") != strings.Join(all, ",") {
		t.Fatalf("paged:\n%v\nwhole:\n%v", paged, all)
	}

	e.do("GET", "/api/v1/ocds/releases?since=yesterday", "", nil).problem(t, 422, "validation_failed")
	e.do("GET", "/api/v1/ocds/releases?limit=501", "", nil).problem(t, 422, "validation_failed")
	e.do("GET", "/api/v1/ocds/releases?cursor=%%%", "", nil).problem(t, 422, "validation_failed")
	if empty := e.do("GET", "/api/v1/ocds/releases?since="+url.QueryEscape(time.Now().Add(time.Hour).Format(time.RFC3339)), "", nil); !bytes.Contains(empty.Body, []byte(`"releases":[]`)) {
		t.Fatalf("empty page: %s", empty.Body)
	}
}

func TestOCDSFeedShowsNothingSealed(t *testing.T) {
	e := newEnv(t)
	sch := ocdsPackageSchema(t)
	var uscc string
	orgID, tok := e.org("sealedbidder", true, func(b map[string]any) { uscc = b["uscc"].(string) })
	_, other := e.org("draftbidder", true)
	id := e.openTender(tenderBody("开标前的项目"))
	bid := e.bid(id, tok, 27654321)
	e.submit(bid, tok)
	draftBid := e.bid(id, other, 12345678)
	e.upload("/api/v1/bids/"+bid+"/documents", tok, "投标文件.pdf", []byte("%PDF-1.7\n秘密的投标方案"))

	for _, token := range []string{"", e.admin} {
		r := e.do("GET", "/api/v1/ocds/releases", token, nil)
		r.ok(t, 200)
		if !bytes.Contains(r.Body, []byte("开标前的项目")) {
			t.Fatalf("the published tender is missing: %s", r.Body)
		}
		for _, secret := range []string{bid, draftBid, orgID, uscc, "sealedbidder", "draftbidder", "27654321", "276543.21",
			"12345678", "123456.78", "投标文件", "numberOfTenderers", "tenderers", "tenderer", "supplier", "awards"} {
			if bytes.Contains(r.Body, []byte(secret)) {
				t.Fatalf("before the opening the feed shows %q:\n%s", secret, r.Body)
			}
		}
	}
	f, _ := e.feed(sch, "/api/v1/ocds/releases")
	if len(f.Releases) != 1 || f.Releases[0].Tag[0] != "tender" || f.Releases[0].Tender.Status != "active" {
		t.Fatalf("releases: %+v", f.Releases)
	}
}

func TestOCDSFeedCoversContractImplementation(t *testing.T) {
	e := newEnv(t)
	sch := ocdsPackageSchema(t)
	c := e.awardedContract()
	base := "/api/v1/contracts/" + c.contractID
	// Drafted: nothing of the contract is published yet.
	f, raw := e.feed(sch, "/api/v1/ocds/releases")
	if bytes.Contains(raw, []byte("implementation")) || bytes.Contains(raw, []byte("-contract-"+c.contractID)) {
		t.Fatal("a drafted contract is in the feed")
	}
	k := e.sign(c)
	voucher := e.voucher(c.contractID)
	m1 := k.Milestones[0]
	e.do("POST", base+"/milestones/"+m1.ID+"/report", c.orgTok, report("第一阶段")).ok(t, 201)
	e.do("POST", base+"/milestones/"+m1.ID+"/accept", e.admin, map[string]any{}).ok(t, 200)
	e.do("POST", base+"/payments", e.admin, map[string]any{"milestone_id": m1.ID, "amount_fen": m1.ShareFen,
		"paid_at": "2027-01-10", "document_id": voucher}).ok(t, 201)
	e.do("POST", base+"/terminate", e.admin, map[string]any{"reason": "机构注销"}).ok(t, 200)

	f, raw = e.feed(sch, "/api/v1/ocds/releases")
	var story []string
	for _, s := range f.stories() {
		if len(s) > len(story) {
			story = s
		}
	}
	want := "tender/active tenderUpdate/active award/complete contract/complete contract/complete implementation/complete " +
		"implementation/complete contractTermination/complete"
	if strings.Join(story, " ") != want {
		t.Fatalf("story:\n got %v\nwant %s", story, want)
	}
	if bytes.Contains(raw, []byte(voucher)) {
		t.Fatal("a payment voucher is in the feed")
	}
	var full struct {
		Releases []struct {
			Tag       []string
			Contracts []struct {
				ID, Status     string
				DateSigned     string
				Implementation struct {
					Milestones []struct {
						ID, Status, DueDate string
					}
					Transactions []struct {
						ID    string
						Value struct{ Amount json.Number }
						Payee struct{ Name string }
					}
				}
			}
		}
	}
	if err := json.Unmarshal(raw, &full); err != nil {
		t.Fatal(err)
	}
	contractStatus := codelist(t, "contractStatus.csv")
	var sawPayment, sawSigned bool
	for _, r := range full.Releases {
		for _, k := range r.Contracts {
			if !contractStatus[k.Status] {
				t.Fatalf("contract status %q not in the codelist", k.Status)
			}
			switch r.Tag[0] {
			case "contractTermination":
				if k.Status != "terminated" {
					t.Fatalf("terminated contract is %s", k.Status)
				}
			case "implementation":
				if k.Status != "active" || len(k.Implementation.Milestones) != 3 {
					t.Fatalf("implementation release: %+v", k)
				}
				if n := len(k.Implementation.Transactions); n == 1 {
					sawPayment = true
					tx := k.Implementation.Transactions[0]
					if tx.Value.Amount.String() != tender.Hundredths(m1.ShareFen).String() || tx.Payee.Name == "" ||
						k.Implementation.Milestones[0].Status != "met" || k.Implementation.Milestones[2].Status != "scheduled" {
						t.Fatalf("payment release: %+v", k.Implementation)
					}
				}
			case "contract":
				if k.DateSigned != "" {
					sawSigned = true
				}
			}
		}
	}
	if !sawPayment || !sawSigned {
		t.Fatalf("payment %v, signing %v in the feed", sawPayment, sawSigned)
	}
}

func TestOCDSPlanningReleaseContinuedByTender(t *testing.T) {
	const prefix = "ocds-test00-"
	e := newEnv(t, func(o *handlers.Options) { o.OCIDPrefix = prefix })
	sch := ocdsPackageSchema(t)
	need := e.do("POST", "/api/v1/needs", "", map[string]any{"community": "临沭街道兴大社区", "title": "老年人助餐",
		"beneficiaries": 90}).json(t)["id"].(string)
	e.do("POST", "/api/v1/needs/"+need+"/accept", e.admin, nil).ok(t, 200)
	b := planBody("兴大社区老年助餐服务")
	b["need_ids"] = []string{need}
	item := e.do("POST", "/api/v1/project-list/items", e.admin, b).json(t)["id"].(string)
	e.do("POST", "/api/v1/project-list/items", e.admin, planBody("仍是草稿的清单项目")).ok(t, 201)
	dropped := e.do("POST", "/api/v1/project-list/items", e.admin, planBody("发布后撤销")).json(t)["id"].(string)
	draftDropped := e.do("POST", "/api/v1/project-list/items", e.admin, planBody("草稿即撤销")).json(t)["id"].(string)
	for _, id := range []string{item, dropped} {
		e.do("POST", "/api/v1/project-list/items/"+id+"/publish", e.admin, nil).ok(t, 200)
	}
	for _, id := range []string{dropped, draftDropped} {
		e.do("POST", "/api/v1/project-list/items/"+id+"/drop", e.admin, map[string]any{"reason": "合并实施"}).ok(t, 200)
	}
	tid := e.do("POST", "/api/v1/project-list/items/"+item+"/tender", e.admin, nil).json(t)["id"].(string)
	tb := tenderBody("x")
	e.do("PATCH", "/api/v1/tenders/"+tid, e.admin, map[string]any{"evaluation": tb["evaluation"],
		"enquiry_deadline": tb["enquiry_deadline"], "bid_deadline": tb["bid_deadline"]}).ok(t, 200)
	e.do("POST", "/api/v1/tenders/"+tid+"/publish", e.admin, nil).ok(t, 200)

	f, raw := e.feed(sch, "/api/v1/ocds/releases")
	stories := f.stories()
	want := map[string][]string{
		prefix + "PL-" + item:    {"planning/planning", "tender/active"},
		prefix + "PL-" + dropped: {"planning/planning", "planningUpdate/withdrawn"},
	}
	if len(stories) != len(want) {
		t.Fatalf("stories %v, want %v", stories, want)
	}
	for ocid, s := range want {
		if strings.Join(stories[ocid], " ") != strings.Join(s, " ") {
			t.Errorf("%s: %v, want %v", ocid, stories[ocid], s)
		}
	}
	var pkg struct {
		Releases []struct {
			OCID     string `json:"ocid"`
			Planning *struct {
				Rationale string `json:"rationale"`
				Budget    struct {
					Amount struct {
						Amount json.Number `json:"amount"`
					} `json:"amount"`
				} `json:"budget"`
			} `json:"planning"`
		} `json:"releases"`
	}
	if err := json.Unmarshal(raw, &pkg); err != nil {
		t.Fatal(err)
	}
	first := pkg.Releases[0]
	if first.Planning == nil || !strings.Contains(first.Planning.Rationale, "老年人助餐") ||
		first.Planning.Budget.Amount.Amount.String() != "300000.00" {
		t.Fatalf("planning release: %+v", first.Planning)
	}
	if strings.Contains(string(raw), "仍是草稿") || strings.Contains(string(raw), "草稿即撤销") {
		t.Fatal("a draft item is in the feed")
	}
}
