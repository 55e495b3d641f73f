package tender

// Role is what a user may do in the portal.
type Role string

// Roles of the SPEC. The anonymous public has no role.
const (
	RoleAdmin     Role = "admin"
	RoleOrg       Role = "org"
	RoleEvaluator Role = "evaluator"
	RoleAuditor   Role = "auditor"
	RoleCommunity Role = "community" // 社区工作人员, bound to one community
)

// Valid reports whether r is one of the known roles.
func (r Role) Valid() bool {
	switch r {
	case RoleAdmin, RoleOrg, RoleEvaluator, RoleAuditor, RoleCommunity:
		return true
	}
	return false
}

// Staff reports a bureau account (admin, evaluator, auditor): the roles whose
// password the bureau may set. Organization users, and any role added later,
// set their own.
func (r Role) Staff() bool {
	switch r {
	case RoleAdmin, RoleEvaluator, RoleAuditor:
		return true
	}
	return false
}

// Actor is who performs an action; the zero Actor is the anonymous public.
type Actor struct {
	UserID string
	Role   Role
	OrgID  string // set for RoleOrg
	// CommunityID is set for RoleCommunity.
	CommunityID string
	Name        string
}

// Anonymous reports whether the actor is the public.
func (a Actor) Anonymous() bool { return a.UserID == "" }

// Is reports whether the actor has one of roles.
func (a Actor) Is(roles ...Role) bool {
	for _, r := range roles {
		if a.Role == r && !a.Anonymous() {
			return true
		}
	}
	return false
}
