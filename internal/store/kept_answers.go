package store

import (
	"sync"
	"time"
)

// keptAnswers keeps, a short while, the answers of bounded probes that
// only choose how a read is made: whether a viewer's access keys select
// few search documents (sqAccessMatch), whether a search word is common
// (searchCounts). Such an answer gone stale may choose a slower reading
// for a while, never a different result. The zero value is ready to use.
type keptAnswers[V any] struct {
	mu   sync.Mutex
	seen map[string]keptAnswer[V]
}

type keptAnswer[V any] struct {
	v  V
	at time.Time
}

// get returns the answer kept for key when it is younger than ttl.
func (c *keptAnswers[V]) get(key string, now time.Time, ttl time.Duration) (V, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.seen[key]
	if !ok || now.Sub(e.at) >= ttl {
		var zero V
		return zero, false
	}
	return e.v, true
}

// put keeps v for key. Past most answers kept, all are dropped and the
// count starts over: a bound on memory that costs, once in a while, one
// probe per key asked again.
func (c *keptAnswers[V]) put(key string, v V, now time.Time, most int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.seen == nil || len(c.seen) >= most {
		c.seen = make(map[string]keptAnswer[V])
	}
	c.seen[key] = keptAnswer[V]{v, now}
}

// len is how many answers are kept (tests).
func (c *keptAnswers[V]) len() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.seen)
}
