package mail_test

import (
	"context"
	"crypto/rand"
	"net"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/palier/palier/internal/desk"
	"github.com/palier/palier/internal/mail"
	"github.com/palier/palier/internal/secret"
	"github.com/palier/palier/internal/store"
	"github.com/palier/palier/internal/store/storetest"
)

// A workspace's own relay wins over the server's: replies go through it
// and leave from its sender address; removed, the server's relay is used
// again.
func TestWorkspaceRelayWinsOverTheServers(t *testing.T) {
	eachHarness(t, func(t *testing.T, ctx context.Context, s *store.Store, h *harness) {
		box, err := secret.New([]byte(rand.Text() + rand.Text())[:32])
		if err != nil {
			t.Fatal(err)
		}
		h.d.EnableMailboxes(box)
		own := &sink{arrived: make(chan struct{}, 10)}
		host, port, _ := net.SplitHostPort(serve(t, own))
		p, _ := strconv.Atoi(port)
		admin := storetest.Actor(t, s, h.f.Admin)
		if err := h.d.SaveSMTPRelay(ctx, admin, desk.SMTPRelayInput{Host: host, Port: p, TLS: "none",
			FromAddress: "bonjour@acme.example", FromName: "Acme"}); err != nil {
			t.Fatal(err)
		}
		if err := h.send("claire.vasseur@exemple.fr", []string{"support@acme.example"}, claireFirst); err != nil {
			t.Fatal(err)
		}
		cust, _ := s.CustomerByEmail(ctx, h.f.WS.ID, "claire.vasseur@exemple.fr")
		list, _, _ := s.Tickets(ctx, h.f.WS.ID, store.Filter{CustomerID: cust.ID}, "", 10)
		if len(list) != 1 {
			t.Fatalf("%d tickets", len(list))
		}
		if _, _, err := h.d.Reply(ctx, admin, list[0].ID, "Par le relais de l'espace.", ""); err != nil {
			t.Fatal(err)
		}
		own.arrivedWithin(t)
		out, err := mail.Parse(own.last())
		if err != nil {
			t.Fatal(err)
		}
		if out.From.Email != "bonjour@acme.example" || !strings.Contains(out.Text, "relais de l'espace") {
			t.Fatalf("through the workspace relay: from %q, text %q", out.From.Email, out.Text)
		}
		if h.sink.count() != 0 {
			t.Fatal("the server's relay was used too")
		}
		if err := h.d.DeleteSMTPRelay(ctx, admin); err != nil {
			t.Fatal(err)
		}
		if _, _, err := h.d.Reply(ctx, admin, list[0].ID, "Par le relais du serveur.", ""); err != nil {
			t.Fatal(err)
		}
		if out, _ := mail.Parse(h.awaitSink()); !strings.Contains(out.Text, "relais du serveur") {
			t.Fatalf("server relay got %q", out.Text)
		}
	})
}

// Without a server relay, a workspace without its own queues nothing.
func TestNoRelayQueuesNothing(t *testing.T) {
	eachHarness(t, func(t *testing.T, ctx context.Context, s *store.Store, h *harness) {
		h.d.EnableEmailReplies(desk.Outbound{Domain: "acme.example", WorkspaceRelayOnly: true})
		if err := h.send("claire.vasseur@exemple.fr", []string{"support@acme.example"}, claireFirst); err != nil {
			t.Fatal(err)
		}
		cust, _ := s.CustomerByEmail(ctx, h.f.WS.ID, "claire.vasseur@exemple.fr")
		list, _, _ := s.Tickets(ctx, h.f.WS.ID, store.Filter{CustomerID: cust.ID}, "", 10)
		admin := storetest.Actor(t, s, h.f.Admin)
		jobs := h.count("jobs")
		if _, _, err := h.d.Reply(ctx, admin, list[0].ID, "Personne ne l'enverra.", ""); err != nil {
			t.Fatal(err)
		}
		var out int
		_ = s.DB().QueryRow(`SELECT count(*) FROM mail_messages WHERE direction = 'out'`).Scan(&out)
		if h.count("jobs") != jobs || out != 0 {
			t.Fatalf("a reply with no relay queued %d jobs, %d messages", h.count("jobs")-jobs, out)
		}
	})
}

func (k *sink) arrivedWithin(t *testing.T) {
	t.Helper()
	select {
	case <-k.arrived:
	case <-time.After(30 * time.Second):
		t.Fatal("no message reached the workspace's relay")
	}
}

func (k *sink) last() []byte {
	k.mu.Lock()
	defer k.mu.Unlock()
	return k.messages[len(k.messages)-1]
}

func (k *sink) count() int {
	k.mu.Lock()
	defer k.mu.Unlock()
	return len(k.messages)
}
