package web_test

import (
	"context"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/palier/palier/internal/macro"
	"github.com/palier/palier/internal/store"
	"github.com/palier/palier/internal/store/storetest"
	"github.com/palier/palier/internal/ticket"
)

// An agent writes a personal macro on the macros page, may not share one
// with everyone, and sends it from a ticket's composer: the reply and the
// macro's actions land together.
func TestMacrosPageAndComposer(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *env, s *store.Store) {
		luc := e.login(t, "l1@acme.test")
		res, body := luc.post("/macros", url.Values{"name": {"Relance"}, "scope": {"personal"},
			"body_fr": {"Bonjour {{customer_first_name}}, avez-vous pu essayer ?"}, "status": {"pending"}, "add_tags": {"relance"}}, false)
		expectStatus(t, res, body, http.StatusSeeOther)
		res, body = luc.post("/macros", url.Values{"name": {"Pour tous"}, "scope": {"shared"}, "body_fr": {"x"}}, false)
		expectStatus(t, res, body, http.StatusForbidden)
		res, body = luc.post("/macros", url.Values{"name": {"Faute"}, "scope": {"personal"}, "body_fr": {"Bonjour {{client}}"}}, false)
		expectStatus(t, res, body, http.StatusUnprocessableEntity)
		contains(t, body, "{{client}}")

		ctx := context.Background()
		lucActor := storetest.Actor(t, s, e.f.AgentL1)
		list, err := e.d.Macros(ctx, lucActor)
		if err != nil || len(list) != 1 {
			t.Fatalf("Luc's macros: %v %v", list, err)
		}
		m := list[0]
		res, body = luc.get("/macros")
		expectStatus(t, res, body, http.StatusOK)
		contains(t, body, "Relance", `href="/macros/`+strconv.FormatInt(m.ID, 10)+`"`)

		tk := e.f.Ticket["L1owned"] // bob, English, owned by Luc
		page := "/tickets/" + strconv.FormatInt(tk.ID, 10)
		res, body = luc.get(page)
		expectStatus(t, res, body, http.StatusOK)
		contains(t, body, `id="macro-picker"`, "Relance")
		// The preview falls back to the French text for an English
		// customer, filled in for Bob.
		res, body = luc.get(page + "/macros/" + strconv.FormatInt(m.ID, 10))
		expectStatus(t, res, body, http.StatusOK)
		contains(t, body, "Bonjour Bob, avez-vous pu essayer ?")

		// Another agent cannot preview Luc's personal macro.
		dana := e.login(t, "l2@acme.test")
		res, body = dana.get("/tickets/" + strconv.FormatInt(e.f.Ticket["L2"].ID, 10) + "/macros/" + strconv.FormatInt(m.ID, 10))
		expectStatus(t, res, body, http.StatusNotFound)

		res, body = luc.post(page+"/messages", url.Values{"mode": {"reply"}, "body": {"Bonjour Bob, avez-vous pu essayer ?"},
			"macro": {strconv.FormatInt(m.ID, 10)}, "macro_name": {"Relance"}}, false)
		expectStatus(t, res, body, http.StatusSeeOther)
		got, err := e.d.Ticket(ctx, lucActor, tk.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.Status != ticket.Pending || !slices.Contains(got.Tags, "relance") {
			t.Errorf("after the macro: status %s, tags %v", got.Status, got.Tags)
		}
		if used, _ := e.d.Macro(ctx, lucActor, m.ID); used.Usage != 1 {
			t.Errorf("usage = %d, want 1", used.Usage)
		}

		// Luc changes his macro from its own page; a shared one he may use
		// but not change has no page for him; Dana may not delete Luc's;
		// Luc deletes it.
		edit := "/macros/" + strconv.FormatInt(m.ID, 10)
		res, body = luc.get(edit)
		expectStatus(t, res, body, http.StatusOK)
		contains(t, body, `action="`+edit+`"`, `value="Relance"`, `value="relance"`)
		shared, err := e.d.CreateMacro(ctx, storetest.Actor(t, s, e.f.Admin), macro.Macro{Name: "Merci", Scope: macro.Shared, BodyFR: "Merci !"})
		if err != nil {
			t.Fatal(err)
		}
		res, body = luc.get("/macros/" + strconv.FormatInt(shared.ID, 10))
		expectStatus(t, res, body, http.StatusForbidden)
		res, body = dana.post(edit+"/delete", url.Values{}, false)
		expectStatus(t, res, body, http.StatusNotFound)
		res, body = luc.post(edit+"/delete", url.Values{}, false)
		if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/macros?done=deleted" {
			t.Fatalf("delete: %d %q %s", res.StatusCode, res.Header.Get("Location"), excerpt(body))
		}
		if _, err := e.d.Macro(ctx, lucActor, m.ID); err == nil {
			t.Error("the deleted macro is still there")
		}
	})
}

// A macro whose action the agent may not perform is refused in the
// composer, with the reason, and the text is kept.
func TestComposerKeepsTheTextWhenAMacroIsRefused(t *testing.T) {
	e, s := sqliteEnv(t)
	ctx := context.Background()
	m, err := e.d.CreateMacro(ctx, storetest.Actor(t, s, e.f.Admin), macro.Macro{Name: "Vers l'expert", Scope: macro.Shared,
		BodyFR: "Je transmets.", Actions: macro.Actions{Assign: strconv.FormatInt(e.f.AgentL3.ID, 10)}})
	if err != nil {
		t.Fatal(err)
	}
	luc := e.login(t, "l1@acme.test")
	tk := e.f.Ticket["L1owned"]
	res, body := luc.post("/tickets/"+strconv.FormatInt(tk.ID, 10)+"/messages", url.Values{"mode": {"reply"}, "body": {"Je transmets à Théo."},
		"macro": {strconv.FormatInt(m.ID, 10)}, "macro_name": {"Vers l'expert"}}, true)
	expectStatus(t, res, body, http.StatusUnprocessableEntity)
	contains(t, body, "Je transmets à Théo.", "La macro n&#39;a pas été appliquée", `name="macro" value="`+strconv.FormatInt(m.ID, 10)+`"`)
}

// TestBrowserMacro is Luc answering with a macro: "m" opens the picker,
// typing filters it, Enter previews the first match filled in for the
// customer, "use" puts the text in the composer, and sending applies the
// macro's status with the reply.
func TestBrowserMacro(t *testing.T) {
	ctx, e, s := browserEnv(t)
	admin := storetest.Actor(t, s, e.f.Admin)
	for _, m := range []macro.Macro{
		{Name: "Facture renvoyée", Scope: macro.Shared, BodyFR: "Bonjour {{customer_first_name}}, votre facture vous a été renvoyée.",
			BodyEN: "Hello {{customer_first_name}}, your invoice was sent again.", Actions: macro.Actions{Status: "pending"}},
		{Name: "Mot de passe", Scope: macro.Shared, BodyFR: "Bonjour, voici comment réinitialiser votre mot de passe."},
	} {
		if _, err := e.d.CreateMacro(context.Background(), admin, m); err != nil {
			t.Fatal(err)
		}
	}
	tk := e.f.Ticket["L1owned"] // Bob Smith, English
	signInAt(t, ctx, e, "/tickets/"+strconv.FormatInt(tk.ID, 10), "l1@acme.test", "#composer")
	run(t, ctx, "pick a macro from the keyboard",
		// htmx has wired the picker's buttons.
		waitTrue(`document.querySelector('.macro-choice')['htmx-internal-data'] !== undefined`),
		chromedp.Evaluate[chromedp.Void](`document.activeElement && document.activeElement.blur()`),
		chromedp.KeyEvent("m"),
		waitTrue(`document.getElementById('macro-picker').open && document.activeElement.id === 'macro-filter'`),
		chromedp.SendKeys(chromedp.CSS("#macro-filter"), "factu"),
		waitTrue(`[...document.querySelectorAll('#macro-list li')].filter(li => !li.hidden).length === 1`),
		chromedp.KeyEvent("\r"),
		waitTrue(`(document.querySelector('#macro-preview .macro-text') || {}).textContent === 'Hello Bob, your invoice was sent again.'`),
		chromedp.Click(chromedp.CSS("#macro-preview button.use-macro")),
		waitTrue(`document.getElementById('composer-body').value === 'Hello Bob, your invoice was sent again.' && !document.getElementById('macro-chosen').hidden`),
	)
	run(t, ctx, "send: the reply and the status land together",
		chromedp.Click(chromedp.CSS("#composer button.send-reply")),
		waitTrue(`[...document.querySelectorAll('#timeline .event')].some(li => li.textContent.includes('Hello Bob, your invoice was sent again.'))`),
		waitTrue(`document.querySelector('#ticket-header .status-pending') !== null`),
		waitTrue(`document.getElementById('macro-chosen').hidden && document.getElementById('composer-body').value === ''`),
	)
}
