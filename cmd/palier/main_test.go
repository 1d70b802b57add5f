package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/palier/palier/internal/auth"
	"github.com/palier/palier/internal/store"
)

// palier runs the binary's command line in-process.
func palier(t *testing.T, stdin string, args ...string) (string, error) {
	t.Helper()
	var out, errOut bytes.Buffer
	err := run(context.Background(), args, strings.NewReader(stdin), &out, &errOut)
	return out.String() + errOut.String(), err
}

func TestUserAndTokenCommands(t *testing.T) {
	dir := t.TempDir()
	if out, err := palier(t, "", "migrate", "--data", dir); err != nil || !strings.Contains(out, "up to date") {
		t.Fatalf("migrate: %v\n%s", err, out)
	}
	out, err := palier(t, "correct horse battery\n", "user", "create", "--data", dir, "--email", "Marc@Example.fr", "--name", "Marc", "--role", "admin")
	if err != nil || strings.Contains(out, "password:") {
		t.Fatalf("user create with a piped password: %v\n%s", err, out)
	}
	out, err = palier(t, "", "user", "create", "--data", dir, "--email", "nadia@example.fr", "--name", "Nadia", "--role", "agent", "--tiers", "L1")
	if err != nil || !strings.Contains(out, "password: ") {
		t.Fatalf("user create without a password should generate and print one: %v\n%s", err, out)
	}
	if out, err := palier(t, "short\n", "user", "create", "--data", dir, "--email", "x@example.fr", "--name", "X"); err == nil {
		t.Fatalf("a short password must be refused:\n%s", out)
	}
	if out, err := palier(t, "long enough password\n", "user", "create", "--data", dir, "--email", "y@example.fr", "--name", "Y", "--role", "boss"); err == nil {
		t.Fatalf("an unknown role must be refused:\n%s", out)
	}
	token, err := palier(t, "", "token", "create", "--data", dir, "--email", "marc@example.fr")
	if err != nil || !strings.HasPrefix(token, "plr_") {
		t.Fatalf("token create: %v %q", err, token)
	}

	s, err := store.Open(context.Background(), "", dir)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	_, _, hash, err := s.Credentials(context.Background(), "marc@example.fr")
	if err != nil {
		t.Fatal(err)
	}
	if ok, _ := auth.CheckPassword(hash, "correct horse battery"); !ok {
		t.Error("the piped password should be the account's password")
	}
	if _, err := s.TokenAgent(context.Background(), strings.TrimSpace(token)); err != nil {
		t.Errorf("the printed token should authenticate: %v", err)
	}
}

func TestFirstStartCreatesWorkspaceAndAdminFromEnvironment(t *testing.T) {
	dir := t.TempDir()
	t.Setenv("PALIER_ADMIN_EMAIL", "admin@example.fr")
	t.Setenv("PALIER_ADMIN_PASSWORD", "a long admin password")
	s, err := store.Open(context.Background(), "", dir)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if err := s.Migrate(context.Background()); err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	if err := bootstrap(context.Background(), s, false, &out); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), "admin@example.fr") {
		t.Errorf("bootstrap output: %s", out.String())
	}
	tiers, err := func() (int, error) {
		ws, err := s.FirstWorkspace(context.Background())
		if err != nil {
			return 0, err
		}
		ts, err := s.Tiers(context.Background(), ws.ID)
		return len(ts), err
	}()
	if err != nil || tiers != 4 {
		t.Errorf("a new workspace starts with tiers L0–L3, got %d (%v)", tiers, err)
	}
	// A second start changes nothing.
	out.Reset()
	if err := bootstrap(context.Background(), s, false, &out); err != nil || out.Len() != 0 {
		t.Errorf("second start: %v %q", err, out.String())
	}
	if _, err := os.Stat(filepath.Join(dir, "palier.db")); err != nil {
		t.Errorf("the SQLite file should be in --data: %v", err)
	}
}

func TestUnknownCommandIsAnError(t *testing.T) {
	if _, err := palier(t, "", "frobnicate"); err == nil {
		t.Error("an unknown command must fail")
	}
	if out, err := palier(t, "", "version"); err != nil || !strings.Contains(out, "palier") {
		t.Errorf("version: %v %q", err, out)
	}
}
