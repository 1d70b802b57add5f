package mail_test

import (
	"bufio"
	"context"
	"fmt"
	"net"
	"os"
	"os/exec"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-smtp"

	"github.com/palier/palier/internal/desk"
	"github.com/palier/palier/internal/mail"
	"github.com/palier/palier/internal/store"
	"github.com/palier/palier/internal/store/storetest"
)

// envKillChild makes this test binary, re-run by TestKill9DuringSMTPBurst,
// serve the SMTP receiver over the database it names until it is killed.
const envKillChild = "PALIER_TEST_KILL_CHILD_DB"

// TestKill9DuringSMTPBurst delivers a burst of messages over several
// connections to a receiver in another process, kills that process with
// SIGKILL part way, restarts it and lets the "MTA" retry everything it was
// not given a 250 for (and, being careless, some it was). Every message
// acknowledged with 250 exists exactly once, and so does every other one
// in the end.
func TestKill9DuringSMTPBurst(t *testing.T) {
	if url := os.Getenv(envKillChild); url != "" {
		serveUntilKilled(t, url)
		return
	}
	if testing.Short() {
		t.Skip("starts processes")
	}
	for _, d := range storetest.Dialects {
		t.Run(string(d), func(t *testing.T) {
			url := storetest.NewURL(t, d) // the receiver process opens it too
			s := storetest.OpenURL(t, url)
			f := storetest.Seed(t, s)
			if err := s.AddInboundAddress(context.Background(), f.WS.ID, "support@acme.example"); err != nil {
				t.Fatal(err)
			}

			const total = 80
			acked := make([]bool, total)
			var mu sync.Mutex
			child, addr := startChild(t, url)
			var wg sync.WaitGroup
			next := make(chan int)
			for range 4 { // four delivery agents
				wg.Go(func() {
					for i := range next {
						if deliverOnce(addr, i) == nil {
							mu.Lock()
							acked[i] = true
							mu.Unlock()
						}
					}
				})
			}
			killed := false
			for i := range total {
				if i == total/3 && !killed {
					// SIGKILL with deliveries in flight on every connection.
					if err := child.Process.Kill(); err != nil {
						t.Fatal(err)
					}
					_ = child.Wait()
					killed = true
				}
				next <- i
			}
			close(next)
			wg.Wait()
			nAcked := 0
			for _, a := range acked {
				if a {
					nAcked++
				}
			}
			if nAcked == 0 || nAcked == total {
				t.Fatalf("%d of %d acknowledged: the kill did not land mid-burst", nAcked, total)
			}
			for i, a := range acked {
				if a && countMessage(t, s, i) != 1 {
					t.Fatalf("message %d was acknowledged with 250 but is stored %d times", i, countMessage(t, s, i))
				}
			}

			// Restart; the MTA retries what was not acknowledged, and some
			// acknowledged ones again.
			child, addr = startChild(t, url)
			defer func() { _ = child.Process.Kill(); _ = child.Wait() }()
			for i, a := range acked {
				if !a || i%5 == 0 {
					if err := deliverOnce(addr, i); err != nil {
						t.Fatalf("retry of %d after the restart: %v", i, err)
					}
				}
			}
			for i := range total {
				if n := countMessage(t, s, i); n != 1 {
					t.Fatalf("message %d stored %d times after the restart, want once", i, n)
				}
			}
			var tickets int
			if err := s.DB().QueryRow(`SELECT count(*) FROM tickets WHERE subject LIKE 'Rafale %'`).Scan(&tickets); err != nil {
				t.Fatal(err)
			}
			if tickets != total {
				t.Fatalf("%d tickets, want %d", tickets, total)
			}
			t.Logf("%d of %d acknowledged before the kill", nAcked, total)
		})
	}
}

// startChild runs this test binary as the receiver and returns its SMTP
// address, read from its first line of output.
func startChild(t *testing.T, url string) (*exec.Cmd, string) {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run", "^TestKill9DuringSMTPBurst$", "-test.v")
	cmd.Env = append(os.Environ(), envKillChild+"="+url)
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stderr = nil
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	lines := bufio.NewScanner(out)
	addr := make(chan string, 1)
	go func() {
		for lines.Scan() {
			if a, ok := strings.CutPrefix(lines.Text(), "LISTENING "); ok {
				addr <- a
			}
		}
	}()
	select {
	case a := <-addr:
		return cmd, a
	case <-time.After(60 * time.Second):
		_ = cmd.Process.Kill()
		t.Fatal("the receiver process did not start")
	}
	return nil, ""
}

// serveUntilKilled is the child: the receiver over the database at url.
func serveUntilKilled(t *testing.T, url string) {
	ctx := context.Background()
	s, err := store.Open(ctx, url, "")
	if err != nil {
		t.Fatal(err)
	}
	rcv := mail.NewReceiver(desk.New(s, nil), "mx.acme.example", nil)
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	fmt.Printf("LISTENING %s\n", l.Addr())
	_ = rcv.Serve(l) // until SIGKILL
}

func deliverOnce(addr string, i int) error {
	c, err := smtp.Dial(addr)
	if err != nil {
		return err
	}
	defer c.Close()
	from := fmt.Sprintf("rafale%d@exemple.fr", i)
	raw := fmt.Sprintf("From: %s\r\nTo: support@acme.example\r\nSubject: Rafale %d\r\nMessage-ID: <rafale-%d@exemple.fr>\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nMessage numéro %d de la rafale.\r\n",
		from, i, i, i)
	if err := c.SendMail(from, []string{"support@acme.example"}, strings.NewReader(raw)); err != nil {
		return err
	}
	return c.Quit()
}

func countMessage(t *testing.T, s *store.Store, i int) int {
	t.Helper()
	var n int
	if err := s.DB().QueryRow(`SELECT count(*) FROM mail_messages WHERE message_id = $1`, fmt.Sprintf("rafale-%d@exemple.fr", i)).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}
