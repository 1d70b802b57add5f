package mail_test

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"errors"
	"fmt"
	"math/big"
	"net"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapclient"
	"github.com/emersion/go-imap/v2/imapserver"
	"github.com/emersion/go-imap/v2/imapserver/imapmemserver"

	"github.com/palier/palier/internal/auth"
	"github.com/palier/palier/internal/desk"
	"github.com/palier/palier/internal/mail"
	"github.com/palier/palier/internal/secret"
	"github.com/palier/palier/internal/store"
	"github.com/palier/palier/internal/store/storetest"
)

// imapHarness is a desk with IMAP mailboxes enabled and an in-process IMAP
// server (the library's in-memory one) on loopback.
type imapHarness struct {
	t     *testing.T
	s     *store.Store
	d     *desk.Service
	f     storetest.Fixture
	admin auth.Actor
	addr  string // the IMAP server
	user  *imapmemserver.User
	idles *idleWatch
}

// idleWatch counts the IDLE commands the server has accepted, from its
// protocol trace.
type idleWatch struct {
	mu sync.Mutex
	n  int
}

func (w *idleWatch) Write(p []byte) (int, error) {
	w.mu.Lock()
	w.n += strings.Count(string(p), "+ idling")
	w.mu.Unlock()
	return len(p), nil
}

func (w *idleWatch) count() int {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.n
}

const imapUser, imapPassword = "support@acme.example", "mot-de-passe-imap"

// eachImapHarness runs test on both databases, each with its own harness
// over a fresh store.
func eachImapHarness(t *testing.T, test func(t *testing.T, h *imapHarness)) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		test(t, newImapHarness(t, s))
	})
}

func newImapHarness(t *testing.T, s *store.Store) *imapHarness {
	t.Helper()
	f := storetest.Seed(t, s)
	d := desk.New(s, nil)
	box, err := secret.New([]byte(rand.Text() + rand.Text())[:32])
	if err != nil {
		t.Fatal(err)
	}
	d.EnableMailboxes(box)
	mem := imapmemserver.New()
	u := imapmemserver.NewUser(imapUser, imapPassword)
	if err := u.Create("INBOX", nil); err != nil {
		t.Fatal(err)
	}
	mem.AddUser(u)
	idles := &idleWatch{}
	srv := imapserver.New(&imapserver.Options{
		NewSession: func(*imapserver.Conn) (imapserver.Session, *imapserver.GreetingData, error) {
			return mem.NewSession(), nil, nil
		},
		Caps:         imap.CapSet{imap.CapIMAP4rev1: {}, imap.CapMove: {}, imap.CapUIDPlus: {}},
		InsecureAuth: true,
		DebugWriter:  idles,
	})
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go func() { _ = srv.Serve(l) }()
	t.Cleanup(func() { _ = srv.Close() })
	admin, err := s.Actor(context.Background(), f.Admin.ID)
	if err != nil {
		t.Fatal(err)
	}
	return &imapHarness{t: t, s: s, d: d, f: f, admin: admin, addr: l.Addr().String(), user: u, idles: idles}
}

// mailbox sets up a mailbox the way an admin does.
func (h *imapHarness) mailbox(after, password string) store.Mailbox {
	h.t.Helper()
	host, port, _ := net.SplitHostPort(h.addr)
	var p int
	fmt.Sscan(port, &p)
	m, err := h.d.CreateMailbox(context.Background(), h.admin, desk.MailboxInput{Address: "support@acme.example", Host: host, Port: p,
		TLS: "none", Username: imapUser, Password: password, Folder: "INBOX", After: after, MoveTo: "Traité", Enabled: true})
	if err != nil {
		h.t.Fatal(err)
	}
	return m
}

func (h *imapHarness) poller() *mail.Poller {
	p := mail.NewPoller(h.d, nil)
	p.Timeout = 10 * time.Second
	return p
}

// client is a standard IMAP client logged in to the test account.
func (h *imapHarness) client() *imapclient.Client {
	h.t.Helper()
	c, err := imapclient.DialInsecure(h.addr, nil)
	if err != nil {
		h.t.Fatal(err)
	}
	h.t.Cleanup(func() { c.Close() })
	if err := c.Login(imapUser, imapPassword).Wait(); err != nil {
		h.t.Fatal(err)
	}
	return c
}

// deliver appends a message to the INBOX, as the provider's MTA does.
func (h *imapHarness) deliver(raw string) {
	h.t.Helper()
	raw = strings.ReplaceAll(strings.ReplaceAll(raw, "\r\n", "\n"), "\n", "\r\n")
	c := h.client()
	cmd := c.Append("INBOX", int64(len(raw)), nil)
	if _, err := cmd.Write([]byte(raw)); err != nil {
		h.t.Fatal(err)
	}
	if err := cmd.Close(); err != nil {
		h.t.Fatal(err)
	}
	if _, err := cmd.Wait(); err != nil {
		h.t.Fatal(err)
	}
}

// folder lists the flags of every message in a folder.
func (h *imapHarness) folder(name string) [][]imap.Flag {
	h.t.Helper()
	c := h.client()
	sel, err := c.Select(name, nil).Wait()
	if err != nil {
		h.t.Fatal(err)
	}
	if sel.NumMessages == 0 {
		return nil
	}
	var all imap.SeqSet
	all.AddRange(1, sel.NumMessages)
	msgs, err := c.Fetch(all, &imap.FetchOptions{Flags: true}).Collect()
	if err != nil {
		h.t.Fatal(err)
	}
	var out [][]imap.Flag
	for _, m := range msgs {
		out = append(out, m.Flags)
	}
	return out
}

func (h *imapHarness) count(q string, args ...any) int {
	h.t.Helper()
	var n int
	if err := h.s.DB().QueryRow(q, args...).Scan(&n); err != nil {
		h.t.Fatal(err)
	}
	return n
}

func (h *imapHarness) emailTickets() int {
	return h.count(`SELECT count(*) FROM tickets WHERE channel = 'email' AND workspace_id = $1 AND subject LIKE 'IMAP%'`, h.f.WS.ID)
}

func imapMessage(n int, from string) string {
	return fmt.Sprintf(`From: Client %d <%s>
To: support@acme.example
Subject: IMAP demande %d
Date: Mon, 2 Mar 2026 09:00:00 +0100
Message-ID: <imap-%d@exemple.fr>
MIME-Version: 1.0
Content-Type: text/plain; charset=utf-8

Bonjour, ma commande numéro %d n'est pas arrivée.
`, n, from, n, n, n)
}

// poll runs one poll as a freshly started poller would (each call is a
// restart); a failure ends the test.
func (h *imapHarness) poll() {
	h.t.Helper()
	if err := h.poller().Once(context.Background()); err != nil {
		h.t.Fatal(err)
	}
}

func (h *imapHarness) checkpoint(id int64) (uint32, uint32, store.Mailbox) {
	h.t.Helper()
	m, err := h.d.Mailbox(context.Background(), h.admin, id)
	if err != nil {
		h.t.Fatal(err)
	}
	return m.UIDValidity, m.LastUID, m
}

func TestImapMovesStoredMessagesAndResumes(t *testing.T) {
	eachImapHarness(t, func(t *testing.T, h *imapHarness) {
		m := h.mailbox("move", imapPassword)
		h.deliver(imapMessage(1, "paul.girard@exemple.fr"))
		h.deliver(imapMessage(2, "ines.moreau@exemple.fr"))

		start := h.count(`SELECT count(*) FROM events`)
		h.poll()
		if n := h.emailTickets(); n != 2 {
			t.Fatalf("%d tickets from the mailbox, want 2", n)
		}
		if n := h.count(`SELECT count(*) FROM tickets WHERE subject LIKE 'IMAP%' AND tier_id IS NULL`); n != 0 {
			t.Fatalf("%d unrouted tickets", n)
		}
		if in, done := h.folder("INBOX"), h.folder("Traité"); len(in) != 0 || len(done) != 2 {
			t.Fatalf("after the poll: %d in INBOX, %d moved; want 0 and 2", len(in), len(done))
		}
		if v, last, st := h.checkpoint(m.ID); v == 0 || last != 2 || st.Status != store.MailboxOK {
			t.Fatalf("checkpoint %d/%d status %q, want UIDVALIDITY set, last UID 2, ok", v, last, st.Status)
		}

		// A restart: a new poller takes the mailbox up where it was left.
		events := h.count(`SELECT count(*) FROM events`)
		perTicket := (events - start) / 2
		h.deliver(imapMessage(3, "paul.girard@exemple.fr"))
		h.poll()
		if n := h.emailTickets(); n != 3 {
			t.Fatalf("%d tickets after the restart, want 3", n)
		}
		if got := h.count(`SELECT count(*) FROM events`) - events; got != perTicket {
			t.Fatalf("%d events written after the restart, want %d (the third message's ticket only)", got, perTicket)
		}
	})
}

func TestImapFlagsAndNeverProcessesTwice(t *testing.T) {
	eachImapHarness(t, func(t *testing.T, h *imapHarness) {
		m := h.mailbox("flag", imapPassword)
		h.deliver(imapMessage(1, "paul.girard@exemple.fr"))
		h.deliver(imapMessage(2, "ines.moreau@exemple.fr"))
		h.poll()
		flags := h.folder("INBOX")
		if len(flags) != 2 {
			t.Fatalf("%d messages left in INBOX, want 2 (flagged, not moved)", len(flags))
		}
		for _, f := range flags {
			if !hasFlag(f, imap.FlagSeen) || !hasFlag(f, "$Palier") {
				t.Fatalf("flags %v, want \\Seen and $Palier", f)
			}
		}
		events := h.count(`SELECT count(*) FROM events`)
		for range 2 { // restarts
			h.poll()
		}
		if h.emailTickets() != 2 || h.count(`SELECT count(*) FROM events`) != events {
			t.Fatal("a restart processed a message twice")
		}
		// Even with the checkpoint lost, the keyword skips what was done.
		if _, err := h.s.DB().Exec(`UPDATE mailboxes SET last_uid = 0 WHERE id = $1`, m.ID); err != nil {
			t.Fatal(err)
		}
		h.poll()
		if h.count(`SELECT count(*) FROM events`) != events {
			t.Fatal("a flagged message was processed again")
		}
	})
}

func hasFlag(list []imap.Flag, f imap.Flag) bool {
	for _, x := range list {
		if strings.EqualFold(string(x), string(f)) {
			return true
		}
	}
	return false
}

func TestImapCrashBetweenStoreAndFlag(t *testing.T) {
	eachImapHarness(t, func(t *testing.T, h *imapHarness) {
		ctx := context.Background()
		m := h.mailbox("flag", imapPassword)
		h.deliver(imapMessage(1, "paul.girard@exemple.fr"))

		crashed := h.poller()
		mail.FailAcknowledgements(crashed, func() error { return errors.New("connection reset") })
		if err := crashed.Once(ctx); err == nil {
			t.Fatal("the poll reported success although the flag step failed")
		}
		if n := h.emailTickets(); n != 1 {
			t.Fatalf("%d tickets after the store, want 1", n)
		}
		if f := h.folder("INBOX"); len(f) != 1 || hasFlag(f[0], "$Palier") {
			t.Fatalf("INBOX %v: the message must still be unacknowledged", f)
		}
		if _, last, _ := h.checkpoint(m.ID); last != 0 {
			t.Fatalf("checkpoint moved to %d before the acknowledgement", last)
		}
		events := h.count(`SELECT count(*) FROM events`)

		// After the restart the message is offered again: stored once,
		// acknowledged now.
		h.poll()
		if h.emailTickets() != 1 || h.count(`SELECT count(*) FROM events`) != events {
			t.Fatal("the re-delivered message was stored twice")
		}
		if f := h.folder("INBOX"); len(f) != 1 || !hasFlag(f[0], "$Palier") {
			t.Fatalf("INBOX %v: the message must be flagged now", f)
		}
		if _, last, _ := h.checkpoint(m.ID); last != 1 {
			t.Fatalf("checkpoint %d, want 1", last)
		}
	})
}

func TestImapWrongPasswordIsShownNotRetriedInALoop(t *testing.T) {
	eachImapHarness(t, func(t *testing.T, h *imapHarness) {
		m := h.mailbox("move", "pas-le-bon")
		h.deliver(imapMessage(1, "paul.girard@exemple.fr"))
		if err := h.poller().Once(context.Background()); err == nil {
			t.Fatal("a wrong password polled without error")
		}
		_, _, st := h.checkpoint(m.ID)
		if st.Status != store.MailboxError || st.ErrorCode != mail.ImapAuthFailed || st.CheckedAt == nil || st.LastError == "" {
			t.Fatalf("state %q code %q error %q, want error/auth_failed with the server's words", st.Status, st.ErrorCode, st.LastError)
		}
		if h.emailTickets() != 0 || len(h.folder("INBOX")) != 1 {
			t.Fatal("a failed login stored or moved something")
		}
		// The password typed again clears the error.
		if err := h.d.UpdateMailbox(context.Background(), h.admin, m.ID, desk.MailboxInput{Address: st.Address, Host: st.Host, Port: st.Port,
			TLS: st.TLS, Username: st.Username, Password: imapPassword, Folder: st.Folder, After: st.After, MoveTo: st.MoveTo, Enabled: true}); err != nil {
			t.Fatal(err)
		}
		h.poll()
		if _, _, st := h.checkpoint(m.ID); st.Status != store.MailboxOK || st.ErrorCode != "" || h.emailTickets() != 1 {
			t.Fatalf("after fixing the password: %q %q, %d tickets", st.Status, st.ErrorCode, h.emailTickets())
		}
	})
}

// A mailbox that keeps failing is retried ever more rarely, up to a cap.
func TestImapBackoff(t *testing.T) {
	var got []time.Duration
	for n := 1; n <= 7; n++ {
		got = append(got, mail.Backoff(time.Minute, 15*time.Minute, n))
	}
	want := []time.Duration{time.Minute, 2 * time.Minute, 4 * time.Minute, 8 * time.Minute, 15 * time.Minute, 15 * time.Minute, 15 * time.Minute}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("backoff %v, want %v", got, want)
	}
}

// Two instances never poll one mailbox at once: the lease goes to one.
func TestImapMailboxLeaseGoesToOneInstance(t *testing.T) {
	eachImapHarness(t, func(t *testing.T, h *imapHarness) {
		m := h.mailbox("move", imapPassword)
		ctx := context.Background()
		var wg sync.WaitGroup
		claims := make([]int, 8)
		for i := range claims {
			wg.Go(func() {
				list, err := h.d.ClaimMailboxes(ctx, time.Now(), time.Minute, 10)
				if err != nil {
					t.Error(err)
				}
				claims[i] = len(list)
			})
		}
		wg.Wait()
		total := 0
		for _, n := range claims {
			total += n
		}
		if total != 1 {
			t.Fatalf("the mailbox was claimed %d times by 8 instances, want once", total)
		}
		// While held, a poller of another instance finds nothing to poll.
		h.deliver(imapMessage(1, "paul.girard@exemple.fr"))
		if err := h.poller().Once(ctx); err != nil || h.emailTickets() != 0 {
			t.Fatalf("a second instance polled a leased mailbox: %v, %d tickets", err, h.emailTickets())
		}
		// A lapsed lease (its instance died) is taken over.
		if list, err := h.d.ClaimMailboxes(ctx, time.Now().Add(2*time.Minute), time.Minute, 10); err != nil || len(list) != 1 {
			t.Fatalf("a lapsed lease was not taken over: %d, %v", len(list), err)
		}
		// Changing the settings takes the mailbox from its holder: it is
		// claimed again at once, and the old holder's writes are refused.
		if held, err := h.d.ClaimMailboxes(ctx, time.Now().Add(10*time.Minute), time.Minute, 10); err != nil || len(held) != 1 {
			t.Fatalf("claim: %d, %v", len(held), err)
		}
		old, err := h.d.Mailbox(ctx, h.admin, m.ID)
		if err != nil {
			t.Fatal(err)
		}
		if err := h.d.UpdateMailbox(ctx, h.admin, m.ID, desk.MailboxInput{Address: old.Address, Host: old.Host, Port: old.Port, TLS: old.TLS,
			Username: old.Username, Password: "nouveau", Folder: old.Folder, After: old.After, MoveTo: old.MoveTo, Enabled: true}); err != nil {
			t.Fatal(err)
		}
		if list, err := h.d.ClaimMailboxes(ctx, time.Now(), time.Minute, 10); err != nil || len(list) != 1 {
			t.Fatalf("a changed mailbox was not claimable at once: %d, %v", len(list), err)
		}
	})
}

// With IDLE, a message is fetched as soon as it arrives, without waiting
// for the interval (an hour here).
func TestImapIdleFetchesNewMail(t *testing.T) {
	eachImapHarness(t, func(t *testing.T, h *imapHarness) {
		h.mailbox("move", imapPassword)
		p := h.poller()
		p.Interval = time.Hour
		ctx, stop := context.WithCancel(context.Background())
		done := make(chan struct{})
		go func() { _ = p.Run(ctx); close(done) }()
		defer func() { stop(); <-done }()
		waitFor(t, "the poller to idle", func() bool { return h.idles.count() > 0 })
		h.deliver(imapMessage(1, "paul.girard@exemple.fr"))
		waitFor(t, "the ticket of the new message", func() bool { return h.emailTickets() == 1 })
		waitFor(t, "the move", func() bool { return len(h.folder("Traité")) == 1 })
	})
}

func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(10 * time.Millisecond) // polling a condition, with a deadline
	}
}

// Implicit TLS (993) and STARTTLS (143) both reach the mailbox, and the
// server's certificate is checked (a test CA here).
func TestImapTLSModes(t *testing.T) {
	serverTLS, clientTLS := testTLS(t)
	for _, mode := range []string{"tls", "starttls"} {
		t.Run(mode, func(t *testing.T) {
			s := storetest.Open(t, store.SQLite)
			h := newImapHarness(t, s)
			mem := imapmemserver.New()
			mem.AddUser(h.user)
			opts := &imapserver.Options{
				NewSession: func(*imapserver.Conn) (imapserver.Session, *imapserver.GreetingData, error) {
					return mem.NewSession(), nil, nil
				},
				Caps: imap.CapSet{imap.CapIMAP4rev1: {}, imap.CapMove: {}},
			}
			l, err := net.Listen("tcp", "127.0.0.1:0")
			if err != nil {
				t.Fatal(err)
			}
			if mode == "tls" {
				l = tls.NewListener(l, serverTLS)
			} else {
				opts.TLSConfig = serverTLS
			}
			srv := imapserver.New(opts)
			go func() { _ = srv.Serve(l) }()
			t.Cleanup(func() { _ = srv.Close() })
			_, port, _ := net.SplitHostPort(l.Addr().String())
			var p int
			fmt.Sscan(port, &p)
			if _, err := h.d.CreateMailbox(context.Background(), h.admin, desk.MailboxInput{Address: "support@acme.example", Host: "localhost", Port: p,
				TLS: mode, Username: imapUser, Password: imapPassword, After: "flag", Enabled: true}); err != nil {
				t.Fatal(err)
			}
			h.deliver(imapMessage(1, "paul.girard@exemple.fr"))

			untrusting := h.poller() // the system's roots do not know the test CA
			if err := untrusting.Once(context.Background()); err == nil || h.emailTickets() != 0 {
				t.Fatalf("an untrusted certificate was accepted: %v", err)
			}
			p2 := h.poller()
			p2.TLSConfig = clientTLS
			if err := p2.Once(context.Background()); err != nil {
				t.Fatal(err)
			}
			if h.emailTickets() != 1 {
				t.Fatalf("%d tickets over %s, want 1", h.emailTickets(), mode)
			}
		})
	}
}

// testTLS makes a CA-signed certificate for localhost: the server's
// config, and a client config trusting only that CA.
func testTLS(t *testing.T) (server, client *tls.Config) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "localhost"}, DNSNames: []string{"localhost"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour), IsCA: true, BasicConstraintsValid: true,
		KeyUsage: x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	pool := x509.NewCertPool()
	pool.AddCert(cert)
	return &tls.Config{Certificates: []tls.Certificate{{Certificate: [][]byte{der}, PrivateKey: key}}},
		&tls.Config{RootCAs: pool, ServerName: "localhost"}
}

func TestParseMailboxURL(t *testing.T) {
	for _, c := range []struct {
		in   string
		want desk.MailboxInput
		err  string
	}{
		{in: "imaps://support%40acme.example:s3cret@imap.acme.example", want: desk.MailboxInput{Address: "support@acme.example",
			Host: "imap.acme.example", Port: 993, TLS: "tls", Username: "support@acme.example", Password: "s3cret", Folder: "INBOX",
			After: "move", MoveTo: "Processed", Enabled: true}},
		{in: "imap://u:p@mx:1143/Support/Clients?after=flag:$Fait&address=facturation@acme.example", want: desk.MailboxInput{
			Address: "facturation@acme.example", Host: "mx", Port: 1143, TLS: "starttls", Username: "u", Password: "p",
			Folder: "Support/Clients", After: "flag", Keyword: "$Fait", Enabled: true}},
		{in: "imap://u:p@localhost?tls=none&after=move:Traité", want: desk.MailboxInput{Host: "localhost", Port: 143, TLS: "none",
			Username: "u", Password: "p", Folder: "INBOX", After: "move", MoveTo: "Traité", Enabled: true}},
		{in: "pop3://u:p@mx", err: "scheme"},
		{in: "imaps://u:p@mx?after=delete", err: "after"},
		{in: "imaps://u:p@mx:99999", err: "port"},
		{in: "imaps://u:hunter2@mx?tls=maybe", err: "tls"},
	} {
		got, err := mail.ParseMailboxURL(c.in)
		if c.err != "" {
			if err == nil || !strings.Contains(err.Error(), c.err) || strings.Contains(err.Error(), "hunter2") {
				t.Errorf("%s: err %v, want one about %s without the password", c.in, err, c.err)
			}
			continue
		}
		if err != nil || got != c.want {
			t.Errorf("%s:\n got %+v, %v\nwant %+v", c.in, got, err, c.want)
		}
	}
}
