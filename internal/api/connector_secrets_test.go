package api

import (
	"context"
	"crypto/rand"
	"io"
	"log/slog"
	"strings"
	"testing"

	"github.com/palier/palier/internal/connector"
	"github.com/palier/palier/internal/jobs"
	"github.com/palier/palier/internal/secret"
	"github.com/palier/palier/internal/webhook"
)

func rawConnectorSecret(t *testing.T, e *env, id int64) string {
	t.Helper()
	var raw string
	if err := e.s.DB().QueryRow(`SELECT secret FROM connectors WHERE id = $1`, id).Scan(&raw); err != nil {
		t.Fatal(err)
	}
	return raw
}

// TestConnectorSecretsSealedAtRest: a copy of the database does not give
// away a connector's signing secret, and signatures still verify both ways
// (posts in, replies out) with the secret the admin was shown once; rows
// written before secrets were sealed are sealed at start.
func TestConnectorSecretsSealedAtRest(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *env) {
		box, err := secret.New([]byte(rand.Text() + rand.Text())[:32])
		if err != nil {
			t.Fatal(err)
		}
		e.d.EnableMailboxes(box) // the server key
		sink := newHookSink(t)
		conn := e.createConnector(map[string]any{"name": "Mastodon", "webhook_url": sink.srv.URL})
		sink.secret = conn.Secret
		raw := rawConnectorSecret(t, e, conn.ID)
		if !strings.HasPrefix(conn.Secret, "whsec_") || strings.Contains(raw, conn.Secret) || !strings.HasPrefix(raw, "v1:") {
			t.Fatalf("stored secret %q for issued %q: not sealed", raw, conn.Secret)
		}

		// Posts signed with the issued secret are accepted; others not.
		var in struct {
			TicketID int64 `json:"ticket_id"`
		}
		e.must(e.postChannel(conn.Key, conn.Secret, inbound("toot-1", "m1", "Mon colis n'est pas arrivé.")), 200, &in)
		if a := e.postChannel(conn.Key, raw, inbound("toot-1", "m2", "forgé avec la valeur de la base")); a.status != 401 {
			t.Fatalf("a post signed with the stored (sealed) value: %s", a)
		}
		// Replies are signed with the issued secret (the sink verifies).
		runner := jobs.New(e.s, slog.New(slog.NewTextHandler(io.Discard, nil)))
		webhook.New(e.d, webhook.Policy{AllowPrivate: true}, nil).Register(runner)
		e.must(e.send("lead", "POST", ticketPath(in.TicketID)+"/replies", map[string]any{"body": "Il arrive demain."}), 201, nil)
		if _, err := runner.RunOnce(context.Background()); err != nil {
			t.Fatal(err)
		}
		select {
		case <-sink.got:
		case bad := <-sink.bad:
			t.Fatalf("the webhook could not verify the reply: %s", bad)
		}

		// A sealed secret moved onto another connector's row does not open.
		legacy, err := e.s.CreateConnector(context.Background(), e.f.Admin.ID, connector.Connector{WorkspaceID: e.f.WS.ID,
			Key: connector.NewKey(), Secret: connector.NewSecret(), Name: "Ancien", Active: true})
		if err != nil {
			t.Fatal(err)
		}
		plain := legacy.Secret
		if got := rawConnectorSecret(t, e, legacy.ID); got != plain {
			t.Fatalf("legacy row %q", got)
		}
		// Written in plain by an older version: still verifies, and is
		// sealed at start, once however many instances start.
		e.must(e.postChannel(legacy.Key, plain, inbound("old-1", "m1", "Toujours là ?")), 200, nil)
		n, err := e.d.SealConnectorSecrets(context.Background())
		if err != nil || n != 1 {
			t.Fatalf("sealed %d (%v), want 1", n, err)
		}
		if n, err := e.d.SealConnectorSecrets(context.Background()); err != nil || n != 0 {
			t.Fatalf("sealed again: %d (%v)", n, err)
		}
		raw2 := rawConnectorSecret(t, e, legacy.ID)
		if strings.Contains(raw2, plain) || !strings.HasPrefix(raw2, "v1:") {
			t.Fatalf("legacy secret not sealed: %q", raw2)
		}
		e.must(e.postChannel(legacy.Key, plain, inbound("old-1", "m2", "Et maintenant ?")), 200, nil)

		// Swap the sealed values between rows: neither opens (bound to its key).
		if _, err := e.s.DB().Exec(`UPDATE connectors SET secret = $1 WHERE id = $2`, raw, legacy.ID); err != nil {
			t.Fatal(err)
		}
		if a := e.postChannel(legacy.Key, conn.Secret, inbound("old-1", "m3", "volé")); a.status < 400 {
			t.Fatalf("a secret sealed for another connector opened: %s", a)
		}
	})
}
