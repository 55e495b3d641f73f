package tender

import "testing"

func TestSniffDocument(t *testing.T) {
	cases := []struct {
		head, name string
		ok         bool
	}{
		{"%PDF-1.7\n...", "招标文件.pdf", true},
		{"%PDF-1.7\n...", "招标文件.PDF", true},
		{"MZ\x90\x00\x03", "方案.pdf", false},     // renamed Windows executable
		{"\x7fELF\x02\x01", "方案.docx", false},   // renamed Linux executable
		{"PK\x03\x04\x14\x00", "方案.docx", true}, // OOXML
		{"PK\x03\x04\x14\x00", "报价.xlsx", true}, //
		{"PK\x03\x04\x14\x00", "附件.zip", true},  //
		{"PK\x03\x04\x14\x00", "附件.exe", false}, // a zip named .exe is not allowed
		{"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "旧版.doc", true},
		{"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "旧版.xls", true},
		{"\xff\xd8\xff\xe0", "照片.jpg", true},
		{"\x89PNG\r\n\x1a\n", "截图.png", true},
		{"hello world", "说明.txt", false},
		{"<html>", "页面.pdf", false},
		{"", "空.pdf", false},
	}
	for _, c := range cases {
		_, err := SniffDocument([]byte(c.head), c.name)
		if (err == nil) != c.ok {
			t.Errorf("%q as %s: err=%v, want ok=%v", c.head, c.name, err, c.ok)
		}
		if err != nil && ErrorCode(err) != CodeUnsupportedMediaType {
			t.Errorf("%s: want unsupported_media_type, got %v", c.name, err)
		}
	}
}

func TestSanitizeFilename(t *testing.T) {
	cases := map[string]string{
		"招标文件（最终版）.pdf":       "招标文件（最终版）.pdf",
		"../../etc/passwd":    "passwd",
		`C:\Users\me\方案.docx`: "方案.docx",
		"a\x00b\nc.pdf":       "a_b_c.pdf",
		"evil\u202Efdp.exe":   "evil_fdp.exe",
		"":                    "document",
		"...":                 "document",
		`quote".pdf`:          "quote_.pdf",
	}
	for in, want := range cases {
		if got := SanitizeFilename(in); got != want {
			t.Errorf("SanitizeFilename(%q) = %q, want %q", in, got, want)
		}
	}
	long := ""
	for i := 0; i < 200; i++ {
		long += "长"
	}
	if got := SanitizeFilename(long + ".pdf"); len([]rune(got)) != 120 || got[len(got)-4:] != ".pdf" {
		t.Errorf("long name: %q", got)
	}
}
