package web_test

import (
	"context"
	"encoding/json"
	"fmt"
	"html"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/palier/palier/internal/store"
	"github.com/palier/palier/internal/store/storetest"
)

// peopleRows counts the rows the customer and organisation pages may write.
func peopleRows(t *testing.T, s *store.Store) map[string]int {
	t.Helper()
	return rows(t, s, "customer_notes", "customers", "organisations", "audit_log")
}

// Every role on every route of the customer and organisation pages:
// support reads and writes them; a collaborator reads only the page of a
// customer whose ticket they were invited to, without notes, account or
// edit form, and is refused every write; another workspace's agent finds
// nothing. A refusal writes nothing.
func TestCustomerPagesForEveryRole(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *env, s *store.Store) {
		f := e.f
		ctx := context.Background()
		ext := e.collaborator(t)
		if err := e.d.Invite(ctx, storetest.Actor(t, s, f.AgentL3), f.Ticket["swarm"].ID, ext.ID); err != nil { // alice's ticket
			t.Fatal(err)
		}
		alice, victoria := id(f.Customer["alice"].ID), id(f.Customer["victoria"].ID)
		org := id(f.Org.ID)
		// writes are the pages' write routes, all answering want to who may
		// not write. The edit keeps alice's own address, so only access can
		// refuse it.
		writes := func(want int) []route {
			return []route{
				{"POST", "/customers/" + alice, url.Values{"name": {"Hacked"}, "email": {"alice@globex.example"}}, want},
				{"POST", "/customers/" + alice + "/notes", url.Values{"body": {"intrusion"}}, want},
				{"POST", "/organisations/" + org, url.Values{"name": {"Hacked"}}, want},
				{"POST", "/organisations/" + org + "/notes", url.Values{"body": {"intrusion"}}, want},
			}
		}
		support := []string{f.Admin.Email, f.Lead.Email, f.AgentL1.Email, f.AgentL2.Email, f.AgentL3.Email}
		for _, who := range support {
			t.Run(who, func(t *testing.T) {
				c := e.login(t, who)
				expectRoutes(t, c, []route{
					{"GET", "/customers", nil, 200},
					{"GET", "/customers?q=alice", nil, 200},
					{"GET", "/customers/" + alice, nil, 200},
					{"GET", "/customers/" + victoria, nil, 200},
					{"GET", "/organisations/" + org, nil, 200},
					{"POST", "/customers/" + alice + "/notes", url.Values{"body": {"Note by " + who}}, 303},
					{"POST", "/organisations/" + org + "/notes", url.Values{"body": {"Org note by " + who}}, 303},
					{"GET", "/customers/" + id(f.Other.Customer.ID), nil, 404},
					{"GET", "/customers/999999", nil, 404},
					{"GET", "/organisations/999999", nil, 404},
				})
				_, page := c.get("/customers/" + alice)
				contains(t, page, "Note by "+who, `id="note-form"`, `id="customer-form"`, `id="portal-state"`)
				_, page = c.get("/organisations/" + org)
				contains(t, page, "Org note by "+who, `id="organisation-form"`, `href="/customers/`+alice+`"`)
			})
		}

		t.Run("collaborator", func(t *testing.T) {
			c := e.login(t, ext.Email)
			before := peopleRows(t, s)
			expectRoutes(t, c, append([]route{
				{"GET", "/customers", nil, 403},
				{"GET", "/customers/" + victoria, nil, 404}, // none of her tickets is theirs
				{"GET", "/organisations/" + org, nil, 403},
			}, writes(403)...))
			sameRows(t, "a collaborator", before, peopleRows(t, s))
			res, page := c.get("/customers/" + alice)
			expectStatus(t, res, page, 200)
			contains(t, page, html.EscapeString(f.Ticket["swarm"].Subject))
			lacks(t, page, `id="note-form"`, `id="customer-form"`, `id="portal-state"`, "Note by", html.EscapeString(f.Ticket["L1"].Subject), `href="/organisations/`)
			_, page = c.get("/")
			lacks(t, page, `href="/customers"`)
		})

		t.Run("another workspace", func(t *testing.T) {
			c := e.login(t, f.Other.Agent.Email)
			before := peopleRows(t, s)
			expectRoutes(t, c, append([]route{
				{"GET", "/customers/" + alice, nil, 404},
				{"GET", "/organisations/" + org, nil, 404},
			}, writes(404)...))
			sameRows(t, "another workspace's agent", before, peopleRows(t, s))
			_, page := c.get("/customers")
			lacks(t, page, f.Customer["alice"].Name)
		})
	})
}

// An L1 agent on a customer whose tickets are all out of reach (one
// L3-only, one sensitive): neither is listed, the page says how many as a
// number only; the admin sees both.
func TestCustomerPageListsOnlyVisibleTickets(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *env, s *store.Store) {
		f := e.f
		path := "/customers/" + id(f.Customer["victoria"].ID)
		_, page := e.login(t, f.AgentL1.Email).get(path)
		lacks(t, page, html.EscapeString(f.Ticket["L3"].Subject), html.EscapeString(f.Ticket["sensitive"].Subject), f.Ticket["L3"].Reference, f.Ticket["sensitive"].Reference)
		contains(t, page, `id="hidden-tickets"`, "2 autres tickets que vous ne pouvez pas ouvrir.")
		_, page = e.login(t, f.Admin.Email).get(path)
		contains(t, page, html.EscapeString(f.Ticket["L3"].Subject), html.EscapeString(f.Ticket["sensitive"].Subject))
		lacks(t, page, `id="hidden-tickets"`)
	})
}

// The edit form: saved through the desk (audited), refused field by field
// in the agent's language with nothing written.
func TestCustomerEditForm(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *env, s *store.Store) {
		f := e.f
		ctx := context.Background()
		alice := f.Customer["alice"]
		path := "/customers/" + id(alice.ID)
		form := func(kv ...string) url.Values {
			v := url.Values{"name": {alice.Name}, "email": {alice.Email}, "phone": {""}, "language": {alice.Language}, "segment": {alice.Segment}, "organisation": {f.Org.Name}}
			for i := 0; i+1 < len(kv); i += 2 {
				v.Set(kv[i], kv[i+1])
			}
			return v
		}
		for _, lang := range []string{"fr", "en"} {
			t.Run("refused in "+lang, func(t *testing.T) {
				c := e.login(t, f.AgentL1.Email) // French profile: set the language explicitly
				c.post("/settings/language", url.Values{"lang": {lang}, "next": {"/"}}, false)
				before := peopleRows(t, s)
				res, body := c.post(path, form("name", "", "email", "nope", "segment", "gold", "organisation", "Initech"), false)
				expectStatus(t, res, body, http.StatusUnprocessableEntity)
				for _, field := range []string{"name", "email", "segment", "organisation"} {
					contains(t, body, `id="err-`+field+`"`)
				}
				if lang == "fr" {
					contains(t, body, "Initech", `value="nope"`)
				}
				sameRows(t, "a refused edit", before, peopleRows(t, s))
				res, body = c.post(path, form("email", f.Customer["bob"].Email), false)
				expectStatus(t, res, body, http.StatusUnprocessableEntity)
				contains(t, body, `id="err-email"`)
				sameRows(t, "a refused edit", before, peopleRows(t, s))
			})
		}
		c := e.login(t, f.AgentL1.Email)
		c.post("/settings/language", url.Values{"lang": {"fr"}, "next": {"/"}}, false)
		res, body := c.post(path, form("segment", "vip", "phone", "+33 1 23 45 67 89", "organisation", ""), false)
		expectStatus(t, res, body, http.StatusSeeOther)
		if loc := res.Header.Get("Location"); loc != path+"?saved=1" {
			t.Errorf("redirect to %q", loc)
		}
		got, err := e.d.Customer(ctx, storetest.Actor(t, s, f.Admin), alice.ID)
		if err != nil || got.Segment != "vip" || got.Phone != "+33 1 23 45 67 89" || got.OrganisationID != 0 {
			t.Errorf("saved customer = %+v, %v", got, err)
		}
		entries, _ := s.AuditEntries(ctx, f.WS.ID, store.AuditFilter{TargetType: "customer"}, 1)
		if len(entries) != 1 || entries[0].ActorID != f.AgentL1.ID || entries[0].Action != "customer.updated" {
			t.Errorf("audit = %+v", entries)
		}
		_, page := c.get(path + "?saved=1")
		contains(t, page, "Enregistré.", `<dd id="customer-segment">VIP</dd>`)
		// Back into the organisation by its name.
		res, body = c.post(path, form("segment", "vip"), false)
		expectStatus(t, res, body, http.StatusSeeOther)
		if got, _ := e.d.Customer(ctx, storetest.Actor(t, s, f.Admin), alice.ID); got.OrganisationID != f.Org.ID {
			t.Errorf("organisation not set back: %+v", got)
		}

		// The organisation's form, and an empty note, refused.
		before := peopleRows(t, s)
		res, body = c.post("/organisations/"+id(f.Org.ID), url.Values{"name": {""}, "domain": {"bad domain"}, "segment": {"b2b"}}, false)
		expectStatus(t, res, body, http.StatusUnprocessableEntity)
		contains(t, body, `id="err-name"`, `id="err-domain"`)
		res, body = c.post(path+"/notes", url.Values{"body": {"   "}}, false)
		expectStatus(t, res, body, http.StatusUnprocessableEntity)
		contains(t, body, `id="err-body"`)
		sameRows(t, "refused organisation edit and note", before, peopleRows(t, s))
		res, body = c.post("/organisations/"+id(f.Org.ID), url.Values{"name": {"Globex Corp"}, "domain": {"globex.example"}, "segment": {"vip"}}, false)
		expectStatus(t, res, body, http.StatusSeeOther)
		_, page = c.get("/organisations/" + id(f.Org.ID) + "?saved=1")
		contains(t, page, "Globex Corp", `<dd id="organisation-segment">VIP</dd>`)
	})
}

// The organisation page shows its open tickets at a glance, access-
// filtered: an L3 agent sees the swarm ticket only.
func TestOrganisationPageOpenTickets(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *env, s *store.Store) {
		f := e.f
		path := "/organisations/" + id(f.Org.ID)
		_, page := e.login(t, f.AgentL3.Email).get(path)
		contains(t, page, html.EscapeString(f.Ticket["swarm"].Subject), `data-status="open"`)
		lacks(t, page, html.EscapeString(f.Ticket["L1"].Subject), html.EscapeString(f.Ticket["L2"].Subject), `data-status="new"`)
		_, page = e.login(t, f.Admin.Email).get(path)
		contains(t, page, html.EscapeString(f.Ticket["swarm"].Subject), html.EscapeString(f.Ticket["L1"].Subject), html.EscapeString(f.Ticket["L2"].Subject), `data-status="new"`)
		// Most urgent first: L2 (high) before L1 (normal).
		if i, j := strings.Index(page, html.EscapeString(f.Ticket["L2"].Subject)), strings.Index(page, html.EscapeString(f.Ticket["L1"].Subject)); i > j {
			t.Error("a normal ticket is listed before a high one")
		}
	})
}

// The ways in: the top bar, the ticket's customer panel, the inbox rows
// and the search box's email result link to the customer page.
func TestLinksToTheCustomerPage(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *env, s *store.Store) {
		f := e.f
		c := e.login(t, f.AgentL1.Email)
		link := `href="/customers/` + id(f.Customer["alice"].ID) + `"`
		_, page := c.get("/") // his own tickets: bob's
		contains(t, page, `href="/customers"`, `href="/customers/`+id(f.Customer["bob"].ID)+`"`)
		_, page = c.get("/tickets/" + id(f.Ticket["L1"].ID))
		contains(t, page, link)
		_, page = c.get("/search?q=" + url.QueryEscape(f.Customer["alice"].Email))
		contains(t, page, link)
		_, page = c.get("/customers?q=" + url.QueryEscape("glob"))
		contains(t, page, fmt.Sprintf(`href="/organisations/%d"`, f.Org.ID))
	})
}

// Notes about a customer are support's: nothing of them reaches the
// customer's help centre.
func TestCustomerNotesNeverReachThePortal(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		e, logs := portalEnv(t, s)
		f := e.f
		const secret = "Difficult customer: offer no discount"
		lead := e.login(t, f.Lead.Email)
		res, body := lead.post("/customers/"+id(f.Customer["alice"].ID)+"/notes", url.Values{"body": {secret}}, false)
		expectStatus(t, res, body, http.StatusSeeOther)
		res, body = lead.post("/organisations/"+id(f.Org.ID)+"/notes", url.Values{"body": {secret + " (org)"}}, false)
		expectStatus(t, res, body, http.StatusSeeOther)
		cust := e.customerIn(t, logs, f.Customer["alice"].Email)
		for _, p := range []string{"/help/requests", "/help/account", fmt.Sprintf("/help/requests/%d", f.Ticket["L1"].Number),
			fmt.Sprintf("/help/requests/%d", f.Ticket["L2"].Number)} {
			res, page := cust.get(p)
			expectStatus(t, res, page, http.StatusOK)
			lacks(t, page, "Difficult customer")
		}
		// The agent pages are not the customer's either.
		res, _ = cust.get("/customers/" + id(f.Customer["alice"].ID))
		if res.StatusCode != http.StatusSeeOther || !strings.HasPrefix(res.Header.Get("Location"), "/login") {
			t.Errorf("a customer opens the customer page: %d", res.StatusCode)
		}
	})
}

// Merging from the customer page: leads and admins only, by the
// duplicate's address; a bad address is the form's error and writes
// nothing.
func TestCustomerMergeForEveryRole(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *env, s *store.Store) {
		f := e.f
		ext := e.collaborator(t)
		alice := "/customers/" + id(f.Customer["alice"].ID)
		merge := url.Values{"from": {f.Customer["victoria"].Email}}
		for who, want := range map[string]int{f.AgentL1.Email: 403, f.AgentL2.Email: 403, f.AgentL3.Email: 403, ext.Email: 403, f.Other.Agent.Email: 403} {
			before := peopleRows(t, s)
			res, body := e.login(t, who).post(alice+"/merge", merge, false)
			if res.StatusCode != want {
				t.Errorf("%s merges: %d, want %d\n%s", who, res.StatusCode, want, excerpt(body))
			}
			sameRows(t, who+"'s merge", before, peopleRows(t, s))
		}
		_, page := e.login(t, f.AgentL1.Email).get(alice)
		lacks(t, page, `id="merge-form"`)

		lead := e.login(t, f.Lead.Email)
		_, page = lead.get(alice)
		contains(t, page, `id="merge-form"`)
		before := peopleRows(t, s)
		for _, bad := range []string{"", "nobody@nowhere.example", f.Customer["alice"].Email, f.Other.Customer.Email} {
			res, body := lead.post(alice+"/merge", url.Values{"from": {bad}}, false)
			expectStatus(t, res, body, http.StatusUnprocessableEntity)
			contains(t, body, `id="err-from"`)
		}
		sameRows(t, "refused merges", before, peopleRows(t, s))
		res, body := e.login(t, f.Admin.Email).post(alice+"/merge", merge, false)
		expectStatus(t, res, body, http.StatusSeeOther)
		_, page = lead.get(alice + "?merged=1")
		contains(t, page, `id="extra-emails"`, f.Customer["victoria"].Email, html.EscapeString(f.Ticket["sensitive"].Subject))
	})
}

// TestBrowserCustomerPage is Luc, on one of his tickets, opening the
// customer's page from the ticket, moving Bob to the VIP segment, adding a
// note about him, and finding both after a reload.
func TestBrowserCustomerPage(t *testing.T) {
	ctx, e, _ := browserEnv(t)
	tk := e.f.Ticket["L1owned"] // Bob Smith's
	bob := e.f.Customer["bob"]
	page := e.srv.URL + "/customers/" + id(bob.ID)

	signInAt(t, ctx, e, "/tickets/"+id(tk.ID), "l1@acme.test", "#composer")
	run(t, ctx, "open the customer from the ticket",
		clickAndLoad(".customer-name a"),
		chromedp.WaitVisible(chromedp.CSS("#customer-form")),
		waitTrue(`location.pathname === '/customers/`+id(bob.ID)+`'`),
		waitTrue(`document.getElementById('customer-title').textContent === `+jsString(bob.Name)),
	)
	run(t, ctx, "move him to the VIP segment",
		chromedp.Evaluate[chromedp.Void](`document.getElementById('f-segment').value = 'vip'`),
		clickAndLoad(`#customer-form button[type=submit]`),
		chromedp.WaitVisible(chromedp.CSS(".saved")),
		waitTrue(`document.getElementById('customer-segment').textContent === 'VIP'`),
	)
	run(t, ctx, "add a note",
		chromedp.SendKeys(chromedp.CSS("#note-body"), "Rappeler avant midi."),
		clickAndLoad(`#note-form button[type=submit]`),
		waitTrue(`[...document.querySelectorAll('.people-note-body')].some(p => p.textContent === 'Rappeler avant midi.')`),
	)
	run(t, ctx, "both are still there after a reload",
		chromedp.Navigate(page),
		chromedp.WaitVisible(chromedp.CSS("#notes")),
		waitTrue(`document.getElementById('customer-segment').textContent === 'VIP'`),
		waitTrue(`document.querySelector('.people-note .people-note-body').textContent === 'Rappeler avant midi.'`),
		waitTrue(`document.querySelector('.people-note .people-note-head strong').textContent === 'Luc Premier'`),
		waitTrue(`document.getElementById('f-segment').value === 'vip' && document.getElementById('note-body').value === ''`),
	)
}

// jsString quotes a Go string as a JavaScript string literal.
func jsString(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}
