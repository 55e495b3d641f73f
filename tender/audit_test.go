package tender

import (
	"encoding/json"
	"testing"
	"time"
)

func TestCanonicalJSONSortsKeys(t *testing.T) {
	a, _ := CanonicalJSON([]byte(`{"b":1, "a":{"d":2,"c":"价"}}`))
	b, _ := CanonicalJSON([]byte(`{"a":{"c":"价","d":2},"b":1}`))
	if string(a) != string(b) || string(a) != `{"a":{"c":"价","d":2},"b":1}` {
		t.Fatalf("not canonical: %s vs %s", a, b)
	}
}

func TestComputeHashChangesWithEveryField(t *testing.T) {
	at := time.Date(2026, 11, 27, 10, 0, 0, 123456789, time.UTC)
	e := AuditEntry{Stream: "tender:1", Seq: 1, ActorID: "u", ActorRole: "admin", Action: "publish",
		Entity: "tender", EntityID: "1", At: at, Details: json.RawMessage(`{"x":1}`)}
	h0, err := e.ComputeHash("")
	if err != nil {
		t.Fatal(err)
	}
	// Nanoseconds below a microsecond are not kept by PostgreSQL and must not change the hash.
	e2 := e
	e2.At = at.Truncate(time.Microsecond)
	if h, err := e2.ComputeHash(""); err != nil || h != h0 {
		t.Fatal("hash depends on sub-microsecond time")
	}
	mutations := []func(*AuditEntry){
		func(x *AuditEntry) { x.Seq = 2 },
		func(x *AuditEntry) { x.ActorID = "v" },
		func(x *AuditEntry) { x.Action = "cancel" },
		func(x *AuditEntry) { x.EntityID = "2" },
		func(x *AuditEntry) { x.At = x.At.Add(time.Microsecond) },
		func(x *AuditEntry) { x.Details = json.RawMessage(`{"x":2}`) },
	}
	for i, m := range mutations {
		x := e
		m(&x)
		if h, err := x.ComputeHash(""); err != nil || h == h0 {
			t.Errorf("mutation %d did not change the hash", i)
		}
	}
	if h, err := e.ComputeHash("prev"); err != nil || h == h0 {
		t.Error("previous hash is not part of the link")
	}
}

func TestHundredthsJSON(t *testing.T) {
	var h Hundredths
	if err := json.Unmarshal([]byte(`33.335`), &h); ErrorCode(err) != CodeValidationFailed {
		t.Fatalf("three decimals: %v", err)
	}
	if err := json.Unmarshal([]byte(`33.30`), &h); err != nil || h != 3330 {
		t.Fatalf("33.30: %v %d", err, h)
	}
	if b, _ := json.Marshal(Hundredths(-5)); string(b) != "-0.05" {
		t.Fatalf("marshal: %s", b)
	}
}
