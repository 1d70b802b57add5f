package store

import (
	"context"
	"fmt"
)

// Coworkers returns the ids of the agents a swarm collaborator meets on the
// tickets they are invited to: those tickets' owners, their other
// collaborators and the authors of their events. A collaborator comes from
// outside support and sees no one else (see desk.Directory).
func (s *Store) Coworkers(ctx context.Context, wsID, agentID int64) ([]int64, error) {
	rows, err := s.read.QueryContext(ctx, `
		WITH mine AS (
			SELECT c.ticket_id FROM ticket_collaborators c JOIN tickets t ON t.id = c.ticket_id
			WHERE c.agent_id = $2 AND t.workspace_id = $1)
		SELECT owner_id FROM tickets WHERE id IN (SELECT ticket_id FROM mine) AND owner_id IS NOT NULL
		UNION SELECT agent_id FROM ticket_collaborators WHERE ticket_id IN (SELECT ticket_id FROM mine)
		UNION SELECT actor_agent_id FROM events WHERE ticket_id IN (SELECT ticket_id FROM mine) AND actor_agent_id IS NOT NULL`,
		wsID, agentID)
	if err != nil {
		return nil, fmt.Errorf("coworkers: %w", err)
	}
	return collect(rows, scanID)
}
