package handlers_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/linshu/portal/storage/storagetest"
	"github.com/linshu/portal/tender"
)

// h is SHA-256 in lowercase hex, written here again so the test recomputes
// the draws without the portal's own code.
func h(s string) string {
	sum := sha256.Sum256([]byte(s))
	return hex.EncodeToString(sum[:])
}

type publishedDraw struct {
	Purpose   string   `json:"purpose"`
	N         int      `json:"n"`
	Preferred []string `json:"preferred"`
	Others    []string `json:"others"`
	Chosen    []string `json:"chosen"`
}

type publishedDraws struct {
	R              string          `json:"r"`
	DrawCommitment string          `json:"draw_commitment"`
	OpeningSHA256  string          `json:"opening_sha256"`
	Draws          []publishedDraw `json:"draws"`
}

// recompute orders the candidates as SPEC §8.4 says and takes as many as were chosen.
func recompute(r, opening string, d publishedDraw) []string {
	seed := h(fmt.Sprintf("%s|%s|%s|%d", r, opening, d.Purpose, d.N))
	order := func(ids []string) []string {
		out := slices.Clone(ids)
		sort.Slice(out, func(i, j int) bool { return h(seed+"|"+out[i]) < h(seed+"|"+out[j]) })
		return out
	}
	all := append(order(d.Preferred), order(d.Others)...)
	return all[:min(len(d.Chosen), len(all))]
}

// TestDrawsRecomputeFromPublishedData runs a tender with a recusal (two panel
// draws) and a tie at rank 1, and recomputes every draw from what the public
// reads: the commitment shown since publication, the opening record, the
// draws published after the award, the panel and the award notice.
func TestDrawsRecomputeFromPublishedData(t *testing.T) {
	e := newEnv(t)
	var orgs, orgIDs []string
	for i := 0; i < 3; i++ {
		community := "郑山街道金山社区"
		if i == 2 { // the dearest bidder is in the tender's community: the evaluation applies the preference
			community = "临沭街道兴大社区"
		}
		id, tok := e.org(fmt.Sprintf("tie%d", i), true, func(b map[string]any) { b["community"] = community })
		orgs, orgIDs = append(orgs, tok), append(orgIDs, id)
	}
	tokens := map[string]string{}
	for i := 0; i < 5; i++ {
		id, tok := e.staff(tender.RoleEvaluator, fmt.Sprintf("drawx%d", i), nil)
		tokens[id] = tok
	}
	id := e.shortTender(time.Hour)
	commitment := e.do("GET", "/api/v1/tenders/"+id, "", nil).json(t)["draw_commitment"].(string)
	if len(commitment) != 64 {
		t.Fatalf("no draw commitment at publication: %q", commitment)
	}
	var bids []string
	var receipt tender.SignedReceipt
	for i, tok := range orgs {
		b := e.bid(id, tok, []int64{20000000, 20000000, 29000000}[i])
		r := e.submit(b, tok)
		if i == 2 {
			receipt = r.Receipt // the loser's
		}
		bids = append(bids, b)
	}
	e.openNow(id)
	for _, b := range bids {
		e.do("POST", "/api/v1/bids/"+b+"/qualify", e.admin, map[string]any{"qualified": true}).ok(t, 200)
	}
	e.do("POST", "/api/v1/tenders/"+id+"/panel", e.admin, map[string]any{"size": 3}).ok(t, 201)
	var panel struct {
		Members []tender.PanelMember `json:"members"`
	}
	e.do("GET", "/api/v1/tenders/"+id+"/panel", e.admin, nil).decode(t, &panel)
	recused := panel.Members[0].EvaluatorID
	e.do("POST", "/api/v1/tenders/"+id+"/declaration", tokens[recused], map[string]any{"conflict": true, "note": "亲属"}).ok(t, 200)
	e.do("POST", "/api/v1/tenders/"+id+"/panel", e.admin, map[string]any{"size": 1}).ok(t, 201)
	e.do("GET", "/api/v1/tenders/"+id+"/panel", e.admin, nil).decode(t, &panel)
	for _, m := range panel.Members {
		if !m.Active {
			continue
		}
		tok := tokens[m.EvaluatorID]
		e.do("POST", "/api/v1/tenders/"+id+"/declaration", tok, map[string]any{"conflict": false}).ok(t, 200)
		for _, b := range bids {
			e.score(id, tok, b, map[string]string{"c1": "30", "c2": "20"}).ok(t, 200)
		}
		e.do("POST", "/api/v1/tenders/"+id+"/scores/submit", tok, nil).ok(t, 200)
	}
	// Before the award the draws are not public.
	e.do("GET", "/api/v1/tenders/"+id+"/draws", "", nil).problem(t, 409, "invalid_state")
	var rec struct {
		BidIDs []string `json:"bid_ids"`
	}
	e.do("GET", "/api/v1/tenders/"+id+"/recommendation", e.admin, nil).decode(t, &rec)
	e.do("POST", "/api/v1/tenders/"+id+"/award", e.admin, map[string]any{"bid_ids": rec.BidIDs,
		"publicity_ends_at": time.Now().Add(time.Hour)}).ok(t, 201)

	// Everything below reads only public routes, anonymously.
	var d publishedDraws
	e.do("GET", "/api/v1/tenders/"+id+"/draws", "", nil).decode(t, &d)
	if h(d.R) != commitment || d.DrawCommitment != commitment {
		t.Fatalf("r does not match the commitment made at publication")
	}
	var opening struct {
		OpeningSHA256 string `json:"opening_sha256"`
		Bids          []struct {
			BidID         string `json:"bid_id"`
			ContentSHA256 string `json:"content_sha256"`
		} `json:"bids"`
	}
	e.do("GET", "/api/v1/tenders/"+id+"/opening", "", nil).decode(t, &opening)
	var lines []string
	for _, b := range opening.Bids {
		lines = append(lines, b.BidID+"|"+b.ContentSHA256)
	}
	sort.Strings(lines) // bid ids are uuids of one length: sorting lines sorts by bid id
	if h(strings.Join(lines, "\n")) != opening.OpeningSHA256 || d.OpeningSHA256 != opening.OpeningSHA256 {
		t.Fatalf("opening_sha256 does not recompute from the opening record")
	}
	var purposes []string
	for _, dr := range d.Draws {
		purposes = append(purposes, fmt.Sprintf("%s%d", dr.Purpose, dr.N))
		if got := recompute(d.R, d.OpeningSHA256, dr); !slices.Equal(got, dr.Chosen) {
			t.Errorf("draw %s %d: recomputed %v, published %v", dr.Purpose, dr.N, got, dr.Chosen)
		}
	}
	if strings.Join(purposes, ",") != "panel1,panel2,tie1" {
		t.Fatalf("draws %v, want two panel draws and a tie draw", purposes)
	}
	// The published draws are what happened: the panel and the award.
	var public struct {
		Members []struct {
			EvaluatorID string `json:"evaluator_id"`
		} `json:"members"`
	}
	e.do("GET", "/api/v1/tenders/"+id+"/panel", "", nil).decode(t, &public)
	var served []string
	for _, m := range public.Members {
		served = append(served, m.EvaluatorID)
	}
	drawn := append(slices.Clone(d.Draws[0].Chosen), d.Draws[1].Chosen...)
	drawn = slices.DeleteFunc(drawn, func(x string) bool { return x == recused })
	slices.Sort(served)
	slices.Sort(drawn)
	if !slices.Equal(served, drawn) {
		t.Fatalf("panel %v, draws chose %v", served, drawn)
	}
	if slices.Contains(d.Draws[1].Others, recused) {
		t.Fatal("the recused evaluator was a candidate again")
	}
	tie := d.Draws[2]
	want := []string{bids[0], bids[1]}
	slices.Sort(want)
	if !slices.Equal(tie.Others, want) || len(tie.Preferred) != 0 {
		t.Fatalf("tie candidates %v, want %v", tie.Others, want)
	}
	aw := e.do("GET", "/api/v1/tenders/"+id+"/awards", "", nil).json(t)["items"].([]any)
	if aw[0].(map[string]any)["bid_id"] != tie.Chosen[0] {
		t.Fatal("the award is not the bid the tie draw chose")
	}

	// docs/VERIFY.md, run as a bidder would run it, passes; and fails once a
	// draw is rewritten in the database.
	if _, err := e.store.Checkpoint(context.Background()); err != nil {
		t.Fatal(err)
	}
	// The dearest bid is in the tender's community: its evaluated price has the 5 % preference.
	var ev struct {
		Items []struct {
			BidID             string `json:"bid_id"`
			EvaluatedPriceFen int64  `json:"evaluated_price_fen"`
		} `json:"items"`
	}
	e.do("GET", "/api/v1/tenders/"+id+"/evaluation", "", nil).decode(t, &ev)
	for _, it := range ev.Items {
		if it.BidID == bids[2] && it.EvaluatedPriceFen != 27550000 {
			t.Fatalf("the community preference was not applied: %+v", it)
		}
	}
	kept := t.TempDir()
	out, err := e.runVerifyDocIn(t, kept, id, receipt, nil)
	if err != nil {
		t.Fatalf("docs/VERIFY.md fails on an honest tender: %v\n%s", err, out)
	}
	for _, want := range []string{"Signature Verified Successfully", "opening_sha256 matches", "r matches the commitment",
		"draw panel 1 matches", "draw panel 2 matches", "draw tie 1 matches", "evaluation recomputes from the public table",
		"checkpoints signed by the receipt key", "the kept checkpoints agree with the portal"} {
		if !strings.Contains(out, want) {
			t.Errorf("VERIFY.md output lacks %q:\n%s", want, out)
		}
	}
	loser := tie.Others[0]
	if loser == tie.Chosen[0] {
		loser = tie.Others[1]
	}
	e.store.DB().MustExec(`UPDATE draws SET chosen = ARRAY[$2] WHERE tender_id = $1 AND purpose = 'tie'`, id, loser)
	if out, err := e.runVerifyDoc(t, id, receipt); err == nil || !strings.Contains(out, "draw tie 1 DOES NOT MATCH") {
		t.Fatalf("VERIFY.md does not catch a rewritten tie draw: %v\n%s", err, out)
	}

	// The database owner rewrites the tender's first audit entry, every hash
	// and checkpoint recomputed: the checkpoints kept by the first run contradict it.
	storagetest.RewriteAuditHistory(t, e.store.DB(), "tender:"+id, 1, `{"title":"改写的历史"}`)
	out, err = e.runVerifyDocIn(t, kept, id, receipt, func(block string) bool {
		return strings.Contains(block, "h() {") || strings.Contains(block, "IS CONTRADICTED")
	})
	if err == nil || !strings.Contains(out, "IS CONTRADICTED") {
		t.Fatalf("VERIFY.md does not catch a rewritten history: %v\n%s", err, out)
	}
}

// TestPanelPoolFrozenAtOpening: evaluators added or deactivated after the
// opening change nothing in the draw, so the bureau cannot steer it by
// editing the pool once opening_sha256 (and so the seed) is known.
func TestPanelPoolFrozenAtOpening(t *testing.T) {
	e := newEnv(t)
	_, a := e.org("poola", true)
	_, b := e.org("poolb", true)
	_, c := e.org("poolc", true)
	var pool []string
	for i := 0; i < 4; i++ {
		id, _ := e.staff(tender.RoleEvaluator, fmt.Sprintf("frozen%d", i), nil)
		pool = append(pool, id)
	}
	id := e.shortTender(time.Hour)
	for _, tok := range []string{a, b, c} {
		e.submit(e.bid(id, tok, 1000), tok)
	}
	e.openNow(id)
	lateID, _ := e.staff(tender.RoleEvaluator, "late", nil)
	e.do("PATCH", "/api/v1/users/"+pool[0], e.admin, map[string]any{"active": false}).ok(t, 200)

	r := e.do("POST", "/api/v1/tenders/"+id+"/panel", e.admin, map[string]any{"size": 3})
	r.ok(t, 201)
	if strings.Contains(string(r.Body), lateID) {
		t.Fatal("an evaluator added after the opening was drawn")
	}
	rec, err := e.store.Draws(t.Context(), id)
	if err != nil {
		t.Fatal(err)
	}
	got := rec.Draws[0]
	cands := append(slices.Clone(got.Preferred), got.Others...)
	slices.Sort(cands)
	want := slices.Clone(pool)
	slices.Sort(want)
	if !slices.Equal(cands, want) {
		t.Fatalf("candidates %v, want the pool at the opening %v", cands, want)
	}
	op, err := e.store.Opening(t.Context(), id)
	if err != nil {
		t.Fatal(err)
	}
	expect := tender.MakeDraw(rec.R, op.OpeningSHA256, tender.DrawPurposePanel, 1, nil, want, 3)
	if !slices.Equal(got.Chosen, expect.Chosen) {
		t.Fatalf("chosen %v, the pool at the opening gives %v", got.Chosen, expect.Chosen)
	}
}

// TestNamedPanelIsARedFlag: naming evaluators needs a reason, which is
// published with the red flag.
func TestNamedPanelIsARedFlag(t *testing.T) {
	e := newEnv(t)
	_, a := e.org("nameda", true)
	_, b := e.org("namedb", true)
	_, c := e.org("namedc", true)
	evID, _ := e.staff(tender.RoleEvaluator, "named0", nil)
	id := e.shortTender(time.Hour)
	for _, tok := range []string{a, b, c} {
		e.submit(e.bid(id, tok, 1000), tok)
	}
	e.openNow(id)
	m := e.do("POST", "/api/v1/tenders/"+id+"/panel", e.admin, map[string]any{"evaluator_ids": []string{evID}}).
		problem(t, 422, "validation_failed")
	if !contains(fieldsOf(m), "reason") {
		t.Fatalf("naming without a reason: %v", m)
	}
	var n int
	e.store.DB().Get(&n, `SELECT count(*) FROM panel_members WHERE tender_id = $1`, id)
	if n != 0 {
		t.Fatal("a refused appointment wrote a panel member")
	}
	if flags := fmt.Sprint(e.do("GET", "/api/v1/tenders/"+id, "", nil).json(t)["red_flags"]); strings.Contains(flags, tender.RedFlagPanelNotDrawn) {
		t.Fatalf("red flag before any appointment: %s", flags)
	}
	e.do("POST", "/api/v1/tenders/"+id+"/panel", e.admin, map[string]any{"evaluator_ids": []string{evID}, "reason": "唯一具备资质的专家"}).ok(t, 201)
	if flags := fmt.Sprint(e.do("GET", "/api/v1/tenders/"+id, "", nil).json(t)["red_flags"]); !strings.Contains(flags, tender.RedFlagPanelNotDrawn) {
		t.Fatalf("no red flag after naming: %s", flags)
	}
	named, err := e.store.PanelAppointments(t.Context(), id)
	if err != nil || len(named) != 1 || named[0].Reason != "唯一具备资质的专家" || named[0].EvaluatorIDs[0] != evID {
		t.Fatalf("appointments %+v, %v", named, err)
	}
}
