package desk

import (
	"context"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/palier/palier/internal/auth"
	"github.com/palier/palier/internal/problem"
	"github.com/palier/palier/internal/store"
)

// Token limits: names are labels people read in a list; an expiry further
// than MaxTokenLifetime is a mistake more often than a wish (no expiry at
// all is the explicit way to say "forever").
const (
	maxTokenName     = 100
	MaxTokenLifetime = 5 * 366 * 24 * time.Hour
)

// NewToken is what a member asks for when issuing an API token.
type NewToken struct {
	AgentID   int64     // 0: the caller
	Name      string    // required
	ExpiresAt time.Time // zero: never
}

// TokenActor returns the actor of an API bearer token; expired and revoked
// tokens are refused with token_expired and token_revoked.
func (d *Service) TokenActor(ctx context.Context, secret string) (auth.Actor, error) {
	return d.store.TokenActor(ctx, secret)
}

// CreateToken issues a token that never expires (kept for callers that
// need no more).
func (d *Service) CreateToken(ctx context.Context, a auth.Actor, agentID int64, name string) (string, error) {
	secret, _, err := d.IssueToken(ctx, a, NewToken{AgentID: agentID, Name: name})
	return secret, err
}

// IssueToken issues an API token and returns its secret, shown once (only
// its hash is kept). Members issue their own; only admins issue tokens for
// someone else.
func (d *Service) IssueToken(ctx context.Context, a auth.Actor, n NewToken) (string, store.APIToken, error) {
	if n.AgentID == 0 {
		n.AgentID = a.AgentID
	}
	if n.AgentID != a.AgentID && !a.IsAdmin() {
		return "", store.APIToken{}, errAdminOnly
	}
	n.Name = strings.TrimSpace(n.Name)
	f := problem.Fields{}
	switch {
	case n.Name == "":
		f.Required("name")
	case utf8.RuneCountInString(n.Name) > maxTokenName:
		f.Add("name", "too_long", "is too long", "max", "100")
	}
	now := time.Now()
	if !n.ExpiresAt.IsZero() {
		switch {
		case !n.ExpiresAt.After(now):
			f.Add("expires_at", "in_the_past", "must be in the future")
		case n.ExpiresAt.Sub(now) > MaxTokenLifetime:
			f.Add("expires_at", "too_far", "is too far in the future", "max", "5y")
		}
	}
	if err := f.Err(); err != nil {
		return "", store.APIToken{}, err
	}
	secret, err := auth.NewSecret("plr_")
	if err != nil {
		return "", store.APIToken{}, err
	}
	t, err := d.store.IssueAPIToken(ctx, a.WorkspaceID, a.AgentID, store.NewAPIToken{AgentID: n.AgentID, Name: n.Name, Secret: secret, ExpiresAt: n.ExpiresAt})
	if err != nil {
		return "", store.APIToken{}, err
	}
	return secret, t, nil
}

// Tokens lists API tokens, newest first: the caller's own, or, for admins
// asking for all, every token of the workspace.
func (d *Service) Tokens(ctx context.Context, a auth.Actor, all bool, before int64, limit int) ([]store.APIToken, error) {
	agent := a.AgentID
	if all {
		if err := requireAdmin(a); err != nil {
			return nil, err
		}
		agent = 0
	}
	return d.store.APITokens(ctx, a.WorkspaceID, agent, before, limit)
}

// RevokeToken revokes a token: the caller's own, or any for admins. Someone
// else's token is "not found" to a non-admin, as if it did not exist.
func (d *Service) RevokeToken(ctx context.Context, a auth.Actor, id int64) (store.APIToken, error) {
	t, err := d.store.APITokenByID(ctx, a.WorkspaceID, id)
	if err != nil {
		return t, err
	}
	if t.AgentID != a.AgentID && !a.IsAdmin() {
		return store.APIToken{}, problem.NotFoundf("token")
	}
	return d.store.RevokeAPIToken(ctx, a.WorkspaceID, a.AgentID, id)
}

// ParseLifetime reads a token lifetime as people write it: "90d", "12h",
// "2w", "1y"; "" or "never" means no expiry (zero).
func ParseLifetime(s string) (time.Duration, error) {
	s = strings.TrimSpace(strings.ToLower(s))
	if s == "" || s == "never" {
		return 0, nil
	}
	unit := map[byte]time.Duration{'h': time.Hour, 'd': 24 * time.Hour, 'w': 7 * 24 * time.Hour, 'y': 365 * 24 * time.Hour}[s[len(s)-1]]
	n := 0
	for _, c := range s[:len(s)-1] {
		if c < '0' || c > '9' || n > 100000 {
			unit = 0
			break
		}
		n = n*10 + int(c-'0')
	}
	if unit == 0 || n == 0 || len(s) < 2 {
		return 0, problem.New(problem.Invalid, "bad_lifetime", `a lifetime is a number and a unit: h, d, w or y (e.g. "90d")`)
	}
	return time.Duration(n) * unit, nil
}
