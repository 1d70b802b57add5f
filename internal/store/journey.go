package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// A visitor's self-service journey (migration 0019): one row per browser
// session and workspace, found by its random token, and its steps. The
// desk decides what a step is and validates it; the store keeps the
// journey's summary columns (reached_form, outcome) in step with its
// steps, in one transaction.

// Journey step kinds the store gives a meaning to.
const (
	stepFormStarted = "form_started"
	stepSolved      = "solved"
)

// Journey outcomes.
const (
	JourneyOpen      = ""
	JourneyDeflected = "deflected"
	JourneyTicket    = "ticket"
)

// JourneyStep is one step of a journey.
type JourneyStep struct {
	ID        int64
	Kind      string
	Detail    string
	ArticleID int64
	Hits      int
	At        time.Time
}

// Journey is a journey's summary.
type Journey struct {
	ID          int64
	Token       string
	StartedAt   time.Time
	Steps       int
	ReachedForm bool
	Outcome     string
	TicketID    int64
}

// RecordJourneyStep adds a step to the journey of token, starting the
// journey on its first step. A journey keeps at most maxSteps steps (a
// script cannot grow one without bound); a step identical to the one
// before it (a suggestion shown again as the visitor types on) is not
// repeated. A "form_started" step marks the journey as having reached the
// form; "solved" ends an open journey as deflected.
func (s *Store) RecordJourneyStep(ctx context.Context, wsID int64, token string, st JourneyStep, maxSteps int) error {
	// The common repeat (the same suggestion shown keystroke after
	// keystroke) is found on the read pool, without taking the writer.
	var kind, detail string
	var article int64
	err := s.read.QueryRowContext(ctx, `SELECT st.kind, st.detail, st.article_id FROM journey_steps st JOIN journeys j ON j.id = st.journey_id
		WHERE j.workspace_id = $1 AND j.token = $2 ORDER BY st.id DESC LIMIT 1`, wsID, token).Scan(&kind, &detail, &article)
	if err == nil && kind == st.Kind && detail == st.Detail && article == st.ArticleID {
		return nil
	}
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return fmt.Errorf("read last journey step: %w", err)
	}
	now := s.now()
	return s.inTx(ctx, func(tx *Tx) error {
		j, err := upsertJourney(ctx, tx, wsID, token, now)
		if err != nil {
			return err
		}
		if j.Steps >= maxSteps {
			return nil
		}
		var kind, detail string
		var article int64
		err = tx.QueryRowContext(ctx, `SELECT kind, detail, article_id FROM journey_steps WHERE journey_id = $1 ORDER BY id DESC LIMIT 1`, j.ID).
			Scan(&kind, &detail, &article)
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return fmt.Errorf("read last journey step: %w", err)
		}
		if err == nil && kind == st.Kind && detail == st.Detail && article == st.ArticleID {
			return nil
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO journey_steps (journey_id, kind, detail, article_id, hits, at) VALUES ($1, $2, $3, $4, $5, $6)`,
			j.ID, st.Kind, st.Detail, st.ArticleID, st.Hits, ms(now)); err != nil {
			return fmt.Errorf("insert journey step: %w", err)
		}
		q := `UPDATE journeys SET steps = steps + 1`
		switch st.Kind {
		case stepFormStarted:
			q += `, reached_form = TRUE`
		case stepSolved:
			q += `, outcome = CASE WHEN outcome = '' THEN 'deflected' ELSE outcome END, ended_at = CASE WHEN outcome = '' THEN $2 ELSE ended_at END`
		}
		args := []any{j.ID}
		if st.Kind == stepSolved {
			args = append(args, ms(now))
		}
		if _, err := tx.ExecContext(ctx, q+` WHERE id = $1`, args...); err != nil {
			return fmt.Errorf("update journey: %w", err)
		}
		return nil
	})
}

// upsertJourney returns the journey of token, created when new, and moves
// its last activity to now.
func upsertJourney(ctx context.Context, tx *Tx, wsID int64, token string, now time.Time) (Journey, error) {
	j := Journey{Token: token}
	err := tx.QueryRowContext(ctx, `INSERT INTO journeys (workspace_id, token, started_at, last_at) VALUES ($1, $2, $3, $3)
		ON CONFLICT (workspace_id, token) DO UPDATE SET last_at = excluded.last_at
		RETURNING id, steps, outcome`, wsID, token, ms(now)).Scan(&j.ID, &j.Steps, &j.Outcome)
	if err != nil {
		return j, fmt.Errorf("start journey: %w", err)
	}
	return j, nil
}

// AttachJourney attaches the journey of token to a new ticket, inside the
// ticket's own transaction (a refused ticket attaches nothing): the journey
// reached the form and ended with a ticket.
func (s *Store) AttachJourney(ctx context.Context, tx *Tx, wsID, ticketID int64, token string) error {
	now := s.now()
	j, err := upsertJourney(ctx, tx, wsID, token, now)
	if err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, `UPDATE journeys SET ticket_id = $1, outcome = 'ticket', reached_form = TRUE, ended_at = $2 WHERE id = $3`,
		ticketID, ms(now), j.ID); err != nil {
		return fmt.Errorf("attach journey: %w", err)
	}
	return nil
}

// JourneyByToken returns a journey's summary; NotFound-free: ok is false
// when the token has none.
func (s *Store) JourneyByToken(ctx context.Context, wsID int64, token string) (Journey, bool, error) {
	j := Journey{Token: token}
	var started int64
	var ticketID sql.NullInt64
	err := s.read.QueryRowContext(ctx, `SELECT id, started_at, steps, reached_form, outcome, ticket_id FROM journeys WHERE workspace_id = $1 AND token = $2`,
		wsID, token).Scan(&j.ID, &started, &j.Steps, &j.ReachedForm, &j.Outcome, &ticketID)
	if errors.Is(err, sql.ErrNoRows) {
		return Journey{}, false, nil
	}
	if err != nil {
		return j, false, fmt.Errorf("read journey: %w", err)
	}
	j.StartedAt, j.TicketID = fromMS(started), ticketID.Int64
	return j, true, nil
}

// JourneySteps returns a journey's steps, oldest first.
func (s *Store) JourneySteps(ctx context.Context, wsID int64, token string) ([]JourneyStep, error) {
	return s.journeySteps(ctx, `SELECT st.id, st.kind, st.detail, st.article_id, st.hits, st.at FROM journey_steps st
		JOIN journeys j ON j.id = st.journey_id WHERE j.workspace_id = $1 AND j.token = $2 ORDER BY st.id`, wsID, token)
}

// TicketJourney returns the steps of the journeys attached to a ticket,
// oldest first (the caller has checked the reader may see the ticket).
func (s *Store) TicketJourney(ctx context.Context, wsID, ticketID int64) ([]JourneyStep, error) {
	return s.journeySteps(ctx, `SELECT st.id, st.kind, st.detail, st.article_id, st.hits, st.at FROM journey_steps st
		JOIN journeys j ON j.id = st.journey_id WHERE j.workspace_id = $1 AND j.ticket_id = $2 ORDER BY st.id LIMIT 500`, wsID, ticketID)
}

func (s *Store) journeySteps(ctx context.Context, q string, args ...any) ([]JourneyStep, error) {
	rows, err := s.read.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("read journey steps: %w", err)
	}
	defer rows.Close()
	var out []JourneyStep
	for rows.Next() {
		var st JourneyStep
		var at int64
		if err := rows.Scan(&st.ID, &st.Kind, &st.Detail, &st.ArticleID, &st.Hits, &at); err != nil {
			return nil, fmt.Errorf("scan journey step: %w", err)
		}
		st.At = fromMS(at)
		out = append(out, st)
	}
	return out, rows.Err()
}
