package main

import (
	"bytes"
	"context"
	"io"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-smtp"

	"github.com/palier/palier/internal/store"
)

// lockedBuffer is a bytes.Buffer safe for the server goroutine and the test.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}
func (l *lockedBuffer) String() string { l.mu.Lock(); defer l.mu.Unlock(); return l.b.String() }

func TestServeReceivesMailOnSMTPAddr(t *testing.T) {
	dir := t.TempDir()
	t.Setenv("PALIER_ADMIN_EMAIL", "admin@example.fr")
	t.Setenv("PALIER_ADMIN_PASSWORD", "a long admin password")
	t.Setenv("PALIER_SMTP_ADDR", "127.0.0.1:0")
	var out lockedBuffer
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		done <- serve(ctx, []string{"--data", dir, "--addr", "127.0.0.1:0", "--inbound-addresses", "support@example.fr"}, &out, io.Discard)
	}()
	listening := regexp.MustCompile(`Receiving mail by SMTP on (\S+)`)
	var addr string
	for deadline := time.Now().Add(30 * time.Second); addr == ""; {
		if m := listening.FindStringSubmatch(out.String()); m != nil {
			addr = m[1]
		} else if time.Now().After(deadline) {
			t.Fatalf("the receiver never started:\n%s", out.String())
		} else {
			time.Sleep(10 * time.Millisecond) // polling a condition, with a deadline
		}
	}
	c, err := smtp.Dial(addr)
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Mail("nora@client.example", nil); err != nil {
		t.Fatal(err)
	}
	if err := c.Rcpt("nobody@example.fr", nil); err == nil || !strings.Contains(err.Error(), "550") {
		t.Errorf("unknown recipient: %v, want 550", err)
	}
	msg := "From: Nora <nora@client.example>\r\nTo: support@example.fr\r\nSubject: Bonjour\r\nMessage-ID: <n1@client.example>\r\n\r\nUne question.\r\n"
	if err := c.SendMail("nora@client.example", []string{"support@example.fr"}, strings.NewReader(msg)); err != nil {
		t.Fatalf("delivery: %v", err)
	}
	c.Close()
	cancel()
	if err := <-done; err != nil {
		t.Fatalf("serve: %v", err)
	}
	s, err := store.Open(context.Background(), "", dir)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	var n int
	if err := s.DB().QueryRow(`SELECT count(*) FROM tickets WHERE channel = 'email' AND subject = 'Bonjour'`).Scan(&n); err != nil || n != 1 {
		t.Fatalf("%d email tickets after the delivery (%v)", n, err)
	}
}
