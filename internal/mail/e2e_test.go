package mail_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-smtp"

	"github.com/palier/palier/internal/attachment"
	"github.com/palier/palier/internal/customer"
	"github.com/palier/palier/internal/desk"
	"github.com/palier/palier/internal/event"
	"github.com/palier/palier/internal/jobs"
	"github.com/palier/palier/internal/mail"
	"github.com/palier/palier/internal/pgtest"
	"github.com/palier/palier/internal/problem"
	"github.com/palier/palier/internal/store"
	"github.com/palier/palier/internal/store/storetest"
	"github.com/palier/palier/internal/ticket"
)

func TestMain(m *testing.M) { os.Exit(pgtest.Main(m)) }

// sink is an SMTP server standing for the relay: it keeps what it is given.
type sink struct {
	mu       sync.Mutex
	messages [][]byte
	arrived  chan struct{}
	refuse   *smtp.SMTPError // answer DATA with this when set
	hold     chan struct{}   // when set, DATA waits for it to close
}

func (k *sink) NewSession(*smtp.Conn) (smtp.Session, error) { return &sinkSession{k: k}, nil }

type sinkSession struct{ k *sink }

func (s *sinkSession) Reset()                               {}
func (s *sinkSession) Logout() error                        { return nil }
func (s *sinkSession) Mail(string, *smtp.MailOptions) error { return nil }
func (s *sinkSession) Rcpt(string, *smtp.RcptOptions) error { return nil }
func (s *sinkSession) Data(r io.Reader) error {
	b, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	s.k.mu.Lock()
	hold := s.k.hold
	s.k.mu.Unlock()
	if hold != nil {
		<-hold
	}
	s.k.mu.Lock()
	defer s.k.mu.Unlock()
	if s.k.refuse != nil {
		return s.k.refuse
	}
	s.k.messages = append(s.k.messages, b)
	s.k.arrived <- struct{}{}
	return nil
}

func serve(t *testing.T, be smtp.Backend) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := smtp.NewServer(be)
	srv.Domain = "localhost"
	srv.AllowInsecureAuth = true
	go func() { _ = srv.Serve(l) }()
	t.Cleanup(func() { srv.Close() })
	return l.Addr().String()
}

// harness is a desk with the receiver, the outbox worker and a sink relay.
type harness struct {
	t        *testing.T
	s        *store.Store
	d        *desk.Service
	f        storetest.Fixture
	receiver string // address of our SMTP receiver
	sink     *sink
}

// attachToDisk keeps the harness's attachments on disk, in a directory
// the test removes, with these limits.
func (h *harness) attachToDisk(t *testing.T, limits attachment.Limits) {
	t.Helper()
	disk, err := attachment.NewDisk(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	h.d.EnableAttachments(disk, limits)
}

// eachHarness runs test on both databases, each with its own harness over
// the seeded fixture.
func eachHarness(t *testing.T, test func(t *testing.T, ctx context.Context, s *store.Store, h *harness)) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		test(t, context.Background(), s, newHarness(t, s))
	})
}

func newHarness(t *testing.T, s *store.Store) *harness {
	ctx := context.Background()
	f := storetest.Seed(t, s)
	if err := s.AddInboundAddress(ctx, f.WS.ID, "support@acme.example"); err != nil {
		t.Fatal(err)
	}
	d := desk.New(s, nil)
	d.EnableEmailReplies(desk.Outbound{Domain: "acme.example", FromName: "Support Acme"})
	rcv := mail.NewReceiver(d, "mx.acme.example", nil)
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go func() { _ = rcv.Serve(l) }()
	t.Cleanup(func() { _ = rcv.Shutdown(context.Background()) })

	k := &sink{arrived: make(chan struct{}, 10)}
	host, port, _ := net.SplitHostPort(serve(t, k))
	relay, err := mail.ParseRelay("smtp://" + net.JoinHostPort(host, port) + "?tls=none")
	if err != nil {
		t.Fatal(err)
	}
	r := jobs.New(s, nil)
	r.Poll = 10 * time.Millisecond
	r.Retry = func(int) time.Duration { return 0 }
	mail.NewOutbox(d, relay, nil).Register(r)
	runCtx, stop := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() { _ = r.Run(runCtx); close(done) }()
	t.Cleanup(func() { stop(); <-done })
	return &harness{t: t, s: s, d: d, f: f, receiver: l.Addr().String(), sink: k}
}

// send delivers raw mail to our receiver with a standard SMTP client.
func (h *harness) send(from string, to []string, raw string) error {
	raw = strings.ReplaceAll(strings.ReplaceAll(raw, "\r\n", "\n"), "\n", "\r\n")
	c, err := smtp.Dial(h.receiver) // plain SMTP, as an MTA on the same host delivers
	if err != nil {
		return err
	}
	defer c.Close()
	if err := c.SendMail(from, to, strings.NewReader(raw)); err != nil {
		return err
	}
	return c.Quit()
}

func (h *harness) count(table string) int {
	var n int
	if err := h.s.DB().QueryRow(`SELECT count(*) FROM ` + table).Scan(&n); err != nil {
		h.t.Fatal(err)
	}
	return n
}

func (h *harness) awaitSink() []byte {
	h.t.Helper()
	select {
	case <-h.sink.arrived:
	case <-time.After(30 * time.Second):
		h.t.Fatal("no message reached the relay")
	}
	h.sink.mu.Lock()
	defer h.sink.mu.Unlock()
	return h.sink.messages[len(h.sink.messages)-1]
}

// ticketOf returns the customer who wrote from this address and their one
// ticket: every test that starts from a customer's mail looks both up.
func (h *harness) ticketOf(t *testing.T, from string) (customer.Customer, ticket.Ticket) {
	t.Helper()
	ctx := context.Background()
	cust, err := h.s.CustomerByEmail(ctx, h.f.WS.ID, from)
	if err != nil {
		t.Fatalf("no customer created for %s: %v", from, err)
	}
	list, _, err := h.s.Tickets(ctx, h.f.WS.ID, store.Filter{CustomerID: cust.ID}, "", 10)
	if err != nil || len(list) != 1 {
		t.Fatalf("tickets of %s: %d, %v", from, len(list), err)
	}
	return cust, list[0]
}

// awaitParsed waits for the next message at the relay and parses it; raw
// is the message as it arrived.
func (h *harness) awaitParsed(t *testing.T) (out mail.Message, raw []byte) {
	t.Helper()
	raw = h.awaitSink()
	out, err := mail.Parse(raw)
	if err != nil {
		t.Fatal(err)
	}
	return out, raw
}

func (h *harness) awaitMailState(ticketID, eventID int64, want string) ticket.Event {
	h.t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		evs, err := h.s.Events(context.Background(), h.f.WS.ID, ticketID, 0, 100)
		if err != nil {
			h.t.Fatal(err)
		}
		for _, e := range evs {
			if e.ID == eventID && e.Email != nil && e.Email.State == want {
				return e
			}
		}
		if time.Now().After(deadline) {
			h.t.Fatalf("the reply's email never reached state %q: %+v", want, evs)
		}
		time.Sleep(5 * time.Millisecond) // polling a condition, with a deadline
	}
}

const claireFirst = `From: Claire Vasseur <claire.vasseur@exemple.fr>
To: support@acme.example
Subject: =?UTF-8?Q?Facture_de_mars_introuvable?=
Date: Mon, 2 Mar 2026 09:00:00 +0100
Message-ID: <claire-1@exemple.fr>
MIME-Version: 1.0
Content-Type: text/plain; charset=utf-8
Content-Transfer-Encoding: 8bit

Bonjour,

Je ne trouve pas ma facture de mars dans mon espace client.

Claire
`

func TestEmailRoundTrip(t *testing.T) {
	eachHarness(t, func(t *testing.T, ctx context.Context, s *store.Store, h *harness) {

		// An unknown recipient is refused at RCPT; nothing is stored.
		tickets, events := h.count("tickets"), h.count("events")
		err := h.send("claire.vasseur@exemple.fr", []string{"nobody@acme.example"}, claireFirst)
		var se *smtp.SMTPError
		if !errors.As(err, &se) || se.Code != 550 {
			t.Fatalf("unknown recipient: %v, want 550", err)
		}
		if h.count("tickets") != tickets || h.count("events") != events || h.count("customers") != len(h.f.Customer)+1 {
			t.Fatal("a refused message stored something")
		}

		// A customer's first message becomes a routed email ticket.
		if err := h.send("claire.vasseur@exemple.fr", []string{"support@acme.example"}, claireFirst); err != nil {
			t.Fatalf("delivery refused: %v", err)
		}
		cust, tk := h.ticketOf(t, "claire.vasseur@exemple.fr")
		if tk.Channel != "email" || tk.Subject != "Facture de mars introuvable" || tk.TierID == 0 || cust.Name != "Claire Vasseur" {
			t.Fatalf("ticket = %+v, customer %q", tk, cust.Name)
		}
		evs, _ := s.Events(ctx, h.f.WS.ID, tk.ID, 0, 100)
		kinds := map[ticket.EventKind]ticket.Event{}
		for _, e := range evs {
			kinds[e.Kind] = e
		}
		msg := kinds[ticket.CustomerMessage]
		if _, ok := kinds[ticket.Routed]; !ok || msg.ActorCustomerID != cust.ID || !strings.Contains(msg.Body, "facture de mars") ||
			msg.Email == nil || msg.Email.MessageID != "claire-1@exemple.fr" {
			t.Fatalf("timeline = %+v", evs)
		}

		// The same message delivered again is stored once.
		before := h.count("events")
		if err := h.send("claire.vasseur@exemple.fr", []string{"support@acme.example"}, claireFirst); err != nil {
			t.Fatalf("redelivery refused: %v", err)
		}
		if h.count("events") != before || h.count("tickets") != tickets+1 {
			t.Fatal("a redelivered message was stored twice")
		}

		// The agent's reply reaches the relay with threading headers.
		admin := storetest.Actor(t, s, h.f.Admin)
		reply, _, err := h.d.Reply(ctx, admin, tk.ID, "Bonjour Claire,\n\nVotre facture est disponible dans Documents > Factures.\n\nLéa", "")
		if err != nil {
			t.Fatal(err)
		}
		out, raw := h.awaitParsed(t)
		ref := fmt.Sprintf("[#%d]", tk.Number)
		if out.Subject != "Re: "+ref+" Facture de mars introuvable" {
			t.Errorf("subject %q", out.Subject)
		}
		if fmt.Sprint(out.InReplyTo) != "[claire-1@exemple.fr]" || fmt.Sprint(out.References) != "[claire-1@exemple.fr]" {
			t.Errorf("In-Reply-To %v, References %v; want the customer's message", out.InReplyTo, out.References)
		}
		if !strings.HasPrefix(out.MessageID, fmt.Sprintf("palier.%d.%d.", tk.Number, reply.ID)) || !strings.HasSuffix(out.MessageID, "@acme.example") {
			t.Errorf("Message-ID %q", out.MessageID)
		}
		if out.From.Email != "support@acme.example" || len(out.To) != 1 || out.To[0].Email != "claire.vasseur@exemple.fr" {
			t.Errorf("from %v to %v", out.From, out.To)
		}
		if !strings.Contains(out.Text, "Documents > Factures") || !strings.Contains(out.Text, "Votre demande "+ref) ||
			!strings.Contains(out.HTML, "Documents &gt; Factures") {
			t.Errorf("text %q\nhtml %q", out.Text, out.HTML)
		}
		if !bytes.Contains(raw, []byte("Content-Language: fr")) {
			t.Error("no Content-Language: fr")
		}
		h.awaitMailState(tk.ID, reply.ID, store.MailSent)

		// The customer's answer to it lands on the same ticket.
		answer := fmt.Sprintf(`From: Claire Vasseur <claire.vasseur@exemple.fr>
To: Support Acme <support@acme.example>
Subject: RE: Re: %s Facture de mars introuvable
Message-ID: <claire-2@exemple.fr>
In-Reply-To: <%s>
References: <claire-1@exemple.fr> <%s>
Content-Type: text/plain; charset=utf-8

Merci, je l'ai trouvée !
`, ref, out.MessageID, out.MessageID)
		if err := h.send("claire.vasseur@exemple.fr", []string{"support@acme.example"}, answer); err != nil {
			t.Fatal(err)
		}
		if h.count("tickets") != tickets+1 {
			t.Fatal("the customer's answer opened a new ticket")
		}
		evs, _ = s.Events(ctx, h.f.WS.ID, tk.ID, reply.ID, 100)
		var got bool
		for _, e := range evs {
			got = got || (e.Kind == ticket.CustomerMessage && strings.Contains(e.Body, "je l'ai trouvée"))
		}
		if !got {
			t.Fatalf("the answer is not on the ticket: %+v", evs)
		}

		// An auto-reply and a bounce create nothing; the bounce marks the
		// reply failed on the timeline.
		tickets, events = h.count("tickets"), h.count("events")
		auto, _ := os.ReadFile("testdata/autoreply.eml")
		if err := h.send("sophie.bernard@example.org", []string{"support@acme.example"}, strings.ReplaceAll(string(auto), "palier.1044.79.a1b2c3@nuagique.example", out.MessageID)); err != nil {
			t.Fatal(err)
		}
		dsn, _ := os.ReadFile("testdata/dsn.eml")
		if err := h.send("", []string{"support@acme.example"}, strings.ReplaceAll(string(dsn), "palier.1051.80.q8w7e6@nuagique.example", out.MessageID)); err != nil {
			t.Fatal(err)
		}
		if h.count("tickets") != tickets || h.count("events") != events || h.count("jobs") != 1 {
			t.Fatalf("automatic mail stored something: tickets %d→%d, events %d→%d, jobs %d", tickets, h.count("tickets"), events, h.count("events"), h.count("jobs"))
		}
		e := h.awaitMailState(tk.ID, reply.ID, store.MailFailed)
		if !strings.Contains(e.Email.Answer, "5.1.1") {
			t.Errorf("bounce answer %q", e.Email.Answer)
		}
	})
}

func TestStrangerQuotingAReferenceOpensTheirOwnTicket(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		h := newHarness(t, s)
		target := h.f.Ticket["L1"]
		raw := fmt.Sprintf(`From: mallory@evil.example
To: support@acme.example
Subject: Re: [#%d] please add me
Message-ID: <m-1@evil.example>
Content-Type: text/plain; charset=utf-8

Injecting into someone else's ticket.
`, target.Number)
		before, _ := s.Events(context.Background(), h.f.WS.ID, target.ID, 0, 1000)
		if err := h.send("mallory@evil.example", []string{"support@acme.example"}, raw); err != nil {
			t.Fatal(err)
		}
		after, _ := s.Events(context.Background(), h.f.WS.ID, target.ID, 0, 1000)
		if len(after) != len(before) {
			t.Fatal("a stranger wrote into another customer's ticket")
		}
		c, err := s.CustomerByEmail(context.Background(), h.f.WS.ID, "mallory@evil.example")
		if err != nil {
			t.Fatal(err)
		}
		if n, _ := s.CountTickets(context.Background(), h.f.WS.ID, store.Filter{CustomerID: c.ID}, 10); n != 1 {
			t.Fatalf("%d tickets for the stranger, want their own one", n)
		}
	})
}

func TestRefusedSendIsFailedWithTheServersAnswer(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		h := newHarness(t, s)
		h.sink.refuse = &smtp.SMTPError{Code: 554, EnhancedCode: smtp.EnhancedCode{5, 7, 1}, Message: "Relaying denied"}
		admin, _ := s.Actor(context.Background(), h.f.Admin.ID)
		tk := h.f.Ticket["L1"]
		reply, _, err := h.d.Reply(context.Background(), admin, tk.ID, "Bonjour", "")
		if err != nil {
			t.Fatal(err)
		}
		e := h.awaitMailState(tk.ID, reply.ID, store.MailFailed)
		if !strings.Contains(e.Email.Answer, "Relaying denied") {
			t.Errorf("answer %q", e.Email.Answer)
		}
	})
}

func TestNotesAndRefusedRepliesSendNothing(t *testing.T) {
	eachHarness(t, func(t *testing.T, ctx context.Context, s *store.Store, h *harness) {
		agentL3 := storetest.Actor(t, s, h.f.AgentL3)
		admin := storetest.Actor(t, s, h.f.Admin)
		if _, _, err := h.d.Note(ctx, admin, h.f.Ticket["L1"].ID, "note interne"); err != nil {
			t.Fatal(err)
		}
		if _, _, err := h.d.Reply(ctx, agentL3, h.f.Ticket["L1"].ID, "pas mon ticket", ""); err == nil {
			t.Fatal("an agent outside the tier replied")
		}
		if n := h.count("jobs"); n != 0 {
			t.Fatalf("%d jobs queued by a note and a refused reply", n)
		}
	})
}

func TestVendorHandoffIsEmailedAndItsAnswerComesBackAsANote(t *testing.T) {
	eachHarness(t, func(t *testing.T, ctx context.Context, s *store.Store, h *harness) {
		karl := storetest.Actor(t, s, h.f.AgentL3)
		tk := h.f.Ticket["L3"]
		in := desk.EscalateInput{Reason: "Le connecteur du prestataire renvoie 500", Answers: map[string]string{}}
		if _, err := h.d.Escalate(ctx, karl, tk.ID, in); err != nil {
			if p, ok := problem.As(err); ok {
				for name := range p.Fields {
					if key, ok := strings.CutPrefix(name, "answers."); ok {
						in.Answers[key] = "API v2 du prestataire, erreur 500 depuis lundi"
					}
				}
			}
			if _, err := h.d.Escalate(ctx, karl, tk.ID, in); err != nil {
				t.Fatalf("escalate to L4: %v", err)
			}
		}
		out, _ := h.awaitParsed(t)
		ref := fmt.Sprintf("[#%d]", tk.Number)
		if len(out.To) != 1 || out.To[0].Email != "support@vendor.example" || !strings.HasPrefix(out.Subject, ref) ||
			!strings.Contains(out.Text, "erreur 500") {
			t.Fatalf("hand-off email: to %v, subject %q, text %q", out.To, out.Subject, out.Text)
		}
		evsBefore, _ := s.Events(ctx, h.f.WS.ID, tk.ID, 0, 1000)
		answer := fmt.Sprintf(`From: Vendor Support <support@vendor.example>
To: support@acme.example
Subject: Re: %s
Message-ID: <vendor-1@vendor.example>
In-Reply-To: <%s>
Content-Type: text/plain; charset=utf-8

Correctif déployé chez nous, merci de réessayer.
`, out.Subject, out.MessageID)
		if err := h.send("support@vendor.example", []string{"support@acme.example"}, answer); err != nil {
			t.Fatal(err)
		}
		evs, _ := s.Events(ctx, h.f.WS.ID, tk.ID, 0, 1000)
		if len(evs) != len(evsBefore)+1 {
			t.Fatalf("%d new events, want the vendor's note", len(evs)-len(evsBefore))
		}
		note := evs[len(evs)-1]
		if note.Kind != ticket.InternalNote || note.Data != (event.Message{Channel: "email", FromVendor: "support@vendor.example"}) || !strings.Contains(note.Body, "Correctif déployé") {
			t.Fatalf("vendor answer stored as %+v", note)
		}
	})
}
