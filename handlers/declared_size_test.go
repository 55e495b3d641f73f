package handlers_test

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/textproto"
	"strconv"
	"strings"
	"testing"
	"time"
)

// uploadDeclared posts content as the multipart field "file", preceded by a
// field "size" (when size is not "") and with a Content-Length of its own
// part (when partLength is not "").
func (e *env) uploadDeclared(path, token, size, partLength string, content []byte) response {
	e.t.Helper()
	var buf bytes.Buffer
	w := multipart.NewWriter(&buf)
	if size != "" {
		_ = w.WriteField("size", size)
	}
	h := textproto.MIMEHeader{}
	h.Set("Content-Disposition", `form-data; name="file"; filename="方案.pdf"`)
	h.Set("Content-Type", "application/pdf")
	if partLength != "" {
		h.Set("Content-Length", partLength)
	}
	fw, err := w.CreatePart(h)
	if err != nil {
		e.t.Fatal(err)
	}
	fw.Write(content)
	w.Close()
	req := httptest.NewRequest(http.MethodPost, path, &buf)
	req.Header.Set("Content-Type", w.FormDataContentType())
	req.Header.Set("Authorization", "Bearer "+token)
	return e.send(req)
}

// TestUploadDeclaredSize: a client that declares the file's size (the field
// "size" before the file, or the file part's Content-Length) has its document
// stored whole when the bytes match — a tender document and a sealed bid
// document alike — and refused with a problem when they do not, one byte over
// or under, with no row, no object and no unfinished upload left; a size over
// the limit is refused before the file is read, a malformed one named.
func TestUploadDeclaredSize(t *testing.T) {
	e := newEnv(t) // MaxUpload is 1 MiB in tests
	_, org := e.org("org1", true)
	tenderID := e.createTender(tenderBody("声明大小的招标文件"))
	bid := e.bid(e.openTender(tenderBody("声明大小的投标文件")), org, 28000000)
	pdf := append([]byte("%PDF-1.7 服务方案 "), bytes.Repeat([]byte("方案正文"), 50000)...) // 600 KB: several sealed chunks
	n := len(pdf)
	for _, c := range []struct {
		name, path, token, prefix string
	}{
		{"tender document", "/api/v1/tenders/" + tenderID + "/documents", e.admin, "tenders/"},
		{"sealed bid document", "/api/v1/bids/" + bid + "/documents", org, "bids/"},
	} {
		stored := func() (rows, objects int) {
			e.store.DB().Get(&rows, `SELECT count(*) FROM documents WHERE object_key LIKE $1 || '%'`, c.prefix)
			objs, err := e.objects.List(t.Context(), c.prefix)
			if err != nil {
				t.Fatal(err)
			}
			return rows, len(objs)
		}
		for _, ok := range []struct{ size, partLength string }{
			{strconv.Itoa(n), ""}, {"", strconv.Itoa(n)}, {strconv.Itoa(n), strconv.Itoa(n)}, {" " + strconv.Itoa(n) + "\r\n", ""},
		} {
			r := e.uploadDeclared(c.path, c.token, ok.size, ok.partLength, pdf)
			r.ok(t, 201)
			doc := r.json(t)
			sum := sha256.Sum256(pdf)
			if doc["sha256"] != hex.EncodeToString(sum[:]) || doc["size_bytes"] != float64(n) {
				t.Fatalf("%s, size %q, part length %q: %s", c.name, ok.size, ok.partLength, r.Body)
			}
			back := e.do("GET", "/api/v1/documents/"+doc["id"].(string)+"/content", c.token, nil)
			back.ok(t, 200)
			if !bytes.Equal(back.Body, pdf) {
				t.Fatalf("%s, size %q: read back %d bytes, want the %d sent", c.name, ok.size, len(back.Body), n)
			}
		}
		rows, objects := stored()
		for _, bad := range []struct {
			size, partLength string
			status           int
			code, key        string
		}{
			{strconv.Itoa(n + 1), "", 422, "validation_failed", "document.size_mismatch"}, // declared more than sent
			{strconv.Itoa(n - 1), "", 422, "validation_failed", "document.size_mismatch"}, // declared less than sent
			{"", strconv.Itoa(n - 1), 422, "validation_failed", "document.size_mismatch"},
			{strconv.Itoa(n), strconv.Itoa(n + 1), 422, "validation_failed", "document.size_mismatch"},
			{strconv.Itoa(1<<20 + 1), "", 413, "payload_too_large", "document.too_large"},
			{"-5", "", 422, "validation_failed", "document.size"},
			{"12abc", "", 422, "validation_failed", "document.size"},
			{strings.Repeat("9", 40), "", 422, "validation_failed", "document.size"},
			{"0", "", 422, "validation_failed", "document.empty"},
		} {
			p := e.uploadDeclared(c.path, c.token, bad.size, bad.partLength, pdf).problem(t, bad.status, bad.code)
			if p["key"] != bad.key {
				t.Errorf("%s, size %q, part length %q: key %v, want %s", c.name, bad.size, bad.partLength, p["key"], bad.key)
			}
			if r, o := stored(); r != rows || o != objects {
				t.Fatalf("%s, size %q, part length %q: %d rows and %d objects after it, want %d and %d",
					c.name, bad.size, bad.partLength, r, o, rows, objects)
			}
		}
		if n, err := e.store.SweepOrphans(t.Context(), -time.Minute); err != nil || n != 0 {
			t.Errorf("%s: the sweeper found %d orphans (%v): a refused upload left an object", c.name, n, err)
		}
	}
}
