package storage

import (
	"context"
	"time"

	"github.com/minio/minio-go/v7"
)

// BigramFreq exposes the cached token statistics to the external tests.
func (s *Store) BigramFreq(ctx context.Context) map[string]float64 {
	st, _ := s.searchStats(ctx)
	return st.freq
}

// CreatedAtBounds is how many bounds the cached created_at histogram has
// (the window way needs two).
func (s *Store) CreatedAtBounds(ctx context.Context) int {
	st, _ := s.searchStats(ctx)
	return len(st.bounds)
}

// DeadlinePassedSQL is the late condition of bid changes (deadlinePassedSQL).
func DeadlinePassedSQL(past, open, at string) string { return deadlinePassedSQL(past, open, at) }

// ForceSearchWay makes every search walk ("walk"), use the bigram index
// ("index") or the index in a window of the newest tenders, first as small
// as a page and widened until it holds one ("window"); "" lets the
// statistics choose.
func (s *Store) ForceSearchWay(way string) {
	s.stats.mu.Lock()
	defer s.stats.mu.Unlock()
	s.stats.way = map[string]searchWay{"walk": walkWay, "index": indexWay, "window": windowWay}[way]
}

// SearchUsesIndex tells which way a search of q with a page of limit rows
// takes: the bigram index or the walk, and the index in a window of how many
// newest tenders (0: none).
func (s *Store) SearchUsesIndex(ctx context.Context, q string, limit int) (bool, float64) {
	p := s.planSearch(ctx, q, limit)
	return p.index, p.window
}

// StartMultipart begins a multipart upload and leaves it unfinished, as a killed portal would.
func (o *Objects) StartMultipart(ctx context.Context, key string) (string, error) {
	return minio.Core{Client: o.client}.NewMultipartUpload(ctx, o.bucket, key, minio.PutObjectOptions{})
}

// IncompleteUploads counts the unfinished multipart uploads of the bucket.
func (o *Objects) IncompleteUploads(ctx context.Context) (int, error) {
	n := 0
	for u := range o.client.ListIncompleteUploads(ctx, o.bucket, "", true) {
		if u.Err != nil {
			return n, u.Err
		}
		n++
	}
	return n, nil
}

// PartSize is the size of an upload's parts; HeadSize the largest upload of
// unknown size stored with one PUT.
const (
	PartSize = partSize
	HeadSize = headSize
)

// ETag is key's ETag: a multipart upload's ends in "-" and its number of parts.
func (o *Objects) ETag(ctx context.Context, key string) (string, error) {
	st, err := o.client.StatObject(ctx, o.bucket, key, minio.StatObjectOptions{})
	return st.ETag, err
}

// RetrySearchStatsNow lets the next search reload the statistics at once,
// as it would statsRetry after a failed reload.
func (s *Store) RetrySearchStatsNow() {
	s.stats.mu.Lock()
	defer s.stats.mu.Unlock()
	s.stats.retry = time.Time{}
}
