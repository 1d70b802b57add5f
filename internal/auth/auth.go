// Package auth owns who is acting: password hashing, session and API token
// secrets, login throttling rules, and the Actor every read and write is
// checked against.
package auth

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"slices"
	"strings"

	"golang.org/x/crypto/argon2"

	"github.com/palier/palier/internal/workspace"
)

// Actor is an authenticated member with what they may see: the tiers they
// belong to (directly or through a team) and their teams.
type Actor struct {
	AgentID     int64
	WorkspaceID int64
	Name        string
	Email       string
	Role        workspace.Role
	Language    string
	Timezone    string
	TierIDs     []int64
	TeamIDs     []int64
}

// IsAdmin reports whether the actor administers the workspace.
func (a Actor) IsAdmin() bool { return a.Role == workspace.Admin }

// IsLeadOrAdmin reports whether the actor leads teams or administers.
func (a Actor) IsLeadOrAdmin() bool { return a.Role == workspace.Admin || a.Role == workspace.Lead }

// IsCollaborator reports whether the actor comes from outside support and
// takes part in swarms only (see workspace.Collaborator).
func (a Actor) IsCollaborator() bool { return a.Role == workspace.Collaborator }

// InTier reports whether the actor belongs to a tier.
func (a Actor) InTier(id int64) bool { return id != 0 && slices.Contains(a.TierIDs, id) }

// InTeam reports whether the actor belongs to a team.
func (a Actor) InTeam(id int64) bool { return id != 0 && slices.Contains(a.TeamIDs, id) }

// Argon2id parameters. 19 MiB, 2 passes, 1 lane is the OWASP baseline; on
// the 2-core reference machine one hash costs well under 100 ms, which keeps
// login responsive while making offline guessing expensive.
const (
	argonMemory  = 19 * 1024
	argonTime    = 2
	argonThreads = 1
	argonKeyLen  = 32
)

// HashPassword returns an encoded argon2id hash of the password. It takes
// a hashing slot (see hashing.go) and may return ErrBusy.
func HashPassword(password string) (string, error) {
	return HashPasswordContext(context.Background(), password)
}

// HashPasswordContext is HashPassword giving up when ctx ends.
func HashPasswordContext(ctx context.Context, password string) (string, error) {
	salt := make([]byte, 16)
	if _, err := rand.Read(salt); err != nil {
		return "", fmt.Errorf("password salt: %w", err)
	}
	var key []byte
	if err := withSlot(ctx, func() {
		key = argon2.IDKey([]byte(password), salt, argonTime, argonMemory, argonThreads, argonKeyLen)
	}); err != nil {
		return "", err
	}
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s", argon2.Version, argonMemory, argonTime, argonThreads,
		base64.RawStdEncoding.EncodeToString(salt), base64.RawStdEncoding.EncodeToString(key)), nil
}

// ErrBadHash is returned for a stored hash Palier cannot read.
var ErrBadHash = errors.New("unreadable password hash")

// CheckPassword reports whether password matches the encoded hash. It
// takes a hashing slot and may return ErrBusy.
func CheckPassword(encoded, password string) (bool, error) {
	return CheckPasswordContext(context.Background(), encoded, password)
}

// CheckPasswordContext is CheckPassword giving up when ctx ends.
func CheckPasswordContext(ctx context.Context, encoded, password string) (bool, error) {
	parts := strings.Split(encoded, "$")
	if len(parts) != 6 || parts[1] != "argon2id" {
		return false, ErrBadHash
	}
	var m, t uint32
	var p uint8
	if _, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &m, &t, &p); err != nil {
		return false, ErrBadHash
	}
	salt, err1 := base64.RawStdEncoding.DecodeString(parts[4])
	want, err2 := base64.RawStdEncoding.DecodeString(parts[5])
	if err1 != nil || err2 != nil || len(want) == 0 {
		return false, ErrBadHash
	}
	// A stored hash asking for more memory than Palier writes would
	// escape the bound the slots keep.
	if m > argonMemory || t > 10 || p != argonThreads {
		return false, ErrBadHash
	}
	var got []byte
	if err := withSlot(ctx, func() { got = argon2.IDKey([]byte(password), salt, t, m, p, uint32(len(want))) }); err != nil {
		return false, err
	}
	return subtle.ConstantTimeCompare(got, want) == 1, nil
}

// dummyHash lets a login for an unknown email cost as much as a real one, so
// response times do not reveal which emails have accounts. It is a fixed
// encoding (of no password anyone types) so that starting the process costs
// no hash.
const dummyHash = "$argon2id$v=19$m=19456,t=2,p=1$cGFsaWVyLWR1bW15LXNhbHQ$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"

// BurnPasswordCheck spends the time (and takes the slot) of one password
// check; it returns ErrBusy or ctx's error like a real one.
func BurnPasswordCheck(ctx context.Context, password string) error {
	_, err := CheckPasswordContext(ctx, dummyHash, password)
	return err
}

// CheckLogin checks a password typed at sign-in against the account's
// hash, "" when there is no such account or it has no password: that
// check costs as much as a real one (BurnPasswordCheck), so response times
// do not tell which accounts exist, and an unreadable hash is a mismatch,
// not a failure. An error (ErrBusy, ctx's) means nothing was checked.
// Agents and customers sign in through it alike.
func CheckLogin(ctx context.Context, hash, password string) (bool, error) {
	if hash == "" {
		return false, BurnPasswordCheck(ctx, password)
	}
	ok, err := CheckPasswordContext(ctx, hash, password)
	if errors.Is(err, ErrBadHash) {
		return false, nil
	}
	return ok, err
}

// MinPasswordLength is the shortest password accepted.
const MinPasswordLength = 10

// NewSecret returns a random URL-safe secret (session id, API token).
func NewSecret(prefix string) (string, error) {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("random secret: %w", err)
	}
	return prefix + base64.RawURLEncoding.EncodeToString(b), nil
}

// HashSecret is how secrets are stored: a database leak does not leak
// usable sessions or tokens.
func HashSecret(secret string) string {
	h := sha256.Sum256([]byte(secret))
	return hex.EncodeToString(h[:])
}

// GeneratePassword returns a random password for accounts created by the CLI.
func GeneratePassword() (string, error) {
	s, err := NewSecret("")
	if err != nil {
		return "", err
	}
	return s[:20], nil
}
