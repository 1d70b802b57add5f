package desk

import (
	"context"
	"strings"
	"time"

	"github.com/palier/palier/internal/auth"
	"github.com/palier/palier/internal/problem"
	"github.com/palier/palier/internal/workspace"
)

var (
	errBadLogin        = problem.New(problem.Unauthorized, "bad_credentials", "wrong email or password")
	errTooManyAttempts = problem.New(problem.TooMany, "too_many_attempts", "too many failed sign-in attempts; try again in {retry_after} seconds")
)

// Login checks credentials and opens a session, returning its secret.
//
// An attempt is first reserved against the account and the client address
// (auth.LoginThrottle, shared by every instance through the database), so a
// burst of guesses cannot all pass one check; a key that must wait is
// refused before any hashing. The hash itself takes one of a few slots
// (auth.ErrBusy when none frees up soon), which bounds memory.
func (d *Service) Login(ctx context.Context, email, password, clientIP string) (string, auth.Actor, error) {
	email = strings.ToLower(strings.TrimSpace(email))
	acct, addr := auth.AccountKey(email), auth.AddressKey(clientIP)
	wait, err := d.store.ReserveLoginAttempt(ctx, auth.LoginThrottle, acct, addr)
	if err != nil {
		return "", auth.Actor{}, err
	}
	if wait > 0 {
		return "", auth.Actor{}, errTooManyAttempts.With("retry_after", auth.RetryAfter(wait))
	}
	_, agentID, hash, err := d.store.Credentials(ctx, email)
	if err != nil && !problem.Is(err, problem.NotFound) {
		return "", auth.Actor{}, d.refund(ctx, err, acct, addr)
	}
	if err != nil { // no such account
		hash = ""
	}
	ok, err := auth.CheckLogin(ctx, hash, password)
	if err != nil {
		// Busy or abandoned: the password was never checked, so the
		// attempt is given back.
		return "", auth.Actor{}, d.refund(ctx, err, acct, addr)
	}
	if !ok {
		return "", auth.Actor{}, errBadLogin
	}
	if err := d.store.SettleLogin(ctx, auth.LoginThrottle, []string{acct}, []string{addr}); err != nil {
		return "", auth.Actor{}, err
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

// refundWait bounds a refund's wait for the database.
const refundWait = 10 * time.Second

// refund gives back a reserved attempt whose password was not checked and
// returns cause (the refund outlives a cancelled request).
func (d *Service) refund(ctx context.Context, cause error, keys ...string) error {
	// Without cancellation the refund would wait for the writer for as
	// long as it is held, and the request with it: bounded.
	rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), refundWait)
	defer cancel()
	if err := d.store.SettleLogin(rctx, auth.LoginThrottle, nil, keys); err != nil {
		d.log.WarnContext(ctx, "refund login attempt", "err", err)
	}
	return cause
}

// UnlockMember clears the failed sign-ins counted against a member's
// account (admins only; audited).
func (d *Service) UnlockMember(ctx context.Context, a auth.Actor, agentID int64) error {
	if err := requireAdmin(a); err != nil {
		return err
	}
	return d.store.UnlockMember(ctx, a.WorkspaceID, a.AgentID, agentID)
}

// LoginLock tells an admin whether a member's sign-ins must wait, and how
// long.
func (d *Service) LoginLock(ctx context.Context, a auth.Actor, m workspace.Member) (auth.Attempts, time.Duration, error) {
	if err := requireAdmin(a); err != nil {
		return auth.Attempts{}, 0, err
	}
	return d.store.LoginWait(ctx, auth.LoginThrottle, auth.AccountKey(m.Email))
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

// SetLanguage saves the actor's interface language.
func (d *Service) SetLanguage(ctx context.Context, a auth.Actor, lang string) error {
	// One's own language is not an admin change: no audit entry (issue 8.9).
	return d.store.SetOwnLanguage(ctx, a.WorkspaceID, a.AgentID, lang)
}
