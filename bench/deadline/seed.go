package main

import (
	"context"
	"fmt"

	"github.com/lib/pq"

	"github.com/linshu/portal/storage"
	"github.com/linshu/portal/tender"
)

// org is one bidding organization and its user's access token.
type org struct {
	id, name, uscc string
	userID         string
	username       string
	token          string
}

// benchCommunity is the registered community (SPEC §7.1) of every seeded
// organization and of the bench tenders.
const benchCommunity = "临沭街道兴大社区"

// registerCommunity registers benchCommunity as the bureau does and returns its id.
func registerCommunity(ctx context.Context, store *storage.Store) (string, error) {
	c, err := store.CreateCommunity(ctx, tender.Actor{UserID: "bench", Role: tender.RoleAdmin, Name: "bench"},
		tender.Community{Name: benchCommunity, Town: "临沭街道", Kind: tender.CommunityUrban})
	if err != nil {
		return "", fmt.Errorf("community %s: %w", benchCommunity, err)
	}
	return c.ID, nil
}

// seedOrgs inserts n approved organizations of the community communityID and
// one org user each, directly with SQL (registration and approval through the
// API would cost n bcrypt hashes and n logins). They have what the bench
// tenders require: social_work_agency, registered, 3 social workers.
func seedOrgs(ctx context.Context, store *storage.Store, communityID string, n int) ([]org, error) {
	hash, err := storage.HashPassword("bench-org-password-2026") // once, shared by every user
	if err != nil {
		return nil, err
	}
	orgs := make([]org, n)
	names := make([]string, n)
	usccs := make([]string, n)
	byUSCC := make(map[string]int, n)
	for i := range orgs {
		prefix := fmt.Sprintf("52371329MJ%07d", i+1)
		c, ok := tender.USCCCheckChar(prefix)
		if !ok {
			return nil, fmt.Errorf("uscc prefix %s", prefix)
		}
		orgs[i].uscc = prefix + string(c)
		if !tender.ValidUSCC(orgs[i].uscc) {
			return nil, fmt.Errorf("uscc %s is not valid", orgs[i].uscc)
		}
		orgs[i].name = fmt.Sprintf("临沭县第%04d社会工作服务中心", i+1)
		orgs[i].username = fmt.Sprintf("bidder%04d", i+1)
		names[i], usccs[i] = orgs[i].name, orgs[i].uscc
		byUSCC[orgs[i].uscc] = i
	}
	tx, err := store.DB().BeginTxx(ctx, nil)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	rows, err := tx.QueryContext(ctx, `INSERT INTO organizations (name, uscc, type, registration, community_id,
			legal_representative, contact_phone, staff_total, social_workers, status)
		SELECT n, u, 'social_work_agency', 'registered', $3::uuid, '王丽', '0539-6210001', 10, 3, 'approved'
		FROM unnest($1::text[], $2::text[]) AS t(n, u)
		RETURNING id, uscc`, pq.Array(names), pq.Array(usccs), communityID)
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		var id, uscc string
		if err := rows.Scan(&id, &uscc); err != nil {
			rows.Close()
			return nil, err
		}
		orgs[byUSCC[uscc]].id = id
	}
	if err := rows.Close(); err != nil {
		return nil, err
	}
	usernames := make([]string, n)
	orgIDs := make([]string, n)
	byUsername := make(map[string]int, n)
	for i, o := range orgs {
		usernames[i], orgIDs[i] = o.username, o.id
		byUsername[o.username] = i
	}
	rows, err = tx.QueryContext(ctx, `INSERT INTO users (username, password_hash, role, name, org_id)
		SELECT u, $1, 'org', n, o::uuid FROM unnest($2::text[], $3::text[], $4::text[]) AS t(u, n, o)
		RETURNING id, username`, hash, pq.Array(usernames), pq.Array(names), pq.Array(orgIDs))
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		var id, username string
		if err := rows.Scan(&id, &username); err != nil {
			rows.Close()
			return nil, err
		}
		orgs[byUsername[username]].userID = id
	}
	if err := rows.Close(); err != nil {
		return nil, err
	}
	if err := tx.Commit(); err != nil {
		return nil, err
	}
	for _, o := range orgs {
		if o.id == "" || o.userID == "" {
			return nil, fmt.Errorf("organization %s was not inserted", o.username)
		}
	}
	return orgs, nil
}
