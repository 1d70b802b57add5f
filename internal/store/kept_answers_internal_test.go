package store

import (
	"fmt"
	"testing"
	"time"
)

// An answer is used for its time to live, then asked again; past the most
// answers kept, the old ones are dropped rather than kept forever.
func TestKeptAnswersLiveTheirTimeAndStayBounded(t *testing.T) {
	var c keptAnswers[bool]
	t0 := time.Date(2026, 12, 5, 4, 0, 0, 0, time.UTC)
	if _, ok := c.get("k", t0, narrowTTL); ok {
		t.Fatal("an answer before any probe")
	}
	c.put("k", true, t0, narrowKept)
	if narrow, ok := c.get("k", t0.Add(narrowTTL-time.Second), narrowTTL); !ok || !narrow {
		t.Errorf("within the minute: %v, %v, want true, true", narrow, ok)
	}
	if _, ok := c.get("k", t0.Add(narrowTTL), narrowTTL); ok {
		t.Error("the answer is still used after its time to live")
	}
	for i := range narrowKept {
		c.put(fmt.Sprint(i), false, t0, narrowKept)
	}
	if n := c.len(); n > narrowKept {
		t.Errorf("%d answers kept, want at most %d", n, narrowKept)
	}
}
