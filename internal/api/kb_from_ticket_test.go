package api

import (
	"context"
	"strings"
	"testing"

	"github.com/palier/palier/internal/kb"
	"github.com/palier/palier/internal/store/storetest"
	"github.com/palier/palier/internal/ticket"
)

// TestArticleFromTicket: a solved ticket becomes a draft article with the
// customer's question and the agent's answer, never the internal note nor
// the customer's card number, address, phone or name; the audit log
// links it to the ticket. An active ticket is refused with a clear code,
// and a ticket the agent cannot see is not found; refusals write nothing.
func TestArticleFromTicket(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *env) {
		cat, err := e.d.CreateKBCategory(context.Background(), storetest.Actor(t, e.s, e.f.Admin), kb.Category{Slug: "billing", NameFR: "Paiements", NameEN: "Payments"})
		if err != nil {
			t.Fatal(err)
		}
		var tk ticket.Ticket
		e.must(e.send("agentL1", "POST", Prefix+"/tickets", map[string]any{
			"subject":        "Re: [#999] Carte refusée au paiement",
			"body":           "Bonjour, ma carte 4111 1111 1111 1111 est refusée au paiement.\nJoignable au 06 12 34 56 78 ou nina.nouvelle@example.fr.\nNina Nouvelle",
			"customer_email": "nina.nouvelle@example.fr", "customer_name": "Nina Nouvelle", "request_type": "billing",
		}), 201, &tk)
		e.must(e.send("agentL1", "POST", ticketPath(tk.ID)+"/notes", map[string]any{"body": "Note interne : cliente à surveiller."}), 201, nil)
		path := Prefix + "/kb/from-ticket/" + itoa(tk.Number)

		before := e.articleCount(t)
		if a := e.send("agentL1", "POST", path, nil); a.status != 409 || a.errorCode() != "ticket_not_solved" {
			t.Fatalf("an active ticket: %s", a)
		}
		e.must(e.send("agentL1", "POST", ticketPath(tk.ID)+"/replies", map[string]any{
			"body": "Activez le paiement en ligne dans votre espace client, puis réessayez.", "status": "solved",
		}), 201, nil)
		// Not found for whom cannot see it: another tenant, or an agent of
		// another tier on a ticket of theirs.
		if a := e.send("other", "POST", path, nil); a.status != 404 {
			t.Fatalf("another workspace: %s", a)
		}
		if a := e.send("agentL1", "POST", Prefix+"/kb/from-ticket/"+itoa(e.f.Ticket["L3"].Number), nil); a.status != 404 {
			t.Fatalf("a ticket the agent cannot see: %s", a)
		}
		if n := e.articleCount(t); n != before {
			t.Fatalf("refusals wrote %d articles", n-before)
		}

		var art articleJSON
		a := e.send("agentL1", "POST", path, nil)
		e.must(a, 201, &art)
		if art.Title != "Carte refusée au paiement" || art.Status != kb.Draft || art.Language != tk.Language || art.CategoryID != cat.ID {
			t.Errorf("article = %q %s %s category %d (want %d)", art.Title, art.Status, art.Language, art.CategoryID, cat.ID)
		}
		for _, want := range []string{"## Question", "> Bonjour, ma carte", "est refusée au paiement", "## Réponse", "Activez le paiement en ligne"} {
			if !strings.Contains(art.Body, want) {
				t.Errorf("body lacks %q:\n%s", want, art.Body)
			}
		}
		for _, leak := range []string{"Note interne", "surveiller", "4111 1111 1111 1111", "4111111111111111", "06 12 34 56 78", "nina.nouvelle@example.fr", "Nina", "[#999]"} {
			if strings.Contains(art.Body+art.Title, leak) {
				t.Errorf("the article shows %q:\n%s", leak, art.Body)
			}
		}
		if !strings.Contains(art.Body, "1111") {
			t.Errorf("the card is not masked but removed:\n%s", art.Body)
		}
		var audited int
		if err := e.s.DB().QueryRow(`SELECT count(*) FROM audit_log WHERE action = 'kb.article_from_ticket' AND target_id = $1 AND details LIKE $2`,
			art.ID, "%\"number\":"+itoa(tk.Number)+"%").Scan(&audited); err != nil || audited != 1 {
			t.Errorf("audit rows linking the article to its ticket: %d (%v)", audited, err)
		}
		if a := e.send("agentL1", "POST", path, map[string]any{"title": "x"}); a.status != 400 {
			t.Errorf("a body is refused: %s", a)
		}
	})
}

func (e *env) articleCount(t *testing.T) int {
	t.Helper()
	var n int
	if err := e.s.DB().QueryRow(`SELECT count(*) FROM kb_articles`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}
