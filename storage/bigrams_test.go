package storage_test

import (
	"strings"
	"testing"

	"github.com/linshu/portal/storage/storagetest"
)

// TestLinearBigramsMatchTheOriginal checks that lsmz_bigrams yields the
// bigrams the first, quadratic version did (migration 00007 made it linear;
// 00024 dropped the positions, which the search no longer uses), and, since
// 00024, those of the whole text, not only of its first 16,000 characters.
func TestLinearBigramsMatchTheOriginal(t *testing.T) {
	s := storagetest.NewStore(t)
	texts := []string{"", "a", "小区物业管理服务", `it's a \ test`, "  多个   空格\t和\n换行 ", strings.Repeat("长文本", 3000)}
	for _, text := range texts {
		var same bool
		err := s.DB().Get(&same, `SELECT lsmz_bigrams($1) = strip((SELECT COALESCE(string_agg(
			'''' || replace(replace(substr(x.s, i, 2), '\', '\\'), '''', '''''') || ''':' || i, ' ')::tsvector, ''::tsvector)
			FROM (SELECT lower(left(regexp_replace($1, '\s+', ' ', 'g'), 16000)) || ' ' AS s) x,
			     generate_series(1, length(x.s) - 1) AS i))`, text)
		if err != nil {
			t.Fatal(err)
		}
		if !same {
			t.Errorf("lsmz_bigrams differs from the original for %.20q", text)
		}
	}
	var found bool
	if err := s.DB().Get(&found, `SELECT lsmz_bigrams(repeat('长', 17000) || ' 社区矫正') @@ '矫正'::tsquery`); err != nil {
		t.Fatal(err)
	}
	if !found {
		t.Errorf("a bigram after the first 16,000 characters is not indexed")
	}
}
