package tender

import (
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"
)

// PanelMember is an evaluator on a tender's panel (评审委员会).
type PanelMember struct {
	EvaluatorID string     `json:"evaluator_id" db:"evaluator_id"`
	Name        string     `json:"name" db:"name"`
	Active      bool       `json:"active" db:"active"` // false once recused
	Declared    bool       `json:"declared" db:"declared"`
	Conflict    bool       `json:"conflict" db:"conflict"`
	Note        string     `json:"note,omitempty" db:"note"`
	SubmittedAt *time.Time `json:"submitted_at" db:"submitted_at"`
	Submitted   bool       `json:"submitted" db:"submitted"`
}

// Candidate is an active evaluator who might be drawn.
type Candidate struct {
	ID            string
	Expertise     []string
	EmployerOrgID string
}

// DrawResult is what a draw did, for the audit log: the published draw
// (Preferred: eligible candidates whose expertise matches; Others: the
// remaining eligible candidates) and who was excluded.
type DrawResult struct {
	Category string   `json:"category"`
	Excluded []string `json:"excluded"` // employed by a bidder, or already on the panel
	Draw
}

// DrawPanel draws need evaluators as the verifiable panel draw number n of
// the tender (§8.4, seed from r and openingSHA), first from those whose
// expertise contains category, then from the others, never one employed by a
// bidder (回避) nor one already on (or recused from) the panel. Fewer
// eligible candidates than needed is a 422.
func DrawPanel(cands []Candidate, need int, category string, bidderOrgs, onPanel map[string]bool, r, openingSHA string, n int) (DrawResult, error) {
	res := DrawResult{Category: category, Excluded: []string{},
		Draw: Draw{Purpose: DrawPurposePanel, N: n, Preferred: []string{}, Others: []string{}, Chosen: []string{}}}
	for _, c := range cands {
		switch {
		case onPanel[c.ID] || (c.EmployerOrgID != "" && bidderOrgs[c.EmployerOrgID]):
			res.Excluded = append(res.Excluded, c.ID)
		case category != "" && slices.ContainsFunc(c.Expertise, func(e string) bool { return strings.TrimSpace(e) == category }):
			res.Preferred = append(res.Preferred, c.ID)
		default:
			res.Others = append(res.Others, c.ID)
		}
	}
	if need <= 0 {
		return res, Errorf(CodeInvalidState, "panel.full", "评审委员会人数已满，无需再抽取")
	}
	if len(res.Preferred)+len(res.Others) < need {
		var f Fields
		f.Addf("size", "可抽取的评审专家不足：需要%d人，符合回避规定的仅%d人，请先在专家库中增加专家",
			need, len(res.Preferred)+len(res.Others))
		return res, f.Validation()
	}
	res.Draw = MakeDraw(r, openingSHA, DrawPurposePanel, n, res.Preferred, res.Others, need)
	return res, nil
}

// CheckNamedPanel checks evaluators the bureau names itself instead of
// drawing them (a public red flag, §8.4): each must be a candidate of the
// draw, not employed by a bidder, not already on the panel, the panel must
// not grow beyond need, and the bureau must give its reason.
func CheckNamedPanel(ids []string, cands []Candidate, need int, bidderOrgs, onPanel map[string]bool, reason string) error {
	var f Fields
	if strings.TrimSpace(reason) == "" {
		f.Add("reason", "不随机抽取而指定评审专家，须说明理由")
	} else if utf8.RuneCountInString(reason) > 1000 {
		f.Add("reason", "理由不超过1000字")
	}
	byID := map[string]Candidate{}
	for _, c := range cands {
		byID[c.ID] = c
	}
	if len(ids) == 0 {
		f.Add("evaluator_ids", "请选择评审专家")
	}
	if len(ids) > need {
		f.Addf("evaluator_ids", "评审委员会还需%d人，选择了%d人", need, len(ids))
	}
	seen := map[string]bool{}
	for i, id := range ids {
		path := fmt.Sprintf("evaluator_ids[%d]", i)
		c, ok := byID[id]
		switch {
		case seen[id]:
			f.Add(path, "重复选择")
		case !ok:
			f.Add(path, "不是在库的评审专家")
		case onPanel[id]:
			f.Add(path, "已在（或已回避）本项目评审委员会")
		case c.EmployerOrgID != "" && bidderOrgs[c.EmployerOrgID]:
			f.Add(path, "该专家任职于投标组织，应当回避")
		}
		seen[id] = true
	}
	return f.Validation()
}

// ErrNotOnPanel is returned to an evaluator acting on a panel they were not drawn for.
var ErrNotOnPanel = &Error{Code: CodeForbidden, Key: "panel.not_member", Message: "您不是本项目评审委员会成员"}

// CanFormPanel: the bureau draws or names the panel (组建评审委员会) while the tender is evaluating.
func CanFormPanel(t Tender) error {
	if t.Status != StatusEvaluating {
		return InvalidState("tender", string(t.Status), "组建评审委员会")
	}
	return nil
}

// PanelSeats counts a panel's active members and the seats still free: the
// tender's panel size less the active members (a recused member frees a seat).
func PanelSeats(t Tender, members []PanelMember) (active, free int) {
	for _, m := range members {
		if m.Active {
			active++
		}
	}
	return active, t.Evaluation.PanelSize - active
}

// DrawSize is how many evaluators a draw of size takes: size, or every free
// seat when size is 0; never more than the free seats.
func DrawSize(t Tender, members []PanelMember, size int) (int, error) {
	active, free := PanelSeats(t, members)
	if size == 0 {
		size = free
	}
	if size > free {
		var f Fields
		f.Addf("size", "评审委员会为%d人，现有%d人，最多还可抽取%d人", t.Evaluation.PanelSize, active, free)
		return 0, f.Validation()
	}
	return size, nil
}

// CanDeclare: a member declares a conflict of interest (回避声明) once, while
// the tender is evaluating; m is nil when the evaluator is not on the panel.
func CanDeclare(t Tender, m *PanelMember) error {
	switch {
	case t.Status != StatusEvaluating:
		return InvalidState("tender", string(t.Status), "回避声明")
	case m == nil:
		return ErrNotOnPanel
	case !m.Active || m.Declared:
		return &Error{Code: CodeConflict, Key: "panel.declared", Message: "已作出回避声明"}
	}
	return nil
}

// CanScore: a member changes their sheet while the tender is evaluating, once
// they declared no conflict, until they submit it; m is nil when the evaluator
// is not on the panel.
func CanScore(t Tender, m *PanelMember) error {
	switch {
	case m == nil:
		return ErrNotOnPanel
	case t.Status != StatusEvaluating:
		return InvalidState("tender", string(t.Status), "评分")
	case !m.Active:
		return &Error{Code: CodeForbidden, Key: "panel.recused", Message: "您已回避本项目，不能评分"}
	case !m.Declared:
		return &Error{Code: CodeInvalidState, Key: "panel.undeclared", Message: "请先作出回避声明"}
	case m.SubmittedAt != nil:
		return &Error{Code: CodeInvalidState, Key: "sheet.submitted", Message: "评分表已提交，不能再修改"}
	}
	return nil
}
