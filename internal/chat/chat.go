// Package chat holds the rules of a live chat between a customer and an
// agent: the states a conversation goes through (waiting for an agent,
// accepted by one, missed when nobody answered in time, ended), what each
// side may do in each state, what a line may hold, and how fast a customer
// may write. It is pure: the caller passes the clock, and package desk
// stores what these rules decide.
package chat

import (
	"strings"
	"time"
	"unicode/utf8"

	"github.com/palier/palier/internal/problem"
	"github.com/palier/palier/internal/text"
)

// State is where a conversation is.
type State string

// The states. A conversation starts Waiting; an agent accepts it (one
// agent only); a transfer sends it back to Waiting for the new tier; a
// conversation nobody accepted in time is Missed, and the customer is
// offered to leave a message instead; every conversation ends.
const (
	Waiting  State = "waiting"
	Accepted State = "accepted"
	Missed   State = "missed"
	Ended    State = "ended"
)

// States lists every state (storage checks its column against it).
var States = []State{Waiting, Accepted, Missed, Ended}

// Why a conversation ended.
const (
	EndedByCustomer = "customer"
	EndedByAgent    = "agent"
	EndedByMessage  = "message_left" // missed, and the customer left a message
)

// Conversation is one chat. Its lines are the messages of its ticket.
type Conversation struct {
	ID          int64
	WorkspaceID int64
	TicketID    int64
	State       State
	AgentID     int64 // who accepted it; 0 while waiting
	// ReturnedFrom is the agent who had accepted it when it returned to
	// the queue (Return); 0 when it never did.
	ReturnedFrom int64
	Name         string
	Email        string // as the customer gave it; may be empty
	Language     string
	// WaitingSince is when it last started waiting for an agent (its
	// start, or its transfer): the wait is counted from there.
	WaitingSince time.Time
	StartedAt    time.Time
	EndedAt      time.Time
	EndReason    string
}

// Action is something a side does to a conversation.
type Action string

// The actions.
const (
	Accept       Action = "accept"        // an agent takes the waiting customer
	Transfer     Action = "transfer"      // the agent hands it to another tier (after escalating the ticket)
	Timeout      Action = "timeout"       // nobody accepted within the wait
	LeaveMessage Action = "leave_message" // a missed customer leaves a message instead
	End          Action = "end"           // either side closes it
	CustomerSays Action = "customer_says" // a customer line
	AgentSays    Action = "agent_says"    // an agent line
	// Return: the chat now follows a ticket (a merge) its agent may not
	// work; it waits again, for that ticket's tier.
	Return Action = "return"
)

// Refusals, each with a stable code.
var (
	ErrTaken     = problem.New(problem.Conflict, "chat_taken", "another agent has already accepted this chat")
	ErrNotYours  = problem.New(problem.Forbidden, "chat_not_yours", "this chat was accepted by another agent")
	ErrEnded     = problem.New(problem.Conflict, "chat_ended", "this chat has ended")
	ErrMissed    = problem.New(problem.Conflict, "chat_missed", "nobody answered this chat in time; the customer may leave a message")
	ErrNotMissed = problem.New(problem.Conflict, "chat_not_missed", "this chat is still open: there is no need to leave a message")
	ErrNotYet    = problem.New(problem.Conflict, "chat_not_due", "this chat has not waited long enough to be missed")
	ErrWaiting   = problem.New(problem.Conflict, "chat_waiting", "this chat has not been accepted yet")
)

// Next applies an action to c at now: the conversation it becomes, or the
// refusal. agentID is the acting agent (0 for the customer and the clock);
// wait is how long a customer waits before the chat is missed.
func Next(c Conversation, a Action, agentID int64, now time.Time, wait time.Duration) (Conversation, error) {
	if c.State == Ended {
		return c, ErrEnded
	}
	next := c
	switch a {
	case Accept:
		switch c.State {
		case Accepted:
			return c, ErrTaken
		case Missed:
			return c, ErrMissed
		}
		next.State, next.AgentID = Accepted, agentID
	case Transfer:
		if err := agentHolds(c, agentID); err != nil {
			return c, err
		}
		next.State, next.AgentID, next.WaitingSince = Waiting, 0, now
	case Timeout:
		if c.State != Waiting {
			return c, ErrNotYet
		}
		if now.Sub(c.WaitingSince) < wait {
			return c, ErrNotYet
		}
		next.State = Missed
	case LeaveMessage:
		if c.State != Missed {
			return c, ErrNotMissed
		}
		next.State, next.EndedAt, next.EndReason = Ended, now, EndedByMessage
	case End:
		reason := EndedByCustomer
		if agentID != 0 {
			if err := agentHolds(c, agentID); err != nil && c.State != Waiting && c.State != Missed {
				return c, err
			}
			reason = EndedByAgent
		}
		next.State, next.EndedAt, next.EndReason = Ended, now, reason
	case CustomerSays:
		if c.State == Missed {
			return c, ErrMissed
		}
	case AgentSays:
		if err := agentHolds(c, agentID); err != nil {
			return c, err
		}
	case Return:
		if c.State != Accepted {
			return c, ErrWaiting
		}
		next.State, next.AgentID, next.WaitingSince, next.ReturnedFrom = Waiting, 0, now, c.AgentID
	default:
		return c, problem.New(problem.BadRequest, "bad_parameter", "unknown chat action").With("name", "action")
	}
	return next, nil
}

// agentHolds refuses an agent action on a conversation the agent has not
// accepted.
func agentHolds(c Conversation, agentID int64) error {
	switch {
	case c.State == Waiting:
		return ErrWaiting
	case c.State == Missed:
		return ErrMissed
	case c.AgentID != agentID:
		return ErrNotYours
	}
	return nil
}

// Due is when a waiting conversation becomes missed.
func (c Conversation) Due(wait time.Duration) time.Time { return c.WaitingSince.Add(wait) }

// Open reports whether lines may still be written.
func (c Conversation) Open() bool { return c.State == Waiting || c.State == Accepted }

// Wait bounds: the workspace setting (see CheckWait) and its default.
const (
	DefaultWait = 2 * time.Minute
	MinWait     = 10 * time.Second
	MaxWait     = time.Hour
)

// CheckWait validates the workspace's wait setting.
func CheckWait(f problem.Fields, name string, d time.Duration) {
	if d < MinWait || d > MaxWait {
		f.Add(name, "out_of_range", "must be between 10 seconds and 1 hour", "min", "10", "max", "3600")
	}
}

// MaxLineBytes is the largest line, in bytes of UTF-8: a line travels
// whole in one live event (live.MaxData), with room for its envelope.
const MaxLineBytes = 3000

// CheckLine validates a line and returns it trimmed.
func CheckLine(f problem.Fields, name, s string) string {
	s = strings.TrimSpace(s)
	switch {
	case s == "":
		f.Required(name)
	case !utf8.ValidString(s):
		f.Add(name, "bad_utf8", "is not valid text")
	case len(s) > MaxLineBytes:
		f.Add(name, "too_long", "is too long", "max", "3000")
	default:
		text.Check(s, text.Multiline).Add(f, name)
	}
	return s
}

// Limiter is a token bucket: a customer may send Burst lines at once, then
// one every Every. The zero value is full.
type Limiter struct {
	spent float64   // tokens spent, as of last
	last  time.Time // when spent was last brought up to date
}

// The customer's pace: enough for someone typing fast, not for a script.
const (
	Burst = 5
	Every = time.Second
)

// Allow spends a token at now, or reports that none is left.
func (l *Limiter) Allow(now time.Time) bool {
	if !l.last.IsZero() && now.After(l.last) {
		l.spent = max(0, l.spent-float64(now.Sub(l.last))/float64(Every))
	}
	if l.last.IsZero() || now.After(l.last) {
		l.last = now
	}
	if l.spent+1 > Burst {
		return false
	}
	l.spent++
	return true
}
