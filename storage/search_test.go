package storage

import "testing"

func TestBigramQueryPicksTheRarestToken(t *testing.T) {
	freq := map[string]float64{"物业": 0.13, "业管": 0.12, "管理": 0.2, "社区": 0.9}
	cases := map[string]string{
		"物业管理":     `'业管'`,
		"社区矫正":     `'区矫'`, // unknown to the statistics: rarer than any known token
		"健":        `'健':*`,
		"养老 社区":    `'养老' & '社区'`,
		"it's":     `'it'`,
		"  ":       ``,
		`a\b`:      `'a\\'`,
		"物业管理 健 x": `'业管' & '健':* & 'x':*`,
	}
	for q, want := range cases {
		if got := BigramQuery(q, freq); got != want {
			t.Errorf("BigramQuery(%q) = %q, want %q", q, got, want)
		}
	}
	if got := BigramQuery("物业管理", nil); got != `'物业'` {
		t.Errorf("without statistics: %q", got)
	}
}
