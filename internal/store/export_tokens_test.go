package store

import "time"

// TokenCacheTTL is tokenCacheTTL, for the test of the cache's bound.
const TokenCacheTTL = tokenCacheTTL

// SetTokenCacheClock replaces the clock that ages kept token actors.
func SetTokenCacheClock(s *Store, now func() time.Time) {
	s.tokens.mu.Lock()
	defer s.tokens.mu.Unlock()
	s.tokens.clock = now
}
