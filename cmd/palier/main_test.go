package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/palier/palier/internal/auth"
	"github.com/palier/palier/internal/problem"
	"github.com/palier/palier/internal/store"
)

// palier runs the binary's command line in-process.
func palier(t *testing.T, stdin string, args ...string) (string, error) {
	t.Helper()
	var out, errOut bytes.Buffer
	err := run(context.Background(), args, strings.NewReader(stdin), &out, &errOut)
	return out.String() + errOut.String(), err
}

// counts reads how many accounts and tokens the database holds, so a
// refused command can be shown to have written nothing.
func counts(t *testing.T, dir string) [2]int {
	t.Helper()
	s, err := store.Open(context.Background(), "", dir)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	var c [2]int
	for i, table := range []string{"agents", "api_tokens"} {
		if err := s.DB().QueryRowContext(context.Background(), "SELECT count(*) FROM "+table).Scan(&c[i]); err != nil {
			t.Fatal(err)
		}
	}
	return c
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
	if c := counts(t, dir); c != [2]int{2, 0} {
		t.Fatalf("after two accounts: %v", c)
	}
	refused := []struct {
		name, stdin string
		args        []string
	}{
		{"a short password", "short\n", []string{"user", "create", "--email", "x@example.fr", "--name", "X"}},
		{"an unknown role", "long enough password\n", []string{"user", "create", "--email", "y@example.fr", "--name", "Y", "--role", "boss"}},
		{"an unknown tier", "long enough password\n", []string{"user", "create", "--email", "z@example.fr", "--name", "Z", "--tiers", "L9"}},
		{"a taken email", "long enough password\n", []string{"user", "create", "--email", "nadia@example.fr", "--name", "N2"}},
		{"a token for nobody", "", []string{"token", "create", "--email", "ghost@example.fr"}},
		{"a bad lifetime", "", []string{"token", "create", "--email", "marc@example.fr", "--expires", "soon"}},
		{"a lifetime too long", "", []string{"token", "create", "--email", "marc@example.fr", "--expires", "20y"}},
		{"an empty token name", "", []string{"token", "create", "--email", "marc@example.fr", "--name", ""}},
		{"revoking no token", "", []string{"token", "revoke", "--id", "99"}},
		{"unlocking nobody", "", []string{"user", "unlock", "--email", "ghost@example.fr"}},
	}
	for _, r := range refused {
		before := counts(t, dir)
		if out, err := palier(t, r.stdin, append(r.args, "--data", dir)...); err == nil {
			t.Errorf("%s must be refused:\n%s", r.name, out)
		}
		if after := counts(t, dir); after != before {
			t.Errorf("%s was refused but wrote rows: %v → %v", r.name, before, after)
		}
	}
	token, err := palier(t, "", "token", "create", "--data", dir, "--email", "marc@example.fr", "--name", "ci", "--expires", "90d")
	secret, _, _ := strings.Cut(token, "\n")
	if err != nil || !strings.HasPrefix(secret, "plr_") || !strings.Contains(token, "expires") {
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
	if _, err := s.TokenAgent(context.Background(), secret); err != nil {
		t.Errorf("the printed token should authenticate: %v", err)
	}
	list, err := palier(t, "", "token", "list", "--data", dir)
	if err != nil || !strings.Contains(list, "ci") || !strings.Contains(list, "marc@example.fr") {
		t.Fatalf("token list: %v\n%s", err, list)
	}
	if out, err := palier(t, "", "token", "revoke", "--data", dir, "--id", "1"); err != nil || !strings.Contains(out, "revoked") {
		t.Fatalf("token revoke: %v\n%s", err, out)
	}
	// The revocation was made by another process: a running server keeps a
	// live token's member for up to a second (README), so it must be refused
	// within that second (3 s here, for a loaded machine), and stay refused.
	revoked := time.Now()
	for {
		_, err := s.TokenAgent(context.Background(), secret)
		if problem.Is(err, problem.Unauthorized) {
			break
		}
		if time.Since(revoked) > 3*time.Second {
			t.Fatalf("a token revoked by another process still authenticates after %v: %v", time.Since(revoked), err)
		}
		time.Sleep(50 * time.Millisecond)
	}
	if _, err := s.TokenAgent(context.Background(), secret); !problem.Is(err, problem.Unauthorized) {
		t.Errorf("a revoked token authenticates again: %v", err)
	}
}

// An operator can lift the sign-in wait of an account, audited.
func TestUserUnlockCommand(t *testing.T) {
	dir := t.TempDir()
	if out, err := palier(t, "a long admin password\n", "user", "create", "--data", dir, "--email", "marc@example.fr", "--name", "Marc", "--role", "admin"); err != nil {
		t.Fatalf("user create: %v\n%s", err, out)
	}
	s, err := store.Open(context.Background(), "", dir)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	ctx := context.Background()
	key := auth.AccountKey("marc@example.fr")
	for range auth.LoginThrottle.Free + 1 {
		if _, err := s.ReserveLoginAttempt(ctx, auth.LoginThrottle, key); err != nil {
			t.Fatal(err)
		}
	}
	if w, _ := s.ReserveLoginAttempt(ctx, auth.LoginThrottle, key); w == 0 {
		t.Fatal("the account should have to wait")
	}
	if out, err := palier(t, "", "user", "unlock", "--data", dir, "--email", "Marc@Example.fr"); err != nil || !strings.Contains(out, "unlocked") {
		t.Fatalf("user unlock: %v\n%s", err, out)
	}
	if w, err := s.ReserveLoginAttempt(ctx, auth.LoginThrottle, key); err != nil || w != 0 {
		t.Errorf("still waiting %v after unlock (%v)", w, err)
	}
	ws, err := s.FirstWorkspace(ctx)
	if err != nil {
		t.Fatal(err)
	}
	log, err := s.AuditLog(ctx, ws.ID, 0, 1)
	if err != nil || len(log) != 1 || log[0].Action != "agent.unlock" {
		t.Errorf("audit after unlock: %+v (%v)", log, err)
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
