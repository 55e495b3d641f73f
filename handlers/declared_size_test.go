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

// storedUnder counts the document rows and the objects whose keys start with prefix.
func (e *env) storedUnder(prefix string) (rows, objects int) {
	e.t.Helper()
	if err := e.store.DB().Get(&rows, `SELECT count(*) FROM documents WHERE object_key LIKE $1 || '%'`, prefix); err != nil {
		e.t.Fatal(err)
	}
	objs, err := e.objects.List(e.t.Context(), prefix)
	if err != nil {
		e.t.Fatal(err)
	}
	return rows, len(objs)
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
		stored := func() (rows, objects int) { return e.storedUnder(c.prefix) }
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

// postForm posts a hand-built multipart body with the given boundary.
func (e *env) postForm(path, token, boundary, body string) response {
	e.t.Helper()
	req := httptest.NewRequest(http.MethodPost, path, strings.NewReader(body))
	req.Header.Set("Content-Type", "multipart/form-data; boundary="+boundary)
	req.Header.Set("Authorization", "Bearer "+token)
	return e.send(req)
}

// TestUploadDeclaredSizeFraming: forms of other shapes than the uploader's —
// another field first, a preamble before the first boundary, a field after
// the file, the file's bytes containing what looks like a boundary — are read
// as multipart/form-data says, declared size or not, and a declaration that
// runs into the next part is refused with nothing stored.
func TestUploadDeclaredSizeFraming(t *testing.T) {
	e := newEnv(t)
	id := e.createTender(tenderBody("表单形状"))
	path := "/api/v1/tenders/" + id + "/documents"
	const b = "XyZ123boundary"
	file := "%PDF-1.7 内容\r\n--XyZ123bound 不是分隔符\r\n" + strings.Repeat("正文", 3000)
	n := strconv.Itoa(len(file))
	field := func(name, value string) string {
		return "--" + b + "\r\nContent-Disposition: form-data; name=\"" + name + "\"\r\n\r\n" + value + "\r\n"
	}
	filePart := "--" + b + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"形状.pdf\"\r\nContent-Type: application/pdf\r\n\r\n" + file + "\r\n"
	end := "--" + b + "--\r\n"
	rows := func() (n int) {
		e.store.DB().Get(&n, `SELECT count(*) FROM documents`)
		return n
	}
	for _, c := range []struct{ name, body string }{
		{"another field first", field("note", "说明") + field("size", n) + filePart + end},
		{"a preamble", "preamble text\r\n" + field("size", n) + filePart + end},
		{"a field after the file", field("size", n) + filePart + field("note", "x") + end},
		{"no size", field("note", "说明") + filePart + end},
		{"transport padding after the boundary", strings.Replace(field("size", n), b+"\r\n", b+"  \r\n", 1) + filePart + end},
	} {
		r := e.postForm(path, e.admin, b, c.body)
		r.ok(t, 201)
		if doc := r.json(t); doc["size_bytes"] != float64(len(file)) {
			t.Fatalf("%s: %s", c.name, r.Body)
		}
		back := e.do("GET", "/api/v1/documents/"+r.json(t)["id"].(string)+"/content", e.admin, nil)
		if string(back.Body) != file {
			t.Fatalf("%s: read back %d bytes, want the %d sent", c.name, len(back.Body), len(file))
		}
	}
	before := rows()
	objs, _ := e.objects.List(t.Context(), "tenders/")
	next := field("note", "x")
	for _, c := range []struct{ name, body string }{
		{"declared into the next part", field("size", strconv.Itoa(len(file)+2+len(next)-2)) + filePart + next + end},
		{"declared one byte short, a field after", field("size", strconv.Itoa(len(file)-1)) + filePart + next + end},
		{"declared past the end of the form", field("size", strconv.Itoa(len(file)+100)) + filePart + end},
		{"no closing boundary", field("size", n) + strings.TrimSuffix(filePart, "\r\n")},
		{"a preamble, declared one byte short", "preamble\r\n" + field("size", strconv.Itoa(len(file)-1)) + filePart + end},
	} {
		if p := e.postForm(path, e.admin, b, c.body).problem(t, 422, "validation_failed"); p["key"] != "document.size_mismatch" {
			t.Errorf("%s: key %v, want document.size_mismatch", c.name, p["key"])
		}
		after, _ := e.objects.List(t.Context(), "tenders/")
		if rows() != before || len(after) != len(objs) {
			t.Fatalf("%s: a refused upload left a row or an object", c.name)
		}
	}
}

// TestUploadUndeclaredTruncated: without a declared size, a form that ends
// inside the file — mid-file, or after the file's bytes with no closing
// boundary, a tender document and a sealed bid document alike — is the
// client's fault (422 document.incomplete), not the object store's (503), and
// stores nothing: no row, no object, nothing for the sweeper.
func TestUploadUndeclaredTruncated(t *testing.T) {
	e := newEnv(t)
	_, org := e.org("org1", true)
	tenderID := e.createTender(tenderBody("不完整的上传"))
	bid := e.bid(e.openTender(tenderBody("不完整的投标文件")), org, 28000000)
	const b = "TrUnc4tedB0undary"
	file := "%PDF-1.7 内容 " + strings.Repeat("正文", 100000) // 600 KB: several sealed chunks
	head := "--" + b + "\r\nContent-Disposition: form-data; name=\"note\"\r\n\r\n说明\r\n" +
		"--" + b + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"残缺.pdf\"\r\nContent-Type: application/pdf\r\n\r\n"
	for _, c := range []struct {
		name, path, token, prefix string
	}{
		{"tender document", "/api/v1/tenders/" + tenderID + "/documents", e.admin, "tenders/"},
		{"sealed bid document", "/api/v1/bids/" + bid + "/documents", org, "bids/"},
	} {
		stored := func() (rows, objects int) { return e.storedUnder(c.prefix) }
		rows, objects := stored()
		for _, cut := range []struct{ name, body string }{
			{"mid-file", head + file[:len(file)/2]},
			{"within the first bytes", head + file[:100]},
			{"no closing boundary", head + file},
			{"no closing boundary after the line break", head + file + "\r\n"},
			{"half a closing boundary", head + file + "\r\n--" + b[:5]},
		} {
			p := e.postForm(c.path, c.token, b, cut.body).problem(t, 422, "validation_failed")
			if p["key"] != "document.incomplete" {
				t.Errorf("%s, %s: key %v, want document.incomplete", c.name, cut.name, p["key"])
			}
			if r, o := stored(); r != rows || o != objects {
				t.Fatalf("%s, %s: %d rows and %d objects after it, want %d and %d", c.name, cut.name, r, o, rows, objects)
			}
		}
		// The same form, whole, is stored.
		r := e.postForm(c.path, c.token, b, head+file+"\r\n--"+b+"--\r\n")
		r.ok(t, 201)
		if doc := r.json(t); doc["size_bytes"] != float64(len(file)) {
			t.Fatalf("%s, whole: %s", c.name, r.Body)
		}
	}
	if n, err := e.store.SweepOrphans(t.Context(), -time.Minute); err != nil || n != 0 {
		t.Errorf("the sweeper found %d orphans (%v): a refused upload left an object", n, err)
	}
}
