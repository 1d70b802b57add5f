package store

import (
	"fmt"
	"testing"
	"time"
)

// A probe's answer is used for narrowTTL, then asked again; past
// narrowKept answers the old ones are dropped rather than kept forever.
func TestNarrowViewersKeepAnAnswerAMinute(t *testing.T) {
	var c narrowViewers
	t0 := time.Date(2026, 12, 5, 4, 0, 0, 0, time.UTC)
	if _, ok := c.get("k", t0); ok {
		t.Fatal("an answer before any probe")
	}
	c.put("k", true, t0)
	if narrow, ok := c.get("k", t0.Add(narrowTTL-time.Second)); !ok || !narrow {
		t.Errorf("within the minute: %v, %v, want true, true", narrow, ok)
	}
	if _, ok := c.get("k", t0.Add(narrowTTL)); ok {
		t.Error("the answer is still used after narrowTTL")
	}
	for i := range narrowKept {
		c.put(fmt.Sprint(i), false, t0)
	}
	if len(c.seen) > narrowKept {
		t.Errorf("%d answers kept, want at most %d", len(c.seen), narrowKept)
	}
}
