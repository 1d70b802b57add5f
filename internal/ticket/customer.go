package ticket

// SolveByCustomer returns the ticket as its customer leaves it when they
// say, from the help centre, that their request is solved, and whether
// that applies (only an active ticket can be solved). It counts as
// resolved at first contact exactly when the agent who first answered
// would have had it: the customer confirms that agent's answer.
func (t Ticket) SolveByCustomer() (Ticket, bool) {
	if !t.Status.Active() {
		return t, false
	}
	next := t
	next.Status = Solved
	next.Settle(t.Status, t.FirstReplierID)
	return next, true
}
