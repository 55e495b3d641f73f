package tender

import (
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"
)

// FuzzUSCC: the validator never panics, accepts only 18 characters of the
// GB 32100 charset whose last is the check character of the first 17, and
// accepts every code built with USCCCheckChar.
func FuzzUSCC(f *testing.F) {
	for _, s := range []string{"52371329MJE0000011", "91110000600037341L", "", "0", strings.Repeat("Y", 18), "52371329mje000001\x00", "５２３７１３２９ＭＪＥ０００００１１"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, code string) {
		ok := ValidUSCC(code)
		if ok {
			up := strings.ToUpper(strings.TrimSpace(code))
			if len(up) != 18 {
				t.Fatalf("accepted %q of %d bytes", code, len(up))
			}
			c, valid := USCCCheckChar(up[:17])
			if !valid || up[17] != c {
				t.Fatalf("accepted %q with a wrong check character", code)
			}
		}
		if len(code) >= 17 {
			if c, valid := USCCCheckChar(code[:17]); valid && !ValidUSCC(code[:17]+string(c)) {
				t.Fatalf("refused %q built with its own check character", code[:17]+string(c))
			}
		}
	})
}

// FuzzSanitizeFilename: a display name never holds a directory, a control or
// bidi character, a quote or invalid UTF-8, is never empty, at most 120
// characters, and sanitizing it again changes nothing.
func FuzzSanitizeFilename(f *testing.F) {
	for _, s := range []string{"方案.pdf", "../../etc/passwd", "a\\b\\c.docx", "\u202egpj.exe", "", ".", "..", "con:\"x\"?.pdf",
		strings.Repeat("长", 300) + ".pdf", "a\x00b", "\xff\xfe.pdf", " . "} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, name string) {
		out := SanitizeFilename(name)
		if out == "" || !utf8.ValidString(out) || utf8.RuneCountInString(out) > 120 {
			t.Fatalf("SanitizeFilename(%q) = %q", name, out)
		}
		for _, r := range out {
			if unicode.IsControl(r) || unicode.Is(unicode.Bidi_Control, r) || strings.ContainsRune("/\\\":*?<>|", r) {
				t.Fatalf("SanitizeFilename(%q) = %q keeps %U", name, out, r)
			}
		}
		if again := SanitizeFilename(out); again != out {
			t.Fatalf("not idempotent: %q → %q → %q", name, out, again)
		}
	})
}

// FuzzCheckTexts: text checks never panic, a name is held to at least the
// rules of any text, and no string with a NUL or a bidi override passes.
func FuzzCheckTexts(f *testing.F) {
	for _, s := range []string{"临沭县社会工作服务中心", "a\u202eb", "x\x00", "line\nbreak", "\u2066", "ok"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if UnsafeText(s) && !UnsafeName(s) {
			t.Fatalf("%q unsafe as text but accepted as a name", s)
		}
		if strings.ContainsAny(s, "\x00\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069") && !UnsafeText(s) {
			t.Fatalf("%q accepted", s)
		}
		err := CheckTexts(map[string]any{"name": s, "items": []any{map[string]any{"title": s}}, "note": s})
		if UnsafeName(s) != (err != nil) {
			t.Fatalf("CheckTexts(%q) = %v", s, err)
		}
	})
}
