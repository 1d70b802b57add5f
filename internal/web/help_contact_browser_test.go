package web_test

import (
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/palier/palier/internal/store"
	"github.com/palier/palier/internal/store/storetest"
)

// TestBrowserContactDeflection is a customer who starts writing to
// support: as she types her subject, an article appears under the form;
// she opens it in place, reads it, and answers that it solved her
// problem. No ticket is opened and her journey counts as a deflection.
func TestBrowserContactDeflection(t *testing.T) {
	ctx, s := browserStore(t)
	e, _ := contactEnv(t, s)
	before := tableCounts(t, s)
	run(t, ctx, "open the contact form in French",
		chromedp.Navigate(e.srv.URL+"/help/contact?lang=fr"),
		chromedp.WaitVisible(chromedp.CSS("#subject")),
		settled(),
	)
	run(t, ctx, "type the subject and see a suggestion",
		chromedp.SendKeys(chromedp.CSS("#subject"), "facturé deux fois"),
		chromedp.WaitVisible(chromedp.CSS("#suggestions a.suggestion")),
		settled(),
	)
	expectText(t, ctx, "#suggestions", "Facturé deux fois ?")
	run(t, ctx, "open the suggestion in place",
		chromedp.Click(chromedp.CSS("#suggestions a.suggestion")),
		chromedp.WaitVisible(chromedp.CSS("#contact-article .contact-did-it-help button")),
		settled(),
	)
	expectText(t, ctx, "#contact-article", "Cet article a-t-il résolu votre problème ?")
	run(t, ctx, "say it solved the problem",
		loads(chromedp.Click(chromedp.CSS("#contact-article .contact-did-it-help button"))),
		chromedp.WaitVisible(chromedp.CSS("#contact-solved")),
	)
	expectText(t, ctx, "#contact-solved", "Aucune demande n'a été envoyée")

	after := tableCounts(t, s)
	if after["tickets"] != before["tickets"] || after["customers"] != before["customers"] {
		t.Errorf("a deflection opened a ticket: %v → %v", before, after)
	}
	lead := storetest.Actor(t, s, e.f.Lead)
	now := s.Now()
	m, err := e.d.SelfServiceMeasures(t.Context(), lead, now.Add(-time.Hour), now.Add(time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	if m.ReachedForm != 1 || m.DeflectedAfterForm != 1 || m.Tickets != 0 {
		t.Errorf("measures %+v: want one journey that reached the form and ended deflected", m.SelfServiceCounts)
	}
}

// TestBrowserContactTicketShowsWhatWasTried is a customer who searches the
// help centre, finds nothing, ignores the suggestions and writes: the
// ticket's page shows the agent « Déjà essayé » with her search.
func TestBrowserContactTicketShowsWhatWasTried(t *testing.T) {
	ctx, s := browserStore(t)
	e, clk := contactEnv(t, s)
	run(t, ctx, "search the help centre",
		chromedp.Navigate(e.srv.URL+"/help?lang=fr"),
		chromedp.WaitVisible(chromedp.CSS("#help-q")),
		chromedp.SendKeys(chromedp.CSS("#help-q"), "zzqx wqvv"),
		clickAndLoad(`form.help-search button[type=submit]`),
		chromedp.WaitVisible(chromedp.CSS("#no-results")),
	)
	run(t, ctx, "go to the contact form",
		clickAndLoad("#contact-link"),
		chromedp.WaitVisible(chromedp.CSS("#contact-form")),
		settled(),
	)
	run(t, ctx, "fill it in",
		chromedp.SendKeys(chromedp.CSS("#name"), "Chloé Martin"),
		chromedp.SendKeys(chromedp.CSS("#email"), "chloe@example.fr"),
		chromedp.SendKeys(chromedp.CSS("#subject"), "Mon export zzqx échoue"),
		chromedp.SendKeys(chromedp.CSS("#description"), "L'export wqvv s'arrête à la moitié."),
		settled(),
	)
	clk.Add(5 * time.Second) // a person takes longer than the 2 s a script would
	run(t, ctx, "send it",
		clickAndLoad(`#contact-form button[type=submit]`),
		chromedp.WaitVisible(chromedp.CSS("#contact-sent")),
	)
	expectText(t, ctx, "#contact-sent", "Votre demande est enregistrée")

	cust, err := s.CustomerByEmail(t.Context(), e.f.WS.ID, "chloe@example.fr")
	if err != nil {
		t.Fatal(err)
	}
	list, _, err := s.Tickets(t.Context(), e.f.WS.ID, store.Filter{CustomerID: cust.ID}, "", 10)
	if err != nil || len(list) != 1 {
		t.Fatalf("%d tickets, %v", len(list), err)
	}
	signInAt(t, ctx, e, "/tickets/"+id(list[0].ID), e.f.Lead.Email, "#ticket-header")
	expectText(t, ctx, "#already-tried", "Déjà essayé")
	expectText(t, ctx, "#already-tried", "zzqx wqvv")
	got, _ := chromedp.Run(ctx, chromedp.TextContent(chromedp.CSS("#already-tried")))
	if !strings.Contains(got, "(0 résultats)") {
		t.Errorf("« Déjà essayé » reads %q: the search with no result is not shown as such", got)
	}
}
