package tender

import "slices"

// Access policy: who may read what of a tender, in one place. Handlers load
// the objects, ask these functions, and answer with the error they return;
// SQL filters that must agree with a rule name it in a comment.
// TestAccessTable walks every role × tender status × sealing × ownership and
// panel standing against a written-out table.

// Membership is where a user stands on a tender's evaluation panel (评审委员会).
type Membership int

// Panel standings, from outside to fully seated.
const (
	NotOnPanel      Membership = iota // never drawn, or not an evaluator
	PanelRecused                      // drawn, then recused (回避): reads no more than the public
	PanelUndeclared                   // drawn and active, the conflict declaration not yet made
	PanelSeated                       // active and declared no conflict: takes part in the evaluation
)

// MembershipIn is userID's standing on a panel.
func MembershipIn(panel []PanelMember, userID string) Membership {
	for _, m := range panel {
		if m.EvaluatorID == userID && userID != "" {
			return MembershipOf(m)
		}
	}
	return NotOnPanel
}

// MembershipOf is the standing a panel row gives its evaluator.
func MembershipOf(m PanelMember) Membership {
	switch {
	case !m.Active:
		return PanelRecused
	case m.Declared && !m.Conflict:
		return PanelSeated
	}
	return PanelUndeclared
}

// ErrSealed is returned to those who will read bids once they are opened.
var ErrSealed = &Error{Code: CodeSealed, Key: "bid.sealed", Message: "投标文件在开标前密封，开标后方可查看"}

// SeesDrafts reports whether the actor may know draft tenders exist: the bureau and its auditors.
func SeesDrafts(a Actor) bool { return a.Is(RoleAdmin, RoleAuditor) }

// CanSeeTender: a published tender is public; a draft is seen by those who see drafts.
// SQL mirror: storage.TenderFilter.IncludeDrafts.
func CanSeeTender(a Actor, t Tender) bool { return t.Public() || SeesDrafts(a) }

// ResultsPublic reports whether the award notice, the evaluation and the panel
// are public: from the award on.
func ResultsPublic(t Tender) bool { return slices.Contains(ResultStatuses(), t.Status) }

// seated reports whether the actor reads a tender's opened bids by office:
// admin and auditor, or an evaluator seated on its panel.
func seated(a Actor, m Membership) bool {
	return a.Is(RoleAdmin, RoleAuditor) || (a.Is(RoleEvaluator) && m == PanelSeated)
}

// CanReadOpenedBids: admin, auditor and the seated panel read every opened bid
// of a tender once it is opened; evaluators are told the bids are sealed before.
// SQL mirror: storage.TenderBids lists only OpenedBidStatuses.
func CanReadOpenedBids(a Actor, t Tender, m Membership) error {
	switch {
	case !seated(a, m) && !a.Is(RoleEvaluator):
		return ErrForbidden
	case t.BidsSealed():
		return ErrSealed
	case !seated(a, m):
		return ErrForbidden
	}
	return nil
}

// CanReadBid: an organization always reads its own bid; those who read opened
// bids read one that took part in the opening. Anyone else is told it does not exist.
func CanReadBid(a Actor, t Tender, b Bid, m Membership) error {
	if a.Is(RoleOrg) && a.OrgID == b.OrgID {
		return nil
	}
	if t.BidsSealed() || !b.Status.Opened() || CanReadOpenedBids(a, t, m) != nil {
		return ErrNotFound
	}
	return nil
}

// CanReadBidDocument: a bid's documents are read by whoever reads the bid.
func CanReadBidDocument(a Actor, t Tender, b Bid, m Membership) error { return CanReadBid(a, t, b, m) }

// CanReadScores: admin and auditor read every sheet; a seated member reads only
// their own sheet until the evaluation is complete, then all. ownOnly says which.
func CanReadScores(a Actor, m Membership, complete bool) (ownOnly bool, err error) {
	switch {
	case a.Is(RoleAdmin, RoleAuditor):
		return false, nil
	case !seated(a, m):
		return false, ErrForbidden
	}
	return !complete, nil
}

// CanReadEvaluation: nothing while the bids are sealed; then admin and auditor;
// the seated panel once the evaluation is complete; everyone once results are public.
func CanReadEvaluation(a Actor, t Tender, m Membership, complete bool) error {
	switch {
	case t.BidsSealed():
		return ErrSealed
	case a.Is(RoleAdmin, RoleAuditor) || ResultsPublic(t):
		return nil
	case seated(a, m) && complete:
		return nil
	}
	return &Error{Code: CodeForbidden, Key: "evaluation.not_public", Message: "评审结果在评审完成后向评审委员会、成交公告时向社会公开"}
}

// PanelView is how much of a panel a reader sees.
type PanelView int

// Panel views.
const (
	PanelHidden PanelView = iota // nothing: the names are confidential until the award
	PanelPublic                  // who served (第四十七条, 第六十九条): names of active members only
	PanelFull                    // every member with declarations and notes
)

// CanReadPanel: admin, auditor and the active members see the whole panel;
// the public sees who served once results are public.
func CanReadPanel(a Actor, t Tender, m Membership) (PanelView, error) {
	switch {
	case a.Is(RoleAdmin, RoleAuditor) || (a.Is(RoleEvaluator) && (m == PanelUndeclared || m == PanelSeated)):
		return PanelFull, nil
	case ResultsPublic(t):
		return PanelPublic, nil
	}
	return PanelHidden, &Error{Code: CodeForbidden, Key: "panel.confidential", Message: "评审委员会名单在成交公告时公布"}
}

// CanReadAwards: admin and auditor always; everyone once results are public.
func CanReadAwards(a Actor, t Tender) error {
	if ResultsPublic(t) || a.Is(RoleAdmin, RoleAuditor) {
		return nil
	}
	return &Error{Code: CodeForbidden, Key: "award.not_yet", Message: "尚未发布成交公告"}
}

// CanReadOpening: the opening record (开标记录) is public once the tender is opened.
func CanReadOpening(t Tender) error {
	if t.BidsSealed() {
		return &Error{Code: CodeSealed, Key: "opening.not_yet", Message: "尚未开标"}
	}
	return nil
}

// CanReadObjections: admin and auditor read every objection (质疑) of a tender;
// an organization only its own, named by orgID.
// SQL mirror: storage.Objections filters by orgID when it is not empty.
func CanReadObjections(a Actor) (orgID string, err error) {
	switch {
	case a.Is(RoleAdmin, RoleAuditor):
		return "", nil
	case a.Is(RoleOrg):
		return a.OrgID, nil
	}
	return "", ErrForbidden
}

// QuestionsScope: admin and auditor read every question (澄清) with who asked
// it (all); an organization reads the answered ones and its own (orgID); the
// rest read the answered ones.
// SQL mirror: storage.Questions.
func QuestionsScope(a Actor) (orgID string, all bool) {
	if a.Is(RoleOrg) {
		orgID = a.OrgID
	}
	return orgID, SeesDrafts(a)
}
