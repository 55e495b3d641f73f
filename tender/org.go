package tender

import (
	"strings"
	"time"
	"unicode/utf8"
)

// OrgType is the legal form of an organization.
type OrgType string

// Organization types of the SPEC.
const (
	OrgSocialOrg        OrgType = "social_org"
	OrgSocialWorkAgency OrgType = "social_work_agency"
	OrgVolunteerOrg     OrgType = "volunteer_org"
)

// Valid reports whether t is a known organization type.
func (t OrgType) Valid() bool {
	return t == OrgSocialOrg || t == OrgSocialWorkAgency || t == OrgVolunteerOrg
}

// Registration says whether an organization is registered (登记) or filed (备案).
type Registration string

// Registration kinds.
const (
	Registered Registration = "registered"
	Filed      Registration = "filed"
)

// OrgStatus is where an organization stands with the bureau.
type OrgStatus string

// Organization statuses.
const (
	OrgPending   OrgStatus = "pending"
	OrgApproved  OrgStatus = "approved"
	OrgRejected  OrgStatus = "rejected"
	OrgSuspended OrgStatus = "suspended"
)

// Grades the bureau may assign in its assessment (社会组织评估等级).
var Grades = []string{"1A", "2A", "3A", "4A", "5A"}

// Organization is a social organization, social-work agency or volunteer organization.
type Organization struct {
	ID                  string       `json:"id" db:"id"`
	Name                string       `json:"name" db:"name"`
	USCC                string       `json:"uscc" db:"uscc"`
	Type                OrgType      `json:"type" db:"type"`
	Registration        Registration `json:"registration" db:"registration"`
	CommunityID         *string      `json:"community_id" db:"community_id"`
	Community           string       `json:"community" db:"community"` // the community's name
	LegalRepresentative string       `json:"legal_representative" db:"legal_representative"`
	ContactPhone        string       `json:"contact_phone" db:"contact_phone"`
	StaffTotal          int          `json:"staff_total" db:"staff_total"`
	SocialWorkers       int          `json:"social_workers" db:"social_workers"`
	AssessmentGrade     *string      `json:"assessment_grade" db:"assessment_grade"`
	Status              OrgStatus    `json:"status" db:"status"`
	StatusReason        string       `json:"status_reason" db:"status_reason"`
	CreatedAt           time.Time    `json:"created_at" db:"created_at"`
	UpdatedAt           time.Time    `json:"updated_at" db:"updated_at"`
}

const usccCharset = "0123456789ABCDEFGHJKLMNPQRTUWXY"

var usccWeights = [17]int{1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28}

// USCCCheckChar computes the GB 32100-2015 check character for the first 17
// characters of a unified social credit code. ok is false when a character
// lies outside the code's charset.
func USCCCheckChar(first17 string) (byte, bool) {
	if len(first17) != 17 {
		return 0, false
	}
	sum := 0
	for i := 0; i < 17; i++ {
		v := strings.IndexByte(usccCharset, first17[i])
		if v < 0 {
			return 0, false
		}
		sum += v * usccWeights[i]
	}
	c := 31 - sum%31
	if c == 31 {
		c = 0
	}
	return usccCharset[c], true
}

// ValidUSCC reports whether code is an 18-character USCC with a correct check character.
func ValidUSCC(code string) bool {
	if len(code) != 18 {
		return false
	}
	c, ok := USCCCheckChar(code[:17])
	return ok && code[17] == c
}

// Validate checks the fields an organization supplies at registration or edit.
func (o *Organization) Validate() error {
	var f Fields
	o.Name = strings.TrimSpace(o.Name)
	o.USCC = strings.ToUpper(strings.TrimSpace(o.USCC))
	if o.Name == "" || utf8.RuneCountInString(o.Name) > 100 {
		f.Add("name", "请填写组织名称（不超过100字）")
	}
	switch {
	case len(o.USCC) != 18:
		f.Add("uscc", "统一社会信用代码应为18位")
	case !ValidUSCC(o.USCC):
		f.Add("uscc", "统一社会信用代码校验位不正确")
	}
	if !o.Type.Valid() {
		f.Add("type", "组织类型应为 social_org、social_work_agency 或 volunteer_org")
	}
	if o.Registration != Registered && o.Registration != Filed {
		f.Add("registration", "登记方式应为 registered（登记）或 filed（备案）")
	}
	if strings.TrimSpace(o.Community) == "" && o.CommunityID == nil {
		f.Add("community", "请选择所在社区")
	}
	if strings.TrimSpace(o.LegalRepresentative) == "" {
		f.Add("legal_representative", "请填写法定代表人或负责人")
	}
	if !validPhone(o.ContactPhone) {
		f.Add("contact_phone", "请填写有效的联系电话")
	}
	if o.StaffTotal < 0 || o.StaffTotal > 100000 {
		f.Add("staff_total", "从业人数应为非负整数")
	}
	if o.SocialWorkers < 0 || o.SocialWorkers > o.StaffTotal {
		f.Add("social_workers", "持证社工人数应为非负整数且不超过从业人数")
	}
	if o.AssessmentGrade != nil && !ValidGrade(*o.AssessmentGrade) {
		f.Add("assessment_grade", "评估等级应为 1A 至 5A")
	}
	return f.Validation()
}

func validPhone(p string) bool {
	p = strings.TrimSpace(p)
	if len(p) < 7 || len(p) > 20 {
		return false
	}
	for _, r := range p {
		if (r < '0' || r > '9') && r != '-' && r != '+' && r != ' ' {
			return false
		}
	}
	return true
}

// ValidGrade reports whether g is one of Grades.
func ValidGrade(g string) bool {
	for _, x := range Grades {
		if g == x {
			return true
		}
	}
	return false
}

// orgTransitions lists, per verb, the statuses it may start from and where it leads.
var orgTransitions = map[string]struct {
	from []OrgStatus
	to   OrgStatus
}{
	"approve":   {[]OrgStatus{OrgPending}, OrgApproved},
	"reject":    {[]OrgStatus{OrgPending}, OrgRejected},
	"suspend":   {[]OrgStatus{OrgApproved}, OrgSuspended},
	"reinstate": {[]OrgStatus{OrgSuspended}, OrgApproved},
}

// OrgVerbs are the bureau's decisions on an organization.
var OrgVerbs = []string{"approve", "reject", "suspend", "reinstate"}

// Decide applies the bureau's verb (approve, reject, suspend, reinstate) to o.
// Reject and suspend need a reason, which is kept as the status reason.
func (o *Organization) Decide(verb, reason string) error {
	tr, ok := orgTransitions[verb]
	if !ok {
		return Errorf(CodeNotFound, "not_found", "未知操作 %s", verb)
	}
	reason = strings.TrimSpace(reason)
	if (verb == "reject" || verb == "suspend") && reason == "" {
		var f Fields
		f.Add("reason", "驳回或暂停须填写理由")
		return f.Validation()
	}
	for _, s := range tr.from {
		if o.Status == s {
			o.Status = tr.to
			o.StatusReason = reason
			return nil
		}
	}
	return InvalidState("organization", string(o.Status), verb)
}

// ErrOrgNotApproved refuses a question, a bid or an objection from an
// organization that is not approved (pending, rejected or suspended).
var ErrOrgNotApproved = &Error{Code: CodeForbidden, Key: "organization.not_approved",
	Message: "机构未通过审核或已被暂停，不能提问、投标或质疑"}

// ErrObjectionFiled refuses a second objection by one bidder against one award:
// all points go in one objection (《政府采购质疑和投诉办法》第十条).
var ErrObjectionFiled = &Error{Code: CodeConflict, Key: "objection.already_filed",
	Message: "本机构已对本次结果提出过质疑；所有质疑事项应在一份质疑中提出"}
