package tender

import (
	"errors"
	"maps"
	"slices"
	"strings"
	"testing"
)

// accessActors are every role and, for organizations and evaluators, every
// relation to the tender: the rows of the access table.
var accessActors = []struct {
	name  string
	actor Actor
	m     Membership
}{
	{"public", Actor{}, NotOnPanel},
	{"admin", Actor{UserID: "u-admin", Role: RoleAdmin}, NotOnPanel},
	{"auditor", Actor{UserID: "u-aud", Role: RoleAuditor}, NotOnPanel},
	{"org-own", Actor{UserID: "u-own", Role: RoleOrg, OrgID: "org-own"}, NotOnPanel},
	{"org-other", Actor{UserID: "u-other", Role: RoleOrg, OrgID: "org-other"}, NotOnPanel},
	{"eval-none", Actor{UserID: "u-ev", Role: RoleEvaluator}, NotOnPanel},
	{"eval-recused", Actor{UserID: "u-ev", Role: RoleEvaluator}, PanelRecused},
	{"eval-undeclared", Actor{UserID: "u-ev", Role: RoleEvaluator}, PanelUndeclared},
	{"eval-seated", Actor{UserID: "u-ev", Role: RoleEvaluator}, PanelSeated},
	// A panel standing without the evaluator role grants nothing.
	{"admin-seated", Actor{UserID: "u-admin", Role: RoleAdmin}, PanelSeated},
	{"org-seated", Actor{UserID: "u-other", Role: RoleOrg, OrgID: "org-other"}, PanelSeated},
}

// accessTenders are the columns: every status, sealed (s) and opened (o).
func accessTenders() []Tender {
	var out []Tender
	opened := testNow
	for _, st := range Statuses() {
		out = append(out, Tender{ID: "t1", Status: st}, Tender{ID: "t1", Status: st, OpenedAt: &opened})
	}
	return out
}

// cell is one character per outcome, so a changed cell shows in the diff.
func cell(err error) byte {
	if err == nil {
		return '.'
	}
	var e *Error
	if !errors.As(err, &e) {
		return '!'
	}
	switch e.Key {
	case "bid.sealed":
		return 'S'
	case "opening.not_yet":
		return 's'
	case "forbidden":
		return 'F'
	case "not_found":
		return 'N'
	case "evaluation.not_public":
		return 'E'
	case "panel.confidential":
		return 'C'
	case "award.not_yet":
		return 'A'
	}
	return '?'
}

// accessRow computes one actor's row of every access function. Tender columns
// run draft, open, evaluating, awarded, completed, cancelled, failed, separated
// by spaces, each sealed then opened (a slash between them where a cell holds
// more than one character); a bid cell is the five bid statuses draft,
// submitted, withdrawn, qualified, disqualified of the own organization's bid;
// an evaluation cell is incomplete then complete; scores too.
func accessRow(a Actor, m Membership) map[string]string {
	row := map[string]*strings.Builder{}
	put := func(fn string, c byte) {
		if row[fn] == nil {
			row[fn] = &strings.Builder{}
		}
		row[fn].WriteByte(c)
	}
	tenders := accessTenders()
	for i, t := range tenders {
		// Statuses are separated by a space, sealed from opened by a slash
		// where a column holds more than one character.
		for _, fn := range []string{"tender", "opened_bids", "bid", "evaluation", "panel", "awards", "opening"} {
			switch {
			case i > 0 && i%2 == 0:
				put(fn, ' ')
			case i%2 == 1 && (fn == "bid" || fn == "evaluation"):
				put(fn, '/')
			}
		}
		if CanSeeTender(a, t) {
			put("tender", '.')
		} else {
			put("tender", 'N')
		}
		put("opened_bids", cell(CanReadOpenedBids(a, t, m)))
		for _, st := range BidStatuses() {
			b := Bid{ID: "b1", TenderID: t.ID, OrgID: "org-own", Status: st}
			if cell(CanReadBid(a, t, b, m)) != cell(CanReadBidDocument(a, t, b, m)) {
				put("bid", '~')
				continue
			}
			put("bid", cell(CanReadBid(a, t, b, m)))
		}
		put("evaluation", cell(CanReadEvaluation(a, t, m, false)))
		put("evaluation", cell(CanReadEvaluation(a, t, m, true)))
		view, err := CanReadPanel(a, t, m)
		switch {
		case err != nil:
			put("panel", cell(err))
		case view == PanelFull:
			put("panel", '*')
		case view == PanelPublic:
			put("panel", 'p')
		default:
			put("panel", '?')
		}
		put("awards", cell(CanReadAwards(a, t)))
		put("opening", cell(CanReadOpening(t)))
	}
	for _, complete := range []bool{false, true} {
		own, err := CanReadScores(a, m, complete)
		switch {
		case err != nil:
			put("scores", cell(err))
		case own:
			put("scores", 'o')
		default:
			put("scores", '*')
		}
	}
	org, err := CanReadObjections(a)
	switch {
	case err != nil:
		put("objections", cell(err))
	case org == "":
		put("objections", '*')
	case org == a.OrgID:
		put("objections", 'o')
	default:
		put("objections", '?')
	}
	switch org, all := QuestionsScope(a); {
	case all && org == "":
		put("questions", '*')
	case !all && org == "":
		put("questions", 'a')
	case !all && org == a.OrgID:
		put("questions", 'o')
	default:
		put("questions", '?')
	}
	out := map[string]string{}
	for fn, b := range row {
		out[fn] = b.String()
	}
	return out
}

// wantAccess is the access policy written out: '.' may read, '*' reads all,
// 'o' reads only its own (questions: and the answered ones), 'a' the
// answered questions, 'p' the public part of the panel; otherwise the refusal:
// S sealed, s opening not yet, F forbidden, N not found (the caller may not
// know it exists), E evaluation not public, C panel confidential, A award not yet.
//
// Rows are built from a few standings, each one the outsider's row with its
// differences listed; a column is one cell for every tender status except the
// statuses named. Every cell is still spelled out here, independently of
// access.go, so changing any single rule fails TestAccessTable.
var wantAccess = func() map[string]map[string]string {
	afterAward := []Status{StatusAwarded, StatusCompleted}
	// outsider: the public; organizations and evaluators differ from it only where listed.
	outsider := map[string]string{
		"tender":      byStatus("..", except("NN", StatusDraft)),
		"opened_bids": byStatus("FF"),
		"bid":         byStatus("NNNNN/NNNNN"),
		"evaluation":  byStatus("SS/EE", except("SS/..", afterAward...)),
		"panel":       byStatus("CC", except("pp", afterAward...)),
		"awards":      byStatus("AA", except("..", afterAward...)),
		"opening":     byStatus("s."),
		"scores":      "FF",
		"objections":  "F",
		"questions":   "a",
	}
	// staff (admin, auditor) read everything once it is opened, whatever their panel standing.
	staff := with(outsider, map[string]string{
		"tender":      byStatus(".."),
		"opened_bids": byStatus("S."),
		"bid":         byStatus("NNNNN/N.N.."),
		"evaluation":  byStatus("SS/.."),
		"panel":       byStatus("**"),
		"awards":      byStatus(".."),
		"scores":      "**",
		"objections":  "*",
		"questions":   "*",
	})
	// organizations see their own objections and questions; a panel standing grants them nothing.
	org := with(outsider, map[string]string{"objections": "o", "questions": "o"})
	evaluator := with(outsider, map[string]string{"opened_bids": byStatus("SF")})
	return map[string]map[string]string{
		"public":          outsider,
		"admin":           staff,
		"auditor":         staff,
		"admin-seated":    staff,
		"org-own":         with(org, map[string]string{"bid": byStatus("...../.....")}),
		"org-other":       org,
		"org-seated":      org,
		"eval-none":       evaluator,
		"eval-recused":    evaluator,
		"eval-undeclared": with(evaluator, map[string]string{"panel": byStatus("**")}),
		"eval-seated": with(evaluator, map[string]string{
			"opened_bids": byStatus("S."),
			"bid":         byStatus("NNNNN/N.N.."),
			"evaluation":  byStatus("SS/E.", except("SS/..", afterAward...)),
			"panel":       byStatus("**"),
			"scores":      "o*",
		}),
	}
}()

// exception is a cell that differs from a column's default at some statuses.
type exception struct {
	cell     string
	statuses []Status
}

func except(cell string, statuses ...Status) exception { return exception{cell, statuses} }

// byStatus is a column of accessRow: def for every tender status in
// Statuses() order, space-separated, except where an exception names the status.
func byStatus(def string, exceptions ...exception) string {
	cells := make([]string, 0, len(Statuses()))
	for _, st := range Statuses() {
		c := def
		for _, e := range exceptions {
			if slices.Contains(e.statuses, st) {
				c = e.cell
			}
		}
		cells = append(cells, c)
	}
	return strings.Join(cells, " ")
}

// with returns base with the columns of over replaced.
func with(base, over map[string]string) map[string]string {
	out := maps.Clone(base)
	maps.Copy(out, over)
	return out
}

// TestAccessTable walks every actor × tender status × sealing × bid status ×
// completeness through every access function: a change to any single cell
// of the policy fails here.
func TestAccessTable(t *testing.T) {
	if len(Statuses()) != 7 || len(BidStatuses()) != 5 {
		t.Fatalf("a status was added: extend wantAccess with its columns")
	}
	for _, a := range accessActors {
		got := accessRow(a.actor, a.m)
		want, ok := wantAccess[a.name]
		if !ok {
			t.Errorf("%s: no expected row; got:", a.name)
		}
		for fn, g := range got {
			if want[fn] != g {
				t.Errorf("%s %s:\n got  %q\n want %q", a.name, fn, g, want[fn])
			}
		}
		if len(want) != len(got) && ok {
			t.Errorf("%s: %d functions expected, %d computed", a.name, len(want), len(got))
		}
	}
}

func TestMembership(t *testing.T) {
	panel := []PanelMember{
		{EvaluatorID: "e1", Active: true, Declared: true},
		{EvaluatorID: "e2", Active: true},
		{EvaluatorID: "e3", Active: false, Declared: true, Conflict: true},
		{EvaluatorID: "e4", Active: true, Declared: true, Conflict: true}, // not reachable: a conflict recuses
	}
	for _, tc := range []struct {
		user string
		want Membership
	}{{"e1", PanelSeated}, {"e2", PanelUndeclared}, {"e3", PanelRecused}, {"e4", PanelUndeclared}, {"e9", NotOnPanel}, {"", NotOnPanel}} {
		if got := MembershipIn(panel, tc.user); got != tc.want {
			t.Errorf("MembershipIn(%q) = %v, want %v", tc.user, got, tc.want)
		}
	}
}
