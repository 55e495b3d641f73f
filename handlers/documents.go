package handlers

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"io"
	"mime"
	"mime/multipart"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/linshu/portal/storage"
	"github.com/linshu/portal/tender"
)

// streamReadSize is how much of a streamed upload is read from the connection at once.
const streamReadSize = 256 << 10

// multipartOverhead allows for the multipart envelope around the file.
const multipartOverhead = 64 << 10

// meter hashes and counts what passes through and stops past the limit. Each
// Read fills p (readFull).
type meter struct {
	r     io.Reader
	h     hash.Hash
	n     int64
	limit int64
	// declared is the size the client declared (0: none).
	declared int64
	err      error
}

func (m *meter) Read(p []byte) (int, error) {
	n, err := readFull(m.r, p)
	if err == io.ErrUnexpectedEOF {
		// The form ended inside the file: fewer bytes than declared, or no
		// closing boundary after them. The client's fault, not the object
		// store's (storage.Classify would take a bare unexpected EOF for a
		// lost connection: 503).
		err = errIncomplete
		if m.declared > 0 {
			err = storage.ErrSizeMismatch
		}
	}
	m.h.Write(p[:n])
	m.n += int64(n)
	if m.n > m.limit {
		m.err = storage.ErrTooLarge
		return n, m.err
	}
	if err != nil && err != io.EOF {
		m.err = err
	}
	return n, err
}

// readFull reads until p is full or r ends or fails. multipart.Part yields at
// most 4 KiB per Read (its buffer), and what the meter returns from one Read
// is one write to the object store's connection: 4 KiB writes made a tender
// document's upload cost the portal 2.4–2.8 ms of CPU per MiB, 32 KiB writes
// (net/http's copy buffer) 1.6–1.8 (bench/README.md, 15:53 UTC). A sealed
// document's chunks were already read whole.
func readFull(r io.Reader, p []byte) (int, error) {
	n := 0
	for n < len(p) {
		k, err := r.Read(p[n:])
		n += k
		if err != nil {
			return n, err
		}
	}
	return n, nil
}

func (m *meter) result() (int64, string, error) {
	return m.n, hex.EncodeToString(m.h.Sum(nil)), m.err
}

// upload is a file part being received.
type upload struct {
	filename    string
	contentType string
	size        int64 // as the client declared it; 0: not declared
	body        *meter
}

// maxSizeField is the longest value of the form field "size" read.
const maxSizeField = 32

// declaredSize reads a declared file size (the form field "size" or the file
// part's Content-Length): a positive number of bytes.
func declaredSize(v string) (int64, error) {
	n, err := strconv.ParseInt(strings.TrimSpace(v), 10, 64)
	if err != nil || n < 0 {
		return 0, &tender.Error{Code: tender.CodeValidationFailed, Key: "document.size", Message: "文件大小应为非负整数（字节）",
			Fields: []tender.FieldError{{Field: "size", Message: "应为文件的字节数"}}}
	}
	if n == 0 {
		return 0, emptyFile()
	}
	return n, nil
}

func emptyFile() error {
	return &tender.Error{Code: tender.CodeValidationFailed, Key: "document.empty", Message: "文件为空",
		Fields: []tender.FieldError{{Field: "file", Message: "文件为空（0 字节）"}}}
}

// receiveFile finds the multipart field "file" in the streamed request body,
// sniffs its type and returns a reader that hashes, counts and limits it. The
// body is never held in memory whole.
//
// The client may declare the file's size in a field "size" sent before the
// file (the browser's File.size), or in the file part's Content-Length; then
// a size above the limit is refused before the file is read, and the document
// is stored with one PUT of that size (storage.Objects.Put).
func (a *API) receiveFile(c *fiber.Ctx) (*upload, error) {
	max := a.opts.MaxUpload
	if cl := c.Request().Header.ContentLength(); cl > 0 && int64(cl) > max+multipartOverhead {
		return nil, tooLarge(max)
	}
	_, params, err := mime.ParseMediaType(string(c.Request().Header.ContentType()))
	if err != nil || params["boundary"] == "" {
		return nil, &tender.Error{Code: tender.CodeUnsupportedMediaType, Key: "document.multipart",
			Message: "请以 multipart/form-data 上传，文件字段名为 file"}
	}
	var body io.Reader = c.Context().RequestBodyStream()
	if body == nil {
		body = bytes.NewReader(c.Body())
	} else {
		// multipart.Reader reads 4 KiB at a time; this lets the connection be
		// read in large chunks (one read system call per chunk, not per 4 KiB).
		body = bufio.NewReaderSize(body, streamReadSize)
	}
	mr := multipart.NewReader(body, params["boundary"])
	var size int64
	for {
		part, err := mr.NextPart()
		if err == io.EOF {
			return nil, fileMissing()
		}
		if err != nil {
			// Whatever the reason (truncated, a malformed header line, a bad
			// boundary), the body is not a multipart form we can read.
			return nil, fileMissing()
		}
		if part.FormName() == "size" && part.FileName() == "" {
			raw, err := io.ReadAll(io.LimitReader(part, maxSizeField+1))
			if err != nil {
				return nil, fileMissing()
			}
			if size, err = declaredSize(string(raw)); err != nil {
				return nil, err
			}
			continue
		}
		if part.FormName() != "file" {
			continue
		}
		if cl := part.Header.Get("Content-Length"); cl != "" {
			n, err := declaredSize(cl)
			if err != nil {
				return nil, err
			}
			if size != 0 && n != size {
				return nil, storage.ErrSizeMismatch
			}
			size = n
		}
		if size > max {
			return nil, tooLarge(max)
		}
		name := tender.SanitizeFilename(part.FileName())
		head := make([]byte, tender.MaxSniff)
		n, err := io.ReadFull(part, head)
		if err != nil && err != io.ErrUnexpectedEOF && err != io.EOF {
			return nil, fileMissing() // the part itself is malformed
		}
		head = head[:n]
		if n == 0 {
			return nil, emptyFile()
		}
		ct, err := tender.SniffDocument(head, name)
		if err != nil {
			return nil, err
		}
		m := &meter{r: io.MultiReader(bytes.NewReader(head), part), h: sha256.New(), limit: max, declared: size}
		return &upload{filename: name, contentType: ct, size: size, body: m}, nil
	}
}

// errIncomplete is a form without a declared size that ends inside the file:
// mid-file, or with no closing boundary after it. Nothing is stored.
var errIncomplete = &tender.Error{Code: tender.CodeValidationFailed, Key: "document.incomplete",
	Message: "上传的文件不完整（表单在文件结束前中断），未保存",
	Fields:  []tender.FieldError{{Field: "file", Message: "文件内容不完整"}}}

func fileMissing() error {
	return &tender.Error{Code: tender.CodeValidationFailed, Key: "document.missing", Message: "请选择要上传的文件",
		Fields: []tender.FieldError{{Field: "file", Message: "缺少文件字段 file"}}}
}

func tooLarge(max int64) error {
	return &tender.Error{Code: tender.CodePayloadTooLarge, Key: "document.too_large",
		Message: fmt.Sprintf("文件超过大小上限 %d MB", max>>20)}
}

// uploadTenderDocument adds a document to a draft or open tender.
func (a *API) uploadTenderDocument(c *fiber.Ctx) error {
	id := c.Params("id")
	t, err := a.store.Tender(ctx(c), id)
	if err != nil {
		return err
	}
	if err := tender.CanAttachTenderDocument(t); err != nil {
		return err
	}
	up, err := a.receiveFile(c)
	if err != nil {
		return err
	}
	doc, err := a.store.AddDocument(ctx(c), actorOf(c), storage.DocumentUpload{
		Doc:      tender.Document{OwnerType: "tender", OwnerID: id, Filename: up.filename, ContentType: up.contentType},
		Key:      storage.NewObjectKey("tenders/" + id),
		Body:     up.body,
		Size:     up.size,
		Measured: up.body.result,
	})
	if storage.IsTooLarge(err) {
		return tooLarge(a.opts.MaxUpload)
	}
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(doc)
}

func (a *API) listTenderDocuments(c *fiber.Ctx) error {
	l, err := limit(c)
	if err != nil {
		return err
	}
	t, err := a.visibleTender(c, c.Params("id"))
	if err != nil {
		return err
	}
	docs, err := a.store.DocumentPage(ctx(c), "tender", t.ID, c.Query("cursor"), l+1)
	if err != nil {
		return err
	}
	return c.JSON(paginate(docs, l, documentCursor))
}

// readableDocument loads a document the caller may read, judged by its owner.
func (a *API) readableDocument(c *fiber.Ctx) (storage.StoredDocument, error) {
	d, err := a.store.Document(ctx(c), c.Params("id"))
	if err != nil {
		return d, err
	}
	switch d.OwnerType {
	case "tender":
		if _, err := a.visibleTender(c, d.OwnerID); err != nil {
			return d, err
		}
	case "bid":
		b, t, m, err := a.bidAccess(c, d.OwnerID)
		if err != nil {
			return d, err
		}
		if err := tender.CanReadBidDocument(actorOf(c), t, b, m); err != nil {
			return d, err
		}
	case "contract", milestoneDocOwner:
		if err := a.mayReadContractDocument(c, d); err != nil {
			return d, err
		}
	default:
		return d, tender.ErrNotFound
	}
	return d, nil
}

func (a *API) getDocument(c *fiber.Ctx) error {
	d, err := a.readableDocument(c)
	if err != nil {
		return err
	}
	return c.JSON(d.Document)
}

// documentContent streams a document with an RFC 6266 Content-Disposition and Range support.
func (a *API) documentContent(c *fiber.Ctx) error {
	d, err := a.readableDocument(c)
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderContentDisposition, contentDisposition(d.Filename))
	c.Set("X-Content-Type-Options", "nosniff")
	c.Set("X-Content-SHA256", d.SHA256)
	c.Set(fiber.HeaderContentType, d.ContentType)
	c.Set(fiber.HeaderCacheControl, "private, no-store")
	if d.Sealed {
		// Encrypted at rest: decrypt the whole stream; ranges are not offered for sealed documents.
		r, err := a.openSealed(c, d)
		if err != nil {
			return err
		}
		return c.SendStream(r, int(d.SizeBytes))
	}
	c.Set(fiber.HeaderAcceptRanges, "bytes")
	start, length, partial, err := parseRange(c.Get(fiber.HeaderRange), d.SizeBytes)
	if err != nil {
		c.Set(fiber.HeaderContentRange, "bytes */"+strconv.FormatInt(d.SizeBytes, 10))
		return fiber.NewError(fiber.StatusRequestedRangeNotSatisfiable, "请求的范围无效")
	}
	obj, err := a.store.DocumentObject(ctx(c), d, start, length)
	if err != nil {
		return err
	}
	if partial {
		c.Status(fiber.StatusPartialContent)
		c.Set(fiber.HeaderContentRange, fmt.Sprintf("bytes %d-%d/%d", start, start+length-1, d.SizeBytes))
	}
	return c.SendStream(obj, int(length))
}

// parseRange reads a single "bytes=" range. No header or several ranges: the whole file.
func parseRange(h string, size int64) (start, length int64, partial bool, err error) {
	spec, ok := strings.CutPrefix(strings.TrimSpace(h), "bytes=")
	if h == "" || !ok || strings.Contains(spec, ",") {
		return 0, size, false, nil
	}
	a, b, _ := strings.Cut(spec, "-")
	bad := errors.New("bad range")
	switch {
	case a == "": // suffix: the last b bytes
		n, perr := strconv.ParseInt(b, 10, 64)
		if perr != nil || n <= 0 {
			return 0, 0, false, bad
		}
		n = min(n, size)
		return size - n, n, true, nil
	default:
		s, perr := strconv.ParseInt(a, 10, 64)
		if perr != nil || s < 0 || s >= size {
			return 0, 0, false, bad
		}
		e := size - 1
		if b != "" {
			if e, perr = strconv.ParseInt(b, 10, 64); perr != nil || e < s {
				return 0, 0, false, bad
			}
			e = min(e, size-1)
		}
		return s, e - s + 1, true, nil
	}
}

// contentDisposition names the download for every browser: an ASCII fallback
// and the UTF-8 name in RFC 5987 encoding (RFC 6266 filename*), so Chinese survives.
func contentDisposition(name string) string {
	var ascii strings.Builder
	for _, r := range name {
		if r >= 0x20 && r < 0x7f && r != '"' && r != '\\' {
			ascii.WriteRune(r)
		} else {
			ascii.WriteByte('_')
		}
	}
	return `attachment; filename="` + ascii.String() + `"; filename*=UTF-8''` + rfc5987(name)
}

func rfc5987(s string) string {
	const attr = "!#$&+-.^_`|~"
	var b strings.Builder
	for _, c := range []byte(s) {
		if c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || strings.IndexByte(attr, c) >= 0 {
			b.WriteByte(c)
		} else {
			fmt.Fprintf(&b, "%%%02X", c)
		}
	}
	return b.String()
}

// documentCursor is a document's position in a list of its owner's documents.
func documentCursor(d tender.Document) string { return storage.KeysetCursor(d.CreatedAt, d.ID) }
