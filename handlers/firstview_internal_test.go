package handlers

import (
	"os"
	"strings"
	"testing"

	"github.com/linshu/portal/tender"
)

// TestFrontendIndexHasFirstViewHoles: the app's index.html (frontend/index.html,
// which the build keeps these parts of) has every place firstview.go fills, so
// a public tender's page is not silently served plain.
func TestFrontendIndexHasFirstViewHoles(t *testing.T) {
	raw, err := os.ReadFile("../frontend/index.html")
	if err != nil {
		t.Fatal(err)
	}
	tpl, ok := splitIndex(raw)
	if !ok {
		t.Fatal("frontend/index.html lacks one of indexHoles")
	}
	if got := string(tpl.fill("", "", "", "", "")); got == string(raw) {
		t.Error("filling every hole with nothing should empty the title and meta contents")
	}
	page := string(tpl.tenderFirstView(tender.Tender{ID: "x", Title: "标题", Code: "LSMZ-1", Description: "说明"}))
	for _, want := range []string{"<title>标题（LSMZ-1） - 临沭县社区服务采购平台</title>", `<p class="tender-desc" data-first-view-description>说明</p>`} {
		if !strings.Contains(page, want) {
			t.Errorf("lacks %s", want)
		}
	}
	if inlineScriptHashes(raw) != inlineScriptHashes([]byte(page)) {
		t.Error("the page's inline scripts differ from index.html's")
	}
}

// BenchmarkTenderFirstView: what a tender page costs when it is not kept (its
// first request after any tender changed): the page made, hashed, and
// compressed with brotli 5 and gzip 6. Against the built index.html when there
// is one (frontend/dist, ~10 KB with the first-view script), else the source.
func BenchmarkTenderFirstView(b *testing.B) {
	raw, err := os.ReadFile("../frontend/dist/index.html")
	if err != nil {
		raw, _ = os.ReadFile("../frontend/index.html")
	}
	tpl, ok := splitIndex(raw)
	if !ok {
		b.Fatal("no holes")
	}
	td := tender.Tender{ID: "4f0c2d1e-0000-4000-8000-000000000001", Title: "兴大社区邻里互助服务（2025年度）", Code: "LSMZ-2026-0013",
		Description: strings.Repeat("为临沭街道兴大社区居民提供邻里互助服务，服务期一年，按季度考核。", 10)}
	b.ReportAllocs()
	var page *asset
	for i := 0; i < b.N; i++ {
		page = newPage(tpl.tenderFirstView(td), "text/html; charset=utf-8")
	}
	b.ReportMetric(float64(len(page.raw)), "raw-bytes")
	b.ReportMetric(float64(len(page.br)), "br-bytes")
	b.ReportMetric(float64(len(page.gz)), "gz-bytes")
}
