package web_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/palier/palier/internal/auth"
	"github.com/palier/palier/internal/workspace"
)

// TestBrowserLayoutInFrench is the rest of issue 8.10, measured in the
// browser: the inbox's column headers do not touch at 1366 px in French;
// on a phone, the admin tables scroll inside their box rather than the
// page, and the FR/EN switch's buttons are at least 40 px each way.
func TestBrowserLayoutInFrench(t *testing.T) {
	ctx, e, _ := browserEnv(t)
	signInAt(t, ctx, e, "/views/all", "admin@acme.test", "#ticket-list")
	run(t, ctx, "a 1366 px laptop", chromedp.EmulateViewport(1366, 768), chromedp.Navigate(e.srv.URL+"/views/all"),
		chromedp.WaitVisible(chromedp.CSS("html[lang=fr] #ticket-list")))
	// Each visible header's text stays inside its cell, 8 px at least from
	// the next header's text.
	expectTrue(t, ctx, "headers keep apart", `(() => {
		const boxes = [...document.querySelectorAll('#ticket-list thead th')].filter(th => th.offsetWidth > 0).map(th => {
			const r = document.createRange(); r.selectNodeContents(th);
			return {th: th.getBoundingClientRect(), text: r.getBoundingClientRect(), clipped: th.scrollWidth > th.clientWidth};
		});
		return boxes.length >= 5 && boxes.every((b, i) => !b.clipped && b.text.right <= b.th.right &&
			(i === 0 || b.text.left - boxes[i-1].text.right >= 8));
	})()`)

	run(t, ctx, "a phone", chromedp.EmulateViewport(390, 844), chromedp.Navigate(e.srv.URL+"/admin/agents"),
		chromedp.WaitVisible(chromedp.CSS("table.data")))
	expectTrue(t, ctx, "the page does not scroll sideways", `document.scrollingElement.scrollWidth <= window.innerWidth`)
	expectTrue(t, ctx, "the table scrolls in its box", `(() => {
		const t = document.querySelector('table.data');
		const box = t.closest('.table-scroll') || t;
		return box.scrollWidth > box.clientWidth && getComputedStyle(box).overflowX === 'auto';
	})()`)
	run(t, ctx, "the inbox on a phone", chromedp.Navigate(e.srv.URL+"/views/all"), chromedp.WaitVisible(chromedp.CSS("#ticket-list")))
	expectTrue(t, ctx, "the inbox does not scroll sideways", `document.scrollingElement.scrollWidth <= window.innerWidth`)
	expectTrue(t, ctx, "FR/EN are easy to tap", `[...document.querySelectorAll('.lang-switch button')].every(b => {
		const r = b.getBoundingClientRect(); return r.width >= 40 && r.height >= 40;
	})`)
}

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

// TestBrowserNamesInTheReadersLanguage is issue 8.7 as people meet it: the
// admin, reading in English, gives tier L1 and its team a name in each
// language on the admin pages and reads the English ones; Luc, a French
// agent, then reads the French ones on his ticket and in his views.
func TestBrowserNamesInTheReadersLanguage(t *testing.T) {
	ctx, e, _ := browserEnv(t)
	tier, team := e.f.Tier["L1"], e.f.Team["L1"]

	signInAt(t, ctx, e, "/admin/tiers", "admin@acme.test", "table.data")
	run(t, ctx, "read the admin pages in English",
		clickAndLoad(`.topbar button[name=lang][value=en]`),
		chromedp.WaitVisible(chromedp.CSS(`html[lang=en] table.data`)),
	)
	rename := func(what, path, fr, en string) {
		run(t, ctx, "name "+what+" in both languages",
			chromedp.Navigate(e.srv.URL+path),
			chromedp.WaitVisible(chromedp.CSS("#a-name_fr")),
			chromedp.SetValue(chromedp.CSS("#a-name_fr"), fr),
			chromedp.SetValue(chromedp.CSS("#a-name_en"), en),
			clickAndLoad(`form.admin-form button[type=submit]`),
			chromedp.WaitVisible(chromedp.CSS(`.saved`)),
		)
		expectText(t, ctx, "table.data", en)
		expectTrue(t, ctx, what+" list shows no French name", fmt.Sprintf(`!document.querySelector('table.data').textContent.includes(%q)`, fr))
	}
	rename("tier L1", "/admin/tiers/"+id(tier.ID), "Support de niveau 1", "Level 1 support")
	rename("team L1", "/admin/teams/"+id(team.ID), "Première ligne", "Front line")
	run(t, ctx, "the members list names teams in English",
		chromedp.Navigate(e.srv.URL+"/admin/agents"),
		chromedp.WaitVisible(chromedp.CSS("table.data")),
	)
	expectText(t, ctx, "table.data", "Front line")
	signOut(t, ctx)

	tk := e.f.Ticket["L1owned"]
	signInAt(t, ctx, e, "/tickets/"+id(tk.ID), "l1@acme.test", "#composer")
	expectText(t, ctx, "html[lang=fr] .chip-tier", "L1 · Support de niveau 1")
	expectText(t, ctx, `a[data-view="team-`+id(team.ID)+`"]`, "Première ligne")
	expectTrue(t, ctx, "no English name on Luc's page",
		`!document.body.textContent.includes('Front line') && !document.body.textContent.includes('Level 1 support')`)
	run(t, ctx, "his inbox", chromedp.Navigate(e.srv.URL+"/"), chromedp.WaitVisible(chromedp.CSS("#ticket-list")))
	expectTrue(t, ctx, "the tier column names the tier in French",
		`[...document.querySelectorAll('#ticket-list .col-tier abbr')].some(a => a.title === 'Support de niveau 1')`)
}
