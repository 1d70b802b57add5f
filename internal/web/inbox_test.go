package web_test

import (
	"context"
	"encoding/json"
	"html"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/palier/palier/internal/desk"
	"github.com/palier/palier/internal/store"
	"github.com/palier/palier/internal/store/storetest"
	"github.com/palier/palier/internal/ticket"
)

func TestInboxAndTickets(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *env, s *store.Store) {
		f := e.f
		l1 := e.login(t, "l1@acme.test")

		t.Run("inbox shows only what the agent may see", func(t *testing.T) {
			res, body := l1.get("/views/all")
			expectStatus(t, res, body, http.StatusOK)
			contains(t, body, f.Ticket["L1"].Subject, f.Ticket["L1owned"].Subject, f.Ticket["swarm"].Subject,
				"#1000", "Alice Martin", "Non assignés en L1", "Mes essaims")
			lacks(t, body, f.Ticket["L3"].Subject, f.Ticket["L2"].Subject, f.Ticket["sensitive"].Subject, f.Other.Ticket.Subject)
		})

		t.Run("sidebar counts", func(t *testing.T) {
			res, body := l1.get("/sidebar?view=mine")
			expectStatus(t, res, body, http.StatusOK)
			// Luc: one active ticket of his own, two unassigned in L1
			// (the sensitive one is not his to see), one swarm.
			contains(t, body, `id="sidebar"`, `hx-trigger="every 30s, palier:inbox from:body"`)
			for view, n := range map[string]string{"mine": "1", "unassigned": "1", "swarms": "1"} {
				contains(t, body, `data-view="`+view+`"`)
				i := strings.Index(body, `data-view="`+view+`"`)
				if !strings.Contains(body[i:i+300], `class="count">`+n+`<`) {
					t.Errorf("view %s should count %s: %s", view, n, body[i:i+300])
				}
			}
		})

		t.Run("filters and sort", func(t *testing.T) {
			_, body := l1.get("/views/all?status=solved")
			contains(t, body, f.Ticket["solved"].Subject)
			lacks(t, body, f.Ticket["L1"].Subject)
			_, body = l1.get("/views/all?owner=none&sort=priority")
			contains(t, body, f.Ticket["L1"].Subject)
			lacks(t, body, f.Ticket["L1owned"].Subject)
			req, _ := http.NewRequest(http.MethodGet, e.srv.URL+"/views/all?type=access", nil)
			req.Header.Set("HX-Request", "true")
			req.Header.Set("HX-Target", "ticket-list")
			res, body := l1.do(req)
			expectStatus(t, res, body, http.StatusOK)
			contains(t, body, `id="ticket-list"`, f.Ticket["L1owned"].Subject)
			lacks(t, body, "<html", f.Ticket["L1"].Subject)
			res, body = l1.get("/views/all?sort=sideways")
			expectStatus(t, res, body, http.StatusBadRequest)
			res, body = l1.get("/views/team-999999")
			expectStatus(t, res, body, http.StatusNotFound)
		})

		t.Run("tickets the agent may not see are not found", func(t *testing.T) {
			for _, tk := range []string{"L3", "L2", "sensitive"} {
				res, body := l1.get("/tickets/" + id(f.Ticket[tk].ID))
				expectStatus(t, res, body, http.StatusNotFound)
				lacks(t, body, f.Ticket[tk].Subject)
				contains(t, body, "Page introuvable")
				res, body = l1.get("/t/" + id(f.Ticket[tk].Number))
				expectStatus(t, res, body, http.StatusNotFound)
			}
			res, body := l1.get("/tickets/" + id(f.Other.Ticket.ID))
			expectStatus(t, res, body, http.StatusNotFound)
			res, body = l1.post("/tickets/"+id(f.Ticket["L3"].ID)+"/messages", url.Values{"body": {"hello"}}, true)
			expectStatus(t, res, body, http.StatusNotFound)
			res, body = l1.get("/tickets/abc")
			expectStatus(t, res, body, http.StatusNotFound)
		})

		t.Run("ticket page", func(t *testing.T) {
			tk := f.Ticket["L1"]
			res, _ := l1.get("/t/" + id(tk.Number))
			if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/tickets/"+id(tk.ID) {
				t.Fatalf("reference redirect: %d → %q", res.StatusCode, res.Header.Get("Location"))
			}
			res, body := l1.get("/tickets/" + id(tk.ID))
			expectStatus(t, res, body, http.StatusOK)
			contains(t, body, tk.Subject, "#1000", "SLA : non configuré", "Facturation", "Globex", "alice@globex.example",
				"J&#39;ai été facturée deux fois ce mois-ci.", "Ticket reçu par e-mail", "Routé (règle seed)",
				// Alice's other ticket Luc can see is the swarm one.
				f.Ticket["swarm"].Subject, `id="composer"`, `id="properties"`)
			lacks(t, body, f.Ticket["L2"].Subject) // Alice's L2 ticket is not Luc's to see
		})

		t.Run("a reply appears on the timeline", func(t *testing.T) {
			tk := f.Ticket["L1owned"]
			res, body := l1.post("/tickets/"+id(tk.ID)+"/messages", url.Values{"mode": {"reply"}, "body": {"Voici un nouveau lien de réinitialisation."}, "status": {"solved"}, "after": {"0"}}, true)
			expectStatus(t, res, body, http.StatusOK)
			contains(t, body, `id="composer"`, `data-sent="true"`, `hx-swap-oob="beforeend:#timeline"`,
				"Voici un nouveau lien de réinitialisation.", "a changé le statut de Ouvert à Résolu")
			_, page := l1.get("/tickets/" + id(tk.ID))
			i := strings.Index(page, "Voici un nouveau lien")
			if i < 0 || !strings.Contains(page[max(0, i-600):i], "event-reply") {
				t.Errorf("the reply is not shown as a reply on the timeline")
			}
		})

		t.Run("an internal note is rendered distinct", func(t *testing.T) {
			tk := f.Ticket["swarm"] // Luc is a collaborator: notes only
			_, page := l1.get("/tickets/" + id(tk.ID))
			lacks(t, page, `value="reply"`)
			res, body := l1.post("/tickets/"+id(tk.ID)+"/messages", url.Values{"mode": {"note"}, "body": {"Vu le même cas chez Globex."}}, false)
			if res.StatusCode != http.StatusSeeOther {
				t.Fatalf("plain form post: %d\n%s", res.StatusCode, excerpt(body))
			}
			_, page = l1.get("/tickets/" + id(tk.ID))
			i := strings.Index(page, "Vu le même cas chez Globex.")
			if i < 0 {
				t.Fatal("note missing")
			}
			before := page[max(0, i-600):i]
			if !strings.Contains(before, "event-note") || !strings.Contains(before, "Note interne") {
				t.Errorf("the note is not marked as internal:\n%s", before)
			}
		})

		t.Run("invite an expert to swarm", func(t *testing.T) {
			tk := f.Ticket["L1owned"]
			res, body := l1.post("/tickets/"+id(tk.ID)+"/invite", url.Values{"agent_id": {id(f.AgentL3.ID)}}, false)
			if res.StatusCode != http.StatusSeeOther {
				t.Fatalf("invite: %d\n%s", res.StatusCode, excerpt(body))
			}
			_, page := l1.get("/tickets/" + id(tk.ID))
			contains(t, page, "Luc Premier a invité Théo Troisième dans l&#39;essaim", `class="swarm-members">Théo Troisième<`)
			l3 := e.login(t, "l3@acme.test")
			_, page = l3.get("/views/all") // solved meanwhile, so not in the active swarms view
			contains(t, page, tk.Subject)
		})

		t.Run("an empty reply is refused next to the field", func(t *testing.T) {
			tk := f.Ticket["L1"]
			res, body := l1.post("/tickets/"+id(tk.ID)+"/messages", url.Values{"mode": {"reply"}, "body": {"  "}}, true)
			expectStatus(t, res, body, http.StatusUnprocessableEntity)
			contains(t, body, `id="composer"`, `class="field-error" id="err-body"`, "Ce champ est obligatoire.", `aria-invalid="true"`)
		})

		t.Run("properties are saved with htmx", func(t *testing.T) {
			tk := f.Ticket["L1"]
			form := url.Values{"status": {"open"}, "priority": {"urgent"}, "request_type": {"billing"}, "tier_id": {id(tk.TierID)},
				"team_id": {id(tk.TeamID)}, "owner_id": {""}, "assign_me": {"1"}, "tags": {"Facture, doublon"}, "after": {"0"}}
			res, body := l1.post("/tickets/"+id(tk.ID)+"/properties", form, true)
			expectStatus(t, res, body, http.StatusOK)
			contains(t, body, `id="properties"`, "Enregistré.", "a changé la priorité de Normale à Urgente", "Luc Premier a pris le ticket",
				"doublon, facture")
			got, err := e.d.Ticket(context.Background(), storetest.Actor(t, s, f.AgentL1), tk.ID)
			if err != nil || got.OwnerID != f.AgentL1.ID || got.Priority.String() != "urgent" || strings.Join(got.Tags, ",") != "doublon,facture" {
				t.Errorf("not saved: %+v, %v", got, err)
			}
			form.Set("tags", "pas bien")
			form.Set("tags", "<b>")
			res, body = l1.post("/tickets/"+id(tk.ID)+"/properties", form, true)
			expectStatus(t, res, body, http.StatusUnprocessableEntity)
			contains(t, body, `id="err-tags"`, "Les étiquettes sont des mots courts", `value="&lt;b&gt;"`)
		})

		t.Run("new ticket from a phone call", func(t *testing.T) {
			res, body := l1.post("/tickets/new", url.Values{"customer_email": {""}, "subject": {""}, "body": {"Il appelle pour sa facture."}, "priority": {"normal"}}, false)
			expectStatus(t, res, body, http.StatusUnprocessableEntity)
			contains(t, body, `id="err-subject"`, `id="err-customer_email"`, "Il appelle pour sa facture.")
			res, body = l1.post("/tickets/new", url.Values{"customer_email": {"zoe@example.fr"}, "customer_name": {"Zoé Durand"},
				"subject": {"Appel : facture introuvable"}, "body": {"Elle ne trouve pas sa facture de mai."}, "request_type": {"billing"}, "priority": {"high"}}, false)
			if res.StatusCode != http.StatusSeeOther || !strings.HasPrefix(res.Header.Get("Location"), "/tickets/") {
				t.Fatalf("create: %d %q\n%s", res.StatusCode, res.Header.Get("Location"), excerpt(body))
			}
			res, body = l1.get(res.Header.Get("Location"))
			expectStatus(t, res, body, http.StatusOK)
			contains(t, body, "Appel : facture introuvable", "Zoé Durand", "Routé vers L1 · Niveau 1 — Support niveau 1 (route par défaut)",
				"Luc Premier a créé le ticket (téléphone)")
		})

		t.Run("user content is escaped", func(t *testing.T) {
			a := storetest.Actor(t, s, f.AgentL1)
			xss := "<script>alert(1)</script>"
			tk, err := e.d.CreateTicket(context.Background(), a, desk.NewTicket{Subject: xss, Body: xss + `<img src=x onerror="alert(2)">`,
				CustomerEmail: "mallory@example.com", CustomerName: xss, Channel: "web"})
			if err != nil {
				t.Fatal(err)
			}
			for _, path := range []string{"/tickets/" + id(tk.ID), "/views/all"} {
				_, body := l1.get(path)
				lacks(t, body, xss, "<img src=x")
				contains(t, body, "&lt;script&gt;alert(1)&lt;/script&gt;")
			}
		})
	})
}

var ticketLinks = regexp.MustCompile(`href="/tickets/\d+"`)

var pagerLink = regexp.MustCompile(`<a class="button" href="([^"]+)" rel="(prev|next)">`)

func pagerLinks(body string) map[string]string {
	out := map[string]string{}
	for _, m := range pagerLink.FindAllStringSubmatch(body, -1) {
		out[m[2]] = html.UnescapeString(m[1])
	}
	return out
}

// TestInboxPaging is issue 8.10: Ada pages through a big view forward and
// back, and each page says where it stands, in French, with a capped
// count for views too big to count.
func TestInboxPaging(t *testing.T) {
	e, s := sqliteEnv(t)
	if _, err := s.BulkLoad(context.Background(), e.f.WS.ID, store.BulkSpec{Tickets: 1100, Seed: 3,
		End: time.Now().Add(-time.Hour), Span: 10 * 24 * time.Hour}); err != nil {
		t.Fatal(err)
	}
	c := e.login(t, "admin@acme.test")
	res, body := c.get("/views/all")
	expectStatus(t, res, body, http.StatusOK)
	contains(t, html.UnescapeString(body), "1–50 sur 999+")
	if l := pagerLinks(body); l["prev"] != "" || l["next"] == "" {
		t.Fatalf("first page links: %v", l)
	}
	_, body = c.get(pagerLinks(body)["next"])
	contains(t, html.UnescapeString(body), "51–100 sur 999+")
	page2 := body
	_, body = c.get(pagerLinks(body)["next"])
	contains(t, html.UnescapeString(body), "101–150 sur 999+")
	_, body = c.get(pagerLinks(body)["prev"])
	contains(t, html.UnescapeString(body), "51–100 sur 999+")
	if rows := ticketLinks.FindAllString(body, -1); len(rows) == 0 || !slices.Equal(rows, ticketLinks.FindAllString(page2, -1)) {
		t.Error("Previous from page 3 does not show page 2 again")
	}
	_, body = c.get(pagerLinks(body)["prev"])
	contains(t, html.UnescapeString(body), "1–50 sur 999+")
	if l := pagerLinks(body); l["prev"] != "" {
		t.Errorf("back on the first page, Previous still leads to %q", l["prev"])
	}
	// A small view counts exactly.
	_, body = c.get("/views/all?status=solved")
	if !regexp.MustCompile(`\d+–\d+ sur \d+<`).MatchString(body) {
		t.Error("the solved tickets' page shows no exact range")
	}
	// A forged cursor is refused.
	res, body = c.get("/views/all?cursor=x")
	expectStatus(t, res, body, http.StatusBadRequest)
	res, body = c.get("/views/all?trail=.&cursor=not!a!cursor")
	expectStatus(t, res, body, http.StatusBadRequest)
}

// openTickets creates n tickets from alice, routed like any other.
func openTickets(t *testing.T, e *env, s *store.Store, n int) []int64 {
	t.Helper()
	admin := storetest.Actor(t, s, e.f.Admin)
	ids := make([]int64, n)
	for i := range ids {
		tk, err := e.d.CreateTicket(context.Background(), admin, desk.NewTicket{Subject: "Panne " + strconv.Itoa(i), Body: "Le service ne répond plus.",
			RequestType: "access", CustomerID: e.f.Customer["alice"].ID})
		if err != nil {
			t.Fatal(err)
		}
		ids[i] = tk.ID
	}
	return ids
}

// The bulk form without JavaScript: 200 tickets solved with one reply in
// one post, the list says how it went; with the page's script, each
// ticket's result comes back, refusals with their reason.
func TestBulkFromTheList(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *env, s *store.Store) {
		ids := openTickets(t, e, s, 200)
		luc := e.login(t, "l1@acme.test")
		form := url.Values{"status": {"solved"}, "reply": {"Le service est rétabli."}, "back": {"/views/mine"}}
		for _, id := range ids {
			form.Add("ticket", strconv.FormatInt(id, 10))
		}
		res, body := luc.post("/tickets/bulk", form, false)
		expectStatus(t, res, body, http.StatusSeeOther)
		if loc := res.Header.Get("Location"); loc != "/views/mine?bulk_done=200&bulk_failed=0" {
			t.Errorf("back to %q", loc)
		}
		lucActor := storetest.Actor(t, s, e.f.AgentL1)
		for _, id := range []int64{ids[0], ids[199]} {
			if tk, _ := e.d.Ticket(context.Background(), lucActor, id); tk.Status != ticket.Solved {
				t.Errorf("ticket %d is %s", id, tk.Status)
			}
		}
		// A ticket of another tier reports why; the visible one is done.
		req, _ := http.NewRequest(http.MethodPost, e.srv.URL+"/tickets/bulk", strings.NewReader(url.Values{
			"priority": {"high"}, "ticket": {strconv.FormatInt(e.f.Ticket["L1"].ID, 10), strconv.FormatInt(e.f.Ticket["L3"].ID, 10)}}.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("Accept", "application/json")
		res, body = luc.do(req)
		expectStatus(t, res, body, http.StatusOK)
		var out struct {
			Results []struct {
				ID    int64
				OK    bool
				Error string
			}
		}
		if err := json.Unmarshal([]byte(body), &out); err != nil {
			t.Fatal(err)
		}
		if len(out.Results) != 2 || !out.Results[0].OK || out.Results[1].OK || out.Results[1].Error != "Ticket introuvable." {
			t.Errorf("results = %+v", out.Results)
		}
	})
}

// TestBrowserBulkReply is the outage case: Luc ticks every ticket of his
// tier's page, writes one answer and solves them; a progress bar follows
// the chunks and the summary says all were done.
func TestBrowserBulkReply(t *testing.T) {
	ctx, e, s := browserEnv(t)
	openTickets(t, e, s, 60)
	run(t, ctx, "sign in to his tier's queue",
		chromedp.Navigate(e.srv.URL+"/views/tier-"+id(e.f.Tier["L1"].ID)),
		chromedp.WaitVisible(chromedp.CSS("#email")),
		chromedp.SendKeys(chromedp.CSS("#email"), "l1@acme.test"),
		chromedp.SendKeys(chromedp.CSS("#password"), storetest.Password),
		clickAndLoad(`form[action="/login"] button[type=submit]`),
		waitTrue(`document.querySelectorAll('input.row-select').length === 50`),
	)
	run(t, ctx, "select the page, shift-click proves ranges",
		chromedp.Click(chromedp.CSS("#select-all")),
		waitTrue(`document.querySelectorAll('input.row-select:checked').length === 50 && document.querySelector('.bulk-count').textContent === '(50)'`),
		chromedp.Click(chromedp.CSS("#select-all")),
		chromedp.Click(chromedp.CSS("tr.ticket-row:nth-child(2) input.row-select")),
		chromedp.Evaluate[chromedp.Void](`document.querySelector('tr.ticket-row:nth-child(6) input.row-select').dispatchEvent(new MouseEvent('click', {bubbles: true, shiftKey: true}))`),
		waitTrue(`document.querySelectorAll('input.row-select:checked').length === 5`),
		chromedp.Click(chromedp.CSS("#select-all")),
		waitTrue(`document.querySelectorAll('input.row-select:checked').length === 50`),
	)
	run(t, ctx, "one answer to every customer, solved",
		chromedp.SetValue(chromedp.CSS(`#bulk-form select[name=status]`), "solved"),
		chromedp.SendKeys(chromedp.CSS("#bulk-reply"), "Le service est rétabli. Merci de votre patience."),
		chromedp.Click(chromedp.CSS("#bulk-form button.bulk-apply")),
		waitTrue(`document.querySelector('#bulk-form progress').max === 50`),
		waitTrue(`!document.querySelector('.bulk-summary').hidden && document.querySelector('.bulk-summary').textContent === 'Faits : 50. Non faits : 0.'`),
		waitTrue(`document.querySelector('#bulk-form progress').value === 50`),
	)
	solved := 0
	list, _, err := e.d.Tickets(context.Background(), storetest.Actor(t, s, e.f.AgentL1), store.Filter{}, "", 200)
	if err != nil {
		t.Fatal(err)
	}
	for _, tk := range list {
		if tk.Status == ticket.Solved {
			solved++
		}
	}
	if solved < 50 {
		t.Errorf("%d tickets solved, want at least 50", solved)
	}
}
