package store_test

import (
	"context"
	"runtime"
	"sync"
	"testing"
	"time"

	"github.com/palier/palier/internal/demo"
	"github.com/palier/palier/internal/desk"
	"github.com/palier/palier/internal/store"
	"github.com/palier/palier/internal/store/storetest"
)

// With one read connection, the contact form's journey runs to its end:
// the help centre's search, the form, its suggestions, the sending, and
// the agent's ticket page with « Déjà essayé » (the calls the pages of
// TestBrowserContactTicketShowsWhatWasTried make). A call that held a read
// connection (an open transaction, rows not closed) while it asked for
// another would wait here for ever; with a pool of N, N such requests at
// once would hang the server. Each call is bounded, so such a call fails
// the test by name.
func TestContactJourneyNeedsOneReadConnectionAtATime(t *testing.T) {
	storetest.Each(t, contactJourneyOnOneReader)
}

func contactJourneyOnOneReader(t *testing.T, s *store.Store) {
	store.ShrinkReadPool(s, 1)
	f := storetest.Seed(t, s)
	ws := f.WS.ID
	if _, err := demo.LoadKnowledgeBase(t.Context(), s, ws, f.Admin.ID); err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	now := time.Now()
	s.SetClock(func() time.Time { mu.Lock(); defer mu.Unlock(); return now })
	d := desk.New(s, nil)
	step := func(name string, call func(ctx context.Context) error) {
		t.Helper()
		ctx, cancel := context.WithTimeout(t.Context(), 20*time.Second)
		defer cancel()
		if err := call(ctx); err != nil {
			t.Fatalf("%s, with one read connection: %v", name, err)
		}
	}
	token := desk.NewJourneyToken()
	step("search the help centre", func(ctx context.Context) error {
		hits, err := d.PublicSearch(ctx, ws, "fr", "zzqx wqvv", 10)
		if err != nil {
			return err
		}
		return d.RecordJourneyStep(ctx, ws, token, desk.JourneyStep{Kind: desk.StepSearch, Detail: "zzqx wqvv", Hits: len(hits)})
	})
	var stamp string
	step("open the contact form", func(ctx context.Context) error {
		var err error
		if stamp, err = d.ContactStamp(ctx, ws); err != nil {
			return err
		}
		if _, err = d.ContactTypes(ctx, ws); err != nil {
			return err
		}
		if _, err = d.ContactFields(ctx, ws, ""); err != nil {
			return err
		}
		if _, err = d.ContactSettings(ctx, ws); err != nil {
			return err
		}
		_, err = d.RequiresHuman(ctx, ws, "", "", "", "fr")
		return err
	})
	step("type and see suggestions", func(ctx context.Context) error {
		_, _, err := d.ContactSuggestions(ctx, ws, "fr", "", "Mon export zzqx échoue", "L'export wqvv s'arrête à la moitié.", token)
		return err
	})
	mu.Lock()
	now = now.Add(5 * time.Second) // past ContactMinFill
	mu.Unlock()
	var ticketID int64
	step("send it", func(ctx context.Context) error {
		tk, err := d.SubmitContact(ctx, ws, desk.ContactForm{Name: "Chloé Martin", Email: "chloe@example.fr", Subject: "Mon export zzqx échoue",
			Description: "L'export wqvv s'arrête à la moitié.", Language: "fr", Journey: token, Stamp: stamp, Address: "192.0.2.7"})
		ticketID = tk.ID
		return err
	})
	lead := storetest.Actor(t, s, f.Lead)
	step("open the ticket as an agent", func(ctx context.Context) error {
		if _, err := d.Ticket(ctx, lead, ticketID); err != nil {
			return err
		}
		if _, err := d.Timeline(ctx, lead, ticketID, 0, 50); err != nil {
			return err
		}
		steps, err := d.TicketJourney(ctx, lead, ticketID)
		if err == nil && len(steps) == 0 {
			t.Errorf("the ticket's journey is empty: the search was not attached")
		}
		return err
	})
}

// TestReaders checks the read pool's size on both databases: one more
// than the cores by default, the number asked for otherwise, apart from
// the writers (one on SQLite, 32 on PostgreSQL); a negative number is
// refused before anything opens.
func TestReaders(t *testing.T) {
	ctx := t.Context()
	for _, d := range storetest.Dialects {
		t.Run(string(d), func(t *testing.T) {
			writers := 1
			if d == store.Postgres {
				writers = 32
			}
			for _, c := range []struct{ asked, want int }{{0, runtime.GOMAXPROCS(0) + 1}, {5, 5}, {1, 1}} {
				s, err := store.OpenWith(ctx, storetest.NewURL(t, d), "", store.Options{Readers: c.asked})
				if err != nil {
					t.Fatalf("readers %d: %v", c.asked, err)
				}
				read, write := store.PoolLimits(s)
				s.Close()
				if read != c.want || write != writers {
					t.Errorf("readers %d: pools of %d readers and %d writers, want %d and %d", c.asked, read, write, c.want, writers)
				}
			}
			if _, err := store.OpenWith(ctx, storetest.NewURL(t, d), "", store.Options{Readers: -1}); err == nil {
				t.Errorf("readers -1 accepted")
			}
		})
	}
}
