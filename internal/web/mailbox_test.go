package web_test

import (
	"context"
	"maps"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/palier/palier/internal/store"
)

func TestAdminMailboxes(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *env, s *store.Store) {
		ctx := context.Background()
		mailboxes := func() int { return count(t, s, `SELECT count(*) FROM mailboxes`) }
		c := e.login(t, "admin@acme.test")
		c.lang = "fr"

		// Without a server key the page says why nothing can be set up.
		res, body := c.get("/admin/mailboxes")
		expectStatus(t, res, body, http.StatusOK)
		contains(t, body, "pas de clé secrète")
		serverKey(t, e)

		form := url.Values{"address": {"facturation@acme.example"}, "host": {"imap.acme.example"}, "port": {"993"}, "tls": {"tls"},
			"username": {"facturation"}, "password": {"Tr0ub4dor&3"}, "folder": {"INBOX"}, "after": {"move"}, "move_to": {"INBOX"}, "enabled": {"1"}}
		bad := maps.Clone(form)
		bad.Set("host", "")
		res, body = c.post("/admin/mailboxes", bad, false)
		expectStatus(t, res, body, http.StatusUnprocessableEntity)
		contains(t, body, "Ce champ est obligatoire", "Choisissez un autre dossier", `value="facturation@acme.example"`)
		lacks(t, body, "Tr0ub4dor")
		if mailboxes() != 0 {
			t.Fatal("a refused mailbox was stored")
		}

		form.Set("move_to", "Traité")
		res, body = c.post("/admin/mailboxes", form, false)
		if res.StatusCode != http.StatusSeeOther {
			t.Fatalf("create: %d %s", res.StatusCode, excerpt(body))
		}
		list, err := s.Mailboxes(ctx, e.f.WS.ID)
		if err != nil || len(list) != 1 {
			t.Fatalf("mailboxes %v, %v", list, err)
		}
		m := list[0]
		if strings.Contains(m.PasswordSealed, "Tr0ub4dor") {
			t.Fatal("the password is stored in clear")
		}
		// A failed login shows on the page in the admin's words.
		if err := s.SetMailboxStatus(ctx, m, store.MailboxError, "auth_failed", "NO [AUTHENTICATIONFAILED] Authentication failed"); err != nil {
			t.Fatal(err)
		}
		res, body = c.get("/admin/mailboxes")
		expectStatus(t, res, body, http.StatusOK)
		contains(t, body, "facturation@acme.example", "Identifiant ou mot de passe refusé", "AUTHENTICATIONFAILED", "déplacé dans Traité")
		lacks(t, body, "Tr0ub4dor", m.PasswordSealed)

		// A change without a password keeps the stored one.
		res, body = c.get("/admin/mailboxes/" + id(m.ID))
		expectStatus(t, res, body, http.StatusOK)
		contains(t, body, "Laissez vide pour garder")
		form.Set("password", "")
		form.Set("port", "1993")
		res, body = c.post("/admin/mailboxes/"+id(m.ID), form, false)
		if res.StatusCode != http.StatusSeeOther {
			t.Fatalf("update: %d %s", res.StatusCode, excerpt(body))
		}
		m2, _ := s.Mailbox(ctx, e.f.WS.ID, m.ID)
		if m2.Port != 1993 || m2.PasswordSealed != m.PasswordSealed || m2.Status != "" {
			t.Fatalf("after the change: port %d, password kept %v, status %q", m2.Port, m2.PasswordSealed == m.PasswordSealed, m2.Status)
		}

		// Only admins: a lead is refused every route, and nothing changes.
		lead := e.login(t, "lead@acme.test")
		for _, r := range []struct{ method, path string }{
			{"GET", "/admin/mailboxes"}, {"POST", "/admin/mailboxes"}, {"GET", "/admin/mailboxes/" + id(m.ID)},
			{"POST", "/admin/mailboxes/" + id(m.ID)}, {"POST", "/admin/mailboxes/" + id(m.ID) + "/delete"},
		} {
			var res *http.Response
			var body string
			if r.method == "GET" {
				res, body = lead.get(r.path)
			} else {
				res, body = lead.post(r.path, form, false)
			}
			expectStatus(t, res, body, http.StatusForbidden)
		}
		if mailboxes() != 1 {
			t.Fatal("a lead changed the mailboxes")
		}
		// Another workspace's mailbox cannot be reached by id.
		other, err := s.CreateMailbox(ctx, e.f.Other.WS.ID, 0, store.Mailbox{Address: "x@other.example", Host: "h", Port: 993, TLS: "tls",
			Username: "u", PasswordSealed: "v1:x", Folder: "INBOX", After: "flag", Keyword: "$P", Enabled: true})
		if err != nil {
			t.Fatal(err)
		}
		res, body = c.post("/admin/mailboxes/"+id(other.ID)+"/delete", url.Values{}, false)
		expectStatus(t, res, body, http.StatusNotFound)

		res, _ = c.post("/admin/mailboxes/"+id(m.ID)+"/delete", url.Values{}, false)
		if res.StatusCode != http.StatusSeeOther || mailboxes() != 1 {
			t.Fatalf("delete: %d, %d mailboxes left (want the other workspace's only)", res.StatusCode, mailboxes())
		}
	})
}

// A reply whose email failed shows a retry button on the timeline; it
// queues the email again.
func TestRetryButtonOnFailedEmail(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *env, s *store.Store) {
		ctx := context.Background()
		tk, reply, msgID := emailedReply(t, e, s)
		c := e.login(t, "admin@acme.test")
		c.lang = "fr"
		retry := "/tickets/" + id(tk.ID) + "/messages/" + id(reply.ID) + "/retry"
		_, body := c.get("/tickets/" + id(tk.ID))
		lacks(t, body, retry)
		if err := s.SetMailState(ctx, e.f.WS.ID, msgID, store.MailFailed, "550 5.1.1 User unknown"); err != nil {
			t.Fatal(err)
		}
		_, body = c.get("/tickets/" + id(tk.ID))
		contains(t, body, `action="`+retry+`"`, "Renvoyer", "550 5.1.1 User unknown")
		res, body := c.post(retry, url.Values{}, false)
		if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/tickets/"+id(tk.ID)+"#event-"+id(reply.ID) {
			t.Fatalf("retry: %d %q %s", res.StatusCode, res.Header.Get("Location"), excerpt(body))
		}
		if st, _, _ := s.MailState(ctx, e.f.WS.ID, msgID); st != store.MailQueued {
			t.Fatalf("state after retry %q", st)
		}
		_, body = c.get("/tickets/" + id(tk.ID))
		lacks(t, body, retry)
		contains(t, body, "E-mail en attente d&#39;envoi")
	})
}
