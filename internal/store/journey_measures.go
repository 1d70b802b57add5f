package store

import (
	"context"
	"fmt"
	"time"
)

// SelfServiceCounts are the self-service measures of a period, counted over
// the journeys that started in it (and the searches made in it).
type SelfServiceCounts struct {
	Journeys    int // journeys started
	ReachedForm int // of those, journeys that reached the contact form
	// DeflectedAfterForm: journeys that reached the form and ended
	// satisfied ("this solved it") without a ticket.
	DeflectedAfterForm int
	Deflected          int // every journey ended satisfied without a ticket
	Tickets            int // journeys that ended with a ticket
	Searches           int
	NoResultSearches   int
	// NoResult are the most frequent searches that found nothing, most
	// frequent first.
	NoResult []QueryCount
}

// QueryCount is a search query and how often it was made.
type QueryCount struct {
	Query string
	Count int
}

// SelfServiceMeasures counts a workspace's journeys started in [from, to)
// and its searches made then; top bounds the list of searches with no
// result.
func (s *Store) SelfServiceMeasures(ctx context.Context, wsID int64, from, to time.Time, top int) (SelfServiceCounts, error) {
	var c SelfServiceCounts
	err := s.read.QueryRowContext(ctx, `SELECT COUNT(*),
		COALESCE(SUM(CASE WHEN reached_form THEN 1 ELSE 0 END), 0),
		COALESCE(SUM(CASE WHEN reached_form AND outcome = 'deflected' THEN 1 ELSE 0 END), 0),
		COALESCE(SUM(CASE WHEN outcome = 'deflected' THEN 1 ELSE 0 END), 0),
		COALESCE(SUM(CASE WHEN outcome = 'ticket' THEN 1 ELSE 0 END), 0)
		FROM journeys WHERE workspace_id = $1 AND started_at >= $2 AND started_at < $3`, wsID, ms(from), ms(to)).
		Scan(&c.Journeys, &c.ReachedForm, &c.DeflectedAfterForm, &c.Deflected, &c.Tickets)
	if err != nil {
		return c, fmt.Errorf("count journeys: %w", err)
	}
	err = s.read.QueryRowContext(ctx, `SELECT COUNT(*), COALESCE(SUM(CASE WHEN st.hits = 0 THEN 1 ELSE 0 END), 0)
		FROM journey_steps st JOIN journeys j ON j.id = st.journey_id
		WHERE j.workspace_id = $1 AND st.kind = 'search' AND st.at >= $2 AND st.at < $3`, wsID, ms(from), ms(to)).
		Scan(&c.Searches, &c.NoResultSearches)
	if err != nil {
		return c, fmt.Errorf("count searches: %w", err)
	}
	rows, err := s.read.QueryContext(ctx, `SELECT LOWER(st.detail) AS q, COUNT(*) AS n
		FROM journey_steps st JOIN journeys j ON j.id = st.journey_id
		WHERE j.workspace_id = $1 AND st.kind = 'search' AND st.hits = 0 AND st.at >= $2 AND st.at < $3 AND st.detail <> ''
		GROUP BY LOWER(st.detail) ORDER BY n DESC, q LIMIT $4`, wsID, ms(from), ms(to), top)
	if err != nil {
		return c, fmt.Errorf("searches with no result: %w", err)
	}
	defer rows.Close()
	c.NoResult = []QueryCount{}
	for rows.Next() {
		var q QueryCount
		if err := rows.Scan(&q.Query, &q.Count); err != nil {
			return c, fmt.Errorf("scan search: %w", err)
		}
		c.NoResult = append(c.NoResult, q)
	}
	return c, rows.Err()
}
