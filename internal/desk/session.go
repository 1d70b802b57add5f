package desk

import (
	"context"
	"strings"
	"time"

	"github.com/palier/palier/internal/auth"
	"github.com/palier/palier/internal/problem"
)

// Login throttling: at most this many failures per window per client
// address and per account, shared by every instance through the database.
const (
	maxLoginFailures = 10
	loginWindow      = 15 * time.Minute
)

var (
	errBadLogin        = problem.New(problem.Unauthorized, "bad_credentials", "wrong email or password")
	errTooManyAttempts = problem.New(problem.TooMany, "too_many_attempts", "too many failed sign-in attempts; try again in a few minutes")
)

// Login checks credentials and opens a session, returning its secret.
func (d *Service) Login(ctx context.Context, email, password, clientIP string) (string, auth.Actor, error) {
	email = strings.ToLower(strings.TrimSpace(email))
	keys := []string{"ip:" + clientIP, "email:" + email}
	for _, k := range keys {
		ok, err := d.store.LoginAllowed(ctx, k, maxLoginFailures, loginWindow)
		if err != nil {
			return "", auth.Actor{}, err
		}
		if !ok {
			return "", auth.Actor{}, errTooManyAttempts
		}
	}
	_, agentID, hash, err := d.store.Credentials(ctx, email)
	if err != nil && !problem.Is(err, problem.NotFound) {
		return "", auth.Actor{}, err
	}
	ok := false
	if err == nil && hash != "" {
		ok, _ = auth.CheckPassword(hash, password)
	} else {
		auth.BurnPasswordCheck(password)
	}
	if !ok {
		if err := d.store.RecordLoginFailure(ctx, keys...); err != nil {
			return "", auth.Actor{}, err
		}
		return "", auth.Actor{}, errBadLogin
	}
	secret, err := auth.NewSecret("s_")
	if err != nil {
		return "", auth.Actor{}, err
	}
	if err := d.store.CreateSession(ctx, secret, agentID, d.SessionTTL); err != nil {
		return "", auth.Actor{}, err
	}
	a, err := d.store.Actor(ctx, agentID)
	return secret, a, err
}

// Logout ends a session.
func (d *Service) Logout(ctx context.Context, secret string) error {
	return d.store.DeleteSession(ctx, secret)
}

// SessionActor returns the actor of a live session.
func (d *Service) SessionActor(ctx context.Context, secret string) (auth.Actor, error) {
	id, err := d.store.SessionAgent(ctx, secret)
	if err != nil {
		return auth.Actor{}, err
	}
	return d.store.Actor(ctx, id)
}

// TokenActor returns the actor of an API bearer token.
func (d *Service) TokenActor(ctx context.Context, secret string) (auth.Actor, error) {
	id, err := d.store.TokenAgent(ctx, secret)
	if err != nil {
		return auth.Actor{}, err
	}
	return d.store.Actor(ctx, id)
}

// CreateToken issues an API token for a member. Members create their own;
// admins may create one for anyone.
func (d *Service) CreateToken(ctx context.Context, a auth.Actor, agentID int64, name string) (string, error) {
	if agentID != a.AgentID && !a.IsAdmin() {
		return "", errAdminOnly
	}
	if _, err := d.store.Member(ctx, a.WorkspaceID, agentID); err != nil {
		return "", err
	}
	secret, err := auth.NewSecret("plr_")
	if err != nil {
		return "", err
	}
	return secret, d.store.CreateAPIToken(ctx, a.WorkspaceID, a.AgentID, agentID, name, secret)
}

// SetLanguage saves the actor's interface language.
func (d *Service) SetLanguage(ctx context.Context, a auth.Actor, lang string) error {
	// One's own language is not an admin change: no audit entry (issue 8.9).
	return d.store.SetOwnLanguage(ctx, a.WorkspaceID, a.AgentID, lang)
}
