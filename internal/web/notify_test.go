package web_test

import (
	"bufio"
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/palier/palier/internal/browsertest"
	"github.com/palier/palier/internal/desk"
	"github.com/palier/palier/internal/store"
	"github.com/palier/palier/internal/store/storetest"
)

// stream is an open GET /events, read line by line.
type stream struct {
	lines  chan string
	cancel func()
}

func (c *client) events(t *testing.T, query string) (*stream, int) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, c.e.srv.URL+"/events"+query, nil)
	res, err := c.http.Do(req)
	if err != nil {
		cancel()
		t.Fatalf("GET /events: %v", err)
	}
	if res.StatusCode != http.StatusOK {
		res.Body.Close()
		cancel()
		return nil, res.StatusCode
	}
	s := &stream{lines: make(chan string, 256), cancel: func() { cancel(); res.Body.Close() }}
	t.Cleanup(s.cancel)
	go func() {
		defer close(s.lines)
		sc := bufio.NewScanner(res.Body)
		for sc.Scan() {
			s.lines <- sc.Text()
		}
	}()
	s.await(t, "event: ready")
	return s, res.StatusCode
}

// await waits for a line starting with prefix and returns the data line
// that follows it.
func (s *stream) await(t *testing.T, prefix string) string {
	t.Helper()
	deadline := time.After(10 * time.Second)
	for {
		select {
		case l, ok := <-s.lines:
			if !ok {
				t.Fatalf("the stream ended before %q", prefix)
			}
			if strings.HasPrefix(l, prefix) {
				return <-s.lines
			}
		case <-deadline:
			t.Fatalf("no %q on the stream within 10 s", prefix)
		}
	}
}

// The notification centre in the UI: the badge counts, the panel reads in
// the agent's language and links to the ticket (marking it read), the
// stream tells the page, and nobody reads another's notification.
func TestNotificationCentre(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *env, s *store.Store) {
		ctx := context.Background()
		luc := e.login(t, "l1@acme.test")
		dana := e.login(t, "l2@acme.test")
		lead := storetest.Actor(t, s, e.f.Lead)

		res, body := luc.get("/notifications/bell")
		expectStatus(t, res, body, 200)
		contains(t, body, `data-unread="0"`)

		live, _ := luc.events(t, "")
		l1 := e.f.Ticket["L1"]
		owner := e.f.AgentL1.ID
		if _, err := e.d.UpdateTicket(ctx, lead, l1.ID, desk.Update{OwnerID: &owner}); err != nil {
			t.Fatal(err)
		}
		if data := live.await(t, "event: agent.notification"); !strings.Contains(data, `"kind":"assigned"`) {
			t.Errorf("the stream says %s", data)
		}
		_, body = luc.get("/notifications/bell")
		contains(t, body, `data-unread="1"`, `>1</span>`)
		res, body = luc.get("/notifications/panel")
		expectStatus(t, res, body, 200)
		contains(t, body, "Léa Lead vous a attribué #1000", l1.Subject, `class="notify-item is-unread"`)

		list, err := e.d.Notifications(ctx, storetest.Actor(t, s, e.f.AgentL1), 0, false, 10)
		if err != nil || len(list) != 1 {
			t.Fatalf("notifications: %v %v", list, err)
		}
		// Dana may not open Luc's notification: not found, and it stays unread.
		res, _ = dana.get("/notifications/" + id(list[0].ID))
		if res.StatusCode != http.StatusNotFound {
			t.Errorf("another agent opens the notification: %d, want 404", res.StatusCode)
		}
		res, _ = luc.get("/notifications/" + id(list[0].ID))
		if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/tickets/"+id(l1.ID) {
			t.Errorf("opening the notification: %d → %q", res.StatusCode, res.Header.Get("Location"))
		}
		live.await(t, "event: agent.notifications_read")
		_, body = luc.get("/notifications/bell")
		contains(t, body, `data-unread="0"`)
		_, body = luc.get("/notifications")
		contains(t, body, "Léa Lead vous a attribué #1000")
		lacks(t, body, "is-unread")

		// Settings: assigned off in the app, on by email.
		res, body = luc.post("/settings/notifications", url.Values{"email.assigned": {"1"}, "in_app.mentioned": {"1"}}, false)
		if res.StatusCode != http.StatusSeeOther {
			t.Fatalf("save settings: %d %s", res.StatusCode, excerpt(body))
		}
		_, body = luc.get("/settings/notifications?saved=1")
		contains(t, body, "Préférences de notification enregistrées", `name="email.assigned" value="1" checked`)
		lacks(t, body, `name="in_app.assigned" value="1" checked`)
	})
}

// GET /events carries a ticket's topic only to who may read the ticket,
// and a ticket's events reach its open pages.
func TestEventStreamAccess(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *env, s *store.Store) {
		luc := e.login(t, "l1@acme.test")
		theo := e.login(t, "l3@acme.test")
		for _, q := range []string{"?ticket=" + id(e.f.Ticket["L2"].ID), "?ticket=" + id(e.f.Ticket["sensitive"].ID), "?ticket=0", "?ticket=x"} {
			if _, status := luc.events(t, q); status != http.StatusNotFound {
				t.Errorf("GET /events%s as the L1 agent: %d, want 404", q, status)
			}
		}
		anon := e.anon(t, "")
		res, _ := anon.get("/events")
		if res.StatusCode != http.StatusSeeOther {
			t.Errorf("GET /events signed out: %d", res.StatusCode)
		}
		// Luc is a collaborator on the swarm ticket: he sees Théo's reply.
		sw := e.f.Ticket["swarm"]
		live, _ := luc.events(t, "?ticket="+id(sw.ID))
		res, body := theo.post("/tickets/"+id(sw.ID)+"/messages", url.Values{"mode": {"reply"}, "body": {"Voici la réponse."}}, true)
		expectStatus(t, res, body, 200)
		if data := live.await(t, "event: ticket.message"); !strings.Contains(data, `"kinds":["agent_reply"]`) {
			t.Errorf("ticket event: %s", data)
		}
		res, body = luc.get("/tickets/" + id(sw.ID) + "/updates?after=0")
		expectStatus(t, res, body, 200)
		contains(t, body, "Voici la réponse.", `id="timeline-cursor"`)
		// Presence goes to the same pages, only from who may read it.
		res, _ = theo.post("/tickets/"+id(sw.ID)+"/presence", url.Values{"state": {"replying"}}, true)
		if res.StatusCode != http.StatusNoContent {
			t.Fatalf("presence: %d", res.StatusCode)
		}
		if data := live.await(t, "event: ticket.presence"); !strings.Contains(data, `"name":"Théo Troisième","state":"replying"`) {
			t.Errorf("presence event: %s", data)
		}
		for _, bad := range []url.Values{{"state": {"dancing"}}, {}} {
			if res, _ := theo.post("/tickets/"+id(sw.ID)+"/presence", bad, true); res.StatusCode != http.StatusUnprocessableEntity && res.StatusCode != http.StatusBadRequest {
				t.Errorf("presence %v: %d", bad, res.StatusCode)
			}
		}
		if res, _ := luc.post("/tickets/"+id(e.f.Ticket["L2"].ID)+"/presence", url.Values{"state": {"viewing"}}, true); res.StatusCode != http.StatusNotFound {
			t.Errorf("presence on a ticket Luc may not read: %d", res.StatusCode)
		}
	})
}

// A reply written over a conversation that moved on is held back with a
// "send anyway" choice.
func TestCollisionWarning(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *env, s *store.Store) {
		luc := e.login(t, "l1@acme.test")
		lead := e.login(t, "lead@acme.test")
		tk := e.f.Ticket["L1owned"]
		path := "/tickets/" + id(tk.ID)
		_, page := luc.get(path)
		seen := between(page, `name="seen" value="`, `"`)
		if seen == "" {
			t.Fatalf("the composer carries no seen event\n%s", excerpt(page))
		}
		res, body := lead.post(path+"/messages", url.Values{"mode": {"note"}, "body": {"Je m'en occupe"}}, true)
		expectStatus(t, res, body, 200)
		events := count(t, s, "SELECT count(*) FROM events")
		res, body = luc.post(path+"/messages", url.Values{"mode": {"reply"}, "body": {"Bonjour"}, "seen": {seen}}, true)
		if res.StatusCode != http.StatusConflict {
			t.Fatalf("reply over a new note: %d, want 409", res.StatusCode)
		}
		contains(t, body, "Quelqu&#39;un d&#39;autre a écrit sur ce ticket", `name="force" value="1"`, "Bonjour")
		if n := count(t, s, "SELECT count(*) FROM events"); n != events {
			t.Errorf("the held-back reply wrote %d events", n-events)
		}
		res, body = luc.post(path+"/messages", url.Values{"mode": {"reply"}, "body": {"Bonjour"}, "seen": {seen}, "force": {"1"}}, true)
		expectStatus(t, res, body, 200)
		// One's own messages are no collision.
		newSeen := between(body, `name="seen" value="`, `"`)
		res, _ = luc.post(path+"/messages", url.Values{"mode": {"note"}, "body": {"Suite"}, "seen": {seen}}, true)
		if res.StatusCode != http.StatusConflict {
			t.Errorf("the old seen still predates the lead's note: %d", res.StatusCode)
		}
		res, body = luc.post(path+"/messages", url.Values{"mode": {"note"}, "body": {"Suite"}, "seen": {newSeen}}, true)
		expectStatus(t, res, body, 200)
	})
}

func between(s, from, to string) string {
	_, rest, ok := strings.Cut(s, from)
	if !ok {
		return ""
	}
	v, _, _ := strings.Cut(rest, to)
	return v
}

// TestBrowserLiveTicket is two agents on one ticket, each in a browser of
// their own. Luc has it open; Léa opens it too: each page says who else is
// there. Léa types, and Luc's page says she is replying. She posts a note
// mentioning Luc (completing his name with the "@" type-ahead): without a
// reload, Luc's badge counts one notification and his timeline shows the
// note. Luc's reply, written before he saw it, is held back with a "send
// anyway" choice, which sends it. Léa goes back to her list, where a
// ticket opened meanwhile appears by itself.
func TestBrowserLiveTicket(t *testing.T) {
	// The server first: its Close, registered first, then runs last, once
	// both browsers (and their event streams) are gone.
	e, s := sqliteEnv(t)
	luc := browsertest.New(t)
	lea := browsertest.New(t)
	tk := e.f.Ticket["L1owned"]
	page := "/tickets/" + id(tk.ID)

	signInAt(t, luc, e, page, "l1@acme.test", "#composer")
	run(t, luc, "Luc's page is live, with no notification",
		chromedp.Evaluate[chromedp.Void](`window.samePage = true`),
		waitTrue(`document.documentElement.dataset.live === 'connected'`),
		waitTrue(`document.querySelector('#notify-bell[data-unread="0"] #notify-count').hidden`),
	)
	signInAt(t, lea, e, page, "lead@acme.test", "#composer")
	run(t, lea, "Léa sees Luc on the ticket",
		waitTrue(`document.documentElement.dataset.live === 'connected'`),
		waitTrue(`document.querySelector('#presence').textContent === 'Luc Premier consulte ce ticket'`),
	)
	run(t, luc, "Luc sees Léa on the ticket",
		waitTrue(`document.querySelector('#presence').textContent === 'Léa Lead consulte ce ticket'`),
	)

	run(t, lea, "Léa starts a note and completes Luc's name",
		chromedp.Click(chromedp.CSS(`#composer label.mode-note`)),
		chromedp.SendKeys(chromedp.CSS("#composer-body"), "@Lu"),
		waitTrue(`[...document.querySelectorAll('#mention-menu [role=option]')].map(o => o.textContent).join() === 'Luc Premier'`),
		chromedp.KeyEvent("\r"),
		waitTrue(`document.querySelector('#composer-body').value === '@Luc Premier ' && document.querySelector('#mention-menu') === null`),
		chromedp.SendKeys(chromedp.CSS("#composer-body"), "le client a rappelé, je te laisse répondre."),
	)
	run(t, luc, "Luc sees Léa replying",
		waitTrue(`document.querySelector('#presence').textContent === 'Léa Lead est en train de répondre'`),
	)
	run(t, luc, "Luc starts a reply meanwhile",
		chromedp.SendKeys(chromedp.CSS("#composer-body"), "Bonjour Bob, voici un nouveau lien."),
	)
	run(t, lea, "Léa posts the note",
		chromedp.Click(chromedp.CSS("#composer button.send-note")),
		waitTrue(`[...document.querySelectorAll('#timeline .event-note')].some(e => e.innerText.includes('je te laisse répondre'))`),
	)
	run(t, luc, "Luc's badge and timeline move without a reload",
		waitTrue(`document.querySelector('#notify-bell').dataset.unread === '1' && document.querySelector('#notify-count').textContent === '1' && !document.querySelector('#notify-count').hidden`),
		waitTrue(`[...document.querySelectorAll('#timeline .event-note')].some(e => e.innerText.includes('@Luc Premier le client a rappelé'))`),
		waitTrue(`window.samePage === true`),
	)
	run(t, luc, "the panel says who mentioned him, in French",
		chromedp.Click(chromedp.CSS("#notify-bell summary")),
		waitTrue(`[...document.querySelectorAll('#notify-panel .notify-item.is-unread')].some(i => i.innerText.includes('Léa Lead vous a mentionné·e sur #1001'))`),
		chromedp.Click(chromedp.CSS("#notify-bell summary")),
	)
	run(t, luc, "his reply, written before he saw the note, is held back",
		chromedp.Click(chromedp.CSS("#composer button.send-reply")),
		waitTrue(`document.querySelector('#composer .send-anyway') !== null && document.querySelector('#composer-body').value === 'Bonjour Bob, voici un nouveau lien.'`),
		// The composer just swapped in must be wired by htmx before its
		// button is clicked, or the browser submits the form itself.
		waitTrue(`document.querySelector('#composer')['htmx-internal-data'] !== undefined && !document.querySelector('#composer').classList.contains('htmx-settling')`),
	)
	expectText(t, luc, "#composer .form-error", "Quelqu'un d'autre a écrit sur ce ticket depuis que vous l'avez ouvert.")
	run(t, luc, "send anyway",
		chromedp.Click(chromedp.CSS("#composer .send-anyway")),
		waitTrue(`[...document.querySelectorAll('#timeline .event-reply')].some(e => e.innerText.includes('voici un nouveau lien'))`),
		waitTrue(`document.querySelector('#composer .send-anyway') === null && window.samePage === true`),
	)
	run(t, lea, "Léa's page shows Luc's reply without a reload",
		waitTrue(`[...document.querySelectorAll('#timeline .event-reply')].some(e => e.innerText.includes('voici un nouveau lien'))`),
	)

	run(t, lea, "Léa goes to the list of all tickets",
		chromedp.Navigate(e.srv.URL+"/views/all"),
		chromedp.WaitVisible(chromedp.CSS("#ticket-list")),
		chromedp.Evaluate[chromedp.Void](`window.samePage = true`),
		waitTrue(`document.documentElement.dataset.live === 'connected'`),
	)
	if _, err := e.d.CreateTicket(context.Background(), storetest.Actor(t, s, e.f.AgentL1), desk.NewTicket{Subject: "Imprimante en panne",
		Body: "Elle ne répond plus.", CustomerID: e.f.Customer["bob"].ID, RequestType: "billing"}); err != nil {
		t.Fatal(err)
	}
	run(t, lea, "the new ticket appears in her list without a reload",
		waitTrue(`[...document.querySelectorAll('#ticket-list .row-link')].some(a => a.textContent === 'Imprimante en panne') && window.samePage === true`),
	)
}
