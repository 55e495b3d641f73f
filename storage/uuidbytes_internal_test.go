package storage

import "testing"

// TestUUIDBytes: panelSheets looks the ids uuid_send sends up by uuidBytes of
// the text ids, and names an unknown one by uuidText.
func TestUUIDBytes(t *testing.T) {
	const id = "06ec0465-fd91-4bc2-8135-c720aceaab1f"
	b := uuidBytes(id)
	want := "\x06\xec\x04\x65\xfd\x91\x4b\xc2\x81\x35\xc7\x20\xac\xea\xab\x1f"
	if b != want {
		t.Fatalf("uuidBytes(%s) = %x, want %x", id, b, want)
	}
	if got := uuidText([]byte(b)); got != id {
		t.Errorf("uuidText = %s, want %s", got, id)
	}
	for _, bad := range []string{"", "06ec0465", "not-a-uuid-at-all-not-a-uuid-at-all!"} {
		if got := uuidBytes(bad); got != "" {
			t.Errorf("uuidBytes(%q) = %x, want \"\"", bad, got)
		}
	}
}
