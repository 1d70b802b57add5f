package web_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
	"golang.org/x/net/html"

	"github.com/palier/palier/internal/desk"
	"github.com/palier/palier/internal/store"
	"github.com/palier/palier/internal/store/storetest"
	"github.com/palier/palier/internal/workspace"
)

// withChecklistFields gives the workspace the custom fields the default
// escalation checklist asks for, so the two are one thing on the page.
func withChecklistFields(t *testing.T, e *env, s *store.Store) {
	t.Helper()
	admin := storetest.Actor(t, s, e.f.Admin)
	for i, cf := range []workspace.CustomField{
		{Key: "error_message", LabelFR: "Message d'erreur", LabelEN: "Error message", Kind: workspace.Text},
		{Key: "steps_tried", LabelFR: "Étapes déjà essayées", LabelEN: "Steps already tried", Kind: workspace.Text},
		{Key: "amount", LabelFR: "Montant", LabelEN: "Amount", Kind: workspace.Number},
	} {
		cf.Position = i + 1
		if _, err := e.d.CreateCustomField(context.Background(), admin, cf); err != nil {
			t.Fatal(err)
		}
	}
}

// describedByMissing lists the aria-describedby references of an HTML
// page or fragment that name no element in it.
func describedByMissing(t *testing.T, page string) []string {
	t.Helper()
	doc, err := html.Parse(strings.NewReader(page))
	if err != nil {
		t.Fatal(err)
	}
	ids := map[string]bool{}
	var refs []string
	var walk func(n *html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.ElementNode {
			for _, a := range n.Attr {
				switch a.Key {
				case "id":
					ids[a.Val] = true
				case "aria-describedby":
					refs = append(refs, strings.Fields(a.Val)...)
				}
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(doc)
	var missing []string
	for _, r := range refs {
		if !ids[r] {
			missing = append(missing, r)
		}
	}
	return missing
}

// Every aria-describedby of the ticket page points to an element that is
// there: on a fresh page (no error shown), and after each kind of refusal,
// whole page or htmx fragment. A screen reader otherwise announces
// nothing, or a stale error.
func TestTicketPageDescribedByExists(t *testing.T) {
	e, s := sqliteEnv(t)
	withChecklistFields(t, e, s)
	tk := "/tickets/" + id(e.f.Ticket["L1owned"].ID)
	l1 := e.login(t, "l1@acme.test")
	l3 := e.login(t, "l3@acme.test")
	swarm := "/tickets/" + id(e.f.Ticket["L3"].ID)

	cases := []struct {
		name   string
		c      *client
		path   string
		form   url.Values // nil: a GET
		htmx   bool
		status int
	}{
		{"fresh page", l1, tk, nil, false, http.StatusOK},
		{"composer refused", l1, tk + "/messages", url.Values{"mode": {"reply"}, "body": {""}}, true, http.StatusUnprocessableEntity},
		{"composer refused, no htmx", l1, tk + "/messages", url.Values{"mode": {"reply"}, "body": {""}}, false, http.StatusUnprocessableEntity},
		{"properties refused", l1, tk + "/properties", url.Values{"owner_id": {"x"}, "cf_amount": {"beaucoup"}}, true, http.StatusUnprocessableEntity},
		{"properties refused, no htmx", l1, tk + "/properties", url.Values{"owner_id": {"x"}}, false, http.StatusUnprocessableEntity},
		{"properties saved", l1, tk + "/properties", url.Values{"cf_error_message": {"Ce lien a expiré"}}, true, http.StatusOK},
		{"escalation refused", l1, tk + "/escalate", url.Values{"direction": {"up"}}, true, http.StatusUnprocessableEntity},
		{"escalation refused, no htmx", l1, tk + "/escalate", url.Values{"direction": {"up"}}, false, http.StatusUnprocessableEntity},
		{"invitation refused", l3, swarm + "/invite", url.Values{"invitee": {""}}, true, http.StatusUnprocessableEntity},
	}
	for _, c := range cases {
		var res *http.Response
		var body string
		if c.form == nil {
			res, body = c.c.get(c.path)
		} else {
			res, body = c.c.post(c.path, c.form, c.htmx)
		}
		if res.StatusCode != c.status {
			t.Errorf("%s: status %d, want %d\n%s", c.name, res.StatusCode, c.status, excerpt(body))
			continue
		}
		if !strings.Contains(body, "aria-describedby") && c.status != http.StatusOK {
			t.Errorf("%s: the refusal describes no input", c.name)
		}
		if missing := describedByMissing(t, body); len(missing) > 0 {
			t.Errorf("%s: aria-describedby points to missing ids %q", c.name, missing)
		}
		if c.status != http.StatusOK && !strings.Contains(body, `role="alert" tabindex="-1"`) {
			t.Errorf("%s: the error summary cannot take the focus", c.name)
		}
	}
}

// The checklist refusal names what is missing in its first line, in the
// reader's language: Dana reads English.
func TestEscalationRefusalNamesMissingItems(t *testing.T) {
	e, _ := sqliteEnv(t)
	l2 := e.login(t, "l2@acme.test")
	for _, htmx := range []bool{true, false} {
		res, body := l2.post("/tickets/"+id(e.f.Ticket["L2"].ID)+"/escalate", url.Values{"direction": {"up"}}, htmx)
		expectStatus(t, res, body, http.StatusUnprocessableEntity)
		contains(t, body, `<p class="form-error" role="alert" tabindex="-1">Fill in what the next tier needs before handing off: Reason, Steps to reproduce, Impact.</p>`)
	}
}

// TestBrowserChecklistIsTheFields is Luc handing off a ticket whose
// workspace keeps "Message d'erreur" and "Étapes déjà essayées" as custom
// fields. Refused, he reads what is missing in the summary line, which
// takes the focus. He saves the error message in Properties: the
// checklist shows it at once, without a reload and without losing the
// reason he had typed. He answers the other item in the checklist, hands
// off, and the answer is now the ticket's field.
func TestBrowserChecklistIsTheFields(t *testing.T) {
	ctx, e, s := browserEnv(t)
	withChecklistFields(t, e, s)
	tk := e.f.Ticket["L1owned"]

	signInAt(t, ctx, e, "/tickets/"+id(tk.ID), "l1@acme.test", "#composer")
	run(t, ctx, "hand off with nothing filled in",
		chromedp.Evaluate[chromedp.Void](`window.samePage = true`),
		chromedp.Click(chromedp.CSS("#escalate summary")),
		chromedp.WaitVisible(chromedp.CSS("#esc-steps_tried")),
		chromedp.Click(chromedp.CSS(`#escalate button[type=submit]`)),
		chromedp.WaitVisible(chromedp.CSS(`#escalate .form-error`)),
		waitTrue(`document.activeElement === document.querySelector('#escalate .form-error')`),

		settled(),
	)
	shoot(t, ctx, "checklist-refused")
	expectText(t, ctx, "#escalate .form-error",
		"Renseignez ce dont le niveau suivant a besoin avant de transférer : Motif, Étapes déjà essayées, Message d'erreur.")
	expectTrue(t, ctx, "the summary is an alert that takes the focus",
		`(() => { const s = document.querySelector('#escalate .form-error'); return s.getAttribute('role') === 'alert' && s.getAttribute('tabindex') === '-1'; })()`)

	run(t, ctx, "type the reason, then save the error message in Properties",
		chromedp.SendKeys(chromedp.CSS("#esc-reason"), "Le lien expire aussitôt"),
		chromedp.SendKeys(chromedp.CSS("#cf-error_message"), "Ce lien a expiré"),
		chromedp.Click(chromedp.CSS(`#properties button.primary`)),
		chromedp.WaitVisible(chromedp.CSS("#properties .saved")),
		waitTrue(`document.querySelector('#esc-error_message').value === 'Ce lien a expiré'`),

		settled(),
	)
	shoot(t, ctx, "checklist-ticked")
	// The panel is swapped out of band and settled by htmx: wait for the
	// whole state rather than read it at one instant.
	run(t, ctx, "the checklist item is ticked on the same page, the panel still open with the reason typed", waitTrue(
		`window.samePage === true && document.querySelector('label[for="esc-error_message"]').classList.contains('item-done') &&
		 document.querySelector('#escalate details').open && document.querySelector('#esc-reason').value === 'Le lien expire aussitôt' &&
		 !document.querySelector('label[for="esc-steps_tried"]').classList.contains('item-done')`))

	run(t, ctx, "answer the steps tried in the checklist and hand off",
		chromedp.SendKeys(chromedp.CSS("#esc-steps_tried"), "Renvoyé le lien deux fois"),
		loads(chromedp.Click(chromedp.CSS(`#escalate button[type=submit]`))),
		chromedp.WaitVisible(chromedp.CSS(".handoff-done")),
	)
	lead := storetest.Actor(t, s, e.f.Lead)
	got, err := e.d.Ticket(context.Background(), lead, tk.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.CustomFields["steps_tried"] != "Renvoyé le lien deux fois" || got.CustomFields["error_message"] != "Ce lien a expiré" {
		t.Errorf("after the hand-off the ticket's fields are %q", got.CustomFields)
	}
}

// TestBrowserSwarmInvitations is Théo inviting help on a swarmed ticket:
// the panel answers in place (the address stays the ticket's), the
// timeline shows the invitation, a second invitation of the same team is
// refused with the focus on why, and a colleague invited meanwhile from
// elsewhere is reported as already taking part.
func TestBrowserSwarmInvitations(t *testing.T) {
	ctx, e, s := browserEnv(t)
	hybridWithSwarmedBugs(t, s, e.f)
	tk := e.f.Ticket["L3"]
	page := "/tickets/" + id(tk.ID)
	team := "team-" + id(e.f.Team["L2"].ID)

	signInAt(t, ctx, e, page, "l3@acme.test", "#swarm")
	run(t, ctx, "invite the L2 team with a question",
		chromedp.Evaluate[chromedp.Void](`window.samePage = true`),
		chromedp.SetValue(chromedp.CSS("#swarm-invitee"), team),
		chromedp.SendKeys(chromedp.CSS("#swarm-question"), "Le webhook renvoie 500, une idée ?"),
		chromedp.Click(chromedp.CSS(`#swarm button[type=submit]`)),
		chromedp.WaitVisible(chromedp.CSS("#swarm .swarm-notice")),
		waitTrue(`Array.from(document.querySelectorAll('#timeline .event')).some(e => e.textContent.includes('Le webhook renvoie 500'))`),

		settled(),
	)
	shoot(t, ctx, "swarm-invited")
	expectText(t, ctx, "#swarm .swarm-notice", "Invitation envoyée à Support niveau 2")
	expectText(t, ctx, "#swarm .swarm-members", "Dana Second")
	expectTrue(t, ctx, "same page, same address", fmt.Sprintf(`window.samePage === true && location.pathname === %q`, page))

	run(t, ctx, "invite the same team again",
		chromedp.SetValue(chromedp.CSS("#swarm-invitee"), team),
		chromedp.Click(chromedp.CSS(`#swarm button[type=submit]`)),
		chromedp.WaitVisible(chromedp.CSS("#swarm .form-error")),
		waitTrue(`document.activeElement === document.querySelector('#swarm .form-error')`),

		settled(),
	)
	shoot(t, ctx, "swarm-refused")
	expectText(t, ctx, "#swarm .form-error", "Toute l'équipe participe déjà.")
	expectTrue(t, ctx, "the select points to its error, the address is the ticket's",
		fmt.Sprintf(`document.querySelector('#swarm-invitee').getAttribute('aria-describedby') === 'err-invitee' &&
		 document.getElementById('err-invitee') !== null && location.pathname === %q && window.samePage === true`, page))

	// Meanwhile a colleague was invited from elsewhere (another tab): the
	// panel still offers him, and says he already takes part.
	owner := storetest.Actor(t, s, e.f.AgentL3)
	if _, err := e.d.Swarm(context.Background(), owner, tk.ID, desk.Invitation{AgentID: e.f.AgentL1.ID}); err != nil {
		t.Fatal(err)
	}
	run(t, ctx, "invite him again from the stale panel",
		chromedp.SetValue(chromedp.CSS("#swarm-invitee"), "agent-"+id(e.f.AgentL1.ID)),
		chromedp.Click(chromedp.CSS(`#swarm button[type=submit]`)),
		waitTrue(`(document.querySelector('#swarm .swarm-notice') || {textContent: ''}).textContent.includes('participe déjà')`),
	)
	expectText(t, ctx, "#swarm .swarm-notice", e.f.AgentL1.Name+" participe déjà à ce ticket : rien n'a changé.")
	expectTrue(t, ctx, "no error left", `document.querySelector('#swarm .form-error') === null && window.samePage === true`)
}
