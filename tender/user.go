package tender

import (
	"strings"
	"time"
	"unicode/utf8"
)

// User is an account: bureau staff, an organization's user, an evaluator or an auditor.
type User struct {
	ID            string    `json:"id" db:"id"`
	Username      string    `json:"username" db:"username"`
	Role          Role      `json:"role" db:"role"`
	Name          string    `json:"name" db:"name"`
	OrgID         *string   `json:"org_id" db:"org_id"`
	Expertise     []string  `json:"expertise" db:"-"`
	EmployerOrgID *string   `json:"employer_org_id" db:"employer_org_id"`
	CommunityID   *string   `json:"community_id" db:"community_id"` // set for a community user only
	Active        bool      `json:"active" db:"active"`
	CreatedAt     time.Time `json:"created_at" db:"created_at"`
	UpdatedAt     time.Time `json:"updated_at" db:"updated_at"`
	// TokenVersion is carried by access tokens; bumping it ends them (never shown).
	TokenVersion int `json:"-" db:"token_version"`
}

// MinPasswordLen is the shortest password the portal accepts.
const MinPasswordLen = 10

// MaxPasswordBytes is the longest password bcrypt can hash: it refuses longer ones.
const MaxPasswordBytes = 72

// ValidateCredentials checks a new username and password.
func ValidateCredentials(f *Fields, username, password string) {
	if l := utf8.RuneCountInString(username); l < 3 || l > 64 || strings.ContainsAny(username, " \t\n/\\") {
		f.Add("username", "用户名应为3至64个字符，不含空格或斜杠")
	}
	if utf8.RuneCountInString(password) < MinPasswordLen {
		f.Addf("password", "密码至少%d位", MinPasswordLen)
	} else if len(password) > MaxPasswordBytes {
		f.Addf("password", "密码最多%d字节（约%d个汉字）", MaxPasswordBytes, MaxPasswordBytes/3)
	}
}

// Validate checks an account the bureau creates or edits: staff (admin,
// evaluator, auditor) or a community user bound to one community.
func (u *User) Validate() error {
	var f Fields
	switch u.Role {
	case RoleAdmin, RoleEvaluator, RoleAuditor, RoleCommunity:
	default:
		f.Add("role", "角色应为 admin、evaluator、auditor 或 community")
	}
	if u.Role == RoleCommunity && u.CommunityID == nil {
		f.Add("community_id", "社区工作人员须绑定所在社区")
	}
	if u.Role != RoleCommunity && u.CommunityID != nil {
		f.Add("community_id", "只有社区工作人员绑定社区")
	}
	if strings.TrimSpace(u.Name) == "" {
		f.Add("name", "请填写姓名")
	}
	if u.Role != RoleEvaluator && (len(u.Expertise) > 0 || u.EmployerOrgID != nil) {
		f.Add("expertise", "只有评审专家可填写专业领域和工作单位")
	}
	for i, e := range u.Expertise {
		if strings.TrimSpace(e) == "" {
			f.Addf("expertise", "第%d项专业领域为空", i+1)
		}
	}
	return f.Validation()
}
