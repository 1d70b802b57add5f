package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"strconv"

	"github.com/palier/palier/internal/auth"
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
// recorded it: tier and team ids when the event has them, else the tier's
// code and the team's name at the time.
type RoutedAt struct {
	Found          bool
	TierID, TeamID int64
	Tier, Team     string
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
		COALESCE((SELECT e.data FROM events e WHERE e.ticket_id = t.id AND e.kind = 'routed' ORDER BY e.id LIMIT 1), '')
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
	return collect(rows, func(r *sql.Rows) (RoutingSample, error) {
		var sm RoutingSample
		var segment, orgSegment, fields, routed string
		var prio int
		var created int64
		in := &sm.Input
		if err := r.Scan(&sm.TicketID, &sm.Number, &in.Channel, &in.RequestType, &in.Subject, &in.Body, &segment, &in.Organisation,
			&orgSegment, &in.Language, &prio, &fields, &in.Sensitive, &created, &sm.Tier, &sm.Team, &routed); err != nil {
			return sm, err
		}
		in.Segment = firstNonEmpty(segment, orgSegment)
		in.Priority = ticket.Priority(prio).String()
		in.CreatedAt = fromMS(created)
		if err := json.Unmarshal([]byte(fields), &in.CustomFields); err != nil {
			return sm, fmt.Errorf("ticket %d custom fields: %w", sm.TicketID, err)
		}
		sm.Routed = routedAt(routed)
		return sm, nil
	})
}

// routedAt reads a routed event's placement. Events written before they
// carried ids hold the tier's code, or (bulk imports) its id as text.
func routedAt(raw string) RoutedAt {
	// Only the placement is read: a struct decodes 100k events much faster
	// than a map of every key would.
	var data struct {
		Tier   string `json:"tier"`
		Team   string `json:"team"`
		TierID string `json:"tier_id"`
		TeamID string `json:"team_id"`
	}
	if raw == "" || json.Unmarshal([]byte(raw), &data) != nil || data.Tier == "" && data.TierID == "" {
		return RoutedAt{}
	}
	at := RoutedAt{Found: true, Tier: data.Tier, Team: data.Team}
	at.TierID, _ = strconv.ParseInt(data.TierID, 10, 64)
	at.TeamID, _ = strconv.ParseInt(data.TeamID, 10, 64)
	if id, err := strconv.ParseInt(at.Tier, 10, 64); err == nil && at.TierID == 0 {
		at.TierID, at.Tier = id, ""
	}
	return at
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
