package store

import (
	"math/rand/v2"
	"reflect"
	"slices"
	"testing"
)

// fakeSeek is the rows of one seek, counting the rows read from it.
type fakeSeek struct {
	rows   []seekKey
	read   int // rows Next has moved to
	closed bool
}

func (s *fakeSeek) Next() bool {
	if s.read == len(s.rows) {
		return false
	}
	s.read++
	return true
}

func (s *fakeSeek) Scan(dest ...any) error {
	r := s.rows[s.read-1]
	*dest[0].(*int64) = r.id
	if len(dest) > 1 {
		*dest[1].(*int64) = r.key
	}
	return nil
}

func (s *fakeSeek) Err() error   { return nil }
func (s *fakeSeek) Close() error { s.closed = true; return nil }

// mergeOf merges seeks as mergedPage does, and returns the ids and which
// seeks were run.
func mergeOf(t *testing.T, f Filter, seeks []*fakeSeek, phase []int, limit int) ([]int64, []bool) {
	t.Helper()
	opened := make([]bool, len(seeks))
	m := seekMerge{f: f, keyed: keyedSort(f.Sort), open: func(i int) (seekRows, error) {
		opened[i] = true
		return seeks[i], nil
	}}
	ids, err := m.pageIDs(phase, limit)
	if err != nil {
		t.Fatal(err)
	}
	for i, s := range seeks {
		if opened[i] && !s.closed {
			t.Errorf("seek %d left open", i)
		}
	}
	return ids, opened
}

// TestSeekMergeReadsWhatThePageNeeds checks the merge of a page's seeks
// (mergedPage) against the sort of all their rows: the first limit+1
// distinct tickets in the page's order, a ticket two seeks yield once. And
// that it reads no further than the page: no seek is stepped past the row
// after the last it gave the page, and the seeks of the levels below a
// priority cursor (phase 1) are not run when the rest of the cursor's
// level fills the page.
func TestSeekMergeReadsWhatThePageNeeds(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 5))
	for round := range 400 {
		f := Filter{Sort: Sorts[rng.IntN(len(Sorts))]}
		// Tickets 1..60, each with one key; seeks take random subsets
		// (some tickets in two seeks), each in the page's order.
		keyOf := map[int64]int64{}
		for id := int64(1); id <= 60; id++ {
			keyOf[id] = int64(rng.IntN(4))
		}
		seeks := make([]*fakeSeek, 1+rng.IntN(6))
		var all []seekKey
		for i := range seeks {
			seeks[i] = &fakeSeek{}
			for id := int64(1); id <= 60; id++ {
				if rng.IntN(4) == 0 {
					k := seekKey{id: id}
					if keyedSort(f.Sort) {
						k.key = keyOf[id]
					}
					seeks[i].rows = append(seeks[i].rows, k)
					all = append(all, k)
				}
			}
			slices.SortFunc(seeks[i].rows, f.compareKeys)
		}
		limit := 1 + rng.IntN(12)
		got, _ := mergeOf(t, f, seeks, make([]int, len(seeks)), limit)
		if want := f.pageIDs(all, limit); !reflect.DeepEqual(got, want) {
			t.Fatalf("round %d, sort %s, limit %d: ids %v, want %v", round, f.Sort, limit, got, want)
		}
		for i, s := range seeks {
			// Rows read: those up to the page's last ticket, and one more.
			n := len(s.rows)
			if len(got) > 0 {
				last := seekKey{id: got[len(got)-1]}
				if keyedSort(f.Sort) {
					last.key = keyOf[last.id]
				}
				n = 0
				for _, r := range s.rows {
					if f.compareKeys(r, last) <= 0 {
						n++
					}
				}
			}
			if s.read > n+1 {
				t.Fatalf("round %d, sort %s, limit %d: seek %d read %d rows, the page needs %d", round, f.Sort, limit, i, s.read, n+1)
			}
		}
	}

	// A priority page past its cursor (level 5 from ticket 10): seeks 0
	// and 1 read the rest of level 5, seeks 2 and 3 the levels below.
	f := Filter{Sort: "priority"}
	phased := func() []*fakeSeek {
		return []*fakeSeek{
			{rows: []seekKey{{11, 5}, {13, 5}, {15, 5}}},
			{rows: []seekKey{{12, 5}, {13, 5}}},
			{rows: []seekKey{{2, 4}, {30, 4}, {1, 3}}},
			{rows: []seekKey{{3, 4}}},
		}
	}
	ids, opened := mergeOf(t, f, phased(), []int{0, 0, 1, 1}, 3)
	if want := []int64{11, 12, 13, 15}; !reflect.DeepEqual(ids, want) {
		t.Errorf("level filling the page: ids %v, want %v", ids, want)
	}
	if opened[2] || opened[3] {
		t.Errorf("level filling the page: the levels below were read too (%v)", opened)
	}
	ids, opened = mergeOf(t, f, phased(), []int{0, 0, 1, 1}, 5)
	if want := []int64{11, 12, 13, 15, 2, 3}; !reflect.DeepEqual(ids, want) {
		t.Errorf("level short of the page: ids %v, want %v", ids, want)
	}
	if !opened[2] || !opened[3] {
		t.Errorf("level short of the page: the levels below were not read (%v)", opened)
	}
	// A seek reading both parts (a customer's tickets, phase -1): its rows
	// of the levels below may come before a phase-1 seek's, so every seek
	// is merged at once.
	mixed := []*fakeSeek{
		{rows: []seekKey{{11, 5}, {4, 4}}},
		{rows: []seekKey{{12, 5}}},
		{rows: []seekKey{{5, 4}}},
	}
	ids, _ = mergeOf(t, f, mixed, []int{-1, 0, 1}, 2)
	if want := []int64{11, 12, 4}; !reflect.DeepEqual(ids, want) {
		t.Errorf("a seek of both parts: ids %v, want %v", ids, want)
	}
}
