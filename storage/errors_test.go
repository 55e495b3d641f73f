package storage_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/linshu/portal/storage/storagetest"
	"github.com/linshu/portal/tender"
)

// TestErrorsCarryContext: reads and writes name what they were doing and the
// id, and the cause stays matchable with errors.Is and errors.As.
func TestErrorsCarryContext(t *testing.T) {
	ctx := context.Background()
	s := storagetest.NewStore(t)
	const missing = "00000000-0000-0000-0000-000000000000"
	admin := tender.Actor{UserID: "test", Role: tender.RoleAdmin}
	for _, tc := range []struct {
		prefix string
		err    error
	}{
		{"contracts: get " + missing + ": ", func() error { _, err := s.Contract(ctx, missing); return err }()},
		{"organizations: get " + missing + ": ", func() error { _, err := s.Organization(ctx, missing); return err }()},
		{"users: get " + missing + ": ", func() error { _, err := s.User(ctx, missing); return err }()},
		{"needs: get " + missing + ": ", func() error { _, err := s.Need(ctx, missing); return err }()},
		{"organizations: decide organization " + missing + ": ", func() error {
			_, err := s.DecideOrganization(ctx, admin, missing, "approve", "")
			return err
		}()},
		{"documents: remove document " + missing + ": ", s.RemoveDocument(ctx, admin, missing)},
	} {
		if tc.err == nil || !strings.HasPrefix(tc.err.Error(), tc.prefix) {
			t.Errorf("error %v, want it to start with %q", tc.err, tc.prefix)
		}
		if !errors.Is(tc.err, tender.ErrNotFound) {
			t.Errorf("%s: errors.Is(not found) is false", tc.prefix)
		}
		if e, ok := tender.AsError(tc.err); !ok || e.Code != tender.CodeNotFound {
			t.Errorf("%s: no tender.Error not_found inside: %v", tc.prefix, tc.err)
		}
	}
}
