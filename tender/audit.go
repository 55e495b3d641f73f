package tender

import (
	"bytes"
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"strconv"
	"time"
)

// AuditEntry is one appended fact in the audit log: who did what to which
// object, when. Entries of one aggregate (a tender, a bid, an organization, a
// user) form one stream whose entries are chained by hash.
type AuditEntry struct {
	ID        int64           `json:"id" db:"id"`
	Stream    string          `json:"stream" db:"stream"` // e.g. "tender:<id>"
	Seq       int64           `json:"seq" db:"seq"`       // 1, 2, … within the stream
	ActorID   string          `json:"actor_id" db:"actor_id"`
	ActorRole string          `json:"actor_role" db:"actor_role"`
	Action    string          `json:"action" db:"action"`
	Entity    string          `json:"entity" db:"entity"`
	EntityID  string          `json:"entity_id" db:"entity_id"`
	At        time.Time       `json:"at" db:"at"`
	Details   json.RawMessage `json:"details" db:"details"`
	PrevHash  string          `json:"prev_hash" db:"prev_hash"`
	Hash      string          `json:"hash" db:"hash"`
}

// Stream names the hash chain of an aggregate.
func Stream(entity, id string) string { return entity + ":" + id }

// CanonicalJSON re-encodes a JSON value with object keys sorted and no
// insignificant whitespace, so equal values always hash equally.
func CanonicalJSON(raw []byte) ([]byte, error) {
	if len(bytes.TrimSpace(raw)) == 0 {
		return []byte("null"), nil
	}
	var v any
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	if err := dec.Decode(&v); err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil { // maps encode with sorted keys
		return nil, err
	}
	return bytes.TrimRight(buf.Bytes(), "\n"), nil
}

// canonical is the hashed form of an entry: fixed key order, UTC time with
// microseconds (the precision PostgreSQL keeps), canonical details.
type canonical struct {
	Stream    string          `json:"stream"`
	Seq       int64           `json:"seq"`
	ActorID   string          `json:"actor_id"`
	ActorRole string          `json:"actor_role"`
	Action    string          `json:"action"`
	Entity    string          `json:"entity"`
	EntityID  string          `json:"entity_id"`
	At        string          `json:"at"`
	Details   json.RawMessage `json:"details"`
}

// ComputeHash returns sha256(prevHash ‖ canonical JSON of e) in hex, the link
// of e in its stream's chain. e.PrevHash and e.Hash are not part of the input.
func (e AuditEntry) ComputeHash(prevHash string) (string, error) {
	details, err := CanonicalJSON(e.Details)
	if err != nil {
		return "", err
	}
	c := canonical{e.Stream, e.Seq, e.ActorID, e.ActorRole, e.Action, e.Entity, e.EntityID,
		e.At.UTC().Truncate(time.Microsecond).Format("2006-01-02T15:04:05.000000Z"), details}
	b, err := json.Marshal(c)
	if err != nil {
		return "", err
	}
	h := sha256.New()
	h.Write([]byte(prevHash))
	h.Write(b)
	return hex.EncodeToString(h.Sum(nil)), nil
}

// StreamHead is a stream's last sequence number and hash, as a checkpoint records it.
type StreamHead struct {
	Stream string `json:"stream"`
	Seq    int64  `json:"seq"`
	Hash   string `json:"hash"`
}

// CheckpointHash chains a checkpoint's stream heads onto the previous checkpoint.
func CheckpointHash(prevHash string, heads []StreamHead) string {
	b, _ := json.Marshal(heads) // a slice of plain structs cannot fail to encode
	h := sha256.New()
	h.Write([]byte(prevHash))
	h.Write(b)
	return hex.EncodeToString(h.Sum(nil))
}

// AuditReport is the outcome of verifying the audit log.
type AuditReport struct {
	OK          bool   `json:"ok"`
	Entries     int64  `json:"entries"`
	Checkpoints int64  `json:"checkpoints"`
	FirstBadID  *int64 `json:"first_bad_id"`
	Problem     string `json:"problem,omitempty"`
}

// Checkpoint is a global audit checkpoint as the public sees it (SPEC §8.3):
// its sequence number, when it was taken, the head of the checkpoint chain
// (CheckpointHash) and the receipt key's signature over SigningBytes.
type Checkpoint struct {
	Seq        int64     `json:"seq" db:"seq"`
	At         time.Time `json:"at" db:"at"`
	HeadSHA256 string    `json:"head_sha256" db:"head_sha256"`
	Signature  string    `json:"signature"`
	// Heads are the stream heads the checkpoint chained, shown to the bureau
	// and auditors only (stream names name objects); not signed, not needed to keep.
	Heads []StreamHead `json:"heads,omitempty" db:"-"`
}

// SigningBytes are the UTF-8 bytes of "lsmz-checkpoint|" + seq + "|" + head_sha256.
func (c Checkpoint) SigningBytes() []byte {
	return []byte("lsmz-checkpoint|" + strconv.FormatInt(c.Seq, 10) + "|" + c.HeadSHA256)
}

// SignCheckpoint signs c with the receipt key: base64 (standard, padded) Ed25519.
func SignCheckpoint(priv ed25519.PrivateKey, c Checkpoint) Checkpoint {
	c.Signature = base64.StdEncoding.EncodeToString(ed25519.Sign(priv, c.SigningBytes()))
	return c
}

// VerifyCheckpoint reports whether c carries a valid signature by pub.
func VerifyCheckpoint(pub ed25519.PublicKey, c Checkpoint) bool {
	if len(pub) != ed25519.PublicKeySize {
		return false
	}
	sig, err := base64.StdEncoding.DecodeString(c.Signature)
	return err == nil && ed25519.Verify(pub, c.SigningBytes(), sig)
}

// CheckpointReport is the outcome of checking the database against saved checkpoints.
type CheckpointReport struct {
	OK      bool   `json:"ok"`
	Checked int    `json:"checked"`
	BadSeq  *int64 `json:"bad_seq"` // the first saved checkpoint the database contradicts
	Problem string `json:"problem,omitempty"`
}
