package web_test

import (
	"context"
	"io"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/palier/palier/internal/secret"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"

	"github.com/palier/palier/internal/desk"
	"github.com/palier/palier/internal/mail"
	"github.com/palier/palier/internal/store"
	"github.com/palier/palier/internal/store/storetest"
	"github.com/palier/palier/internal/ticket"
)

// emailedReply turns email replies on and has the admin answer ticket L1:
// the reply's email waits in the outbox. It returns the ticket, the reply,
// its email's Message-ID and the admin signed in, reading in French.
func emailedReply(t *testing.T, e *env, s *store.Store) emailed {
	t.Helper()
	e.d.EnableEmailReplies(desk.Outbound{Domain: "acme.test"})
	m := emailed{s: s, ws: e.f.WS.ID, tk: e.f.Ticket["L1"]}
	var err error
	if m.reply, _, err = e.d.Reply(t.Context(), storetest.Actor(t, s, e.f.Admin), m.tk.ID, "Bonjour, c'est corrigé.", ""); err != nil {
		t.Fatal(err)
	}
	if err := s.DB().QueryRow(`SELECT message_id FROM mail_messages WHERE event_id = $1`, m.reply.ID).Scan(&m.msgID); err != nil {
		t.Fatal(err)
	}
	m.admin = e.login(t, "admin@acme.test")
	m.admin.lang = "fr"
	return m
}

type emailed struct {
	s     *store.Store
	ws    int64
	tk    ticket.Ticket
	reply ticket.Event
	msgID string
	admin *client
}

// bounce records that the customer's server refused the reply's email.
func (m emailed) bounce(t *testing.T) {
	t.Helper()
	if err := m.s.SetMailState(t.Context(), m.ws, m.msgID, store.MailFailed, "550 5.1.1 User unknown"); err != nil {
		t.Fatal(err)
	}
}

func TestReplyShowsItsEmailState(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *env, s *store.Store) {
		m := emailedReply(t, e, s)
		res, body := m.admin.get("/tickets/" + id(m.tk.ID))
		expectStatus(t, res, body, http.StatusOK)
		contains(t, body, "E-mail en attente d&#39;envoi")

		m.bounce(t)
		_, body = m.admin.get("/tickets/" + id(m.tk.ID))
		contains(t, body, "E-mail non remis : 550 5.1.1 User unknown")
	})
}

// keyedPageAdmin signs the admin in, in French, on a page that keeps
// passwords (mailboxes, SMTP relay): without a server key the page says
// why nothing can be set up; then the server gets its key.
func keyedPageAdmin(t *testing.T, e *env, path string) (*client, *secret.Box) {
	t.Helper()
	c := e.login(t, "admin@acme.test")
	c.lang = "fr"
	res, body := c.get(path)
	expectStatus(t, res, body, http.StatusOK)
	contains(t, body, "pas de clé secrète")
	return c, serverKey(t, e)
}

// expectRefusedSecretForm posts a bad form to a page that keeps a
// password: the form comes back refused saying says, with what was typed
// but never the password, and nothing is stored (stored stays at 0).
func expectRefusedSecretForm(t *testing.T, c *client, path string, bad url.Values, password string, stored func() int, says ...string) {
	t.Helper()
	res, body := c.post(path, bad, false)
	expectStatus(t, res, body, http.StatusUnprocessableEntity)
	contains(t, body, says...)
	lacks(t, body, password)
	if n := stored(); n != 0 {
		t.Fatalf("a refused form stored %d rows", n)
	}
}

func TestAdminMailboxes(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *env, s *store.Store) {
		ctx := context.Background()
		mailboxes := func() int { return count(t, s, `SELECT count(*) FROM mailboxes`) }
		c, _ := keyedPageAdmin(t, e, "/admin/mailboxes")

		form := url.Values{"address": {"facturation@acme.example"}, "host": {"imap.acme.example"}, "port": {"993"}, "tls": {"tls"},
			"username": {"facturation"}, "password": {"Tr0ub4dor&3"}, "folder": {"INBOX"}, "after": {"move"}, "move_to": {"INBOX"}, "enabled": {"1"}}
		expectRefusedSecretForm(t, c, "/admin/mailboxes", with(form, "host", ""), "Tr0ub4dor", mailboxes,
			"Ce champ est obligatoire", "Choisissez un autre dossier", `value="facturation@acme.example"`)

		form.Set("move_to", "Traité")
		res, body := c.post("/admin/mailboxes", form, false)
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
			res, body := lead.request(r.method, r.path, form)
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
		m := emailedReply(t, e, s)
		tk, reply, msgID, c := m.tk, m.reply, m.msgID, m.admin
		retry := "/tickets/" + id(tk.ID) + "/messages/" + id(reply.ID) + "/retry"
		_, body := c.get("/tickets/" + id(tk.ID))
		lacks(t, body, retry)
		m.bounce(t)
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

// authSink is an SMTP server standing for a workspace's relay: it wants
// a user name and password, and keeps what it is given.
type authSink struct {
	user, pass string
	mu         sync.Mutex
	got        []string
}

func (k *authSink) NewSession(*smtp.Conn) (smtp.Session, error) { return &authSession{k: k}, nil }

type authSession struct {
	k      *authSink
	authed bool
}

func (s *authSession) AuthMechanisms() []string { return []string{sasl.Plain} }
func (s *authSession) Auth(string) (sasl.Server, error) {
	return sasl.NewPlainServer(func(_, user, pass string) error {
		if user != s.k.user || pass != s.k.pass {
			return &smtp.SMTPError{Code: 535, EnhancedCode: smtp.EnhancedCode{5, 7, 8}, Message: "Identifiants refusés par relais-test"}
		}
		s.authed = true
		return nil
	}), nil
}
func (s *authSession) Reset()        {}
func (s *authSession) Logout() error { return nil }
func (s *authSession) Mail(string, *smtp.MailOptions) error {
	if !s.authed {
		return smtp.ErrAuthRequired
	}
	return nil
}
func (s *authSession) Rcpt(string, *smtp.RcptOptions) error { return nil }
func (s *authSession) Data(r io.Reader) error {
	b, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	s.k.mu.Lock()
	defer s.k.mu.Unlock()
	s.k.got = append(s.k.got, string(b))
	return nil
}

func (k *authSink) messages() []string {
	k.mu.Lock()
	defer k.mu.Unlock()
	return append([]string(nil), k.got...)
}

func serveSink(t *testing.T, be smtp.Backend) (host, port string) {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := smtp.NewServer(be)
	srv.Domain = "relais.test"
	srv.AllowInsecureAuth = true // a relay on the loopback, as "none" allows
	srv.ReadTimeout, srv.WriteTimeout = 30*time.Second, 30*time.Second
	go func() { _ = srv.Serve(l) }()
	t.Cleanup(func() { srv.Close() })
	host, port, _ = net.SplitHostPort(l.Addr().String())
	return host, port
}

func TestAdminSMTPRelay(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *env, s *store.Store) {
		k := &authSink{user: "palier", pass: "S3cret-relais!"}
		host, port := serveSink(t, k)
		relays := func() int { return count(t, s, `SELECT count(*) FROM smtp_relays`) }
		c, box := keyedPageAdmin(t, e, "/admin/smtp")
		e.d.EnableRelayTests(mail.SendTest)

		form := url.Values{"host": {"smtp.acme.example"}, "port": {port}, "tls": {"none"}, "username": {"palier"},
			"password": {"S3cret-relais!"}, "from_address": {"support@acme.example"}, "from_name": {"Support Acme"}}
		// Without TLS, only a relay on this machine; every bad field at once.
		expectRefusedSecretForm(t, c, "/admin/smtp", with(form, "from_address", "pas-une-adresse"), "S3cret-relais!", relays,
			"seul un relais sur cette machine", "adresse e-mail", `value="smtp.acme.example"`)

		form.Set("host", host)
		res, body := c.post("/admin/smtp", form, false)
		if res.StatusCode != http.StatusSeeOther {
			t.Fatalf("save: %d %s", res.StatusCode, excerpt(body))
		}
		res, body = c.get("/admin/smtp?done=saved")
		expectStatus(t, res, body, http.StatusOK)
		contains(t, body, "Le relais est enregistré", "Un mot de passe est enregistré")
		lacks(t, body, "S3cret-relais!")

		// The password is sealed in the row, not written in clear.
		var sealed string
		if err := s.DB().QueryRow(`SELECT password_enc FROM smtp_relays`).Scan(&sealed); err != nil {
			t.Fatal(err)
		}
		if sealed == "" || strings.Contains(sealed, "S3cret") {
			t.Fatalf("password stored as %q", sealed)
		}
		if got, err := box.Open(sealed, "palier smtp password"); err != nil || got != "S3cret-relais!" {
			t.Fatalf("sealed password opens to %q, %v", got, err)
		}
		if audited := count(t, s, `SELECT count(*) FROM audit_log WHERE action = 'smtp_relay.save'`); audited != 1 {
			t.Fatalf("save audited %d times", audited)
		}

		// The test message goes through the real client to the address typed.
		res, body = c.post("/admin/smtp/test", url.Values{"to": {"marc@acme.example"}}, false)
		expectStatus(t, res, body, http.StatusOK)
		contains(t, body, "Le serveur a accepté le message d&#39;essai pour marc@acme.example")
		got := k.messages()
		if len(got) != 1 || !strings.Contains(got[0], "To: <marc@acme.example>") || !strings.Contains(got[0], "message d'essai") ||
			!strings.Contains(got[0], `"Support Acme" <support@acme.example>`) {
			t.Fatalf("the sink got %q", got)
		}

		// Saving again with the password left empty keeps it.
		form.Set("password", "")
		form.Set("from_name", "Équipe support")
		if res, body = c.post("/admin/smtp", form, false); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("save again: %d %s", res.StatusCode, excerpt(body))
		}
		var kept string
		if err := s.DB().QueryRow(`SELECT password_enc FROM smtp_relays`).Scan(&kept); err != nil || kept != sealed {
			t.Fatalf("the password was not kept (%v)", err)
		}

		// Bad credentials: the page shows the server's own answer, in English too.
		form.Set("password", "mauvais")
		if res, body = c.post("/admin/smtp", form, false); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("save bad password: %d %s", res.StatusCode, excerpt(body))
		}
		if err := s.SetOwnLanguage(context.Background(), e.f.WS.ID, e.f.Admin.ID, "en"); err != nil {
			t.Fatal(err)
		}
		res, body = c.post("/admin/smtp/test", url.Values{"to": {"marc@acme.example"}}, false)
		expectStatus(t, res, body, http.StatusBadGateway)
		contains(t, body, "The server refused the test message", "535", "Identifiants refusés par relais-test")
		if n := len(k.messages()); n != 1 {
			t.Fatalf("%d messages arrived with a bad password", n)
		}
		res, body = c.post("/admin/smtp/test", url.Values{"to": {"pas une adresse"}}, false)
		expectStatus(t, res, body, http.StatusUnprocessableEntity)
		if tests := count(t, s, `SELECT count(*) FROM audit_log WHERE action = 'smtp_relay.test'`); tests != 2 {
			t.Fatalf("%d tests audited, want the two sent", tests)
		}

		res, _ = c.post("/admin/smtp/delete", url.Values{}, false)
		if res.StatusCode != http.StatusSeeOther || relays() != 0 {
			t.Fatalf("delete: %d, %d rows left", res.StatusCode, relays())
		}
	})
}

// Only admins reach the relay: leads and agents are refused and change
// nothing, nor send anything; a visitor is sent to sign in.
func TestAdminSMTPRelayRoles(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *env, s *store.Store) {
		serverKey(t, e)
		e.d.EnableRelayTests(mail.SendTest)
		k := &authSink{user: "palier", pass: "p"}
		host, port := serveSink(t, k)
		admin := e.login(t, "admin@acme.test")
		saved := url.Values{"host": {host}, "port": {port}, "tls": {"none"}, "username": {"palier"}, "password": {"p"}, "from_address": {"support@acme.example"}}
		if res, body := admin.post("/admin/smtp", saved, false); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("admin save: %d %s", res.StatusCode, excerpt(body))
		}
		state := func() (relays, audits int, host string) {
			_ = s.DB().QueryRow(`SELECT count(*) FROM smtp_relays`).Scan(&relays)
			_ = s.DB().QueryRow(`SELECT count(*) FROM audit_log WHERE action LIKE 'smtp_relay.%'`).Scan(&audits)
			_ = s.DB().QueryRow(`SELECT host FROM smtp_relays`).Scan(&host)
			return
		}
		r0, a0, h0 := state()
		form := url.Values{"host": {"localhost"}, "port": {"25"}, "tls": {"none"}, "from_address": {"pirate@acme.example"}, "to": {"x@acme.example"}}
		routes := []struct{ method, path string }{{"GET", "/admin/smtp"}, {"POST", "/admin/smtp"}, {"POST", "/admin/smtp/test"}, {"POST", "/admin/smtp/delete"}}
		clients := map[string]*client{"lead": e.login(t, "lead@acme.test"), "agent": e.login(t, "l1@acme.test"), "visitor": e.anon(t, "fr")}
		for who, c := range clients {
			for _, r := range routes {
				res, body := c.request(r.method, r.path, form)
				want := http.StatusForbidden
				if who == "visitor" {
					want = http.StatusSeeOther
				}
				if res.StatusCode != want {
					t.Errorf("%s %s %s: %d, want %d %s", who, r.method, r.path, res.StatusCode, want, excerpt(body))
				}
			}
		}
		if r, a, h := state(); r != r0 || a != a0 || h != h0 || len(k.messages()) != 0 {
			t.Fatalf("refused requests changed the relay (%d→%d rows, host %q→%q), audited %d→%d, sent %d messages", r0, r, h0, h, a0, a, len(k.messages()))
		}
	})
}

// A customer's mail shows what they wrote; the history their client
// quoted under it is folded away, kept whole behind "Quoted history".
func TestTimelineFoldsQuotedHistory(t *testing.T) {
	e, s := sqliteEnv(t)
	body := "Merci, cela fonctionne de nouveau.\n\nLe 2 mars 2026 à 10:02, Support Nuagique <support@nuagique.example> a écrit :\n> Nous avons réinitialisé votre accès."
	tk, err := e.d.CreateTicket(context.Background(), storetest.Actor(t, s, e.f.Admin), desk.NewTicket{Subject: "Accès", Body: body,
		RequestType: "access", CustomerID: e.f.Customer["alice"].ID})
	if err != nil {
		t.Fatal(err)
	}
	res, page := e.login(t, "admin@acme.test").get("/tickets/" + strconv.FormatInt(tk.ID, 10))
	expectStatus(t, res, page, http.StatusOK)
	contains(t, page, `<div class="event-body">Merci, cela fonctionne de nouveau.</div>`,
		`<details class="event-quoted"><summary>Historique cité et signature</summary>`, "&gt; Nous avons réinitialisé votre accès.")
	if strings.Count(page, "Nous avons réinitialisé") != 1 {
		t.Error("the quoted history should show once, folded")
	}
}
