package web_test

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"sync/atomic"
	"testing"

	"github.com/palier/palier/internal/connector"
	"github.com/palier/palier/internal/desk"
	"github.com/palier/palier/internal/jobs"
	"github.com/palier/palier/internal/store"
	"github.com/palier/palier/internal/store/storetest"
	"github.com/palier/palier/internal/webhook"
)

// TestConnectorsAdminPage: an admin declares a connector and sees its
// secret once; a refused form keeps what was typed; agents and leads are
// refused every route of the page.
func TestConnectorsAdminPage(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *env, s *store.Store) {
		admin := e.login(t, "admin@acme.test")
		for _, c := range []*client{e.login(t, "l1@acme.test"), e.login(t, "lead@acme.test")} {
			res, body := c.get("/admin/connectors")
			expectStatus(t, res, body, http.StatusForbidden)
			res, body = c.post("/admin/connectors", url.Values{"name": {"Facebook"}}, false)
			expectStatus(t, res, body, http.StatusForbidden)
			res, body = c.post("/admin/connectors/1", url.Values{"name": {"Facebook"}}, false)
			expectStatus(t, res, body, http.StatusForbidden)
		}

		res, body := admin.post("/admin/connectors", url.Values{"name": {"Facebook"}, "webhook_url": {"ftp://exemple.fr/hook"}}, false)
		expectStatus(t, res, body, http.StatusUnprocessableEntity)
		contains(t, body, "Il faut une adresse http ou https sans identifiants.", `value="ftp://exemple.fr/hook"`, `value="Facebook"`)

		res, body = admin.post("/admin/connectors", url.Values{"name": {"Page Facebook"}, "webhook_url": {"https://exemple.fr/hook"}, "public": {"on"}}, false)
		expectStatus(t, res, body, http.StatusOK)
		secret := regexp.MustCompile(`id="connector-secret">(whsec_[A-Z0-9]+)<`).FindStringSubmatch(body)
		if secret == nil || res.Header.Get("Cache-Control") != "no-store" {
			t.Fatalf("the new connector's secret is not shown once (Cache-Control %q):\n%s", res.Header.Get("Cache-Control"), excerpt(body))
		}
		res, body = admin.get("/admin/connectors")
		expectStatus(t, res, body, http.StatusOK)
		contains(t, body, "Page Facebook", "https://exemple.fr/hook", "/api/v1/channels/ch_")
		lacks(t, body, secret[1])

		list, err := e.d.Connectors(t.Context(), storetest.Actor(t, s, e.f.Admin))
		if err != nil || len(list) != 1 {
			t.Fatalf("connectors %v, %v", list, err)
		}
		res, body = admin.post("/admin/connectors/"+id(list[0].ID), url.Values{"name": {"Page Facebook"}, "webhook_url": {""}, "active": {"off"}}, false)
		expectStatus(t, res, body, http.StatusSeeOther)
		if loc := res.Header.Get("Location"); loc != "/admin/connectors?done=1" {
			t.Fatalf("saved, redirected to %q", loc)
		}
		_, body = admin.get("/admin/connectors?done=1")
		contains(t, body, "Enregistré.", "désactivé")
		list, _ = e.d.Connectors(t.Context(), storetest.Actor(t, s, e.f.Admin))
		if list[0].Active || list[0].WebhookURL != "" || list[0].Public {
			t.Fatalf("after saving: %+v", list[0])
		}
	})
}

// TestConnectorDeliveryOnTimeline: a reply on a ticket that came through a
// connector shows, like an emailed reply, whether it reached the channel's
// webhook: queued, then failed with the receiver's answer and a retry
// button; the retry delivers it and the timeline says so.
func TestConnectorDeliveryOnTimeline(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *env, s *store.Store) {
		ctx := context.Background()
		var status atomic.Int32
		status.Store(http.StatusUnprocessableEntity)
		var calls atomic.Int32
		sink := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			calls.Add(1)
			w.WriteHeader(int(status.Load()))
			io.WriteString(w, `{"error":"conversation archived"}`)
		}))
		t.Cleanup(sink.Close)

		admin := storetest.Actor(t, s, e.f.Admin)
		c, err := e.d.CreateConnector(ctx, admin, desk.ConnectorSettings{Name: "Mastodon", WebhookURL: sink.URL})
		if err != nil {
			t.Fatal(err)
		}
		in, err := e.d.ReceiveConnectorMessage(ctx, c, connector.Inbound{ConversationID: "toot-9", MessageID: "m1",
			Author: connector.Author{ID: "@lea", Name: "Léa"}, Text: "Mon colis n'est pas arrivé.", Language: "fr"})
		if err != nil {
			t.Fatal(err)
		}
		reply, _, err := e.d.Reply(ctx, admin, in.TicketID, "Il arrive demain.", "")
		if err != nil {
			t.Fatal(err)
		}
		agent := e.login(t, "admin@acme.test")
		agent.lang = "fr"
		page := "/tickets/" + id(in.TicketID)
		retry := page + "/messages/" + id(reply.ID) + "/retry"
		_, body := agent.get(page)
		contains(t, body, "En attente d&#39;envoi au webhook du canal")
		lacks(t, body, retry)

		runner := jobs.New(s, slog.New(slog.NewTextHandler(io.Discard, nil)))
		webhook.New(e.d, webhook.Policy{AllowPrivate: true}, nil).Register(runner)
		if n, err := runner.RunOnce(ctx); err != nil || n != 1 {
			t.Fatalf("ran %d jobs: %v", n, err)
		}
		_, body = agent.get(page)
		contains(t, body, "Non remis au canal", "422", "conversation archived", `action="`+retry+`"`)

		// Only someone who may work the ticket may retry it.
		other := e.login(t, "agent@other.test")
		res, _ := other.post(retry, url.Values{}, false)
		if res.StatusCode != http.StatusNotFound && res.StatusCode != http.StatusForbidden {
			t.Fatalf("another workspace's agent retried: %d", res.StatusCode)
		}

		status.Store(http.StatusOK)
		res, body = agent.post(retry, url.Values{}, false)
		if res.StatusCode != http.StatusSeeOther {
			t.Fatalf("retry: %d %s", res.StatusCode, excerpt(body))
		}
		_, body = agent.get(page)
		contains(t, body, "En attente d&#39;envoi au webhook du canal")
		lacks(t, body, retry)
		if n, err := runner.RunOnce(ctx); err != nil || n != 1 {
			t.Fatalf("ran %d jobs after the retry: %v", n, err)
		}
		_, body = agent.get(page)
		contains(t, body, "Remis au canal")
		lacks(t, body, retry, "conversation archived")
		if calls.Load() != 2 {
			t.Fatalf("the webhook was called %d times, want 2", calls.Load())
		}
		// A delivered reply is not sent again.
		res, body = agent.post(retry, url.Values{}, false)
		if res.StatusCode != http.StatusConflict {
			t.Fatalf("retry of a delivered reply: %d %s", res.StatusCode, excerpt(body))
		}
		contains(t, body, "Seul un envoi en échec peut être renvoyé.")
	})
}
