package storage

import (
	"bytes"
	"crypto/rand"
	"encoding/base64"
	"io"
	"runtime"
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

// readAllWith reads r to the end n bytes at a time.
func readAllWith(r io.Reader, n int) ([]byte, error) {
	var out []byte
	p := make([]byte, n)
	for {
		k, err := r.Read(p)
		out = append(out, p[:k]...)
		if err == io.EOF {
			return out, nil
		}
		if err != nil {
			return out, err
		}
	}
}

// TestSealReadSizes seals and opens with reads smaller than a chunk, of a
// chunk and more (a sealed chunk then goes straight into the caller's buffer),
// as an upload's 8 MiB parts and a download's small reads do.
func TestSealReadSizes(t *testing.T) {
	s := testSealer(t)
	plain := make([]byte, 5*sealChunk+333)
	rand.Read(plain)
	var want []byte
	for _, n := range []int{1, 1000, sealChunk, sealChunk + 16, sealChunk + 17, 3 * sealChunk, 8 << 20} {
		r, wrapped, err := s.Seal(bytes.NewReader(plain))
		if err != nil {
			t.Fatal(err)
		}
		ct, err := readAllWith(r, n)
		if err != nil {
			t.Fatal(err)
		}
		if want != nil && len(ct) != len(want) {
			t.Fatalf("reads of %d: %d bytes of ciphertext, not %d", n, len(ct), len(want))
		}
		want = ct
		for _, m := range []int{1, 1000, sealChunk, 8 << 20} {
			or, err := s.Open(bytes.NewReader(ct), wrapped)
			if err != nil {
				t.Fatal(err)
			}
			got, err := readAllWith(or, m)
			if err != nil || !bytes.Equal(got, plain) {
				t.Fatalf("sealed in reads of %d, opened in reads of %d: round trip failed: %v", n, m, err)
			}
		}
	}
}

// TestSealDoesNotAllocatePerChunk: sealing or opening 4 MiB (64 chunks) in
// large reads allocates about one chunk, not one per chunk (4 MiB of garbage
// per 4 MiB uploaded, as when the output slice was re-made for every chunk).
func TestSealDoesNotAllocatePerChunk(t *testing.T) {
	s := testSealer(t)
	plain := make([]byte, 4<<20)
	rand.Read(plain)
	p := make([]byte, 1<<20)
	drain := func(r io.Reader) {
		for {
			if _, err := r.Read(p); err != nil {
				return
			}
		}
	}
	allocated := func(f func()) uint64 {
		var a, b runtime.MemStats
		runtime.ReadMemStats(&a)
		f()
		runtime.ReadMemStats(&b)
		return b.TotalAlloc - a.TotalAlloc
	}
	var ct, wrapped []byte
	sealing := allocated(func() {
		r, w, err := s.Seal(bytes.NewReader(plain))
		if err != nil {
			t.Fatal(err)
		}
		wrapped = w
		drain(r)
	})
	r, _, _ := s.Seal(bytes.NewReader(plain))
	ct, _ = io.ReadAll(r)
	opening := allocated(func() {
		or, err := s.Open(bytes.NewReader(ct), wrapped)
		if err != nil {
			t.Fatal(err)
		}
		drain(or)
	})
	if sealing > 4*sealChunk || opening > 4*sealChunk {
		t.Fatalf("4 MiB allocated %d bytes sealing and %d opening; want < %d", sealing, opening, 4*sealChunk)
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

// TestSealedSize: SealedSize tells the length of what Seal makes, so a sealed
// document of declared size goes up in one PUT of the right Content-Length.
func TestSealedSize(t *testing.T) {
	s := testSealer(t)
	for _, size := range []int{0, 1, 100, sealChunk - 1, sealChunk, sealChunk + 1, 2 * sealChunk, 3*sealChunk + 17} {
		r, _, err := s.Seal(bytes.NewReader(make([]byte, size)))
		if err != nil {
			t.Fatal(err)
		}
		ct, err := io.ReadAll(r)
		if err != nil {
			t.Fatal(err)
		}
		if got := SealedSize(int64(size)); got != int64(len(ct)) {
			t.Errorf("size %d: SealedSize %d, Seal made %d bytes", size, got, len(ct))
		}
	}
}
