package web_test

import (
	"context"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/palier/palier/internal/auth"
	"github.com/palier/palier/internal/workspace"
)

// TestBrowserFrenchNumbersAndDates is issue 8.8 as Luc meets it: in
// French he types the amount "49,90" and the date "03/12/2026" in the
// ticket's properties; both are accepted and shown back as he wrote them,
// the date field shows the French pattern rather than mm/dd/yyyy, and
// the ticket stores 49.90 and 2026-12-03.
func TestBrowserFrenchNumbersAndDates(t *testing.T) {
	ctx, e, _ := browserEnv(t)
	admin := auth.Actor{AgentID: e.f.Admin.ID, WorkspaceID: e.f.WS.ID, Role: workspace.Admin}
	for _, cf := range []workspace.CustomField{
		{Key: "amount", LabelFR: "Montant", LabelEN: "Amount", Kind: workspace.Number, Position: 1},
		{Key: "incident_date", LabelFR: "Date de l'incident", LabelEN: "Incident date", Kind: workspace.Date, Position: 2},
	} {
		if _, err := e.d.CreateCustomField(context.Background(), admin, cf); err != nil {
			t.Fatal(err)
		}
	}
	tk := e.f.Ticket["L1owned"]
	signInAt(t, ctx, e, "/tickets/"+id(tk.ID), "l1@acme.test", "#cf-amount")
	expectTrue(t, ctx, "the date field shows the French pattern",
		`document.querySelector('#cf-incident_date').type === 'text' && document.querySelector('#cf-incident_date').placeholder === 'jj/mm/aaaa'`)
	run(t, ctx, "type a French amount and date and save",
		chromedp.SendKeys(chromedp.CSS("#cf-amount"), "49,90"),
		chromedp.SendKeys(chromedp.CSS("#cf-incident_date"), "03/12/2026"),
		chromedp.Click(chromedp.CSS(`#properties button.primary[type=submit]`)),
		chromedp.WaitVisible(chromedp.CSS(`#properties .saved`)),
		settled(),
	)
	expectTrue(t, ctx, "shown back as typed", `document.querySelector('#cf-amount').value === '49,90' && document.querySelector('#cf-incident_date').value === '03/12/2026'`)
	expectText(t, ctx, "#timeline", "a défini Montant à 49,90")
	got, err := e.d.Ticket(context.Background(), admin, tk.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.CustomFields["amount"] != "49.90" || got.CustomFields["incident_date"] != "2026-12-03" {
		t.Errorf("stored %v, want 49.90 and 2026-12-03", got.CustomFields)
	}
}
