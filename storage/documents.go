package storage

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"io"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"

	"github.com/linshu/portal/tender"
)

const documentColumns = `id, owner_type, owner_id, filename, content_type, size_bytes, sha256, sealed, created_at`

// NewObjectKey names a new object under prefix; keys never come from filenames.
func NewObjectKey(prefix string) string {
	b := make([]byte, 16)
	_, _ = rand.Read(b) // crypto/rand.Read never fails on supported platforms
	return prefix + "/" + hex.EncodeToString(b)
}

// DocumentUpload is a document on its way in: its metadata, where it goes and
// the plaintext bytes; a sealed document (Doc.Sealed) is encrypted by the
// store on its way to the object store. Size and SHA256 are read from
// Measured after the body has been consumed.
type DocumentUpload struct {
	Doc  tender.Document
	Key  string
	Body io.Reader
	// Size is the plaintext's length as the client declared it, or 0 when it
	// declared none (a document is never empty). With
	// it the object goes up in one PUT of that size (a sealed document's
	// size follows from it), and a body of any other length fails with
	// ErrSizeMismatch leaving nothing stored.
	Size int64
	// Measured reports the plaintext size and hash once Body is drained, or the
	// error that stopped it (e.g. the size limit).
	Measured func() (size int64, sha256 string, err error)
	// ContractID and ContractRule re-judge an upload to a contract or one of
	// its milestones inside the row's transaction: the contract is locked and
	// the rule (e.g. "only the contractor, while the report is open") run on it.
	ContractID   string
	ContractRule func(tender.Contract) error
}

// checkOwnerAccepts runs inside the row's transaction: it locks the owner and
// re-checks that it still accepts documents from actor.
func (s *Store) checkOwnerAccepts(ctx context.Context, tx *sqlx.Tx, actor tender.Actor, doc tender.Document) error {
	switch {
	case doc.OwnerType == "bid" && actor.Is(tender.RoleOrg):
		return s.checkBidDocument(ctx, tx, actor, doc.OwnerID)
	case doc.OwnerType == "tender" && actor.Is(tender.RoleAdmin):
		t, err := s.LockTender(ctx, tx, doc.OwnerID)
		if err != nil {
			return err
		}
		return tender.CanAttachTenderDocument(t)
	}
	return tender.ErrNotFound
}

// checkUpload re-judges an upload's owner inside the row's transaction.
func (s *Store) checkUpload(ctx context.Context, tx *sqlx.Tx, actor tender.Actor, up DocumentUpload) error {
	if up.Doc.OwnerType == "bid" || up.Doc.OwnerType == "tender" {
		return s.checkOwnerAccepts(ctx, tx, actor, up.Doc)
	}
	if up.ContractRule != nil {
		return lockContractForDocument(ctx, tx, up.ContractID, up.ContractRule)
	}
	return nil
}

// AddDocument streams the body to the object store, then writes the row and
// its audit entry in one transaction. If the row cannot be written the object
// is removed again; the sweeper catches what a crash leaves behind.
func (s *Store) AddDocument(ctx context.Context, actor tender.Actor, up DocumentUpload) (tender.Document, error) {
	objects := s.objects
	if objects == nil {
		return tender.Document{}, wrapf(errNoObjects, "documents: add document")
	}
	body, wrappedKey := up.Body, []byte(nil)
	if up.Doc.Sealed {
		if s.sealer == nil {
			return tender.Document{}, wrapf(errNoSealer, "documents: add document")
		}
		var err error
		if body, wrappedKey, err = s.sealer.Seal(up.Body); err != nil {
			return tender.Document{}, wrapf(err, "documents: add document")
		}
	}
	objectSize := int64(-1)
	if up.Size > 0 {
		objectSize = up.Size
		if up.Doc.Sealed {
			objectSize = SealedSize(up.Size)
		}
	}
	putErr := objects.Put(ctx, up.Key, body, objectSize, up.Doc.ContentType)
	size, sum, measureErr := up.Measured()
	if errors.Is(putErr, ErrSizeMismatch) && !IsTooLarge(measureErr) {
		measureErr = nil // the mismatch is the reason to report, not what it left the meter with
	}
	if measureErr != nil || putErr != nil {
		// Best effort: the object may be partial or absent; the sweeper is the backstop.
		_ = objects.Remove(context.WithoutCancel(ctx), up.Key)
		if measureErr != nil {
			return tender.Document{}, wrapf(measureErr, "documents: add document")
		}
		return tender.Document{}, wrapf(putErr, "documents: add document")
	}
	up.Doc.SizeBytes, up.Doc.SHA256 = size, sum
	var out tender.Document
	err := s.inTx(ctx, func(tx *sqlx.Tx) error {
		if err := s.checkUpload(ctx, tx, actor, up); err != nil {
			return err
		}
		if err := tx.GetContext(ctx, &out, `INSERT INTO documents (owner_type, owner_id, object_key, filename,
			content_type, size_bytes, sha256, sealed, wrapped_key, uploaded_by)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING `+documentColumns,
			up.Doc.OwnerType, up.Doc.OwnerID, up.Key, up.Doc.Filename, up.Doc.ContentType, size, sum,
			up.Doc.Sealed, wrappedKey, nullIfEmpty(actor.UserID)); err != nil {
			return err
		}
		return appendAudit(ctx, tx, actor, "add_document", up.Doc.OwnerType, up.Doc.OwnerID, map[string]any{
			"document_id": out.ID, "filename": out.Filename, "size_bytes": out.SizeBytes, "sha256": out.SHA256})
	})
	if err != nil {
		_ = objects.Remove(context.WithoutCancel(ctx), up.Key)
		return tender.Document{}, wrapf(err, "documents: add document")
	}
	return out, nil
}

// DocumentObject reads length bytes of a document's object from offset (-1: to the end).
func (s *Store) DocumentObject(ctx context.Context, d StoredDocument, offset, length int64) (*Object, error) {
	if s.objects == nil {
		return nil, wrapf(errNoObjects, "documents: document object")
	}
	return s.objects.Get(ctx, d.ObjectKey, offset, length)
}

// OpenSealedDocument decrypts a sealed document whole, for a caller already
// allowed to read it; closing the reader closes the object.
func (s *Store) OpenSealedDocument(ctx context.Context, d StoredDocument) (io.ReadCloser, error) {
	if s.sealer == nil {
		return nil, wrapf(errNoSealer, "documents: open sealed document")
	}
	obj, err := s.DocumentObject(ctx, d, 0, -1)
	if err != nil {
		return nil, wrapf(err, "documents: open sealed document")
	}
	r, err := s.sealer.Open(obj, d.WrappedKey)
	if err != nil {
		obj.Close()
		return nil, wrapf(err, "documents: open sealed document")
	}
	return struct {
		io.Reader
		io.Closer
	}{r, obj}, nil
}

// StoredDocument is a document row with where its bytes are.
type StoredDocument struct {
	tender.Document
	ObjectKey  string `db:"object_key"`
	WrappedKey []byte `db:"wrapped_key"`
}

// Document returns one document with its object key.
func (s *Store) Document(ctx context.Context, id string) (StoredDocument, error) {
	var d StoredDocument
	err := get(ctx, s.db, &d, `SELECT `+documentColumns+`, object_key, wrapped_key FROM documents WHERE id = $1`, id)
	return d, wrapf(err, "documents: get %s", id)
}

// Documents lists an owner's documents, oldest first.
func (s *Store) Documents(ctx context.Context, ownerType, ownerID string) ([]tender.Document, error) {
	return s.DocumentPage(ctx, ownerType, ownerID, "", 0)
}

// DocumentPage lists an object's documents oldest first, limit at a time (0:
// all) after cursor (KeysetCursor of the previous page's last document).
func (s *Store) DocumentPage(ctx context.Context, ownerType, ownerID, cursor string, limit int) ([]tender.Document, error) {
	at, id, err := parseKeyset(cursor)
	if err != nil {
		return nil, wrapf(err, "documents: document page %s", ownerID)
	}
	out := []tender.Document{}
	err = s.db.SelectContext(ctx, &out, `SELECT `+documentColumns+` FROM documents
		WHERE owner_type = $1 AND owner_id = $2 AND ($3::timestamptz IS NULL OR (created_at, id) > ($3, NULLIF($4, '')::uuid))
		ORDER BY created_at, id LIMIT NULLIF($5, 0)`, ownerType, ownerID, at, id, limit)
	return out, wrapf(mapError(err), "documents: document page %s", ownerID)
}

// RemoveDocument deletes a document row (and then its object) inside the
// owner's rules: a draft tender's document (admin), or a bid document of the
// caller's organization before the deadline. Anyone else is told it does not exist.
func (s *Store) RemoveDocument(ctx context.Context, actor tender.Actor, id string) error {
	var key string
	err := s.inTx(ctx, func(tx *sqlx.Tx) error {
		var d StoredDocument
		if err := tx.GetContext(ctx, &d, `SELECT `+documentColumns+`, object_key, wrapped_key FROM documents
			WHERE id = $1 FOR UPDATE`, id); err != nil {
			return err
		}
		if d.OwnerType == "tender" && actor.Is(tender.RoleAdmin) {
			t, err := s.LockTender(ctx, tx, d.OwnerID)
			if err != nil {
				return err
			}
			if err := t.CanEdit(); err != nil {
				return err
			}
		} else if err := s.checkOwnerAccepts(ctx, tx, actor, d.Document); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM documents WHERE id = $1`, id); err != nil {
			return err
		}
		key = d.ObjectKey
		return appendAudit(ctx, tx, actor, "remove_document", d.OwnerType, d.OwnerID, map[string]any{
			"document_id": d.ID, "filename": d.Filename, "sha256": d.SHA256})
	})
	if err != nil {
		return wrapf(err, "documents: remove document %s", id)
	}
	// The row is gone; if the object removal fails the sweeper finds the orphan.
	if s.objects != nil {
		_ = s.objects.Remove(ctx, key)
	}
	return nil
}

// SweepOrphans removes objects older than minAge that no document row names:
// what is left when a process dies between storing an object and writing its
// row. It first aborts multipart uploads begun more than minAge ago (a process
// killed mid-upload). It returns how many objects it removed.
func (s *Store) SweepOrphans(ctx context.Context, minAge time.Duration) (int, error) {
	objects := s.objects
	if objects == nil {
		return 0, wrapf(errNoObjects, "documents: sweep orphans")
	}
	if _, err := objects.AbortStaleUploads(ctx, minAge); err != nil {
		return 0, wrapf(err, "documents: sweep orphans")
	}
	removed := 0
	for _, prefix := range []string{"tenders/", "bids/", "contracts/"} {
		list, err := objects.List(ctx, prefix)
		if err != nil {
			return removed, wrapf(err, "documents: sweep orphans")
		}
		var keys []string
		cutoff := time.Now().Add(-minAge)
		for _, o := range list {
			if o.LastModified.Before(cutoff) {
				keys = append(keys, o.Key)
			}
		}
		for len(keys) > 0 {
			batch := keys[:min(len(keys), 500)]
			keys = keys[len(batch):]
			var known []string
			if err := s.db.SelectContext(ctx, &known, `SELECT object_key FROM documents WHERE object_key = ANY($1)`,
				pq.StringArray(batch)); err != nil {
				return removed, wrapf(err, "documents: sweep orphans")
			}
			have := make(map[string]bool, len(known))
			for _, k := range known {
				have[k] = true
			}
			for _, k := range batch {
				if have[k] {
					continue
				}
				if err := objects.Remove(ctx, k); err != nil {
					return removed, wrapf(err, "documents: sweep orphans")
				}
				removed++
			}
		}
	}
	return removed, nil
}

// ErrTooLarge is returned when an upload passes PORTAL_MAX_UPLOAD.
var ErrTooLarge = &tender.Error{Code: tender.CodePayloadTooLarge, Key: "document.too_large", Message: "文件超过大小上限"}

// IsTooLarge reports whether err is the upload size limit.
func IsTooLarge(err error) bool { return errors.Is(err, ErrTooLarge) }
