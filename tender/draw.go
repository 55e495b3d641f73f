package tender

import (
	"crypto/sha256"
	"encoding/hex"
	"slices"
	"strconv"
	"strings"
)

// Verifiable draws (SPEC §8.4). Every random choice of a tender is derived
// from a secret r committed to at publication (draw_commitment = H(r)) and
// from opening_sha256, which nobody knows before the deadline. After the award
// r is published, so anyone can recompute each draw; before it nobody can
// predict one, and the bureau cannot steer one without changing r, which
// would contradict the commitment.

// Draw purposes.
const (
	DrawPurposePanel = "panel" // evaluators for the panel (评审专家抽取)
	DrawPurposeTie   = "tie"   // one of the bids sharing rank 1
	DrawPurposeClaim = "claim" // one of several claims
)

// H is the lowercase hex SHA-256 of the UTF-8 bytes of s.
func H(s string) string {
	sum := sha256.Sum256([]byte(s))
	return hex.EncodeToString(sum[:])
}

// DrawCommitment is the value published when a tender is published: H(r).
func DrawCommitment(r string) string { return H(r) }

// ValidDrawSecret reports whether r is 32 bytes written as 64 lowercase hex digits.
func ValidDrawSecret(r string) bool {
	if len(r) != 64 {
		return false
	}
	for _, c := range r {
		if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f') {
			return false
		}
	}
	return true
}

// OpeningLine is one opened bid in the opening hash.
type OpeningLine struct {
	BidID         string
	ContentSHA256 string
}

// OpeningSHA256 is H of the lines bid_id + "|" + content_sha256, sorted by
// bid_id and joined with "\n".
func OpeningSHA256(lines []OpeningLine) string {
	sorted := slices.Clone(lines)
	slices.SortFunc(sorted, func(a, b OpeningLine) int { return strings.Compare(a.BidID, b.BidID) })
	parts := make([]string, len(sorted))
	for i, l := range sorted {
		parts[i] = l.BidID + "|" + l.ContentSHA256
	}
	return H(strings.Join(parts, "\n"))
}

// DrawSeed is H(r + "|" + openingSHA + "|" + purpose + "|" + n), n counting
// the draws of that purpose for the tender from 1.
func DrawSeed(r, openingSHA, purpose string, n int) string {
	return H(r + "|" + openingSHA + "|" + purpose + "|" + strconv.Itoa(n))
}

// DrawOrder orders ids by H(seed + "|" + id) ascending (ids are distinct).
func DrawOrder(seed string, ids []string) []string {
	keys := make(map[string]string, len(ids))
	for _, id := range ids {
		keys[id] = H(seed + "|" + id)
	}
	out := slices.Clone(ids)
	slices.SortFunc(out, func(a, b string) int {
		if c := strings.Compare(keys[a], keys[b]); c != 0 {
			return c
		}
		return strings.Compare(a, b)
	})
	if out == nil {
		out = []string{}
	}
	return out
}

// Draw is one published draw: the candidates in their two groups and who was
// chosen. For tie and claim draws Preferred is empty.
type Draw struct {
	Purpose   string   `json:"purpose"`
	N         int      `json:"n"`
	Preferred []string `json:"preferred"`
	Others    []string `json:"others"`
	Chosen    []string `json:"chosen"`
}

// MakeDraw chooses k candidates: the preferred in draw order, then the others
// in draw order, under the seed of (r, openingSHA, purpose, n).
func MakeDraw(r, openingSHA, purpose string, n int, preferred, others []string, k int) Draw {
	seed := DrawSeed(r, openingSHA, purpose, n)
	order := append(DrawOrder(seed, preferred), DrawOrder(seed, others)...)
	d := Draw{Purpose: purpose, N: n, Preferred: nonNil(preferred), Others: nonNil(others),
		Chosen: slices.Clone(order[:min(max(k, 0), len(order))])}
	if d.Chosen == nil {
		d.Chosen = []string{}
	}
	return d
}

// VerifyDraw reports whether d is what r and openingSHA yield for its
// candidates and the number it chose.
func VerifyDraw(r, openingSHA string, d Draw) bool {
	want := MakeDraw(r, openingSHA, d.Purpose, d.N, d.Preferred, d.Others, len(d.Chosen))
	return slices.Equal(want.Chosen, d.Chosen)
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return slices.Clone(s)
}
