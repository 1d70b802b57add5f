package web_test

import (
	"fmt"
	"testing"

	"github.com/chromedp/chromedp"
)

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
