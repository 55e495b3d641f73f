package tender

import (
	"errors"
	"fmt"
	"slices"
	"testing"
	"time"
)

// keyOf is an error's i18n key, "" for nil: what the tables below compare.
func keyOf(err error) string {
	if err == nil {
		return ""
	}
	var e *Error
	if errors.As(err, &e) {
		return e.Key
	}
	return err.Error()
}

func TestPanelFormationRules(t *testing.T) {
	for _, st := range Statuses() {
		want := "tender.invalid_state"
		if st == StatusEvaluating {
			want = ""
		}
		if got := keyOf(CanFormPanel(Tender{Status: st})); got != want {
			t.Errorf("CanFormPanel(%s) = %q, want %q", st, got, want)
		}
	}
	five := Tender{Status: StatusEvaluating, Evaluation: EvaluationConfig{PanelSize: 5}}
	members := func(active, recused int) []PanelMember {
		var out []PanelMember
		for i := range active + recused {
			out = append(out, PanelMember{EvaluatorID: fmt.Sprint("e", i), Active: i < active})
		}
		return out
	}
	for _, tc := range []struct {
		active, recused, size int
		wantActive, wantFree  int
		wantSize              int
		wantErr               string
	}{
		{0, 0, 0, 0, 5, 5, ""}, // 0 fills the panel
		{0, 0, 3, 0, 5, 3, ""}, // part of it
		{0, 0, 6, 0, 5, 0, "validation_failed"},
		{3, 0, 0, 3, 2, 2, ""},
		{3, 0, 2, 3, 2, 2, ""},
		{3, 0, 3, 3, 2, 0, "validation_failed"},
		{3, 2, 0, 3, 2, 2, ""}, // recused members free their seats
		{5, 0, 0, 5, 0, 0, ""}, // full: drawing 0 is DrawPanel's panel.full
		{5, 0, 1, 5, 0, 0, "validation_failed"},
		{4, 1, 1, 4, 1, 1, ""},
	} {
		m := members(tc.active, tc.recused)
		active, free := PanelSeats(five, m)
		if active != tc.wantActive || free != tc.wantFree {
			t.Errorf("PanelSeats(%d active, %d recused) = %d, %d; want %d, %d", tc.active, tc.recused, active, free, tc.wantActive, tc.wantFree)
		}
		size, err := DrawSize(five, m, tc.size)
		if keyOf(err) != tc.wantErr || size != tc.wantSize {
			t.Errorf("DrawSize(%d active, %d recused, %d) = %d, %q; want %d, %q", tc.active, tc.recused, tc.size, size, keyOf(err), tc.wantSize, tc.wantErr)
		}
	}
}

// TestMemberRules walks every tender status × member standing through
// CanDeclare and CanScore.
func TestMemberRules(t *testing.T) {
	now := testNow
	standings := []struct {
		name string
		m    *PanelMember
	}{
		{"absent", nil},
		{"undeclared", &PanelMember{Active: true}},
		{"seated", &PanelMember{Active: true, Declared: true}},
		{"recused", &PanelMember{Active: false, Declared: true, Conflict: true}},
		{"submitted", &PanelMember{Active: true, Declared: true, SubmittedAt: &now}},
	}
	// want[standing] is CanDeclare's then CanScore's key while evaluating;
	// every other status refuses both.
	want := map[string][2]string{
		"absent":     {"panel.not_member", "panel.not_member"},
		"undeclared": {"", "panel.undeclared"},
		"seated":     {"panel.declared", ""},
		"recused":    {"panel.declared", "panel.recused"},
		"submitted":  {"panel.declared", "sheet.submitted"},
	}
	for _, st := range Statuses() {
		for _, s := range standings {
			tn := Tender{Status: st}
			w := want[s.name]
			if st != StatusEvaluating {
				w = [2]string{"tender.invalid_state", "tender.invalid_state"}
				if s.m == nil {
					w[1] = "panel.not_member" // who is not on the panel learns only that
				}
			}
			if got := keyOf(CanDeclare(tn, s.m)); got != w[0] {
				t.Errorf("CanDeclare(%s, %s) = %q, want %q", st, s.name, got, w[0])
			}
			if got := keyOf(CanScore(tn, s.m)); got != w[1] {
				t.Errorf("CanScore(%s, %s) = %q, want %q", st, s.name, got, w[1])
			}
		}
	}
}

func TestUpholdObjection(t *testing.T) {
	for _, st := range Statuses() {
		tn := Tender{ID: "t1", Status: st}
		_, err := UpholdObjection(&tn, Objection{ID: "o1", TenderID: "t1"}, nil, nil)
		if st == StatusAwarded {
			if err != nil || tn.Status != StatusEvaluating {
				t.Errorf("awarded: %v, status %s", err, tn.Status)
			}
		} else if keyOf(err) != "tender.invalid_state" || tn.Status != st {
			t.Errorf("%s: %v, status %s", st, err, tn.Status)
		}
	}

	tn := Tender{ID: "t1", Status: StatusAwarded}
	awards := []Award{
		{ID: "a1", TenderID: "t1", Status: AwardActive},
		{ID: "a2", TenderID: "t1", Status: AwardActive},
		{ID: "a0", TenderID: "t1", Status: AwardRevoked}, // from an earlier round
		{ID: "x1", TenderID: "t2", Status: AwardActive},  // another tender's: untouched
	}
	resolved := time.Now()
	objections := []Objection{
		{ID: "o1", TenderID: "t1", Status: ObjectionUpheld, ResolvedAt: &resolved}, // the one upheld
		{ID: "o2", TenderID: "t1", Status: ObjectionPending},
		{ID: "o3", TenderID: "t1", Status: ObjectionRejected, Response: "不成立"},
		{ID: "o4", TenderID: "t1", Status: ObjectionPending},
		{ID: "x2", TenderID: "t2", Status: ObjectionPending},
	}
	up, err := UpholdObjection(&tn, objections[0], awards, objections)
	if err != nil {
		t.Fatal(err)
	}
	if up.Tender != StatusEvaluating || tn.Status != StatusEvaluating {
		t.Errorf("tender goes to %s (%s), want evaluating", up.Tender, tn.Status)
	}
	if !slices.Equal(up.RevokedAwards, []string{"a1", "a2"}) {
		t.Errorf("revoked %v, want [a1 a2]", up.RevokedAwards)
	}
	for i, want := range []AwardStatus{AwardRevoked, AwardRevoked, AwardRevoked, AwardActive} {
		if awards[i].Status != want {
			t.Errorf("award %s is %s, want %s", awards[i].ID, awards[i].Status, want)
		}
	}
	if !up.UnlockSheets || !up.DropRecommendation {
		t.Errorf("sheets unlock %v, recommendation dropped %v: both must", up.UnlockSheets, up.DropRecommendation)
	}
	if !slices.Equal(up.Superseded, []string{"o2", "o4"}) {
		t.Errorf("superseded %v, want [o2 o4]", up.Superseded)
	}
	for i, want := range []ObjectionStatus{ObjectionUpheld, ObjectionSuperseded, ObjectionRejected, ObjectionSuperseded, ObjectionPending} {
		if objections[i].Status != want {
			t.Errorf("objection %s is %s, want %s", objections[i].ID, objections[i].Status, want)
		}
	}
	if objections[1].Response != SupersededResponse || objections[2].Response != "不成立" {
		t.Errorf("responses %q, %q", objections[1].Response, objections[2].Response)
	}
}
