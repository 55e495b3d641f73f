package tender

import (
	"fmt"
	"slices"
	"strings"
	"time"
)

// Procedure is the statutory procurement procedure a tender follows (SPEC §7.3).
type Procedure string

// Procedures of §7.3.
const (
	ProcedurePublicTender            Procedure = "public_tender"            // 公开招标
	ProcedureCompetitiveConsultation Procedure = "competitive_consultation" // 竞争性磋商
	ProcedureCompetitiveNegotiation  Procedure = "competitive_negotiation"  // 竞争性谈判
	ProcedureSingleSource            Procedure = "single_source"            // 单一来源
	ProcedureVenture                 Procedure = "venture"                  // 公益创投
	ProcedureClaim                   Procedure = "claim"                    // 服务认领
)

// WindowUnit says how a procedure's shortest bid window is counted.
type WindowUnit string

// Window units.
const (
	WindowDays        WindowUnit = "days"         // calendar days
	WindowWorkingDays WindowUnit = "working_days" // working days of the bureau's calendar (调休 included)
	WindowFloor       WindowUnit = "floor"        // no statutory window: PORTAL_MIN_BID_WINDOW only
)

// Window is the shortest time from publishing to the bid deadline.
type Window struct {
	Value int        `json:"value"`
	Unit  WindowUnit `json:"unit"`
}

// PanelRule is the size a procedure's evaluation panel must have.
type PanelRule struct {
	MinSize int  `json:"min_size"`
	Odd     bool `json:"odd"`
}

// PriceWeight is the range, in points of 100, of the price criterion's maximum.
type PriceWeight struct {
	Min int64 `json:"min"`
	Max int64 `json:"max"`
}

// RuleBasis is one rule of a procedure: the tender field it constrains, the
// rule as a clerk reads it, and the legal text the bureau can cite.
type RuleBasis struct {
	Field      string `json:"field"`
	Rule       string `json:"rule"`
	LegalBasis string `json:"legal_basis"`
}

// ProcedureRule is one line of the §7.3 table. The table is data: publishing,
// GET /procedures and the wizard all read it.
type ProcedureRule struct {
	Procedure      Procedure    `json:"procedure"`
	NameZh         string       `json:"name_zh"`
	Kind           Kind         `json:"kind"`
	MinBids        int          `json:"min_bids"`         // the default
	MinBidsAllowed int          `json:"min_bids_allowed"` // the lowest the bureau may set
	Window         Window       `json:"window"`
	Panel          *PanelRule   `json:"panel"`
	Methods        []Method     `json:"methods"`
	PriceWeight    *PriceWeight `json:"price_weight"`
	LegalBasis     string       `json:"legal_basis"`
	Rules          []RuleBasis  `json:"rules"`
	OCDSMethod     string       `json:"-"` // OCDS procurementMethod: open, selective or limited
}

// Methods of procedures without scoring.
const (
	MethodNegotiated Method = "negotiated" // 单一来源: a price negotiated with the named organization
	MethodClaim      Method = "claim"      // 服务认领: claims at the budget price, one recommended
)

// Legal bases cited by the rules below.
const (
	basisGPL35           = "政府采购法 第三十五条"
	basisGPL36           = "政府采购法 第三十六条"
	basisOrder87Art47    = "财政部令第87号 第四十七条"
	basisOrder87Art53    = "财政部令第87号 第五十三条"
	basisOrder87Art55    = "财政部令第87号 第五十五条"
	basisCK214Art10      = "财库〔2014〕214号 第十条"
	basisCK214Art12      = "财库〔2014〕214号 第十二条；财库〔2015〕124号"
	basisCK214Art14      = "财库〔2014〕214号 第十四条"
	basisCK214Art23      = "财库〔2014〕214号 第二十三条"
	basisCK214Art24      = "财库〔2014〕214号 第二十四条"
	basisGPL38           = "政府采购法 第三十八条"
	basisOrder74Art29    = "财政部令第74号 第二十九条"
	basisGPL31           = "政府采购法 第三十一条"
	basisGPL39           = "政府采购法 第三十九条"
	basisRegulationArt38 = "政府采购法实施条例 第三十八条"
	basisSeed            = "沭民字〔2016〕14号"
	basisSeedClaim       = "沭民字〔2016〕14号（社会组织认领服务）"
)

// procedureTable is §7.3. Its order is the order of GET /procedures.
var procedureTable = []ProcedureRule{
	{
		Procedure: ProcedurePublicTender, NameZh: "公开招标", Kind: KindPurchase, MinBids: 3, MinBidsAllowed: 3, OCDSMethod: "open",
		Window: Window{20, WindowDays}, Panel: &PanelRule{MinSize: 5, Odd: true},
		Methods: []Method{MethodComprehensive, MethodLowestPrice}, PriceWeight: &PriceWeight{Min: 10, Max: 100},
		LegalBasis: "政府采购法 第三十五条；财政部令第87号 第四十七条",
		Rules: []RuleBasis{
			{"bid_deadline", "投标截止不得早于发布后20日", basisGPL35},
			{"min_bids", "有效投标不足3家的废标（流标）", basisGPL36},
			{"evaluation.panel_size", "评标委员会应为5人以上单数", basisOrder87Art47},
			{"evaluation.method", "采用综合评分法或最低评标价法", basisOrder87Art53},
			{"evaluation.criteria", "服务项目价格分值不得低于总分的10%", basisOrder87Art55},
		},
	},
	{
		Procedure: ProcedureCompetitiveConsultation, NameZh: "竞争性磋商", Kind: KindPurchase, MinBids: 3, MinBidsAllowed: 2, OCDSMethod: "selective",
		Window: Window{10, WindowDays}, Panel: &PanelRule{MinSize: 3, Odd: true},
		Methods: []Method{MethodComprehensive}, PriceWeight: &PriceWeight{Min: 10, Max: 30},
		LegalBasis: "财库〔2014〕214号 第十条、第十四条、第二十四条；财库〔2015〕124号",
		Rules: []RuleBasis{
			{"bid_deadline", "首次响应文件截止不得早于磋商文件发出后10日", basisCK214Art10},
			{"min_bids", "供应商不少于3家；政府购买服务项目符合要求的供应商只有2家时可以继续", basisCK214Art12},
			{"evaluation.panel_size", "磋商小组应为3人以上单数", basisCK214Art14},
			{"evaluation.method", "采用综合评分法", basisCK214Art23},
			{"evaluation.criteria", "服务项目价格分权重为10%至30%", basisCK214Art24},
		},
	},
	{
		Procedure: ProcedureCompetitiveNegotiation, NameZh: "竞争性谈判", Kind: KindPurchase, MinBids: 3, MinBidsAllowed: 3, OCDSMethod: "selective",
		Window: Window{3, WindowWorkingDays}, Panel: &PanelRule{MinSize: 3, Odd: true},
		Methods: []Method{MethodLowestPrice}, PriceWeight: nil,
		LegalBasis: "政府采购法 第三十八条；财政部令第74号",
		Rules: []RuleBasis{
			{"bid_deadline", "首次响应文件截止不得早于谈判文件发出后3个工作日", basisOrder74Art29},
			{"min_bids", "参加谈判的供应商不少于3家", basisGPL38},
			{"evaluation.panel_size", "谈判小组应为3人以上单数", basisGPL38},
			{"evaluation.method", "符合采购需求、质量和服务相等且报价最低者成交", basisGPL38},
		},
	},
	{
		Procedure: ProcedureSingleSource, NameZh: "单一来源", Kind: KindPurchase, MinBids: 1, MinBidsAllowed: 1, OCDSMethod: "limited",
		Window: Window{5, WindowWorkingDays}, Panel: nil,
		Methods: []Method{MethodNegotiated}, PriceWeight: nil,
		LegalBasis: "政府采购法 第三十一条、第三十九条；政府采购法实施条例 第三十八条",
		Rules: []RuleBasis{
			{"bid_deadline", "公示期不得少于5个工作日，公示期满方可协商", basisRegulationArt38},
			{"single_source_org_id", "只能从唯一供应商处采购，须写明供应商", basisGPL31},
			{"min_bids", "仅限指定的供应商响应", basisGPL31},
			{"evaluation.method", "在保证质量和双方商定合理价格的基础上采购，成交价不超过预算", basisGPL39},
			{"reason", "成交须说明采用单一来源的理由", basisGPL31},
		},
	},
	{
		Procedure: ProcedureVenture, NameZh: "公益创投", Kind: KindVenture, MinBids: 1, MinBidsAllowed: 1, OCDSMethod: "open",
		Window: Window{0, WindowFloor}, Panel: &PanelRule{MinSize: 3, Odd: true},
		Methods: []Method{MethodComprehensive}, PriceWeight: nil,
		LegalBasis: basisSeed,
		Rules: []RuleBasis{
			{"bid_deadline", "申报截止不得早于平台设定的最短申报期", basisSeed},
			{"evaluation.panel_size", "评审委员会应为3人以上单数", basisSeed},
			{"evaluation.method", "采用综合评分法", basisSeed},
			{"evaluation.criteria", "不设价格分", basisSeed},
		},
	},
	{
		Procedure: ProcedureClaim, NameZh: "服务认领", Kind: KindPurchase, MinBids: 1, MinBidsAllowed: 1, OCDSMethod: "open",
		Window: Window{5, WindowWorkingDays}, Panel: nil,
		Methods: []Method{MethodClaim}, PriceWeight: nil,
		LegalBasis: basisSeedClaim,
		Rules: []RuleBasis{
			{"bid_deadline", "认领期不得少于5个工作日", basisSeedClaim},
			{"budget_fen", "仅限小额服务（不超过平台设定的认领限额）", basisSeedClaim},
			{"evaluation.method", "按预算价认领；多家认领时本社区优先，再公开抽签", basisSeedClaim},
		},
	},
}

// Procedures returns the §7.3 table, one rule per procedure, in a fixed order.
// The caller gets its own copy.
func Procedures() []ProcedureRule {
	out := make([]ProcedureRule, len(procedureTable))
	for i, r := range procedureTable {
		r.Methods = slices.Clone(r.Methods)
		r.Rules = slices.Clone(r.Rules)
		out[i] = r
	}
	return out
}

// Rule returns p's line of the table.
func (p Procedure) Rule() (ProcedureRule, bool) {
	for _, r := range procedureTable {
		if r.Procedure == p {
			return r, true
		}
	}
	return ProcedureRule{}, false
}

// Valid reports whether p is a known procedure.
func (p Procedure) Valid() bool {
	_, ok := p.Rule()
	return ok
}

// basis returns the legal basis the rule cites for field, or the procedure's.
func (r ProcedureRule) basis(field string) string {
	for _, b := range r.Rules {
		if b.Field == field {
			return b.LegalBasis
		}
	}
	return r.LegalBasis
}

// text returns the rule as a clerk reads it for field, or "".
func (r ProcedureRule) text(field string) string {
	for _, b := range r.Rules {
		if b.Field == field {
			return b.Rule
		}
	}
	return ""
}

// chinaTime is the civil time in which the bureau counts days. China has kept
// UTC+8 without daylight saving since 1991, so a fixed zone is exact.
var chinaTime = time.FixedZone("CST", 8*3600)

// StatutoryDeadline returns the earliest bid deadline the statute allows for a
// tender published at publishedAt, or the zero time for a procedure without a
// statutory window. Periods are counted as 民法典 第二百零一条 counts them: the
// day of publication does not count, the day of the deadline does. "20 days"
// therefore allows a deadline on the 20th calendar day after publication, and
// "3 working days" one on the 3rd working day of cal after it (调休 included).
func (r ProcedureRule) StatutoryDeadline(publishedAt time.Time, cal Calendar) time.Time {
	y, m, d := publishedAt.In(chinaTime).Date()
	switch r.Window.Unit {
	case WindowDays:
		return time.Date(y, m, d+r.Window.Value, 0, 0, 0, 0, chinaTime)
	case WindowWorkingDays:
		end := cal.AddWorkdays(publishedAt, r.Window.Value, chinaTime)
		y, m, d = end.Date()
		return time.Date(y, m, d, 0, 0, 0, 0, chinaTime)
	}
	return time.Time{}
}

// text renders the statutory window as the refusal message names it.
func (w Window) text() string {
	switch w.Unit {
	case WindowDays:
		return fmt.Sprintf("%d日", w.Value)
	case WindowWorkingDays:
		return fmt.Sprintf("%d个工作日", w.Value)
	}
	return ""
}

// BelowStatute reports whether a tender of procedure p published at
// publishedAt with bidDeadline has a shorter window than the statute allows.
// Procedures without a statutory window are compared with floor (the SPEC's
// default PORTAL_MIN_BID_WINDOW), whatever the deployment configures, so red
// flags always measure against the rule.
func (p Procedure) BelowStatute(publishedAt, bidDeadline time.Time, cal Calendar, floor time.Duration) bool {
	r, ok := p.Rule()
	if !ok || r.Window.Unit == WindowFloor {
		return bidDeadline.Sub(publishedAt) < floor
	}
	return bidDeadline.Before(r.StatutoryDeadline(publishedAt, cal))
}

// DefaultProcedure is the procedure of a tender created without one (§7.3):
// venture for venture calls; for purchases public_tender from publicTenderFen
// (PORTAL_PUBLIC_TENDER_FEN) up, below it competitive_consultation — or
// competitive_negotiation when the tender asks for the lowest price, the one
// procedure below public tender that evaluates by price alone, so §5 clients
// that set method lowest_price keep working. It is "" for an unknown kind.
func (t *Tender) DefaultProcedure(publicTenderFen int64) Procedure {
	switch {
	case t.Kind == KindVenture:
		return ProcedureVenture
	case t.Kind != KindPurchase:
		return ""
	case publicTenderFen > 0 && t.BudgetFen >= publicTenderFen:
		return ProcedurePublicTender
	case t.Evaluation.Method == MethodLowestPrice:
		return ProcedureCompetitiveNegotiation
	}
	return ProcedureCompetitiveConsultation
}

// ResolveProcedure gives a tender without a procedure its default (see
// DefaultProcedure). Call it before ApplyDefaults, which reads the procedure.
func (t *Tender) ResolveProcedure(cfg Config) {
	if t.Procedure == "" {
		t.Procedure = t.DefaultProcedure(cfg.PublicTenderFen)
	}
}

// procedureDraftProblems checks what a draft can already get wrong about its
// procedure: an unknown one, or one of the other kind.
func (t *Tender) procedureDraftProblems(f *Fields) {
	if t.Procedure == "" {
		return // resolved at publish from the kind and budget
	}
	r, ok := t.Procedure.Rule()
	if !ok {
		f.Add("procedure", "采购方式应为 public_tender、competitive_consultation、competitive_negotiation、single_source、venture 或 claim")
		return
	}
	if t.Kind.Valid() && r.Kind != t.Kind {
		f.Addf("procedure", "%s只适用于%s项目", r.NameZh, KindText(r.Kind))
	}
	if t.SingleSourceOrgID != "" && t.Procedure != ProcedureSingleSource {
		f.Add("single_source_org_id", "只有单一来源采购指定供应商")
	}
}

// KindText is the kind's name in Chinese, as the notices and the public pages name it.
func KindText(k Kind) string {
	if k == KindVenture {
		return "公益创投"
	}
	return "政府购买服务"
}

// scored reports whether the procedure's evaluation uses criteria and a panel.
func (r ProcedureRule) scored() bool { return r.Panel != nil }

// procedureProblems checks a tender against its procedure's line of the table
// at publish: minimum bids, the statutory window, the panel, the evaluation
// method and the price weight. Every message cites its legal basis.
func (t *Tender) procedureProblems(f *Fields, r ProcedureRule, now time.Time, cfg Config, cal Calendar) {
	if r.Procedure == ProcedureClaim && cfg.ClaimMaxFen > 0 && t.BudgetFen > cfg.ClaimMaxFen {
		f.Addf("budget_fen", "服务认领仅限预算不超过%s的小额服务（%s）", yuanText(cfg.ClaimMaxFen), r.basis("budget_fen"))
	}
	if r.Procedure == ProcedureSingleSource && t.SingleSourceOrgID == "" {
		f.Addf("single_source_org_id", "单一来源采购须指定唯一的供应商（%s）", r.basis("single_source_org_id"))
	}
	switch {
	case r.Procedure == ProcedureSingleSource && t.MinBids != 1:
		f.Addf("min_bids", "单一来源：仅指定的供应商响应，最少有效投标数应为1（%s）", r.basis("min_bids"))
	case t.MinBids < r.MinBidsAllowed:
		f.Addf("min_bids", "%s：最少有效投标数不得少于%d家（%s）", r.NameZh, r.MinBidsAllowed, r.basis("min_bids"))
	}

	if !t.BidDeadline.IsZero() {
		// PORTAL_MIN_BID_WINDOW is a floor for every procedure; the statute applies on top.
		earliest, statutory := now.Add(cfg.MinBidWindow), false
		if cfg.StatutoryWindows {
			if s := r.StatutoryDeadline(now, cal); s.After(earliest) {
				earliest, statutory = s, true
			}
		}
		switch {
		case !t.BidDeadline.Before(earliest):
		case statutory:
			f.Addf("bid_deadline", "%s：投标截止不得早于发布后%s（%s）", r.NameZh, r.Window.text(), r.basis("bid_deadline"))
		case cfg.MinBidWindow > 0:
			f.Addf("bid_deadline", "投标截止时间距发布时间不得少于%s", durationText(cfg.MinBidWindow))
		default:
			f.Add("bid_deadline", "投标截止时间不得早于发布时间")
		}
	}

	if !slices.Contains(r.Methods, t.Evaluation.Method) {
		f.Addf("evaluation.method", "%s：%s（%s）", r.NameZh, r.text("evaluation.method"), r.basis("evaluation.method"))
	}

	if r.Panel != nil {
		ps := t.Evaluation.PanelSize
		switch {
		case ps < r.Panel.MinSize || (r.Panel.Odd && ps%2 == 0):
			f.Addf("evaluation.panel_size", "评审委员会应为%d人以上单数（%s）", r.Panel.MinSize, r.basis("evaluation.panel_size"))
		case cfg.PublicTenderFen > 0 && t.BudgetFen >= cfg.PublicTenderFen && ps < 5:
			f.Addf("evaluation.panel_size", "预算达到%s的项目，评审委员会应为5人以上单数（%s）", yuanText(cfg.PublicTenderFen), basisOrder87Art47)
		}
	}
}

// priceWeightProblem checks the price criterion at index i against the
// procedure's price weight, naming the criterion's max_score.
func (r ProcedureRule) priceWeightProblem(f *Fields, c Criterion, i int) {
	w := r.PriceWeight
	if w == nil || (c.MaxScore >= w.Min && c.MaxScore <= w.Max) {
		return
	}
	field := fmt.Sprintf("evaluation.criteria[%d].max_score", i)
	if w.Max >= 100 {
		f.Addf(field, "服务项目价格分满分不得低于%d分（%s）", w.Min, r.basis("evaluation.criteria"))
		return
	}
	f.Addf(field, "%s：服务项目价格分应为%d至%d分（%s）", r.NameZh, w.Min, w.Max, r.basis("evaluation.criteria"))
}

// CanObjectToNotice returns nil when org may object to the public notice (公示)
// of a single-source tender at now: the tender is single_source and open, the
// notice (until bid_deadline) has not ended, and org is approved. Any approved
// organization may object, not only bidders (政府采购法实施条例 第三十八条).
func CanObjectToNotice(t Tender, org Organization, now time.Time) error {
	if t.Procedure != ProcedureSingleSource || t.Status != StatusOpen {
		return InvalidState("tender", string(t.Status), "质疑")
	}
	if org.Status != OrgApproved {
		return &Error{Code: CodeForbidden, Key: "objection.forbidden", Message: "只有审核通过的组织可以提出异议"}
	}
	if !now.Before(t.BidDeadline) {
		return &Error{Code: CodeDeadlinePassed, Key: "objection.deadline_passed", Message: "单一来源公示期已结束，不能再提出异议"}
	}
	return nil
}

// singleSourceProblems: a single-source response comes from the named
// organization only (政府采购法 第三十一条).
func singleSourceProblems(f *Fields, t Tender, org Organization) {
	if t.Procedure == ProcedureSingleSource && org.ID != t.SingleSourceOrgID {
		f.Addf("single_source_org_id", "单一来源采购仅限指定的供应商响应（%s）", basisGPL31)
	}
}

// singleSourceAwardProblems: a single-source award states why the procedure
// was used, whatever the recommendation (政府采购法 第三十一条).
func singleSourceAwardProblems(f *Fields, t Tender, reason string) bool {
	if t.Procedure != ProcedureSingleSource || strings.TrimSpace(reason) != "" {
		return false
	}
	f.Addf("reason", "单一来源采购成交须说明采用单一来源方式的理由（%s）", basisGPL31)
	return true
}

// ScoredByPanel reports whether the method needs the panel's score sheets;
// the others rank by price alone once qualification is done.
func (m Method) ScoredByPanel() bool { return m == MethodComprehensive }

// RecommendClaim recommends one of the claims of a claim tender (服务认领,
// SPEC §7.3): one claim is recommended as it is; of several, those whose
// organization is of community (the tender's or the lot's) come first, and a
// verifiable draw (§8.4, purpose claim, the n-th of the tender) chooses among
// the first group that is not empty. It returns the chosen bid id (none
// without claims) and the draw, nil when there was nothing to draw.
func RecommendClaim(claims []ScoreBid, community, r, openingSHA string, n int) ([]string, *Draw) {
	switch len(claims) {
	case 0:
		return []string{}, nil
	case 1:
		return []string{claims[0].BidID}, nil
	}
	var local, all []string
	for _, c := range claims {
		all = append(all, c.BidID)
		if community != "" && c.OrgCommunity == community {
			local = append(local, c.BidID)
		}
	}
	group := all
	if len(local) > 0 {
		group = local
	}
	if len(group) == 1 {
		return group, nil
	}
	d := MakeDraw(r, openingSHA, DrawPurposeClaim, n, nil, group, 1)
	return d.Chosen, &d
}
