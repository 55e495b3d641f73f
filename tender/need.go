package tender

import (
	"slices"
	"strings"
	"time"
	"unicode/utf8"
)

// NeedStatus is where a community's need (社区需求) stands.
type NeedStatus string

// Need statuses (SPEC §7.2).
const (
	NeedSubmitted NeedStatus = "submitted"
	NeedAccepted  NeedStatus = "accepted"
	NeedDeclined  NeedStatus = "declined"
	NeedListed    NeedStatus = "listed"    // named by a project-list item
	NeedFulfilled NeedStatus = "fulfilled" // that item's service was delivered
)

// NeedStatuses lists every need status.
func NeedStatuses() []NeedStatus {
	return []NeedStatus{NeedSubmitted, NeedAccepted, NeedDeclined, NeedListed, NeedFulfilled}
}

// PublicNeedStatuses are the statuses the public sees: never a need the
// bureau has not accepted.
func PublicNeedStatuses() []NeedStatus {
	return []NeedStatus{NeedAccepted, NeedListed, NeedFulfilled}
}

// Valid reports whether s is a known need status.
func (s NeedStatus) Valid() bool { return slices.Contains(NeedStatuses(), s) }

// Public reports whether the public may see a need in status s.
func (s NeedStatus) Public() bool { return slices.Contains(PublicNeedStatuses(), s) }

// Need is a community's need as a community worker or a resident reported it.
type Need struct {
	ID            string     `json:"id" db:"id"`
	CommunityID   string     `json:"community_id" db:"community_id"`
	Community     string     `json:"community" db:"community"`
	CatalogItemID *string    `json:"catalog_item_id" db:"catalog_item_id"`
	Title         string     `json:"title" db:"title"`
	Description   string     `json:"description" db:"description"`
	Beneficiaries int        `json:"beneficiaries" db:"beneficiaries"`
	Status        NeedStatus `json:"status" db:"status"`
	DeclineReason string     `json:"decline_reason,omitempty" db:"decline_reason"`
	ProjectItemID *string    `json:"project_item_id" db:"project_item_id"`
	// SubmittedBy is the community user who reported it (nil for a resident);
	// never shown to the public.
	SubmittedBy *string   `json:"submitted_by,omitempty" db:"submitted_by"`
	Source      string    `json:"source,omitempty" db:"source"` // community | resident; bureau only
	CreatedAt   time.Time `json:"created_at" db:"created_at"`
	UpdatedAt   time.Time `json:"updated_at" db:"updated_at"`
}

// Need sources.
const (
	NeedFromCommunity = "community"
	NeedFromResident  = "resident"
)

type needVerb string

const (
	needAccept  needVerb = "accept"
	needDecline needVerb = "decline"
	needList    needVerb = "list"
	needFulfil  needVerb = "fulfil"
	needUnlist  needVerb = "unlist"
)

var needVerbLabel = map[needVerb]string{needAccept: "受理", needDecline: "不予受理", needList: "列入项目清单", needFulfil: "完成", needUnlist: "移出项目清单"}

// needTransitions is the need lifecycle: per verb, from → to.
var needTransitions = map[needVerb]map[NeedStatus]NeedStatus{
	needAccept:  {NeedSubmitted: NeedAccepted},
	needDecline: {NeedSubmitted: NeedDeclined},
	needList:    {NeedAccepted: NeedListed},
	needFulfil:  {NeedListed: NeedFulfilled},
	needUnlist:  {NeedListed: NeedAccepted},
}

// CanTransitionNeed reports whether some verb leads from one need status to another.
func CanTransitionNeed(from, to NeedStatus) bool {
	for _, byFrom := range needTransitions {
		if next, ok := byFrom[from]; ok && next == to {
			return true
		}
	}
	return false
}

func (n *Need) move(v needVerb) error {
	next, ok := needTransitions[v][n.Status]
	if !ok {
		return InvalidState("need", string(n.Status), needVerbLabel[v])
	}
	n.Status = next
	return nil
}

// Accept moves a submitted need to accepted: the public sees it from now on.
func (n *Need) Accept() error { return n.move(needAccept) }

// Decline refuses a submitted need with a reason the submitter can read.
func (n *Need) Decline(reason string) error {
	reason = strings.TrimSpace(reason)
	if reason == "" || utf8.RuneCountInString(reason) > 500 || !displaySafe(reason) {
		var f Fields
		f.Add("reason", "请填写不予受理的理由（不超过500字）")
		return f.Validation()
	}
	if err := n.move(needDecline); err != nil {
		return err
	}
	n.DeclineReason = reason
	return nil
}

// List puts an accepted need on a project-list item.
func (n *Need) List(itemID string) error {
	if err := n.move(needList); err != nil {
		return err
	}
	n.ProjectItemID = &itemID
	return nil
}

// Unlist takes a need off a draft or dropped item: it is accepted again and
// may go on another item.
func (n *Need) Unlist() error {
	if err := n.move(needUnlist); err != nil {
		return err
	}
	n.ProjectItemID = nil
	return nil
}

// Fulfil marks a listed need fulfilled once its item's service is delivered.
func (n *Need) Fulfil() error { return n.move(needFulfil) }

// Normalize trims the need's text.
func (n *Need) Normalize() {
	n.Title = strings.TrimSpace(n.Title)
	n.Description = strings.TrimSpace(n.Description)
}

// Validate checks a need as it is reported.
func (n *Need) Validate() error {
	var f Fields
	if n.CommunityID == "" && n.Community == "" {
		f.Add("community_id", "请选择社区")
	}
	if n.Title == "" || utf8.RuneCountInString(n.Title) > 100 || !displaySafe(n.Title) {
		f.Add("title", "请填写需求标题（不超过100字，不含控制字符）")
	}
	if utf8.RuneCountInString(n.Description) > 2000 || !displaySafe(strings.NewReplacer("\n", "", "\r", "", "\t", "").Replace(n.Description)) {
		f.Add("description", "需求说明不超过2000字，不含控制字符")
	}
	if n.Beneficiaries < 0 || n.Beneficiaries > maxCommunityCount {
		f.Addf("beneficiaries", "受益人数应为0至%d之间的整数", maxCommunityCount)
	}
	return f.Validation()
}

// OwnCommunity reports whether a is the community user of community id.
func OwnCommunity(a Actor, id string) bool {
	return a.Is(RoleCommunity) && a.CommunityID != "" && a.CommunityID == id
}

// SeesAllNeeds reports whether a sees every need and who reported it: the bureau and its auditors.
func SeesAllNeeds(a Actor) bool { return a.Is(RoleAdmin, RoleAuditor) }

// CanReadNeed: the public reads accepted and later needs; a community user
// also its own community's; the bureau every need.
func CanReadNeed(a Actor, n Need) bool {
	return n.Status.Public() || SeesAllNeeds(a) || OwnCommunity(a, n.CommunityID)
}

// NeedView is n as a sees it: the submitter only for the bureau.
func NeedView(a Actor, n Need) Need {
	if !SeesAllNeeds(a) {
		n.SubmittedBy, n.Source = nil, ""
	}
	return n
}
