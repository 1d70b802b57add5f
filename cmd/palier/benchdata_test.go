package main

import (
	"bytes"
	"context"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/palier/palier/internal/auth"
	"github.com/palier/palier/internal/store"
)

func TestBenchDataAddsTicketsAndAgentsOneCanSignInAs(t *testing.T) {
	dir := t.TempDir()
	if out, err := palier(t, "", "migrate", "--data", dir); err != nil {
		t.Fatalf("migrate: %v\n%s", err, out)
	}
	out, err := palier(t, "", "bench-data", "--data", dir, "--tickets", "300", "--agents", "4")
	if err != nil {
		t.Fatalf("bench-data: %v\n%s", err, out)
	}
	if !strings.Contains(out, "loaded 300 tickets") || !strings.Contains(out, "agent4@bench.example (tiers L1–L3 by turns): 4 new") {
		t.Fatalf("bench-data should say what it loaded and created:\n%s", out)
	}
	// Not a terminal: the final count is a line of its own, with no \r.
	if strings.Contains(out, "\r") || !strings.Contains(out, "300/300 tickets") {
		t.Errorf("progress off a terminal should be plain lines ending at the total:\n%q", out)
	}
	password := regexp.MustCompile(`new ones: (\S+)`).FindStringSubmatch(out)
	if password == nil {
		t.Fatalf("no password printed:\n%s", out)
	}
	s, err := store.Open(context.Background(), "", dir)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	for _, email := range []string{"agent1@bench.example", "agent4@bench.example"} {
		_, _, hash, err := s.Credentials(context.Background(), email)
		if err != nil {
			t.Fatalf("%s: %v", email, err)
		}
		if ok, _ := auth.CheckPassword(hash, password[1]); !ok {
			t.Errorf("%s does not sign in with the printed password", email)
		}
	}
	// A second run keeps the agents it finds and creates only the new ones.
	out, err = palier(t, "", "bench-data", "--data", dir, "--tickets", "0", "--agents", "5")
	if err != nil || !strings.Contains(out, "agent5@bench.example (tiers L1–L3 by turns): 1 new") {
		t.Fatalf("second run: %v\n%s", err, out)
	}
	if _, err := palier(t, "", "bench-data", "--data", dir, "--tickets", "0"); err == nil {
		t.Error("nothing to do must be refused")
	}
	// Customers alone (customer search at volume), found by their name.
	out, err = palier(t, "", "bench-data", "--data", dir, "--tickets", "0", "--customers", "40")
	if err != nil || !strings.Contains(out, "40 customers") {
		t.Fatalf("customers only: %v\n%s", err, out)
	}
	// Its progress counts customers (a million take minutes), once at the end.
	if strings.Count(out, "40/40 customers") != 1 || strings.Count(out, "tickets") != 1 { // the summary's
		t.Errorf("progress of a customers-only load: %q", out)
	}
	ws, err := s.FirstWorkspace(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	found, err := s.Customers(context.Background(), ws.ID, "zoe", 0, 0, 50)
	if err != nil || len(found) == 0 {
		t.Errorf("generated customers not found by search: %v, %d", err, len(found))
	}
	// Organisations alone (organisation search at volume), found by a
	// word their names share.
	out, err = palier(t, "", "bench-data", "--data", dir, "--tickets", "0", "--organisations", "60")
	if err != nil || !strings.Contains(out, "0 customers and 60 organisations") {
		t.Fatalf("organisations only: %v\n%s", err, out)
	}
	orgs, err := s.Organisations(context.Background(), ws.ID, "groupe", 0, 50)
	if err != nil || len(orgs) == 0 {
		t.Errorf("generated organisations not found by search: %v, %d", err, len(orgs))
	}
}

func TestProgressRewritesOneLineOnlyOnATerminal(t *testing.T) {
	var buf bytes.Buffer
	p := &progress{w: &buf, terminal: false, every: time.Hour}
	p.report("1/3", false)
	p.report("2/3", false) // within the interval: not printed
	p.report("3/3", true)
	p.report("3/3", true) // the end reported again: printed once
	p.done()
	if got := buf.String(); got != "1/3\n3/3\n" {
		t.Errorf("off a terminal: %q", got)
	}
	buf.Reset()
	p = &progress{w: &buf, terminal: true, every: time.Hour}
	p.report("1/3", false)
	p.report("2/3", false)
	p.done()
	if got := buf.String(); got != "\r1/3\r2/3\n" {
		t.Errorf("on a terminal: %q", got)
	}
}
