package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"strconv"

	"github.com/palier/palier/internal/auth"
	"github.com/palier/palier/internal/event"
	"github.com/palier/palier/internal/routing"
	"github.com/palier/palier/internal/ticket"
	"github.com/palier/palier/internal/workspace"
)

// RoutingSample is a past ticket as routing saw it, with where it landed.
type RoutingSample struct {
	TicketID int64
	Number   int64
	Input    routing.Ticket
	// Tier and Team are where the ticket is now: tier code, team name.
	Tier string
	Team string
	// Routed is what its routed event recorded (see RoutedAt); the zero
	// value when it has none.
	Routed RoutedAt
}

// RoutedAt is where routing placed a ticket at intake, as its routed event
// recorded it (ids: a tier or team renamed since is still found).
type RoutedAt struct {
	Found          bool
	TierID, TeamID int64
}

// RoutingSamples returns the workspace's last n tickets that viewer may
// read (nil: all of them), in routing's terms, newest first, for a dry run
// of a rule set. The dry run runs as its caller, so that its counts cannot
// reveal what tickets the caller may not read contain. One query joins
// everything the rules may look at, so 100k samples load in one pass.
func (s *Store) RoutingSamples(ctx context.Context, wsID int64, viewer *auth.Actor, n int) ([]RoutingSample, error) {
	if n <= 0 || n > 100_000 {
		n = 100_000
	}
	where, args := Filter{Viewer: viewer}.where(wsID)
	args = append(args, n)
	rows, err := s.read.QueryContext(ctx, `SELECT t.id, t.number, t.channel, COALESCE(rt.key, ''), t.subject,
		COALESCE((SELECT e.body FROM events e WHERE e.ticket_id = t.id AND e.kind = 'customer_message' ORDER BY e.id LIMIT 1), ''),
		c.segment, COALESCE(o.name, ''), COALESCE(o.segment, ''), t.language, t.priority, t.custom_fields, t.sensitive, t.created_at,
		ti.code, COALESCE(te.name, ''),
		COALESCE((SELECT e.data FROM events e WHERE e.ticket_id = t.id AND e.kind = 'routed' ORDER BY e.id LIMIT 1), ''),
		COALESCE((SELECT e.data_version FROM events e WHERE e.ticket_id = t.id AND e.kind = 'routed' ORDER BY e.id LIMIT 1), 0)
		FROM (SELECT * FROM tickets WHERE `+where+` ORDER BY id DESC LIMIT $`+strconv.Itoa(len(args))+`) t
		JOIN customers c ON c.id = t.customer_id
		LEFT JOIN organisations o ON o.id = c.organisation_id
		LEFT JOIN request_types rt ON rt.id = t.request_type_id
		JOIN tiers ti ON ti.id = t.tier_id
		LEFT JOIN teams te ON te.id = t.team_id
		ORDER BY t.id DESC`, args...)
	if err != nil {
		return nil, fmt.Errorf("routing samples: %w", err)
	}
	type routedRow struct {
		data    string
		version int
	}
	var routed []routedRow
	list, err := collect(rows, func(r *sql.Rows) (RoutingSample, error) {
		var sm RoutingSample
		var segment, orgSegment, fields string
		var at routedRow
		var prio int
		var created int64
		in := &sm.Input
		if err := r.Scan(&sm.TicketID, &sm.Number, &in.Channel, &in.RequestType, &in.Subject, &in.Body, &segment, &in.Organisation,
			&orgSegment, &in.Language, &prio, &fields, &in.Sensitive, &created, &sm.Tier, &sm.Team, &at.data, &at.version); err != nil {
			return sm, err
		}
		in.Segment = firstNonEmpty(segment, orgSegment)
		in.Priority = ticket.Priority(prio).String()
		in.CreatedAt = fromMS(created)
		if err := json.Unmarshal([]byte(fields), &in.CustomFields); err != nil {
			return sm, fmt.Errorf("ticket %d custom fields: %w", sm.TicketID, err)
		}
		routed = append(routed, at)
		return sm, nil
	})
	if err != nil {
		return nil, err
	}
	// Decoded after the rows are read: old rows may need the names of the
	// workspace's tiers and teams, read with another query.
	names := eventNames(ctx, s.read, wsID)
	for i, at := range routed {
		d, err := event.Decode(ticket.Routed, at.version, at.data, names)
		if err != nil {
			return nil, fmt.Errorf("ticket %d: %w", list[i].TicketID, err)
		}
		if r, ok := d.(event.Routed); ok && r.TierID != 0 {
			list[i].Routed = RoutedAt{Found: true, TierID: r.TierID, TeamID: r.TeamID}
		}
	}
	return list, names.err
}

func firstNonEmpty(vs ...string) string {
	for _, v := range vs {
		if v != "" {
			return v
		}
	}
	return ""
}

// AssignCandidate picks an active member of a team for a new ticket:
// "least_loaded" takes the one with the fewest active tickets,
// "round_robin" the one who was given a ticket least recently. Both are
// computed from the database, so every instance agrees. 0 = none.
// Members with the collaborator role never own tickets, so they are never
// picked, even when their team is.
func (s *Store) AssignCandidate(ctx context.Context, wsID, teamID int64, strategy string) (int64, error) {
	order := "active_count, last_ticket, m.agent_id"
	if strategy == routing.AssignRoundRobin {
		order = "last_ticket, m.agent_id"
	}
	var id int64
	err := s.read.QueryRowContext(ctx, `SELECT m.agent_id,
		(SELECT count(*) FROM tickets t WHERE t.workspace_id = $1 AND t.owner_id = m.agent_id AND t.active = $3) AS active_count,
		COALESCE((SELECT max(t.id) FROM tickets t WHERE t.workspace_id = $1 AND t.owner_id = m.agent_id), 0) AS last_ticket
		FROM team_members m JOIN agents a ON a.id = m.agent_id
		WHERE m.team_id = $2 AND a.active = $3 AND a.workspace_id = $1 AND a.role <> $4
		ORDER BY `+order+` LIMIT 1`, wsID, teamID, true, string(workspace.Collaborator)).Scan(&id, new(int64), new(int64))
	if err == sql.ErrNoRows {
		return 0, nil
	}
	if err != nil {
		return 0, fmt.Errorf("pick assignee: %w", err)
	}
	return id, nil
}
