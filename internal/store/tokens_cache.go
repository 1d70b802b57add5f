package store

import (
	"slices"
	"sync"
	"time"

	"github.com/palier/palier/internal/auth"
)

// Authentication ran one statement per API request (tokenActorQuery): on
// PostgreSQL a round trip of its own for every ticket taken in, with its
// protocol messages, executor start and goroutine wake-ups on both sides.
// What it reads changes rarely, so a live token's actor is kept in memory
// for a short while.
//
// How stale it may be:
//   - a change made through this store (a deactivation, a change of role,
//     teams or tiers: each writes an audit row or moves the setup version,
//     and both forget every kept actor) is seen by the next request that
//     starts after its statement; a request that read the token between
//     that statement and the commit keeps the old actor, for tokenCacheTTL
//     at most. A revocation forgets again after its commit: it holds from
//     the next request;
//   - a change made by another instance sharing the database holds within
//     tokenCacheTTL;
//   - an expiry is checked at every use, against the store's clock;
//   - a refused token (unknown, revoked, expired, inactive agent) is never
//     kept: it is read again at each request, as before.
//
// When the token was last used is still written at most once a minute.

// tokenCacheTTL bounds how long a kept actor is trusted without reading the
// database again: the staleness another instance's change may see. At 1,000
// requests a second on one token it leaves one read a second.
const tokenCacheTTL = time.Second

// tokenCacheMax bounds the memory the cache holds; when full it starts over.
// Only live tokens are kept, so only their holders can fill it.
const tokenCacheMax = 10_000

// tokenCache maps a token's hash to what was read of it. The zero value is
// ready to use.
type tokenCache struct {
	mu      sync.Mutex
	gen     uint64 // moves with every change made through this store
	entries map[string]tokenEntry
	// clock measures the entries' age, never the store's clock, which
	// tests stop or move by hours. nil: time.Now (monotonic).
	clock func() time.Time
}

// tokenEntry is a live token as read: its actor, expiry and last use.
type tokenEntry struct {
	actor   auth.Actor
	id      int64
	expires time.Time // zero: never
	used    time.Time // zero: never
	readAt  time.Time // tokenCache.clock's
	gen     uint64    // tokenCache.gen when the read began
}

func (c *tokenCache) now() time.Time {
	if c.clock != nil {
		return c.clock()
	}
	return time.Now()
}

// get returns the entry of hash when it is still to be trusted.
func (c *tokenCache) get(hash string) (tokenEntry, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.entries[hash]
	if !ok || e.gen != c.gen || c.now().Sub(e.readAt) >= tokenCacheTTL {
		return tokenEntry{}, false
	}
	return e, true
}

// begin stamps a read about to start: an entry read across a change made
// through this store carries the generation before it, so it is not used.
func (c *tokenCache) begin() (gen uint64, at time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.gen, c.now()
}

func (c *tokenCache) put(hash string, e tokenEntry) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if e.gen != c.gen {
		return
	}
	if c.entries == nil || len(c.entries) >= tokenCacheMax {
		c.entries = map[string]tokenEntry{}
	}
	c.entries[hash] = e
}

// forget drops every entry: something an actor is made of may have changed.
func (c *tokenCache) forget() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.gen++
	clear(c.entries)
}

// claimTouch reports whether this request should write the token's last
// use (at now, by the store's clock), and notes it in the entry so that the
// requests arriving together do not all write it.
func (c *tokenCache) claimTouch(hash string, e tokenEntry, now time.Time) bool {
	if !e.used.IsZero() && now.Sub(e.used) < tokenTouchEvery {
		return false
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if kept, ok := c.entries[hash]; ok && kept.id == e.id {
		if !kept.used.IsZero() && now.Sub(kept.used) < tokenTouchEvery {
			return false // another request claimed it meanwhile
		}
		kept.used = now
		c.entries[hash] = kept
	}
	return true
}

// actorOf returns the entry's actor with lists of its own: a caller may
// append to them.
func (e tokenEntry) actorOf() auth.Actor {
	a := e.actor
	a.TeamIDs, a.TierIDs = slices.Clone(a.TeamIDs), slices.Clone(a.TierIDs)
	return a
}
