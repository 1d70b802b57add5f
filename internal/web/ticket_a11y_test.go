package web_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"golang.org/x/net/html"

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
