package api

import (
	"time"

	"github.com/palier/palier/internal/desk"
	"github.com/palier/palier/internal/problem"
	"github.com/palier/palier/internal/store"
)

// tokenOut is an API token as listed: never its secret.
type tokenOut struct {
	ID         int64      `json:"id"`
	AgentID    int64      `json:"agent_id"`
	AgentEmail string     `json:"agent_email"`
	Name       string     `json:"name"`
	CreatedAt  time.Time  `json:"created_at"`
	ExpiresAt  *time.Time `json:"expires_at"`
	LastUsedAt *time.Time `json:"last_used_at"`
	RevokedAt  *time.Time `json:"revoked_at"`
}

// newTokenOut is a token just issued, with its secret (shown this once).
type newTokenOut struct {
	tokenOut
	Token string `json:"token"`
}

func timeOrNil(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	return &t
}

func tokenOutOf(t store.APIToken) tokenOut {
	return tokenOut{ID: t.ID, AgentID: t.AgentID, AgentEmail: t.AgentEmail, Name: t.Name, CreatedAt: t.CreatedAt,
		ExpiresAt: timeOrNil(t.ExpiresAt), LastUsedAt: timeOrNil(t.LastUsedAt), RevokedAt: timeOrNil(t.RevokedAt)}
}

// createToken issues a bearer token for the caller, or, for admins, for the
// agent named by agent_id. The secret is shown once: only its hash is kept.
func (a *API) createToken(c *call) (any, error) {
	var in struct {
		Name      string  `json:"name"`
		AgentID   int64   `json:"agent_id"`
		ExpiresAt *string `json:"expires_at"`
	}
	if err := c.decode(&in); err != nil {
		return nil, err
	}
	n := desk.NewToken{AgentID: in.AgentID, Name: in.Name}
	if n.Name == "" {
		n.Name = "api"
	}
	if in.ExpiresAt != nil {
		t, err := time.Parse(time.RFC3339, *in.ExpiresAt)
		if err != nil {
			f := problem.Fields{}
			f.Add("expires_at", "not_a_time", "must be a date and time (RFC 3339)")
			return nil, f.Err()
		}
		n.ExpiresAt = t
	}
	secret, t, err := a.desk.IssueToken(c.r.Context(), c.actor, n)
	if err != nil {
		return nil, err
	}
	c.created("")
	return newTokenOut{tokenOut: tokenOutOf(t), Token: secret}, nil
}

// listTokens lists the caller's tokens, or every token of the workspace for
// an admin asking owner=all.
func (a *API) listTokens(c *call) (any, error) {
	return cursorPage(c, "tokens", func(before int64, limit int) ([]store.APIToken, error) {
		return a.desk.Tokens(c.r.Context(), c.actor, c.r.URL.Query().Get("owner") == "all", before, limit)
	}, tokenOutOf, func(t tokenOut) int64 { return t.ID })
}

// revokeToken revokes a token: your own, or anyone's for admins.
func (a *API) revokeToken(c *call) (any, error) {
	return byID(c, a.desk.RevokeToken, render(tokenOutOf))
}

type unlockOut struct {
	AgentID  int64 `json:"agent_id"`
	Unlocked bool  `json:"unlocked"`
}

// unlockAgent clears the failed sign-ins counted against a member (admins).
// The body is optional and has no fields.
func (a *API) unlockAgent(c *call) (any, error) {
	id, err := c.idAndNoBody("id")
	if err != nil {
		return nil, err
	}
	if err := a.desk.UnlockMember(c.r.Context(), c.actor, id); err != nil {
		return nil, err
	}
	return unlockOut{AgentID: id, Unlocked: true}, nil
}
