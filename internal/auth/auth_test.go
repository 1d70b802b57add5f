package auth

import (
	"context"
	"strings"
	"testing"

	"github.com/palier/palier/internal/workspace"
)

func TestRoles(t *testing.T) {
	tests := []struct {
		role                        workspace.Role
		admin, leadOrAdmin, outside bool
	}{
		{workspace.Admin, true, true, false},
		{workspace.Lead, false, true, false},
		{workspace.Agent, false, false, false},
		{workspace.Collaborator, false, false, true},
		{"", false, false, false},
	}
	for _, tc := range tests {
		a := Actor{Role: tc.role}
		if a.IsAdmin() != tc.admin || a.IsLeadOrAdmin() != tc.leadOrAdmin || a.IsCollaborator() != tc.outside {
			t.Errorf("%q: admin %v lead-or-admin %v collaborator %v, want %v %v %v", tc.role,
				a.IsAdmin(), a.IsLeadOrAdmin(), a.IsCollaborator(), tc.admin, tc.leadOrAdmin, tc.outside)
		}
	}
}

func TestMembership(t *testing.T) {
	a := Actor{TierIDs: []int64{1, 3}, TeamIDs: []int64{7}}
	tests := []struct {
		name       string
		id         int64
		tier, team bool
	}{
		{"a tier of theirs", 1, true, false},
		{"another tier of theirs", 3, true, false},
		{"their team", 7, false, true},
		{"someone else's", 2, false, false},
		// 0 is "no tier/team" on a ticket: nobody belongs to it, or an
		// unassigned ticket would be visible to every member.
		{"none", 0, false, false},
	}
	for _, tc := range tests {
		if got := a.InTier(tc.id); got != tc.tier {
			t.Errorf("%s: InTier(%d) = %v, want %v", tc.name, tc.id, got, tc.tier)
		}
		if got := a.InTeam(tc.id); got != tc.team {
			t.Errorf("%s: InTeam(%d) = %v, want %v", tc.name, tc.id, got, tc.team)
		}
	}
	if (Actor{TierIDs: []int64{0}, TeamIDs: []int64{0}}).InTier(0) {
		t.Error("a stray 0 in the actor's tiers makes 'no tier' theirs")
	}
}

func TestPasswords(t *testing.T) {
	hash, err := HashPassword("correct horse battery")
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(hash, "correct horse") || !strings.HasPrefix(hash, "$argon2id$") {
		t.Fatalf("hash %q", hash)
	}
	again, err := HashPassword("correct horse battery")
	if err != nil {
		t.Fatal(err)
	}
	if again == hash {
		t.Error("two hashes of one password are equal: the salt is not random")
	}
	parts := strings.Split(hash, "$")
	tests := []struct {
		name, encoded, password string
		ok                      bool
		badHash                 bool
	}{
		{"right password", hash, "correct horse battery", true, false},
		{"right password, other salt", again, "correct horse battery", true, false},
		{"wrong password", hash, "correct horse battery!", false, false},
		{"empty password", hash, "", false, false},
		{"not argon2id", strings.Replace(hash, "argon2id", "argon2i", 1), "correct horse battery", false, true},
		{"truncated", strings.Join(parts[:5], "$"), "correct horse battery", false, true},
		{"bad parameters", strings.Replace(hash, "m=", "x=", 1), "correct horse battery", false, true},
		{"bad salt", strings.Replace(hash, parts[4], "!!!", 1), "correct horse battery", false, true},
		{"no key", strings.TrimSuffix(hash, parts[5]), "correct horse battery", false, true},
		{"empty", "", "x", false, true},
	}
	for _, tc := range tests {
		ok, err := CheckPassword(tc.encoded, tc.password)
		if ok != tc.ok || (err == ErrBadHash) != tc.badHash {
			t.Errorf("%s: CheckPassword = %v, %v; want %v, bad hash %v", tc.name, ok, err, tc.ok, tc.badHash)
		}
		// At sign-in an unreadable hash (or none, an unknown account) is
		// a mismatch, not an error the login would report.
		if ok, err := CheckLogin(context.Background(), tc.encoded, tc.password); ok != tc.ok || err != nil {
			t.Errorf("%s: CheckLogin = %v, %v; want %v, no error", tc.name, ok, err, tc.ok)
		}
	}
}

func TestSecrets(t *testing.T) {
	seen := map[string]bool{}
	for range 20 {
		s, err := NewSecret("pal_")
		if err != nil {
			t.Fatal(err)
		}
		if !strings.HasPrefix(s, "pal_") || len(s) < 4+43 || strings.ContainsAny(s, "+/=") {
			t.Fatalf("secret %q: want the prefix and 32 URL-safe random bytes", s)
		}
		if seen[s] {
			t.Fatal("a secret repeated")
		}
		seen[s] = true
		h := HashSecret(s)
		if len(h) != 64 || strings.Contains(h, s) || h != HashSecret(s) {
			t.Fatalf("HashSecret(%q) = %q: want a stable SHA-256 hex digest", s, h)
		}
	}
	if HashSecret("a") == HashSecret("b") {
		t.Error("different secrets hash alike")
	}
	p, err := GeneratePassword()
	if err != nil {
		t.Fatal(err)
	}
	if len(p) < MinPasswordLength {
		t.Errorf("generated password %q is shorter than the minimum %d", p, MinPasswordLength)
	}
}
