package store_test

import (
	"context"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/palier/palier/internal/store"
	"github.com/palier/palier/internal/store/storetest"
	"github.com/palier/palier/internal/ticket"
)

// A journey is started by its first step, keeps its steps in order,
// records a repeated step once, stops at its cap, and its summary follows
// its steps: the form reached, "solved" ending it as a deflection.
func TestJourneySteps(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := t.Context()
		f := storetest.Seed(t, s)
		ws := f.WS.ID
		const tok = "TOKENAAAAAAAAAAAAAAAAAAAAA"
		steps := []store.JourneyStep{
			{Kind: "search", Detail: "mot de passe", Hits: 3},
			{Kind: "search", Detail: "mot de passe", Hits: 3}, // the same again: once
			{Kind: "article_viewed", ArticleID: 7, Detail: "Réinitialiser"},
			{Kind: "form_started"},
			{Kind: "suggestion_shown", ArticleID: 7, Detail: "Réinitialiser", Hits: 2},
			{Kind: "solved", ArticleID: 7},
		}
		for _, st := range steps {
			if err := s.RecordJourneyStep(ctx, ws, tok, st, 200); err != nil {
				t.Fatal(err)
			}
		}
		got, err := s.JourneySteps(ctx, ws, tok)
		if err != nil {
			t.Fatal(err)
		}
		var kinds []string
		for _, st := range got {
			kinds = append(kinds, st.Kind)
		}
		if want := []string{"search", "article_viewed", "form_started", "suggestion_shown", "solved"}; !equal(kinds, want) {
			t.Fatalf("steps %v, want %v", kinds, want)
		}
		if got[0].Detail != "mot de passe" || got[0].Hits != 3 {
			t.Errorf("search step %+v", got[0])
		}
		j, ok, err := s.JourneyByToken(ctx, ws, tok)
		if err != nil || !ok {
			t.Fatalf("journey: %v %v", ok, err)
		}
		if !j.ReachedForm || j.Outcome != store.JourneyDeflected || j.Steps != 5 {
			t.Errorf("journey %+v, want reached form, deflected, 5 steps", j)
		}
		// Another workspace's journey with the same token is another journey.
		if _, ok, _ := s.JourneyByToken(ctx, f.Other.WS.ID, tok); ok {
			t.Error("a token is per workspace")
		}
		// The cap.
		const capped = "CAPPEDAAAAAAAAAAAAAAAAAAAA"
		for i := range 5 {
			if err := s.RecordJourneyStep(ctx, ws, capped, store.JourneyStep{Kind: "search", Detail: string(rune('a' + i))}, 3); err != nil {
				t.Fatal(err)
			}
		}
		if st, _ := s.JourneySteps(ctx, ws, capped); len(st) != 3 {
			t.Errorf("%d steps kept, want the cap of 3", len(st))
		}
	})
}

// A journey attached to a ticket in the ticket's transaction ends with a
// ticket, and the ticket lists its steps; a rolled-back ticket attaches
// nothing.
func TestAttachJourney(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := t.Context()
		f := storetest.Seed(t, s)
		ws := f.WS.ID
		const tok = "ATTACHAAAAAAAAAAAAAAAAAAAA"
		if err := s.RecordJourneyStep(ctx, ws, tok, store.JourneyStep{Kind: "search", Detail: "facture", Hits: 0}, 200); err != nil {
			t.Fatal(err)
		}
		tk, err := s.CreateTicket(ctx, ws, store.NewTicket{Ticket: ticket.Ticket{Subject: "Facture", Channel: "web", TierID: f.Tier["L1"].ID,
			CustomerID: f.Customer["bob"].ID, Language: "en"}, Body: "Hello", FirstIsCustomer: true,
			InTx: func(ctx context.Context, tx *store.Tx, t ticket.Ticket, _ []ticket.Event) error {
				return s.AttachJourney(ctx, tx, ws, t.ID, tok)
			}})
		if err != nil {
			t.Fatal(err)
		}
		steps, err := s.TicketJourney(ctx, ws, tk.ID)
		if err != nil || len(steps) != 1 || steps[0].Detail != "facture" {
			t.Fatalf("ticket journey %+v, %v", steps, err)
		}
		j, _, _ := s.JourneyByToken(ctx, ws, tok)
		if j.Outcome != store.JourneyTicket || j.TicketID != tk.ID || !j.ReachedForm {
			t.Errorf("journey %+v", j)
		}
		// The other tenant cannot read it through its own workspace id.
		if steps, _ := s.TicketJourney(ctx, f.Other.WS.ID, tk.ID); len(steps) != 0 {
			t.Error("another workspace reads the journey")
		}
		// "Solved" after a ticket does not turn it into a deflection.
		if err := s.RecordJourneyStep(ctx, ws, tok, store.JourneyStep{Kind: "solved", ArticleID: 1}, 200); err != nil {
			t.Fatal(err)
		}
		if j, _, _ := s.JourneyByToken(ctx, ws, tok); j.Outcome != store.JourneyTicket {
			t.Errorf("outcome %q after solved, want ticket", j.Outcome)
		}
	})
}

// The measures of a period: deflection rate inputs, contact rate inputs,
// searches with no result, most frequent first.
func TestSelfServiceMeasures(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := t.Context()
		f := storetest.Seed(t, s)
		ws := f.WS.ID
		now := time.Date(2026, 12, 1, 10, 0, 0, 0, time.UTC)
		s.SetClock(func() time.Time { return now })
		rec := func(tok string, st store.JourneyStep) {
			t.Helper()
			if err := s.RecordJourneyStep(ctx, ws, tok+"AAAAAAAAAAAAAAAAAAAA", st, 200); err != nil {
				t.Fatal(err)
			}
		}
		rec("j1", store.JourneyStep{Kind: "search", Detail: "Remboursement", Hits: 0})
		rec("j1", store.JourneyStep{Kind: "form_started"})
		rec("j1", store.JourneyStep{Kind: "solved", ArticleID: 1})
		rec("j2", store.JourneyStep{Kind: "search", Detail: "remboursement", Hits: 0})
		rec("j2", store.JourneyStep{Kind: "form_started"})
		rec("j3", store.JourneyStep{Kind: "search", Detail: "export csv", Hits: 0})
		rec("j3", store.JourneyStep{Kind: "search", Detail: "facture", Hits: 4})
		rec("j4", store.JourneyStep{Kind: "solved", ArticleID: 1}) // a deflection without the form
		now = now.Add(48 * time.Hour)
		rec("late", store.JourneyStep{Kind: "search", Detail: "hors période", Hits: 0})

		c, err := s.SelfServiceMeasures(ctx, ws, time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC), time.Date(2026, 12, 2, 0, 0, 0, 0, time.UTC), 10)
		if err != nil {
			t.Fatal(err)
		}
		if c.Journeys != 4 || c.ReachedForm != 2 || c.DeflectedAfterForm != 1 || c.Deflected != 2 || c.Tickets != 0 {
			t.Errorf("counts %+v", c)
		}
		if c.Searches != 4 || c.NoResultSearches != 3 {
			t.Errorf("searches %d, no result %d; want 4 and 3", c.Searches, c.NoResultSearches)
		}
		want := []store.QueryCount{{"remboursement", 2}, {"export csv", 1}}
		if len(c.NoResult) != 2 || c.NoResult[0] != want[0] || c.NoResult[1] != want[1] {
			t.Errorf("no result %+v, want %+v", c.NoResult, want)
		}
	})
}

// A burst of contact submissions from one address never gets more than
// the limit through, on both databases; the window then opens again.
func TestContactRateLimitUnderConcurrency(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := t.Context()
		now := time.Date(2026, 12, 1, 10, 0, 0, 0, time.UTC)
		var mu sync.Mutex
		s.SetClock(func() time.Time { mu.Lock(); defer mu.Unlock(); return now })
		limits := []store.RateLimit{{Key: "contact:ip:192.0.2.1", Max: 5, Window: 10 * time.Minute}, {Key: "contact:ws:1", Max: 100, Window: time.Hour}}
		waits := burstWaits(t, 40, func() (time.Duration, error) { return s.ReserveContact(ctx, limits...) })
		if w := slices.Max(waits); w > 10*time.Minute {
			t.Fatalf("wait %v beyond the window", w)
		}
		if n := countZero(waits); n != 5 {
			t.Fatalf("%d submissions got through, want exactly 5", n)
		}
		// The workspace counted only the five that passed.
		mu.Lock()
		now = now.Add(10 * time.Minute)
		mu.Unlock()
		if w, err := s.ReserveContact(ctx, limits...); err != nil || w != 0 {
			t.Fatalf("after the window: wait %v, %v", w, err)
		}
		ws := []store.RateLimit{{Key: "contact:ws:1", Max: 6, Window: time.Hour}}
		if w, _ := s.ReserveContact(ctx, ws...); w == 0 {
			t.Error("the workspace limit counts 5+1 submissions: the 7th must wait")
		}
	})
}

func equal(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}
