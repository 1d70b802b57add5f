package web

import (
	"context"

	"github.com/palier/palier/internal/desk"
	"github.com/palier/palier/internal/ticket"
)

// alreadyTried words what the customer did alone before opening the
// ticket (their self-service journey) for the top of the ticket page:
// « Déjà essayé ».
func (s *server) alreadyTried(ctx context.Context, rq *request, t ticket.Ticket) ([]string, error) {
	steps, err := s.d.TicketJourney(ctx, rq.actor, t.ID)
	if err != nil {
		return nil, err
	}
	var out []string
	for _, st := range steps {
		out = append(out, desk.StepText(rq.loc.Lang, st))
	}
	return out, nil
}
