package storage

import (
	"context"

	"github.com/minio/minio-go/v7"
)

// BigramFreq exposes the cached token statistics to the external tests.
func (s *Store) BigramFreq(ctx context.Context) map[string]float64 {
	st, _ := s.searchStats(ctx)
	return st.freq
}

// ForceSearchWay makes every search walk ("walk") or use the bigram index
// ("index"); "" lets the statistics choose.
func (s *Store) ForceSearchWay(way string) {
	s.stats.mu.Lock()
	defer s.stats.mu.Unlock()
	s.stats.way = map[string]searchWay{"walk": walkWay, "index": indexWay}[way]
}

// SearchUsesIndex tells which way a search of q with a page of limit rows takes.
func (s *Store) SearchUsesIndex(ctx context.Context, q string, limit int) bool {
	return s.planSearch(ctx, q, limit).index
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
