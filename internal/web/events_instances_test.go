package web_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/palier/palier/internal/desk"
	"github.com/palier/palier/internal/pgtest"
	"github.com/palier/palier/internal/store"
	"github.com/palier/palier/internal/store/storetest"
	"github.com/palier/palier/internal/web"
)

// instance is one Palier process: its own store connections, desk, live
// hub relayed through PostgreSQL, and UI server.
func liveInstance(t *testing.T, dsn string, f storetest.Fixture) *env {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	s, err := store.Open(ctx, dsn, "")
	if err != nil {
		t.Fatalf("open store: %v", err)
	}
	d := desk.New(s, nil)
	hub := desk.NewLiveHub(s, d)
	d.UseLive(hub)
	ready := make(chan struct{}, 1)
	stopped := make(chan struct{})
	go func() {
		defer close(stopped)
		_ = hub.Run(ctx, func() {
			select {
			case ready <- struct{}{}:
			default:
			}
		})
	}()
	select {
	case <-ready:
	case <-time.After(10 * time.Second):
		t.Fatal("the instance's relay link did not come up")
	}
	h, err := web.New(d, web.Options{})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(http.NewCrossOriginProtection().Handler(h))
	t.Cleanup(func() {
		srv.CloseClientConnections()
		srv.Close()
		cancel()
		<-stopped
		_ = s.Close()
	})
	return &env{srv: srv, f: f, d: d}
}

// TestEventsAcrossInstances is two Palier instances on one PostgreSQL
// database: Luc's page is connected to instance A; Léa, on instance B,
// mentions him in a note and assigns him a ticket. Luc's stream on A
// carries both notifications and the ticket's new message, and A's badge
// counts them.
func TestEventsAcrossInstances(t *testing.T) {
	dsn := pgtest.NewDatabase(t)
	if dsn == "" {
		return // skipped: no PostgreSQL
	}
	seed, err := store.Open(context.Background(), dsn, "")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = seed.Close() })
	if err := seed.Migrate(context.Background()); err != nil {
		t.Fatal(err)
	}
	f := storetest.Seed(t, seed)
	a := liveInstance(t, dsn, f)
	b := liveInstance(t, dsn, f)

	luc := a.login(t, "l1@acme.test")
	lea := b.login(t, "lead@acme.test")
	tk := f.Ticket["L1owned"]
	live, _ := luc.events(t, "?ticket="+id(tk.ID))

	start := time.Now()
	res, body := lea.post("/tickets/"+id(tk.ID)+"/messages", url.Values{"mode": {"note"}, "body": {"@Luc Premier le client a rappelé"}}, true)
	expectStatus(t, res, body, 200)
	got := map[string]bool{}
	for len(got) < 2 {
		select {
		case l, ok := <-live.lines:
			if !ok {
				t.Fatal("the stream ended")
			}
			switch {
			case l == "event: agent.notification":
				if d := <-live.lines; strings.Contains(d, `"kind":"mentioned"`) {
					got["notification"] = true
					// A figure for the record, not a test: from Léa's
					// request on B to Luc's stream on A.
					t.Logf("note on B to notification on A: %v", time.Since(start))
				}
			case l == "event: ticket.message":
				if d := <-live.lines; strings.Contains(d, `"kinds":["internal_note"]`) {
					got["message"] = true
				}
			}
		case <-time.After(10 * time.Second):
			t.Fatalf("after 10 s on instance A, got only %v of Léa's note on instance B", got)
		}
	}
	l1 := f.Ticket["L1"]
	res, body = lea.post("/tickets/"+id(l1.ID)+"/properties", url.Values{"status": {string(l1.Status)}, "priority": {l1.Priority.String()},
		"team_id": {id(l1.TeamID)}, "owner_id": {id(f.AgentL1.ID)}, "tags": {""}}, true)
	expectStatus(t, res, body, 200)
	if d := live.await(t, "event: agent.notification"); !strings.Contains(d, `"kind":"assigned"`) {
		t.Errorf("the assignment on B reached A as %s", d)
	}
	_, body = luc.get("/notifications/bell")
	contains(t, body, `data-unread="2"`)
}
