package web_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/palier/palier/internal/api"
	"github.com/palier/palier/internal/attachment"
	"github.com/palier/palier/internal/desk"
	"github.com/palier/palier/internal/event"
	"github.com/palier/palier/internal/store"
	"github.com/palier/palier/internal/store/storetest"
	"github.com/palier/palier/internal/ticket"
)

// The customer portal's requests: what a signed-in customer reads of
// their tickets, and what they may do there.

// timelineIDs returns the event ids the customer's page shows.
func timelineIDs(body string) []string {
	var out []string
	for _, m := range regexp.MustCompile(`data-event="(\d+)"`).FindAllStringSubmatch(body, -1) {
		out = append(out, m[1])
	}
	return out
}

func TestPortalShowsOnlyTheCustomersPublicConversation(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		e, logs := portalEnv(t, s)
		ctx := context.Background()
		enableFiles(t, e)
		tk := e.f.Ticket["L2"] // alice's, owned by AgentL2
		agentL2 := storetest.Actor(t, s, e.f.AgentL2)
		reply, _, err := e.d.ReplyWith(ctx, agentL2, tk.ID, "Nous regardons l'export.", "", []desk.Upload{upload("export.txt", "colonnes")})
		if err != nil {
			t.Fatal(err)
		}
		note, _, err := e.d.NoteWith(ctx, agentL2, tk.ID, "SECRET-NOTE: client difficile", []desk.Upload{upload("note.txt", "interne")})
		if err != nil {
			t.Fatal(err)
		}
		if _, _, err := s.AddMessage(ctx, e.f.WS.ID, tk.ID, nil, ticket.Event{Kind: ticket.InternalNote, Body: "SECRET-VENDOR: root cause",
			Data: event.Message{Channel: "email", FromVendor: "vendor@example.net"}}, ""); err != nil {
			t.Fatal(err)
		}
		l3 := e.f.Tier["L3"].ID
		if _, err := s.UpdateTicket(ctx, e.f.WS.ID, tk.ID, e.f.Lead.ID, nil, store.Change{TierID: &l3}); err != nil {
			t.Fatal(err)
		}
		events, err := s.Events(ctx, e.f.WS.ID, tk.ID, 0, 100)
		if err != nil {
			t.Fatal(err)
		}
		var want []string
		for _, ev := range events {
			if ev.Kind == ticket.CustomerMessage || ev.Kind == ticket.AgentReply || ev.Kind == ticket.TierChanged {
				want = append(want, fmt.Sprint(ev.ID))
			}
		}

		c := e.customerIn(t, logs, e.f.Customer["alice"].Email)
		page := fmt.Sprintf("/help/requests/%d", tk.Number)
		res, body := c.get(page)
		expectStatus(t, res, body, 200)
		if got := timelineIDs(body); !slices.Equal(got, want) {
			t.Fatalf("the customer sees events %v, want exactly %v", got, want)
		}
		firstName := strings.Fields(e.f.AgentL2.Name)[0]
		contains(t, body, "Nous regardons l&#39;export.", "export.txt", firstName, e.f.Tier["L3"].NameIn("fr"), `id="specialist"`)
		for _, hidden := range []string{"SECRET-NOTE", "SECRET-VENDOR", "note.txt", "vendor@example.net", e.f.AgentL2.Name[len(firstName):] + "<", e.f.AgentL2.Email} {
			if strings.TrimSpace(hidden) != "" && strings.Contains(body, hidden) {
				t.Errorf("the customer's page shows %q", hidden)
			}
		}
		// The reply's file downloads; the note's does not, nor any id of
		// another ticket's file.
		files, err := s.TicketAttachments(ctx, e.f.WS.ID, tk.ID, 10)
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range files {
			res, got := c.get(fmt.Sprintf("/help/files/%d", f.ID))
			switch f.EventID {
			case reply.ID:
				expectStatus(t, res, got, 200)
			case note.ID:
				expectStatus(t, res, got, http.StatusNotFound)
			}
		}
		bobReply, _, err := e.d.ReplyWith(ctx, storetest.Actor(t, s, e.f.AgentL1), e.f.Ticket["L1owned"].ID, "Bob's answer", "", []desk.Upload{upload("bob.txt", "bob")})
		if err != nil {
			t.Fatal(err)
		}
		bobFiles, _ := s.TicketAttachments(ctx, e.f.WS.ID, bobReply.TicketID, 10)
		for _, f := range bobFiles {
			res, got := c.get(fmt.Sprintf("/help/files/%d", f.ID))
			expectStatus(t, res, got, http.StatusNotFound)
		}

		// Every other ticket number, in this workspace or another, and
		// numbers that do not exist, answer the same 404.
		mine := map[int64]bool{}
		for _, t := range e.f.Ticket {
			if t.CustomerID == e.f.Customer["alice"].ID {
				mine[t.Number] = true
			}
		}
		for n := int64(990); n <= 1010; n++ {
			res, got := c.get(fmt.Sprintf("/help/requests/%d", n))
			if mine[n] {
				expectStatus(t, res, got, 200)
				continue
			}
			expectStatus(t, res, got, http.StatusNotFound)
			for _, verb := range []string{"reply", "solve"} {
				res, got = c.post(fmt.Sprintf("/help/requests/%d/%s", n, verb), url.Values{"body": {"intrusion"}}, false)
				expectStatus(t, res, got, http.StatusNotFound)
			}
		}
		if n := count(t, s, `SELECT count(*) FROM events WHERE body = 'intrusion'`); n != 0 {
			t.Fatalf("an attacker's reply was written %d times", n)
		}
		res, body = c.get("/help/requests")
		expectStatus(t, res, body, 200)
		for _, tk := range e.f.Ticket {
			listed := strings.Contains(body, fmt.Sprintf(`data-number="%d"`, tk.Number))
			if listed != mine[tk.Number] {
				t.Errorf("ticket %d listed=%v, alice's=%v", tk.Number, listed, mine[tk.Number])
			}
		}

		// A workspace that hides agents' names shows "Support team".
		// Only an admin may change it (from the workspace page), and it
		// is audited.
		lead := e.login(t, e.f.Lead.Email)
		res, body = lead.post("/admin/portal", url.Values{"agent_names": {"0"}}, false)
		expectStatus(t, res, body, http.StatusForbidden)
		if on, _ := s.PortalShowsAgentNames(ctx, e.f.WS.ID); !on {
			t.Fatal("a lead changed the setting")
		}
		admin := e.login(t, e.f.Admin.Email)
		res, body = admin.get("/admin/workspace")
		expectStatus(t, res, body, 200)
		contains(t, body, `action="/admin/portal"`, `name="agent_names" value="1" checked`)
		res, body = admin.post("/admin/portal", url.Values{"agent_names": {"0"}}, false)
		expectStatus(t, res, body, http.StatusSeeOther)
		if count(t, s, `SELECT count(*) FROM audit_log WHERE action = 'workspace.portal_agent_names'`) != 1 {
			t.Error("the setting's change is not audited")
		}
		res, body = c.get(page)
		expectStatus(t, res, body, 200)
		contains(t, body, "Équipe support")
		if strings.Contains(body, firstName) {
			t.Errorf("the workspace hides agents' names, yet %q shows", firstName)
		}
	})
}

func TestPortalReplyReopensAndCustomerSolves(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		e, logs := portalEnv(t, s)
		ctx := context.Background()
		enableFiles(t, e)
		solved := e.f.Ticket["solved"] // bob's, solved
		bob := e.f.Customer["bob"]
		c := e.customerIn(t, logs, bob.Email)
		page := fmt.Sprintf("/help/requests/%d", solved.Number)

		// An empty reply is refused and writes nothing.
		before := count(t, s, `SELECT count(*) FROM events`)
		res, body := c.post(page+"/reply", url.Values{"body": {"  "}}, false)
		expectStatus(t, res, body, http.StatusUnprocessableEntity)
		if count(t, s, `SELECT count(*) FROM events`) != before {
			t.Fatal("a refused reply wrote events")
		}

		res, body = c.postFiles(page+"/reply", map[string]string{"body": "Still wrong on the new invoice."}, map[string][]byte{"invoice.txt": []byte("total 0")})
		expectStatus(t, res, body, http.StatusSeeOther)
		got, err := s.Ticket(ctx, e.f.WS.ID, solved.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.Status != ticket.Open {
			t.Fatalf("after the customer's reply the ticket is %s, want open (as by email)", got.Status)
		}
		events, _ := s.Events(ctx, e.f.WS.ID, solved.ID, 0, 100)
		msg, change := events[len(events)-2], events[len(events)-1]
		mm, _ := event.As[event.Message](msg)
		sc, _ := event.As[event.Change](change)
		if msg.Kind != ticket.CustomerMessage || msg.ActorCustomerID != bob.ID || mm.Channel != "portal" ||
			change.Kind != ticket.StatusChanged || sc.From != "solved" || sc.To != "open" {
			t.Fatalf("timeline: %+v, %+v", msg, change)
		}
		// The agent's ticket page shows it as the customer's.
		agent := e.login(t, e.f.AgentL1.Email)
		res, body = agent.get(fmt.Sprintf("/tickets/%d", solved.ID))
		expectStatus(t, res, body, 200)
		contains(t, body, "Still wrong on the new invoice.", "invoice.txt", bob.Name)
		// Her own file downloads from her page.
		res, body = c.get(page)
		expectStatus(t, res, body, 200)
		m := regexp.MustCompile(`href="/help/files/(\d+)"`).FindStringSubmatch(body)
		if m == nil {
			t.Fatal("no link to the customer's own file")
		}
		res, body = c.get("/help/files/" + m[1])
		expectStatus(t, res, body, 200)

		// The customer solves it: recorded as theirs, and once only.
		res, body = c.post(page+"/solve", nil, false)
		expectStatus(t, res, body, http.StatusSeeOther)
		got, _ = s.Ticket(ctx, e.f.WS.ID, solved.ID)
		if got.Status != ticket.Solved || got.SolvedAt == nil {
			t.Fatalf("after solving: %s", got.Status)
		}
		events, _ = s.Events(ctx, e.f.WS.ID, solved.ID, 0, 100)
		last := events[len(events)-1]
		if last.Kind != ticket.StatusChanged || last.ActorCustomerID != bob.ID || last.ActorAgentID != 0 {
			t.Fatalf("solve event: %+v", last)
		}
		res, body = c.get(page)
		expectStatus(t, res, body, 200)
		contains(t, body, "You marked this request solved.")
		res, body = agent.get(fmt.Sprintf("/tickets/%d", solved.ID))
		expectStatus(t, res, body, 200)
		contains(t, body, bob.Name+" a changé le statut")
		before = count(t, s, `SELECT count(*) FROM events`)
		res, body = c.post(page+"/solve", nil, false)
		expectStatus(t, res, body, http.StatusConflict)
		if count(t, s, `SELECT count(*) FROM events`) != before {
			t.Fatal("solving twice wrote an event")
		}
		for _, action := range []string{"customer.reply", "customer.solve"} {
			if count(t, s, `SELECT count(*) FROM audit_log WHERE action = $1`, action) != 1 {
				t.Errorf("no %s audit entry", action)
			}
		}
	})
}

func enableFiles(t *testing.T, e *env) *attachment.Disk {
	t.Helper()
	disk, err := attachment.NewDisk(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	e.d.EnableAttachments(disk, attachment.Limits{MaxFileBytes: 32 << 10, MaxFiles: 2})
	return disk
}

func upload(name, content string) desk.Upload {
	return desk.Upload{Filename: name, Size: int64(len(content)),
		Open: func() (io.ReadCloser, error) { return io.NopCloser(strings.NewReader(content)), nil }}
}

// TestCustomerSessionsEndWhenTheirEmailChanges: when an agent changes a
// customer's address (through the API, as the agents' tools do), whoever
// was signed in to the help centre with the old address is signed out,
// and a link emailed to the old address no longer works; an edit that
// keeps the address signs nobody out.
func TestCustomerSessionsEndWhenTheirEmailChanges(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		e, logs := portalEnv(t, s)
		apiSrv := httptest.NewServer(api.New(e.d, slog.New(slog.NewTextHandler(io.Discard, nil)), ""))
		t.Cleanup(apiSrv.Close)
		token, err := e.d.CreateToken(context.Background(), storetest.Actor(t, s, e.f.AgentL1), e.f.AgentL1.ID, "test")
		if err != nil {
			t.Fatal(err)
		}
		alice := e.f.Customer["alice"]
		patch := func(body string) {
			t.Helper()
			req, _ := http.NewRequest(http.MethodPatch, apiSrv.URL+"/api/v1/customers/"+strconv.FormatInt(alice.ID, 10), strings.NewReader(body))
			req.Header.Set("Authorization", "Bearer "+token)
			req.Header.Set("Content-Type", "application/json")
			res, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			b, _ := io.ReadAll(res.Body)
			res.Body.Close()
			if res.StatusCode != http.StatusOK {
				t.Fatalf("patch customer: %d %s", res.StatusCode, b)
			}
		}
		signedIn := func(c *client) bool {
			t.Helper()
			res, _ := c.get("/help/requests")
			return res.StatusCode == http.StatusOK
		}

		c := e.customerIn(t, logs, alice.Email)
		// A second link asked for and not used yet.
		other := e.anon(t, "")
		res, body := other.post("/help/sign-in", url.Values{"email": {alice.Email}}, false)
		expectStatus(t, res, body, http.StatusOK)
		pending := tokenOf(t, logs.last(t, alice.Email))

		patch(`{"name": "Alice Renamed"}`)
		if !signedIn(c) {
			t.Fatal("an edit that keeps the address signed the customer out")
		}

		patch(`{"email": "alice.new@example.com"}`)
		if signedIn(c) {
			t.Fatal("the session opened with the old address still works")
		}
		res, body = other.post("/help/sign-in/link", url.Values{"token": {pending}}, false)
		if res.StatusCode != http.StatusUnauthorized {
			t.Fatalf("the link sent to the old address: %d\n%s", res.StatusCode, body)
		}
		if n := count(t, s, `SELECT count(*) FROM customer_sessions WHERE customer_id = $1`, alice.ID); n != 0 {
			t.Fatalf("%d sessions left", n)
		}
		if n := count(t, s, `SELECT count(*) FROM customer_sign_ins WHERE customer_id = $1 AND used_at IS NULL`, alice.ID); n != 0 {
			t.Fatalf("%d unused sign-in links left", n)
		}
		if n := count(t, s, `SELECT count(*) FROM audit_log WHERE action = 'customer.sessions_revoked' AND target_id = $1`, alice.ID); n != 1 {
			t.Fatalf("%d revocations audited, want 1", n)
		}
		// The new address signs in as usual.
		if c := e.customerIn(t, logs, "alice.new@example.com"); !signedIn(c) {
			t.Fatal("the new address cannot sign in")
		}
	})
}

// TestBrowserCustomerPortal is Alice following her request in a real
// browser, under the production CSP: from the help centre she asks for a
// sign-in link, opens it (from the log, as in the demo), sees « Mes
// demandes », opens her request and answers; the agent who owns the
// ticket then finds her answer on his ticket page.
func TestBrowserCustomerPortal(t *testing.T) {
	ctx, s := browserStore(t)
	e, logs := portalEnv(t, s)
	alice := e.f.Customer["alice"]
	tk := e.f.Ticket["L2"]
	reply := fmt.Sprintf("Le fichier est toujours vide ce matin (%d).", tk.Number)

	run(t, ctx, "ask for a sign-in link",
		chromedp.Navigate(e.srv.URL+"/help?lang=fr"),
		chromedp.WaitVisible(chromedp.CSS("#portal-link")),
		clickAndLoad("#portal-link"),
		chromedp.WaitVisible(chromedp.CSS("#portal-email")),
		chromedp.SendKeys(chromedp.CSS("#portal-email"), alice.Email),
		clickAndLoad(`#portal-sign-in button[type=submit]`),
		chromedp.WaitVisible(chromedp.CSS("#link-sent")),
	)
	run(t, ctx, "open the link and sign in",
		chromedp.Navigate(logs.last(t, alice.Email)),
		chromedp.WaitVisible(chromedp.CSS("#portal-confirm")),
		clickAndLoad(`#portal-confirm button[type=submit]`),
		chromedp.WaitVisible(chromedp.CSS(fmt.Sprintf(`tr[data-number="%d"]`, tk.Number))),
	)
	expectText(t, ctx, "h1", "Mes demandes")
	run(t, ctx, "open the request and reply",
		clickAndLoad(fmt.Sprintf(`tr[data-number="%d"] a`, tk.Number)),
		chromedp.WaitVisible(chromedp.CSS("#portal-body")),
		chromedp.SendKeys(chromedp.CSS("#portal-body"), reply),
		clickAndLoad(`#portal-reply button[type=submit]`),
		chromedp.WaitVisible(chromedp.CSS("#notice")),
	)
	expectText(t, ctx, "#portal-timeline .portal-customer:last-child", reply)

	signInAt(t, ctx, e, fmt.Sprintf("/tickets/%d", tk.ID), e.f.AgentL2.Email, "#timeline")
	expectText(t, ctx, "#timeline", reply)
	expectText(t, ctx, "#timeline", alice.Name)
}
