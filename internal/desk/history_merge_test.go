package desk_test

import (
	"sync"
	"testing"
	"time"

	"github.com/palier/palier/internal/desk"
)

// The simulator's calibration walks each timeline in the order things
// happened: on a ticket that received a merge, the copied messages count
// when they were written, not when the merge copied them.
func TestCalibrationReadsAMergedTimelineInTimeOrder(t *testing.T) {
	eachDesk(t, func(t *testing.T, env deskTest) {
		var mu sync.Mutex
		base := time.Now().Add(24 * time.Hour).Truncate(time.Millisecond)
		now := base
		env.s.SetClock(func() time.Time { mu.Lock(); defer mu.Unlock(); return now })
		at := func(dt time.Duration) { mu.Lock(); now = base.Add(dt); mu.Unlock() }
		target, err := env.d.CreateTicket(env.ctx, env.lead, desk.NewTicket{Subject: "Facture", Body: "Facturée deux fois.", CustomerID: env.f.Customer["alice"].ID,
			RequestType: "billing", TierID: env.f.Tier["L1"].ID, TeamID: env.f.Team["L1"].ID})
		if err != nil {
			t.Fatal(err)
		}
		at(time.Minute) // the duplicate comes later: the history tells them apart by creation
		dup := aliceDuplicate(t, env.ctx, env.d, env.lead, env.f, "Je relance.")
		at(time.Hour)
		if _, _, err := env.d.Note(env.ctx, env.lead, dup.ID, "Vu à +1 h."); err != nil {
			t.Fatal(err)
		}
		at(2 * time.Hour)
		if _, _, err := env.d.Note(env.ctx, env.lead, target.ID, "Vu à +2 h."); err != nil {
			t.Fatal(err)
		}
		at(3 * time.Hour)
		if _, err := env.d.MergeTickets(env.ctx, env.lead, target.ID, []int64{dup.ID}); err != nil {
			t.Fatal(err)
		}
		history, err := env.d.History(env.ctx, env.lead, 100)
		if err != nil {
			t.Fatal(err)
		}
		for _, h := range history {
			if !h.Created.Equal(target.CreatedAt) || h.Type != "billing" {
				continue
			}
			// L1 worked it from the note at +1 h (copied from the
			// duplicate) to the merge's notice at +3 h.
			if len(h.Spans) != 1 || !h.Spans[0].Start.Equal(base.Add(time.Hour)) || !h.Spans[0].End.Equal(base.Add(3*time.Hour)) {
				t.Errorf("the kept ticket's stretches: %+v; want L1 from %s to %s", h.Spans, base.Add(time.Hour), base.Add(3*time.Hour))
			}
			return
		}
		t.Fatalf("the kept ticket is not in the history: %+v", history)
	})
}
