package store_test

import (
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/palier/palier/internal/store"
	"github.com/palier/palier/internal/store/storetest"
	"github.com/palier/palier/internal/ticket"
)

var errRefused = errors.New("refused")

func searchAll(t *testing.T, s *store.Store, wsID int64, q store.TicketSearch) []store.TicketHit {
	t.Helper()
	var out []store.TicketHit
	for page := 0; ; page++ {
		q.Offset, q.Limit = len(out), 3
		hits, more := mustSearch(t, s, wsID, q)
		out = append(out, hits...)
		if !more || page > 100 {
			return out
		}
	}
}

func mustSearch(t *testing.T, s *store.Store, wsID int64, q store.TicketSearch) ([]store.TicketHit, bool) {
	t.Helper()
	hits, more, err := s.SearchTickets(t.Context(), wsID, q)
	if err != nil {
		t.Fatal(err)
	}
	return hits, more
}

func hitTickets(hits []store.TicketHit) []ticket.Ticket {
	out := make([]ticket.Ticket, len(hits))
	for i, h := range hits {
		out[i] = h.Ticket
	}
	return out
}

// A search finds exactly the tickets the access matrix lets each actor
// read, and never a snippet of another: every ticket (the other tenant's
// too) carries the same internal note, so a leak through the note's words
// or the customer's would show as an extra key. Internal notes are found
// by every agent who may read the ticket.
func TestSearchTicketsAccess(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := t.Context()
		f := storetest.Seed(t, s)
		members := accessTickets(t, s, &f)
		for _, tk := range f.Ticket {
			if _, _, err := s.AddMessage(ctx, f.WS.ID, tk.ID, nil, ticket.Event{Kind: ticket.InternalNote, ActorAgentID: f.Admin.ID,
				Body: "Note interne : le client zéphyrin attend un geste commercial."}, ""); err != nil {
				t.Fatal(err)
			}
		}
		if _, _, err := s.AddMessage(ctx, f.Other.WS.ID, f.Other.Ticket.ID, nil, ticket.Event{Kind: ticket.InternalNote, ActorAgentID: f.Other.Agent.ID,
			Body: "Note interne : le client zéphyrin attend un geste commercial."}, ""); err != nil {
			t.Fatal(err)
		}
		for name, want := range accessMatrix {
			t.Run(name, func(t *testing.T) {
				a := storetest.Actor(t, s, members[name])
				for _, q := range []string{"zephyrin geste", "ZÉPHYRINS", "gestes commerc"} {
					hits := searchAll(t, s, f.WS.ID, store.TicketSearch{Filter: store.Filter{Viewer: &a}, Matches: store.TicketQueryMatches(q)})
					if got := keysOf(f, hitTickets(hits)); !slices.Equal(got, sortedKeys(want)) {
						t.Errorf("%q finds %v, the matrix says %v", q, got, sortedKeys(want))
					}
					for _, h := range hits {
						if !ticket.CanView(a, h.Ticket) {
							t.Errorf("%q returned %s, which %s may not read", q, h.Ticket.Reference, name)
						}
						if h.SnippetKind != ticket.InternalNote || !strings.Contains(h.Snippet, "<mark>") {
							t.Errorf("%q: snippet of %s is a %s: %q", q, h.Ticket.Reference, h.SnippetKind, h.Snippet)
						}
					}
				}
				// Combined with a list filter, the viewer still only narrows,
				// in a tier they work in or not (read per access branch).
				for _, tier := range []string{"L1", "L2", "L3"} {
					for _, active := range []bool{true, false} {
						fl := store.Filter{Viewer: &a, TierIDs: []int64{f.Tier[tier].ID}, ActiveOnly: active}
						want := listAll(t, s, f.WS.ID, fl)
						hits := searchAll(t, s, f.WS.ID, store.TicketSearch{Filter: fl, Matches: store.TicketQueryMatches("zephyrin")})
						if got := keysOf(f, hitTickets(hits)); !slices.Equal(got, keysOf(f, want)) {
							t.Errorf("search in tier %s (active only: %v) finds %v, the list %v", tier, active, got, keysOf(f, want))
						}
					}
				}
			})
		}
		// The other tenant's agent finds their own ticket only.
		a := storetest.Actor(t, s, f.Other.Agent)
		hits := searchAll(t, s, f.Other.WS.ID, store.TicketSearch{Filter: store.Filter{Viewer: &a}, Matches: store.TicketQueryMatches("zephyrin")})
		if len(hits) != 1 || hits[0].Ticket.ID != f.Other.Ticket.ID {
			t.Errorf("other tenant finds %v", keysOf(f, hitTickets(hits)))
		}
	})
}

// What agents type finds what customers wrote, in French and in English:
// accents, plurals, conjugations and prefixes while typing. Each query must
// find its ticket and not the others.
func TestSearchTicketsQuality(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := t.Context()
		f := storetest.Seed(t, s)
		texts := map[string]struct{ lang, subject, body string }{
			"facture":   {"fr", "Facture en double", "Bonjour, j'ai été facturé deux fois pour mon abonnement."},
			"reinit":    {"fr", "Lien expiré", "La réinitialisation du mot de passe ne fonctionne plus depuis hier."},
			"electrico": {"fr", "Coupure d'électricité", "Nous avons remboursé le client après la panne."},
			"invoice":   {"en", "Invoices missing", "I cannot download my invoices since the update."},
			"charge":    {"en", "Charged twice", "You are charging my card every week, please stop."},
			"password":  {"en", "Cannot log in", "The password reset email never arrives at my café."},
		}
		ids := map[int64]string{}
		for key, x := range texts {
			n := newTicket(f, x.subject)
			n.Ticket.Language, n.Body = x.lang, x.body
			ids[must(s.CreateTicket(ctx, f.WS.ID, n))(t).ID] = key
		}
		cases := []struct{ query, want string }{
			{"factures", "facture"},         // plural
			{"facturer", "facture"},         // infinitive of a participle
			{"FACTURÉE ", "facture"},        // accents and case
			{"electricite", "electrico"},    // accents dropped by the agent
			{"électricités", "electrico"},   // plural with accents
			{"rembourser", "electrico"},     // conjugation
			{"réinit", "reinit"},            // prefix while typing
			{"reinitialisations", "reinit"}, // plural of a folded word
			{"mot de passe fonctionnait", "reinit"},
			{"invoice", "invoice"},        // singular finds the plural
			{"invoic", "invoice"},         // prefix
			{"charges", "charge"},         // plural finds the participle
			{"charge card", "charge"},     // -ing
			{"passw", "password"},         // prefix
			{"cafe password", "password"}, // accent in the text
			{"CAFÉ", "password"},          // accent in the query
		}
		for _, c := range cases {
			hits := searchAll(t, s, f.WS.ID, store.TicketSearch{Matches: store.TicketQueryMatches(c.query)})
			var got []string
			for _, h := range hits {
				if k, ok := ids[h.Ticket.ID]; ok {
					got = append(got, k)
				}
			}
			if !slices.Equal(got, []string{c.want}) {
				t.Errorf("%q finds %v, want [%s]", c.query, got, c.want)
			}
		}
		// A subject match ranks above a match in a message only.
		n := newTicket(f, "Question générale")
		n.Ticket.Language, n.Body = "fr", "Ma facture est fausse."
		late := must(s.CreateTicket(ctx, f.WS.ID, n))(t)
		// Before the statistics and after them: PostgreSQL reads few matches
		// from the index first (pgMatchesFirst) only once it can estimate
		// them, and walks the newest tickets before; both rank.
		for _, analysed := range []bool{false, true} {
			if analysed {
				if _, err := s.DB().ExecContext(ctx, `ANALYZE`); err != nil {
					t.Fatal(err)
				}
			}
			hits := searchAll(t, s, f.WS.ID, store.TicketSearch{Matches: store.TicketQueryMatches("facture")})
			rank := map[string]int{}
			for i, h := range hits {
				if h.Ticket.ID == late.ID {
					rank["late"] = i + 1
				}
				if ids[h.Ticket.ID] == "facture" {
					rank["facture"] = i + 1
				}
			}
			if rank["facture"] == 0 || rank["late"] == 0 || rank["facture"] > rank["late"] {
				t.Errorf("analysed %v: the subject match ranks %d, the newer message match %d", analysed, rank["facture"], rank["late"])
			}
		}
		// A date bound.
		if hits := searchAll(t, s, f.WS.ID, store.TicketSearch{Matches: store.TicketQueryMatches("facture"), CreatedFrom: time.Now().Add(time.Hour)}); len(hits) != 0 {
			t.Errorf("created in the future: %v", keysOf(f, hitTickets(hits)))
		}
		// The snippet is escaped, with marks around the matched words only.
		n = newTicket(f, "<b>Alerte</b>")
		n.Ticket.Language, n.Body = "fr", "<script>alert(1)</script> la livraison & les livraisons"
		must(s.CreateTicket(ctx, f.WS.ID, n))(t)
		hits := searchAll(t, s, f.WS.ID, store.TicketSearch{Matches: store.TicketQueryMatches("livraison alerte")})
		if len(hits) != 1 {
			t.Fatalf("escaped: %d hits", len(hits))
		}
		unmarked := strings.NewReplacer("<mark>", "", "</mark>", "")
		if h := hits[0]; !strings.Contains(h.SubjectHTML, "<mark>Alerte</mark>&lt;/b&gt;") || strings.ContainsAny(unmarked.Replace(h.SubjectHTML), "<>") ||
			!strings.Contains(h.Snippet, "&lt;/script&gt; la <mark>livraison</mark> &amp; les <mark>livraisons</mark>") || strings.ContainsAny(unmarked.Replace(h.Snippet), "<>") {
			t.Errorf("escaped snippet: subject %q, passage %q", h.SubjectHTML, h.Snippet)
		}
	})
}

// Replies and notes are searchable as soon as they are stored, in the
// same transaction; a refused message indexes nothing.
func TestSearchTicketsFollowsMessages(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := t.Context()
		f := storetest.Seed(t, s)
		tk := f.Ticket["L1"]
		find := func(q string) int {
			return len(searchAll(t, s, f.WS.ID, store.TicketSearch{Matches: store.TicketQueryMatches(q)}))
		}
		if find("quokka") != 0 {
			t.Fatal("quokka found before anyone wrote it")
		}
		refuse := func(ticket.Ticket) error { return errRefused }
		if _, _, err := s.AddMessage(ctx, f.WS.ID, tk.ID, refuse, ticket.Event{Kind: ticket.AgentReply, ActorAgentID: f.AgentL1.ID, Body: "quokka"}, ""); err == nil {
			t.Fatal("refused reply stored")
		}
		if find("quokka") != 0 {
			t.Error("a refused reply was indexed")
		}
		for i, kind := range []ticket.EventKind{ticket.AgentReply, ticket.CustomerMessage, ticket.InternalNote} {
			word := []string{"quokka", "wombat", "ornithorynque"}[i]
			e := ticket.Event{Kind: kind, ActorAgentID: f.AgentL1.ID, Body: "Un " + word + " passait par là."}
			if kind == ticket.CustomerMessage {
				e.ActorAgentID, e.ActorCustomerID = 0, tk.CustomerID
			}
			if _, _, err := s.AddMessage(ctx, f.WS.ID, tk.ID, nil, e, ""); err != nil {
				t.Fatal(err)
			}
			if find(word) != 1 {
				t.Errorf("%s %q not found", kind, word)
			}
		}
		if find("quokka wombat ornithorynque") != 1 {
			t.Error("words of three messages do not find their ticket together")
		}
		// While typed, a word is found by its first letters, those of a
		// word that came with a later message too (PostgreSQL looks a
		// prefix up in the documents' vocabulary, migration 0065, which
		// each message must extend in its transaction). With statistics,
		// PostgreSQL reads these few matches from its index, the spelled
		// prefixes with them (without, it walks the newest tickets).
		n := newTicket(f, "Visite au zoo")
		n.Body = "Le tamanoir dort."
		must(s.CreateTicket(ctx, f.WS.ID, n))(t)
		if s.Dialect() == store.Postgres {
			if _, err := s.DB().ExecContext(ctx, `ANALYZE ticket_search`); err != nil {
				t.Fatal(err)
			}
		}
		if find("wombat ornitho") != 1 || find("ornithor") != 1 {
			t.Error("the first letters of a later message's word do not find its ticket")
		}
		if find("tamano") != 1 {
			t.Error("the first letters of a new ticket's word do not find it")
		}
	})
}

// Tickets stored before migration 0033 are found once it has run: its Go
// step indexes their subjects and messages in its transaction.
func TestMigration0033IndexesExistingTickets(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := t.Context()
		f := storetest.Seed(t, s)
		tk := f.Ticket["L1"]
		if _, _, err := s.AddMessage(ctx, f.WS.ID, tk.ID, nil, ticket.Event{Kind: ticket.InternalNote, ActorAgentID: f.Admin.ID, Body: "Le capybara est revenu."}, ""); err != nil {
			t.Fatal(err)
		}
		if err := store.ForgetTicketSearch(ctx, s); err != nil {
			t.Fatal(err)
		}
		if err := s.Migrate(ctx); err != nil {
			t.Fatal(err)
		}
		hits := searchAll(t, s, f.WS.ID, store.TicketSearch{Matches: store.TicketQueryMatches("capybaras")})
		if len(hits) != 1 || hits[0].Ticket.ID != tk.ID {
			t.Errorf("note after migration: %v", keysOf(f, hitTickets(hits)))
		}
		subject := searchAll(t, s, f.WS.ID, store.TicketSearch{Matches: store.TicketQueryMatches(tk.Subject)})
		if !slices.ContainsFunc(subject, func(h store.TicketHit) bool { return h.Ticket.ID == tk.ID }) {
			t.Errorf("subject %q not found after migration", tk.Subject)
		}
	})
}
