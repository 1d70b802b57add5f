package mail_test

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/emersion/go-smtp"

	"github.com/palier/palier/internal/store"
	"github.com/palier/palier/internal/store/storetest"
)

// stopClock stops the store's clock on a Monday morning: the sender limit's
// window moves only when the test calls advance.
func stopClock(s *store.Store) (advance func(time.Duration)) {
	now := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	s.SetClock(func() time.Time { return now })
	return func(d time.Duration) { now = now.Add(d) }
}

// A burst from one sender over the limit is refused with a temporary 450
// (the sending MTA keeps the messages and retries), other senders are not
// affected, and once the window has passed the retried messages are
// stored: nothing is dropped.
func TestSenderRateLimitOverSMTP(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		advance := stopClock(s)
		h := newHarness(t, s)
		h.d.LimitInboundSenders(3, time.Hour)
		tickets := h.count("tickets")
		var refused []int
		for i := range 6 {
			err := h.send("robot@exemple.fr", []string{"support@acme.example"}, imapMessage(100+i, "robot@exemple.fr"))
			var se *smtp.SMTPError
			switch {
			case err == nil:
			case errors.As(err, &se) && se.Code == 450 && se.EnhancedCode == smtp.EnhancedCode{4, 7, 1}:
				refused = append(refused, 100+i)
			default:
				t.Fatalf("message %d: %v, want 250 or 450 4.7.1", i, err)
			}
		}
		if fmt.Sprint(refused) != "[103 104 105]" || h.count("tickets") != tickets+3 {
			t.Fatalf("refused %v, %d tickets stored; want the last three refused and three stored", refused, h.count("tickets")-tickets)
		}
		if err := h.send("humain@exemple.fr", []string{"support@acme.example"}, imapMessage(200, "humain@exemple.fr")); err != nil {
			t.Fatalf("another sender was refused: %v", err)
		}
		// The window passes; the MTA's retries are accepted.
		advance(time.Hour)
		for _, n := range refused {
			if err := h.send("robot@exemple.fr", []string{"support@acme.example"}, imapMessage(n, "robot@exemple.fr")); err != nil {
				t.Fatalf("retry of %d after the window: %v", n, err)
			}
		}
		if got := h.count("tickets") - tickets; got != 7 {
			t.Fatalf("%d tickets in the end, want 7 (every message once)", got)
		}
	})
}

// Over IMAP the sender's extra messages stay in the mailbox, unflagged and
// before the checkpoint, and are stored on a poll after the window.
func TestSenderRateLimitOverIMAP(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		advance := stopClock(s)
		h := newImapHarness(t, s)
		h.d.LimitInboundSenders(2, time.Hour)
		m := h.mailbox("flag", imapPassword)
		for i := 1; i <= 4; i++ {
			h.deliver(imapMessage(i, "robot@exemple.fr"))
		}
		h.deliver(imapMessage(5, "humain@exemple.fr"))
		if err := h.poller().Once(context.Background()); err != nil {
			t.Fatal(err)
		}
		if n := h.emailTickets(); n != 3 {
			t.Fatalf("%d tickets, want 3 (two of the burst and the other sender)", n)
		}
		flags := h.folder("INBOX")
		for i, want := range []bool{true, true, false, false, true} {
			if got := hasFlag(flags[i], "$Palier"); got != want {
				t.Fatalf("message %d flagged %v, want %v (flags %v)", i+1, got, want, flags)
			}
		}
		if _, last, _ := h.checkpoint(m.ID); last != 2 {
			t.Fatalf("checkpoint %d, want 2 (held before the first message left for later)", last)
		}
		// Still within the window: nothing more, nothing twice.
		if err := h.poller().Once(context.Background()); err != nil || h.emailTickets() != 3 {
			t.Fatalf("second poll in the window: %v, %d tickets", err, h.emailTickets())
		}
		advance(time.Hour)
		if err := h.poller().Once(context.Background()); err != nil {
			t.Fatal(err)
		}
		if n := h.emailTickets(); n != 5 {
			t.Fatalf("%d tickets after the window, want 5", n)
		}
		if _, last, _ := h.checkpoint(m.ID); last != 5 {
			t.Fatalf("checkpoint %d, want 5", last)
		}
	})
}
