package desk

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/palier/palier/internal/auth"
	"github.com/palier/palier/internal/event"
	"github.com/palier/palier/internal/i18n"
	"github.com/palier/palier/internal/problem"
	"github.com/palier/palier/internal/store"
	"github.com/palier/palier/internal/ticket"
	"github.com/palier/palier/internal/workspace"
)

// The phone channel. Palier does not carry calls: an agent logs a call
// they had on a ticket (direction, number, duration, notes), recorded on
// its timeline for the agents; a customer's request to be called back
// becomes a routed ticket on channel "phone", tagged "callback", so it
// waits in the queue of the tier routing chose.

// Call is a call an agent logs.
type Call struct {
	Direction       string `json:"direction"` // inbound or outbound
	Number          string `json:"number"`
	DurationSeconds int    `json:"duration_seconds"`
	Notes           string `json:"notes,omitempty"`
}

// CallDirections are the directions a call may have.
var CallDirections = []string{"inbound", "outbound"}

// maxCallSeconds bounds a logged call's duration (a day).
const maxCallSeconds = 24 * 3600

// checkNumber validates a phone number as people write them: digits, an
// optional leading +, spaces, dots, dashes and brackets.
func checkNumber(f problem.Fields, name, n string) string {
	n = strings.TrimSpace(n)
	digits := 0
	for i, r := range n {
		switch {
		case r >= '0' && r <= '9':
			digits++
		case r == '+' && i == 0, r == ' ', r == '.', r == '-', r == '(', r == ')':
		default:
			f.Add(name, "bad_phone", "is not a phone number")
			return n
		}
	}
	if n == "" {
		f.Required(name)
	} else if digits < 3 || len(n) > 40 {
		f.Add(name, "bad_phone", "is not a phone number")
	}
	return n
}

func (c *Call) check(f problem.Fields) {
	if !slices.Contains(CallDirections, c.Direction) {
		f.Add("direction", "unknown_value", "must be inbound or outbound", "value", c.Direction)
	}
	c.Number = checkNumber(f, "number", c.Number)
	if c.DurationSeconds < 0 || c.DurationSeconds > maxCallSeconds {
		f.Add("duration_seconds", "out_of_range", "must be between 0 and 86400")
	}
	c.Notes = strings.TrimSpace(c.Notes)
	if c.Notes != "" {
		ticket.CheckBody(f, "notes", c.Notes)
	}
}

// LogCall records a call on a ticket the agent may work: an internal note
// carrying the call (kind "call" in its data), its notes as the text.
func (d *Service) LogCall(ctx context.Context, a auth.Actor, ticketID int64, c Call) (ticket.Event, ticket.Ticket, error) {
	f := problem.Fields{}
	c.check(f)
	if err := f.Err(); err != nil {
		return ticket.Event{}, ticket.Ticket{}, err
	}
	dir, err := d.Directory(ctx, a)
	if err != nil {
		return ticket.Event{}, ticket.Ticket{}, err
	}
	body := i18n.T(dir.Workspace.DefaultLanguage, "call."+c.Direction, "number", c.Number, "minutes", strconv.Itoa((c.DurationSeconds+59)/60))
	if c.Notes != "" {
		body += "\n\n" + c.Notes
	}
	e := ticket.Event{Kind: ticket.InternalNote, ActorAgentID: a.AgentID, Body: body, Data: event.Message{
		Channel: "phone", Call: c.Direction, Number: c.Number, DurationSeconds: c.DurationSeconds}}
	return d.store.AddMessageThen(ctx, a.WorkspaceID, ticketID, func(cur ticket.Ticket) error {
		if !ticket.CanView(a, cur) {
			return problem.NotFoundf("ticket")
		}
		if !ticket.CanWork(a, cur) {
			return errForbidden
		}
		return nil
	}, e, "", func(ctx context.Context, tx *store.Tx, t ticket.Ticket, events []ticket.Event) error {
		// A call logged on the ticket makes its pending callbacks.
		return d.store.CloseCallbacks(ctx, tx, a.WorkspaceID, t.ID, events[0].ID)
	})
}

// Callback is a customer's request to be called back.
type Callback struct {
	Name   string `json:"name"`
	Email  string `json:"email"`
	Number string `json:"number"`
	Reason string `json:"reason"`
}

// RequestCallback opens a routed ticket on channel "phone", tagged
// "callback", for a customer who asks to be called back (an agent
// entering it for them, or the portal later), through the one channel
// intake: it waits in the queue of the tier routing chose.
func (d *Service) RequestCallback(ctx context.Context, a auth.Actor, in Callback) (ticket.Ticket, error) {
	if err := notForCollaborators(a); err != nil {
		return ticket.Ticket{}, err
	}
	f := problem.Fields{}
	// The name is the customer's own, as on the public forms: the same
	// limit and the same refusal (checkLine).
	in.Name = checkLine(f, "name", in.Name, maxCustomerName)
	in.Email = strings.ToLower(strings.TrimSpace(in.Email))
	workspace.CheckEmail(f, "email", in.Email)
	in.Number = checkNumber(f, "number", in.Number)
	in.Reason = strings.TrimSpace(in.Reason)
	ticket.CheckBody(f, "reason", in.Reason)
	if err := f.Err(); err != nil {
		return ticket.Ticket{}, err
	}
	dir, err := d.Directory(ctx, a)
	if err != nil {
		return ticket.Ticket{}, err
	}
	lang := dir.Workspace.DefaultLanguage
	return d.openCustomerTicket(ctx, dir, channelIntake{Channel: "phone", Email: in.Email, Name: in.Name,
		Subject: clipRunes(i18n.T(lang, "call.callback_subject", "number", in.Number), ticket.MaxSubject),
		Body:    fmt.Sprintf("%s\n\n%s", i18n.T(lang, "call.callback_body", "number", in.Number), in.Reason),
		Tags:    []string{"callback"}})
}
