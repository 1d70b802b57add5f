package escalation

// FactKind is the part of a timeline event that the counters need.
type FactKind string

// The fact kinds. Escalated, DeEscalated and OwnerChanged carry the names of
// the ticket timeline's event kinds; the store maps an agent reply to
// FactReply and a status change to or from solved to FactSolved or
// FactReopened.
const (
	FactReply        FactKind = "reply"         // a public reply by AgentID; 0 = automatic
	FactEscalated    FactKind = "escalated"     // moved up a tier
	FactDeEscalated  FactKind = "de_escalated"  // moved down a tier
	FactReturned     FactKind = "returned"      // sent back to the tier that handed it over
	FactOwnerChanged FactKind = "owner_changed" // AgentID is the new owner; 0 = unassigned
	FactSolved       FactKind = "solved"        // by AgentID
	FactReopened     FactKind = "reopened"
)

// Fact is one timeline event, reduced to what Count needs, in time order.
type Fact struct {
	Kind    FactKind `json:"kind"`
	AgentID int64    `json:"agent_id,omitempty"`
}

// Counters are a ticket's escalation figures for reports.
type Counters struct {
	Escalations int `json:"escalations"`
	// Handoffs counts every time responsibility passed to someone else: each
	// move between tiers, and each change of owner to a different agent that
	// is not just the receiving tier picking up a move already counted.
	Handoffs int `json:"handoffs"`
	// FirstContactResolved: the ticket ended solved, was never escalated,
	// de-escalated, returned or reopened, and every agent reply came from
	// the one agent who solved it.
	FirstContactResolved bool `json:"first_contact_resolved"`
}

// Count computes a ticket's counters from its facts in time order.
func Count(facts []Fact) Counters {
	var t tally
	for _, f := range facts {
		t.add(f)
	}
	return t.counters()
}

// tally is Count's running state.
type tally struct {
	c        Counters
	owner    int64 // last agent who owned the ticket, kept through an unassignment
	pickup   bool  // a tier move was counted and nobody has taken the ticket since
	moved    bool  // the ticket changed tier at least once
	replier  int64 // the agent who replied last; 0 before any reply
	repliers int   // changes of replier, the first reply included
	solved   bool  // the latest solved/reopened fact is solved
	reopened bool
	solver   int64
}

func (t *tally) add(f Fact) {
	switch f.Kind {
	case FactEscalated, FactDeEscalated, FactReturned:
		t.move(f.Kind)
	case FactOwnerChanged:
		t.ownerChanged(f.AgentID)
	case FactReply:
		// Automatic replies (no agent) are no contact with anyone.
		if f.AgentID != 0 && f.AgentID != t.replier {
			t.replier = f.AgentID
			t.repliers++
		}
	case FactSolved:
		t.solved, t.solver = true, f.AgentID
	case FactReopened:
		t.solved, t.reopened = false, true
	}
}

func (t *tally) move(k FactKind) {
	if k == FactEscalated {
		t.c.Escalations++
	}
	t.c.Handoffs++
	t.pickup, t.moved = true, true
}

// ownerChanged counts a change to a different agent, except the receiving
// tier's agent picking up a move, which is the same hand-off. Unassigning
// hands nothing to anyone; the next owner is compared with the last one.
func (t *tally) ownerChanged(agent int64) {
	if agent == 0 {
		return
	}
	if t.owner != 0 && agent != t.owner && !t.pickup {
		t.c.Handoffs++
	}
	t.owner, t.pickup = agent, false
}

func (t *tally) counters() Counters {
	c := t.c
	c.FirstContactResolved = t.solved && !t.reopened && !t.moved && t.repliers == 1 && t.solver == t.replier
	return c
}
