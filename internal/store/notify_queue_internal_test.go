package store

import (
	"errors"
	"slices"
	"testing"
)

// A statement carries whole calls, in the order they were queued, up to
// maxNotices payloads (a larger call alone).
func TestNoticeQueueGroupsWholeCallsInOrder(t *testing.T) {
	for _, tc := range []struct {
		name  string
		calls []int   // payloads per call, in order
		want  [][]int // the calls of each statement, by index
	}{
		{"one call", []int{1}, [][]int{{0}}},
		{"small calls share a statement", []int{2, 3, 1}, [][]int{{0, 1, 2}}},
		{"a call that would overflow waits for the next", []int{maxNotices - 1, 2, 1}, [][]int{{0}, {1, 2}}},
		{"exactly full", []int{maxNotices / 2, maxNotices / 2, 1}, [][]int{{0, 1}, {2}}},
		{"a call larger than a statement goes alone", []int{1, maxNotices + 5, 1}, [][]int{{0}, {1}, {2}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			q := noticeQueue{flushing: true} // no flush starts: the test takes the statements
			for i, n := range tc.calls {
				q.add(nil, notice{channel: "c", payloads: make([]string, n), done: func(err error) {
					t.Errorf("call %d answered early: %v", i, err)
				}})
				q.pending[len(q.pending)-1].channel = string(rune('a' + i)) // the call's mark
			}
			var got [][]int
			for b := q.next(); len(b) > 0; b = q.next() {
				var ids []int
				for _, n := range b {
					ids = append(ids, int(n.channel[0]-'a'))
				}
				got = append(got, ids)
			}
			if !slices.EqualFunc(got, tc.want, slices.Equal) {
				t.Fatalf("statements %v, want %v", got, tc.want)
			}
			if q.flushing || q.queued != 0 {
				t.Fatalf("emptied queue: flushing %v, queued %d", q.flushing, q.queued)
			}
		})
	}
}

// Callers no longer wait for their statement: past maxQueuedNotices
// waiting payloads a call is refused at once, and what waits is kept.
func TestNoticeQueueRefusesBeyondItsBound(t *testing.T) {
	q := noticeQueue{flushing: true} // a statement is in flight for ever
	var refused []int
	for i := range maxQueuedNotices/maxNotices + 2 {
		q.add(nil, notice{channel: "c", payloads: make([]string, maxNotices), done: func(err error) {
			if !errors.Is(err, errNoticeQueueFull) {
				t.Errorf("call %d: %v, want errNoticeQueueFull", i, err)
			}
			refused = append(refused, i)
		}})
	}
	if want := []int{maxQueuedNotices / maxNotices, maxQueuedNotices/maxNotices + 1}; !slices.Equal(refused, want) {
		t.Fatalf("refused calls %v, want %v", refused, want)
	}
	if q.queued != maxQueuedNotices || len(q.pending) != maxQueuedNotices/maxNotices {
		t.Fatalf("waiting %d payloads in %d calls", q.queued, len(q.pending))
	}
	// Once a statement takes some, new calls are queued again.
	q.next()
	q.add(nil, notice{channel: "c", payloads: []string{"x"}, done: func(err error) { t.Errorf("refused after room was made: %v", err) }})
	if q.queued != maxQueuedNotices-maxNotices+1 {
		t.Fatalf("waiting %d payloads after one statement and one call", q.queued)
	}
}
