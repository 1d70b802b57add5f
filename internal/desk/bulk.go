package desk

import (
	"context"
	"strconv"
	"strings"

	"github.com/palier/palier/internal/auth"
	"github.com/palier/palier/internal/problem"
	"github.com/palier/palier/internal/store"
	"github.com/palier/palier/internal/ticket"
)

// Bulk actions: one change (and optionally one reply) applied to many
// tickets, each ticket in its own transaction with the checks of the same
// change made by hand. A ticket the agent may not change reports why; the
// others are done: nothing is half-written on any ticket. Callers send
// large selections in chunks (the web page does, to show progress).

// MaxBulk is how many tickets one bulk call takes.
const MaxBulk = 200

// Bulk is what a bulk action does to each ticket.
type Bulk struct {
	Update
	// AddTags are added to each ticket's tags (Update.Tags replaces them).
	AddTags []string
	// Reply, when set, is sent to each customer through their own
	// channel, with the change; Note posts it as an internal note instead.
	Reply string
	Note  bool
}

// BulkResult is one ticket's outcome.
type BulkResult struct {
	TicketID  int64
	Reference string
	Err       error // nil: done
}

var errBulkTooMany = problem.New(problem.Invalid, "bulk_too_many", "too many tickets in one call").With("max", strconv.Itoa(MaxBulk))

// BulkUpdate applies b to each ticket of ids, in order, and says for each
// whether it was done. The change is validated once before any ticket is
// touched: an invalid change writes nothing.
func (d *Service) BulkUpdate(ctx context.Context, a auth.Actor, ids []int64, b Bulk) ([]BulkResult, error) {
	switch {
	case len(ids) == 0:
		return nil, problem.Fields{"ticket_ids": {Code: "required", Message: "is required"}}.Err()
	case len(ids) > MaxBulk:
		return nil, errBulkTooMany
	}
	dir, err := d.Directory(ctx, a)
	if err != nil {
		return nil, err
	}
	ch, err := b.Update.change(dir)
	f := problem.Fields{}
	if len(b.AddTags) > 0 {
		ch.AddTags = ticket.NormalizeTags(f, "add_tags", b.AddTags)
	}
	if b.Reply != "" {
		ticket.CheckBody(f, "reply", b.Reply)
	}
	if err == nil {
		err = f.Err()
	}
	if err != nil {
		return nil, err
	}
	if ch.Empty() && strings.TrimSpace(b.Reply) == "" {
		return nil, problem.New(problem.Invalid, "bulk_empty", "choose a change or write a reply")
	}
	out := make([]BulkResult, 0, len(ids))
	seen := map[int64]bool{}
	for _, id := range ids {
		if seen[id] {
			continue
		}
		seen[id] = true
		if err := ctx.Err(); err != nil {
			return out, err
		}
		t, err := d.bulkOne(ctx, a, dir, id, ch, b)
		out = append(out, BulkResult{TicketID: id, Reference: t.Reference, Err: err})
	}
	return out, nil
}

// bulkOne changes one ticket: the reply and the change together, or the
// change alone, through the same paths as by hand.
func (d *Service) bulkOne(ctx context.Context, a auth.Actor, dir Directory, id int64, ch store.Change, b Bulk) (ticket.Ticket, error) {
	guard := func(cur ticket.Ticket) error { return checkChange(dir, a, cur, ch) }
	if strings.TrimSpace(b.Reply) == "" {
		return d.applyChange(ctx, a, dir, id, ch, guard)
	}
	p := post{kind: ticket.AgentReply, body: b.Reply, change: ch, guard: guard}
	if ch.Status != nil {
		p.status, p.change.Status = string(*ch.Status), nil
	}
	if b.Note {
		p.kind = ticket.InternalNote
	}
	_, t, err := d.message(ctx, a, id, p, nil)
	return t, err
}
