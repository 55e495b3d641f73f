package storage

import "context"

// BigramFreq exposes the cached token statistics to the external tests.
func (s *Store) BigramFreq(ctx context.Context) map[string]float64 { return s.bigramFreq(ctx) }
