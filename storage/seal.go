package storage

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"encoding/base64"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
)

// Sealer encrypts sealed-bid documents before they reach the object store:
// each document gets its own random 256-bit data key, which is stored wrapped
// (AES-256-GCM) by the key-encryption key from PORTAL_SEAL_KEY. Someone with
// access to the object store alone cannot read a bid.
//
// The object is the document in 64 KiB chunks, each sealed with AES-256-GCM
// under the data key. The nonce is the chunk's index (8 bytes, big endian)
// followed by 4 bytes that are 1 for the last chunk and 0 otherwise, so
// chunks cannot be reordered, dropped or the stream cut short unnoticed.
type Sealer struct {
	kek cipher.AEAD
}

const sealChunk = 64 << 10

// NewSealer reads the base64 of 32 random bytes.
func NewSealer(b64 string) (*Sealer, error) {
	key, err := base64.StdEncoding.DecodeString(b64)
	if err != nil || len(key) != 32 {
		return nil, errors.New("PORTAL_SEAL_KEY must be the base64 of 32 random bytes")
	}
	aead, err := newGCM(key)
	if err != nil {
		return nil, err
	}
	return &Sealer{kek: aead}, nil
}

func newGCM(key []byte) (cipher.AEAD, error) {
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, err
	}
	return cipher.NewGCM(block)
}

// Seal returns a reader of the encrypted plaintext and the wrapped data key to store with it.
func (s *Sealer) Seal(plaintext io.Reader) (io.Reader, []byte, error) {
	dek := make([]byte, 32)
	if _, err := rand.Read(dek); err != nil {
		return nil, nil, err
	}
	nonce := make([]byte, s.kek.NonceSize())
	if _, err := rand.Read(nonce); err != nil {
		return nil, nil, err
	}
	wrapped := s.kek.Seal(nonce, nonce, dek, []byte("lsmz-portal bid document key"))
	aead, err := newGCM(dek)
	if err != nil {
		return nil, nil, err
	}
	return &sealReader{aead: aead, src: plaintext, buf: make([]byte, sealChunk+1)}, wrapped, nil
}

// SealedSize is the length of what Seal makes of n bytes of plaintext: every
// chunk of up to sealChunk bytes gains a GCM tag, and an empty document is one
// empty chunk.
func SealedSize(n int64) int64 {
	chunks := max(1, (n+sealChunk-1)/sealChunk)
	return n + chunks*sealOverhead
}

// sealOverhead is what AES-GCM adds to each chunk (its tag).
const sealOverhead = 16

// Open returns a reader of the plaintext of an object sealed with wrapped.
func (s *Sealer) Open(ciphertext io.Reader, wrapped []byte) (io.Reader, error) {
	ns := s.kek.NonceSize()
	if len(wrapped) < ns {
		return nil, errors.New("sealed document: wrapped key too short")
	}
	dek, err := s.kek.Open(nil, wrapped[:ns], wrapped[ns:], []byte("lsmz-portal bid document key"))
	if err != nil {
		return nil, fmt.Errorf("sealed document: cannot unwrap its key (wrong PORTAL_SEAL_KEY?): %w", err)
	}
	aead, err := newGCM(dek)
	if err != nil {
		return nil, err
	}
	return &openReader{aead: aead, src: ciphertext, buf: make([]byte, sealChunk+aead.Overhead()+1)}, nil
}

// chunkNonce writes chunk i's nonce into n (12 bytes) and returns it.
func chunkNonce(n *[12]byte, i uint64, last bool) []byte {
	binary.BigEndian.PutUint64(n[:8], i)
	n[8], n[9], n[10], n[11] = 0, 0, 0, 0
	if last {
		n[11] = 1
	}
	return n[:]
}

// fill reads from src until buf is full or src ends; one byte beyond a chunk
// tells the readers whether the chunk in hand is the last.
func fill(src io.Reader, buf []byte, have *int, done *bool) error {
	for !*done && *have < len(buf) {
		n, err := src.Read(buf[*have:])
		*have += n
		if err == io.EOF {
			*done = true
		} else if err != nil {
			return err
		}
	}
	return nil
}

// sealReader reads one byte ahead so it knows which chunk is the last.
type sealReader struct {
	aead    cipher.AEAD
	src     io.Reader
	buf     []byte // holds up to one chunk plus one look-ahead byte
	have    int
	out     []byte // what is left of the last sealed chunk for the caller
	sealed  []byte // out's backing array, reused from chunk to chunk
	nonce   [12]byte
	index   uint64
	done    bool
	srcDone bool
}

// Read seals a chunk straight into p when p has room for it (an upload reads
// a part at a time), and otherwise through r.sealed; no chunk allocates.
func (r *sealReader) Read(p []byte) (int, error) {
	for len(r.out) == 0 {
		if r.done {
			return 0, io.EOF
		}
		if err := fill(r.src, r.buf, &r.have, &r.srcDone); err != nil {
			return 0, err
		}
		take := min(r.have, sealChunk)
		last := r.srcDone && r.have <= sealChunk
		direct := len(p) >= take+r.aead.Overhead()
		dst := r.sealed[:0]
		if direct {
			dst = p[:0]
		}
		out := r.aead.Seal(dst, chunkNonce(&r.nonce, r.index, last), r.buf[:take], nil)
		r.index++
		copy(r.buf, r.buf[take:r.have])
		r.have -= take
		r.done = last
		if direct {
			return len(out), nil
		}
		r.sealed, r.out = out, out
	}
	n := copy(p, r.out)
	r.out = r.out[n:]
	return n, nil
}

type openReader struct {
	aead    cipher.AEAD
	src     io.Reader
	buf     []byte
	have    int
	out     []byte // what is left of the last opened chunk for the caller
	opened  []byte // out's backing array, reused from chunk to chunk
	nonce   [12]byte
	index   uint64
	done    bool
	srcDone bool
}

var errSealBroken = errors.New("sealed document is damaged or was tampered with")

func (r *openReader) Read(p []byte) (int, error) {
	chunk := sealChunk + r.aead.Overhead()
	for len(r.out) == 0 {
		if r.done {
			return 0, io.EOF
		}
		if err := fill(r.src, r.buf, &r.have, &r.srcDone); err != nil {
			return 0, err
		}
		take := min(r.have, chunk)
		last := r.srcDone && r.have <= chunk
		if take < r.aead.Overhead() {
			return 0, errSealBroken
		}
		out, err := r.aead.Open(r.opened[:0], chunkNonce(&r.nonce, r.index, last), r.buf[:take], nil)
		if err != nil {
			return 0, errSealBroken
		}
		r.opened, r.out = out, out
		r.index++
		copy(r.buf, r.buf[take:r.have])
		r.have -= take
		r.done = last
	}
	n := copy(p, r.out)
	r.out = r.out[n:]
	return n, nil
}

// SealValue encrypts a small value (a bid's price or summary, a draw secret,
// the receipt key) with AES-256-GCM under a fresh data key wrapped by the
// key-encryption key, as the documents are. label binds the value to its
// use, so a sealed price cannot be passed off as a summary. The result is the
// wrapped key followed by the nonce and the ciphertext.
func (s *Sealer) SealValue(plain []byte, label string) ([]byte, error) {
	dek := make([]byte, 32)
	if _, err := rand.Read(dek); err != nil {
		return nil, err
	}
	kn := make([]byte, s.kek.NonceSize())
	if _, err := rand.Read(kn); err != nil {
		return nil, err
	}
	out := s.kek.Seal(kn, kn, dek, []byte("lsmz-portal value key|"+label))
	aead, err := newGCM(dek)
	if err != nil {
		return nil, err
	}
	vn := make([]byte, aead.NonceSize())
	if _, err := rand.Read(vn); err != nil {
		return nil, err
	}
	out = append(out, vn...)
	return aead.Seal(out, vn, plain, []byte(label)), nil
}

// wrappedValueKey is the length of the wrapped data key at the start of a sealed value.
const wrappedValueKey = 12 + 32 + 16

// OpenValue decrypts what SealValue returned for the same label.
func (s *Sealer) OpenValue(sealed []byte, label string) ([]byte, error) {
	if len(sealed) < wrappedValueKey+12+16 {
		return nil, errSealBroken
	}
	ns := s.kek.NonceSize()
	dek, err := s.kek.Open(nil, sealed[:ns], sealed[ns:wrappedValueKey], []byte("lsmz-portal value key|"+label))
	if err != nil {
		return nil, fmt.Errorf("sealed value: cannot unwrap its key (wrong PORTAL_SEAL_KEY?): %w", err)
	}
	aead, err := newGCM(dek)
	if err != nil {
		return nil, err
	}
	rest := sealed[wrappedValueKey:]
	plain, err := aead.Open(nil, rest[:aead.NonceSize()], rest[aead.NonceSize():], []byte(label))
	if err != nil {
		return nil, errSealBroken
	}
	return plain, nil
}
