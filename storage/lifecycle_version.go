package storage

import (
	"context"
	"fmt"
)

// LifecycleVersion labels the public lifecycle pages the handlers keep
// encoded (the project list, needs, the contract list, a contract's page and
// its evaluation page): the number of migration 00028's row, which moves
// at the commit of every change of a table those pages read; 00025's tender
// list number, which moves with every change of a tender or a community
// (their titles and names are on them); and the date at the database clock
// in Shanghai, the one instant a contract's red flags depend on. The same
// label means the same pages. Read it before the page it labels: the page is
// then at least as new as the label.
type LifecycleVersion struct {
	Lifecycle  int64  `db:"lifecycle"`
	TenderList int64  `db:"tender_list"`
	Day        string `db:"day"`
}

// LifecycleVersion reads the label, one single-row prepared statement.
func (s *Store) LifecycleVersion(ctx context.Context) (LifecycleVersion, error) {
	var v []LifecycleVersion
	if err := s.selectPrepared(ctx, &v, `SELECT l.n AS lifecycle, t.n AS tender_list,
		to_char(clock_timestamp() AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM-DD') AS day
		FROM lifecycle_version l, tender_list_version t`); err != nil {
		return LifecycleVersion{}, wrapf(mapError(err), "lifecycle version")
	}
	if len(v) != 1 {
		return LifecycleVersion{}, fmt.Errorf("lifecycle version: %d rows", len(v))
	}
	return v[0], nil
}
