package tender

import (
	"bytes"
	"path"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// Document is a file attached to a tender or a bid. The portal names the
// stored object; Filename is the uploader's name, sanitised, for display only.
type Document struct {
	ID          string    `json:"id" db:"id"`
	OwnerType   string    `json:"owner_type" db:"owner_type"` // "tender" or "bid"
	OwnerID     string    `json:"owner_id" db:"owner_id"`
	Filename    string    `json:"filename" db:"filename"`
	ContentType string    `json:"content_type" db:"content_type"`
	SizeBytes   int64     `json:"size_bytes" db:"size_bytes"`
	SHA256      string    `json:"sha256" db:"sha256"`
	Sealed      bool      `json:"sealed" db:"sealed"`
	CreatedAt   time.Time `json:"created_at" db:"created_at"`
}

// MaxSniff is how many leading bytes SniffDocument needs.
const MaxSniff = 512

var errUnsupportedType = &Error{Code: CodeUnsupportedMediaType, Key: "document.type",
	Message: "仅接受 PDF、Word（doc/docx）、Excel（xls/xlsx）、JPG、PNG 或 ZIP 文件"}

// SniffDocument decides a document's content type from its first bytes,
// checked against the file's extension: the allow-list is pdf, doc/docx,
// xls/xlsx, jpg, png and zip. A renamed executable or a text file is refused
// (unsupported_media_type) whatever its name says.
func SniffDocument(head []byte, filename string) (string, error) {
	ext := strings.ToLower(path.Ext(filename))
	switch {
	case bytes.HasPrefix(head, []byte("%PDF-")):
		if ext == ".pdf" {
			return "application/pdf", nil
		}
	case bytes.HasPrefix(head, []byte{0xFF, 0xD8, 0xFF}):
		if ext == ".jpg" || ext == ".jpeg" {
			return "image/jpeg", nil
		}
	case bytes.HasPrefix(head, []byte("\x89PNG\r\n\x1a\n")):
		if ext == ".png" {
			return "image/png", nil
		}
	case bytes.HasPrefix(head, []byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1}): // OLE2: legacy Office
		switch ext {
		case ".doc":
			return "application/msword", nil
		case ".xls":
			return "application/vnd.ms-excel", nil
		}
	case bytes.HasPrefix(head, []byte("PK\x03\x04")): // zip container: OOXML or a plain archive
		switch ext {
		case ".docx":
			return "application/vnd.openxmlformats-officedocument.wordprocessingml.document", nil
		case ".xlsx":
			return "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", nil
		case ".zip":
			return "application/zip", nil
		}
	}
	return "", errUnsupportedType
}

// SanitizeFilename keeps a display name safe: no directories, no control or
// bidi characters, at most 120 characters, never empty. Chinese survives.
func SanitizeFilename(name string) string {
	name = strings.ReplaceAll(name, "\\", "/")
	name = path.Base(name)
	if !utf8.ValidString(name) {
		name = strings.ToValidUTF8(name, "_")
	}
	var b strings.Builder
	for _, r := range name {
		switch {
		case unicode.IsControl(r), unicode.Is(unicode.Bidi_Control, r), r == '"', r == '/', r == '\\', r == ':',
			r == '*', r == '?', r == '<', r == '>', r == '|':
			b.WriteRune('_')
		default:
			b.WriteRune(r)
		}
	}
	// Leading and trailing dots and spaces go together (". x" would leave " x").
	name = strings.TrimFunc(b.String(), func(r rune) bool { return r == '.' || unicode.IsSpace(r) })
	if r := []rune(name); len(r) > 120 {
		ext := path.Ext(name)
		if utf8.RuneCountInString(ext) > 10 {
			ext = ""
		}
		name = string(r[:120-utf8.RuneCountInString(ext)]) + ext
	}
	if name == "" || name == "." {
		name = "document"
	}
	return name
}

// CanAttachTenderDocument: the bureau attaches tender documents (and addenda)
// while the tender is draft or open.
func CanAttachTenderDocument(t Tender) error {
	if t.Status != StatusDraft && t.Status != StatusOpen {
		return InvalidState("tender", string(t.Status), "上传文件")
	}
	return nil
}
