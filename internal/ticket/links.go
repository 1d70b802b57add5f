package ticket

import (
	"slices"
	"strconv"
	"time"

	"github.com/palier/palier/internal/auth"
	"github.com/palier/palier/internal/problem"
)

// Merging, splitting and linking tickets: the rules, pure, so that the
// API, the web and the demo follow the same ones. The store applies them
// on the locked rows.

// Relation is how a linked ticket stands to the ticket it is seen from.
type Relation string

// The relations. A link is stored once; each side reads it its own way:
// the child sees its Parent, the parent sees a Child.
const (
	Related Relation = "related"
	Parent  Relation = "parent" // the other ticket is this one's parent
	Child   Relation = "child"  // the other ticket is this one's child
)

// Relations lists the relations a link may be made with.
var Relations = []Relation{Related, Parent, Child}

// Valid reports whether r is a known relation.
func (r Relation) Valid() bool { return slices.Contains(Relations, r) }

// Reverse is the relation as the other ticket reads it.
func (r Relation) Reverse() Relation {
	switch r {
	case Parent:
		return Child
	case Child:
		return Parent
	}
	return r
}

// Link is a link as one ticket sees it.
type Link struct {
	OtherID   int64
	Relation  Relation
	CreatedBy int64
	CreatedAt time.Time
}

// MergeParty is a ticket taking part in a merge, with the organisation of
// its customer (0 for none).
type MergeParty struct {
	Ticket         Ticket
	OrganisationID int64
}

// The refusals of merges and links, by stable code.
var (
	ErrMergeIntoItself    = problem.New(problem.Invalid, "merge_into_itself", "a ticket cannot be merged into itself")
	ErrAlreadyMerged      = problem.New(problem.Conflict, "already_merged", "this ticket was already merged into another")
	ErrMergeOtherCustomer = problem.New(problem.Invalid, "merge_other_customer",
		"only tickets of the same customer or of the same organisation can be merged")
	ErrNothingToMerge   = problem.New(problem.Invalid, "nothing_to_merge", "name the tickets to merge")
	ErrLinkToItself     = problem.New(problem.Invalid, "link_to_itself", "a ticket cannot be linked to itself")
	ErrAlreadyLinked    = problem.New(problem.Conflict, "already_linked", "these tickets are already linked")
	ErrAlreadyHasParent = problem.New(problem.Conflict, "already_has_parent", "this ticket already has a parent")
	ErrLinkCycle        = problem.New(problem.Invalid, "link_cycle", "a ticket cannot be the parent of one of its own parents")
	ErrNotLinked        = problem.New(problem.NotFound, "link_not_found", "these tickets are not linked")
	ErrSplitNotCustomer = problem.New(problem.Invalid, "split_not_customer_message", "only a customer's message can be split into a new ticket")
	ErrWorkForbidden    = problem.New(problem.Forbidden, "forbidden", "you are not allowed to do this")
)

// CheckMerge says whether the actor may merge sources into target: each
// ticket readable (else it does not exist for them) and workable by them,
// none already merged, not into itself, all of the target's customer or
// organisation. A merged ticket is never merged again nor merged into, so
// merges cannot form a cycle.
func CheckMerge(a auth.Actor, target MergeParty, sources []MergeParty) error {
	if len(sources) == 0 {
		return ErrNothingToMerge
	}
	all := append([]MergeParty{target}, sources...)
	for _, p := range all {
		if !CanView(a, p.Ticket) {
			return problem.NotFoundf("ticket")
		}
	}
	for _, p := range all {
		if !CanWork(a, p.Ticket) {
			return ErrWorkForbidden
		}
	}
	for _, s := range sources {
		if s.Ticket.ID == target.Ticket.ID {
			return ErrMergeIntoItself
		}
	}
	for _, p := range all {
		if p.Ticket.MergedIntoID != 0 {
			return ErrAlreadyMerged.With("ticket", p.Ticket.Reference)
		}
	}
	for _, s := range sources {
		sameCustomer := s.Ticket.CustomerID == target.Ticket.CustomerID
		sameOrg := s.OrganisationID != 0 && s.OrganisationID == target.OrganisationID
		if !sameCustomer && !sameOrg {
			return ErrMergeOtherCustomer.With("ticket", s.Ticket.Reference)
		}
	}
	return nil
}

// ErrMerged refuses a change to a merged ticket: its conversation goes on
// on the ticket it was merged into (param merged_into, that ticket's id).
var ErrMerged = problem.New(problem.Conflict, "ticket_merged", "this ticket was merged into another: continue on that one")

// CheckNotMerged refuses to change a merged ticket by hand: its status
// (a reopening), its fields, a public reply, an escalation, a split. A
// merged ticket stays readable, its links may change, and agents may
// still add internal notes (their own bookkeeping, e.g. why it was
// merged); a customer writing to it is led to the kept ticket by the
// intake.
func CheckNotMerged(t Ticket) error {
	if t.MergedIntoID == 0 {
		return nil
	}
	return ErrMerged.With("merged_into", strconv.FormatInt(t.MergedIntoID, 10))
}

// MergeInto returns a source as a merge leaves it: closed, pointing at the
// ticket it was merged into.
func (t Ticket) MergeInto(targetID int64) Ticket {
	next := t
	next.MergedIntoID = targetID
	next.Status = Closed
	next.FirstContactResolved = false
	return next
}

// CheckLink says whether the actor may link t to other: they work t and
// read other (else it does not exist for them); never t to itself.
func CheckLink(a auth.Actor, t, other Ticket) error {
	if !CanView(a, t) || !CanView(a, other) {
		return problem.NotFoundf("ticket")
	}
	if !CanWork(a, t) {
		return ErrWorkForbidden
	}
	if t.ID == other.ID {
		return ErrLinkToItself
	}
	return nil
}

// CheckParent says whether parentID may become childID's parent: the
// child has none yet (currentParent is 0), and the child is not among the
// parent's own ancestors (nearest first), which would close a cycle.
func CheckParent(childID, parentID, currentParent int64, parentAncestors []int64) error {
	if currentParent != 0 {
		return ErrAlreadyHasParent
	}
	if childID == parentID || slices.Contains(parentAncestors, childID) {
		return ErrLinkCycle
	}
	return nil
}
