package web_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/palier/palier/internal/escalation"
	"github.com/palier/palier/internal/store"
	"github.com/palier/palier/internal/store/storetest"
)

// billingProcedure is a one-step procedure for billing, as the form posts it.
func billingProcedure(typeID string) url.Values {
	return url.Values{"op": {"save"}, "name": {"Facturation"}, "request_type_id": {typeID}, "steps": {"1"},
		"steps[0].from_tier": {"L1"}, "steps[0].to_tier": {"L2"}, "steps[0].team_id": {""},
		"steps[0].guidance_fr": {"Quand le remboursement dépasse 100 €."}, "steps[0].guidance_en": {"When the refund exceeds €100."},
		"steps[0].items": {"1"}, "steps[0].required[0].key": {"invoice_number"}, "steps[0].required[0].kind": {"answer"},
		"steps[0].required[0].label_fr": {"Numéro de facture"}, "steps[0].required[0].label_en": {"Invoice number"}}
}

func TestProceduresPage(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *env, s *store.Store) {
		admin := e.login(t, "admin@acme.test")
		billing := id(e.f.Type["billing"].ID)

		t.Run("only administrators", func(t *testing.T) {
			for _, email := range []string{"l1@acme.test", "lead@acme.test"} {
				c := e.login(t, email)
				for _, path := range []string{"/admin/procedures", "/admin/procedures/new"} {
					res, body := c.get(path)
					expectStatus(t, res, body, http.StatusForbidden)
				}
				res, body := c.post("/admin/procedures/new", billingProcedure(billing), false)
				expectStatus(t, res, body, http.StatusForbidden)
			}
			procs, _ := e.d.Procedures(context.Background(), storetest.Actor(t, s, e.f.Admin))
			if len(procs) != 0 {
				t.Fatalf("refused posts must save nothing: %v", procs)
			}
		})

		t.Run("the list shows the built-in procedure until one is saved", func(t *testing.T) {
			res, body := admin.get("/admin/procedures")
			expectStatus(t, res, body, http.StatusOK)
			contains(t, body, "Procédure intégrée", "L1 → L2 → L3 → L4", `href="/admin/procedures" aria-current="page"`,
				"Suivent la procédure par défaut : Accès au compte, Facturation, Anomalie.")
			res, body = admin.get("/admin/procedures/new")
			expectStatus(t, res, body, http.StatusOK)
			contains(t, body, `name="steps[0].required[0].key" type="text" value="steps_tried"`, `name="steps" value="3"`)
		})

		t.Run("errors show next to the step and item they concern", func(t *testing.T) {
			form := billingProcedure(billing)
			form.Set("steps[0].from_tier", "L2")
			form.Set("steps[0].to_tier", "L1")
			form.Set("steps[0].required[0].key", "Numéro Facture")
			form.Set("steps[0].required[0].label_fr", "")
			form.Set("steps[0].required[0].label_en", "")
			res, body := admin.post("/admin/procedures/new", form, true)
			expectStatus(t, res, body, http.StatusUnprocessableEntity)
			contains(t, body, "La procédure d&#39;escalade est invalide.",
				`id="p-s0-to-err">Une étape doit monter : L1 n&#39;est pas au-dessus de L2.`,
				`id="p-s0-i0-key-err">Utilisez uniquement a-z, 0-9, _ et -`,
				`id="p-s0-i0-len-err">L&#39;élément doit avoir un libellé en français ou en anglais.`,
				`>Quand le remboursement dépasse 100 €.</textarea>`)
			if !strings.HasPrefix(strings.TrimSpace(body), `<div id="procedure">`) {
				t.Errorf("htmx gets the form alone\n%s", excerpt(body))
			}
		})

		t.Run("steps and items are added and removed, the rest kept as typed", func(t *testing.T) {
			form := billingProcedure(billing)
			form.Set("op", "add_item:0")
			res, body := admin.post("/admin/procedures/new", form, false)
			expectStatus(t, res, body, http.StatusOK)
			contains(t, body, `name="steps[0].items" value="2"`, `name="steps[0].required[1].key"`, `value="Numéro de facture"`)
			form.Set("op", "add_step")
			_, body = admin.post("/admin/procedures/new", form, false)
			contains(t, body, `name="steps" value="2"`, `<option value="L2" selected>`, `<option value="L3" selected>`)
			form.Set("op", "remove_item:0:0")
			_, body = admin.post("/admin/procedures/new", form, false)
			contains(t, body, `name="steps[0].items" value="0"`, "Rien d&#39;exigé en dehors du motif.")
			lacks(t, body, "Numéro de facture")
		})

		t.Run("a saved procedure is listed, edited and its request type taken", func(t *testing.T) {
			res, body := admin.post("/admin/procedures/new", billingProcedure(billing), false)
			if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/admin/procedures?saved=1" {
				t.Fatalf("save: %d → %q\n%s", res.StatusCode, res.Header.Get("Location"), excerpt(body))
			}
			procs, err := e.d.Procedures(context.Background(), storetest.Actor(t, s, e.f.Admin))
			if err != nil || len(procs) != 1 || procs[0].Steps[0].Required[0].Kind != escalation.KindAnswer {
				t.Fatalf("saved: %+v, %v", procs, err)
			}
			_, body = admin.get("/admin/procedures?saved=1")
			contains(t, body, "Enregistré.", "<strong>Facturation</strong>", "L1 → L2", `href="/admin/procedures/`+id(procs[0].ID)+`"`)
			res, body = admin.get("/admin/procedures/" + id(procs[0].ID))
			expectStatus(t, res, body, http.StatusOK)
			contains(t, body, "Modifier la procédure", `value="invoice_number"`)

			form := billingProcedure(billing)
			form.Set("name", "Facturation bis")
			res, body = admin.post("/admin/procedures/new", form, false)
			expectStatus(t, res, body, http.StatusUnprocessableEntity)
			contains(t, body, "Ce type de demande a déjà une procédure")

			form = billingProcedure(billing)
			form.Set("steps[0].guidance_fr", "Dès qu'un remboursement est demandé.")
			res, _ = admin.post("/admin/procedures/"+id(procs[0].ID), form, true)
			if res.StatusCode != http.StatusNoContent || res.Header.Get("HX-Redirect") != "/admin/procedures?saved=1" {
				t.Fatalf("htmx save: %d → %q", res.StatusCode, res.Header.Get("HX-Redirect"))
			}
			procs, _ = e.d.Procedures(context.Background(), storetest.Actor(t, s, e.f.Admin))
			if len(procs) != 1 || procs[0].Steps[0].GuidanceFR != "Dès qu'un remboursement est demandé." {
				t.Fatalf("edit should replace the procedure: %+v", procs)
			}
			res, _ = admin.get("/admin/procedures/999999")
			if res.StatusCode != http.StatusNotFound {
				t.Errorf("unknown procedure: %d", res.StatusCode)
			}
		})
	})
}

// TestBrowserProcedures is Marc customising the built-in procedure: a
// step is added in place (htmx, under the CSP), and a wrong step is
// refused with the error beside its input.
func TestBrowserProcedures(t *testing.T) {
	ctx, e, _ := browserEnv(t)
	signInAt(t, ctx, e, "/admin/procedures", "admin@acme.test", "table.procedures")
	shoot(t, ctx, "procedures-list")
	run(t, ctx, "customise the built-in procedure",
		clickAndLoad(`tr.builtin a`),
		chromedp.WaitVisible(chromedp.CSS("#step-2")),
		chromedp.SendKeys(chromedp.CSS("#p-name"), "Procédure par défaut"),
		chromedp.Click(chromedp.CSS(`button[value="remove_step:2"]`)),
		chromedp.Poll[chromedp.Void](`document.querySelector('#step-2') === null`),
		chromedp.Click(chromedp.CSS(`button[value="add_step"]`)),
		chromedp.WaitVisible(chromedp.CSS("#step-2")),
	)
	expectTrue(t, ctx, "the new step goes one tier up from the last",
		`document.querySelector('#p-s2-from').value === 'L3' && document.querySelector('#p-s2-to').value === 'L4'`)
	expectTrue(t, ctx, "what was typed is kept", `document.querySelector('#p-name').value === 'Procédure par défaut'`)
	run(t, ctx, "a step down is refused beside its input",
		chromedp.SetValue(chromedp.CSS("#p-s2-to"), "L2"),
		chromedp.Click(chromedp.CSS(`.procedure-form .row-actions button[value="save"]`)),
		chromedp.WaitVisible(chromedp.CSS("#p-s2-to-err")),
	)
	expectText(t, ctx, "#p-s2-to-err", "Une étape doit monter : L2 n'est pas au-dessus de L3.")
	shoot(t, ctx, "procedure-error")
	run(t, ctx, "fix and save",
		chromedp.SetValue(chromedp.CSS("#p-s2-to"), "L4"),
		loads(chromedp.Click(chromedp.CSS(`.procedure-form .row-actions button[value="save"]`))),
		chromedp.WaitVisible(chromedp.CSS("#main .saved")),
	)
	expectText(t, ctx, "table.procedures", "L1 → L2 → L3 → L4")
}
