package handlers

import (
	"context"
	"sync"
	"time"

	"github.com/linshu/portal/storage"
)

// versionTTL is how long an instance trusts what it last read of a user's
// token version: a deactivation, a new password or a new role ends the user's
// access tokens on every instance within this time (SPEC §8.5: 5 seconds).
const versionTTL = 2 * time.Second

// tokenVersions caches each user's token version and standing for versionTTL.
type tokenVersions struct {
	store *storage.Store
	now   func() time.Time
	mu    sync.Mutex
	seen  map[string]versionEntry
}

type versionEntry struct {
	version int
	active  bool
	at      time.Time
}

func newTokenVersions(store *storage.Store) *tokenVersions {
	return &tokenVersions{store: store, now: time.Now, seen: map[string]versionEntry{}}
}

// check refuses a token whose version is not the user's current one, or whose user is gone or inactive.
func (v *tokenVersions) check(ctx context.Context, userID string, version int) error {
	now := v.now()
	v.mu.Lock()
	e, ok := v.seen[userID]
	v.mu.Unlock()
	// A token newer than what the cache holds was issued after it was read
	// (a login after a reactivation or a new password): read again.
	if !ok || now.Sub(e.at) > versionTTL || version > e.version {
		current, active, err := v.store.TokenVersion(ctx, userID)
		if err != nil {
			return err
		}
		e = versionEntry{version: current, active: active, at: now}
		v.mu.Lock()
		if len(v.seen) > 50000 {
			for id, old := range v.seen {
				if now.Sub(old.at) > versionTTL {
					delete(v.seen, id)
				}
			}
		}
		v.seen[userID] = e
		v.mu.Unlock()
	}
	if !e.active || e.version != version {
		return errTokenInvalid
	}
	return nil
}

// forget drops what this instance knows of a user, so its own changes take effect at once.
func (v *tokenVersions) forget(userID string) {
	v.mu.Lock()
	delete(v.seen, userID)
	v.mu.Unlock()
}
