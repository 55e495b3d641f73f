package storage

import (
	"bytes"
	"crypto/rand"
	"encoding/base64"
	"io"
	"testing"
)

func testSealer(t *testing.T) *Sealer {
	key := make([]byte, 32)
	rand.Read(key)
	s, err := NewSealer(base64.StdEncoding.EncodeToString(key))
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestSealRoundTrip(t *testing.T) {
	s := testSealer(t)
	for _, size := range []int{1, 100, sealChunk - 1, sealChunk, sealChunk + 1, 3*sealChunk + 17} {
		plain := make([]byte, size)
		rand.Read(plain)
		r, wrapped, err := s.Seal(bytes.NewReader(plain))
		if err != nil {
			t.Fatal(err)
		}
		ct, err := io.ReadAll(r)
		if err != nil {
			t.Fatal(err)
		}
		if size >= 16 && bytes.Contains(ct, plain[:min(size, 64)]) { // a byte or two may turn up in random ciphertext by chance
			t.Fatalf("size %d: ciphertext contains plaintext", size)
		}
		or, err := s.Open(bytes.NewReader(ct), wrapped)
		if err != nil {
			t.Fatal(err)
		}
		got, err := io.ReadAll(or)
		if err != nil || !bytes.Equal(got, plain) {
			t.Fatalf("size %d: round trip failed: %v", size, err)
		}
	}
}

func TestSealDetectsTampering(t *testing.T) {
	s := testSealer(t)
	plain := bytes.Repeat([]byte("投标文件"), 50000) // several chunks
	r, wrapped, _ := s.Seal(bytes.NewReader(plain))
	ct, _ := io.ReadAll(r)
	chunk := sealChunk + 16
	cases := map[string][]byte{
		"flipped bit":     append(append([]byte{}, ct[:10]...), append([]byte{ct[10] ^ 1}, ct[11:]...)...),
		"truncated":       ct[:2*chunk],
		"dropped chunk":   append(append([]byte{}, ct[:chunk]...), ct[2*chunk:]...),
		"reordered chunk": append(append(append([]byte{}, ct[chunk:2*chunk]...), ct[:chunk]...), ct[2*chunk:]...),
	}
	for name, bad := range cases {
		or, err := s.Open(bytes.NewReader(bad), wrapped)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := io.ReadAll(or); err == nil {
			t.Errorf("%s: tampering not detected", name)
		}
	}
	other := testSealer(t)
	if _, err := other.Open(bytes.NewReader(ct), wrapped); err == nil {
		t.Error("a different seal key unwrapped the document key")
	}
}

func TestSealValue(t *testing.T) {
	s := testSealer(t)
	sealed, err := s.SealValue([]byte("128000"), "price")
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(sealed, []byte("128000")) {
		t.Fatal("the plaintext shows in the sealed value")
	}
	got, err := s.OpenValue(sealed, "price")
	if err != nil || string(got) != "128000" {
		t.Fatalf("OpenValue = %q, %v", got, err)
	}
	if _, err := s.OpenValue(sealed, "summary"); err == nil {
		t.Error("a value sealed as price opens as summary")
	}
	if _, err := testSealer(t).OpenValue(sealed, "price"); err == nil {
		t.Error("another seal key opens the value")
	}
	broken := bytes.Clone(sealed)
	broken[len(broken)-1] ^= 1
	if _, err := s.OpenValue(broken, "price"); err == nil {
		t.Error("a tampered value opens")
	}
	if _, err := s.OpenValue(sealed[:20], "price"); err == nil {
		t.Error("a truncated value opens")
	}
}
