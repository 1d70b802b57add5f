package demo

// handoffTexts are what agents type in the escalation dialog: the
// checklist answers and the reason. They are written in the ticket's
// language, because the summary travels with the ticket (and, at L4, to
// the vendor) and is read by whoever takes it next. Multi-line answers
// list one action per line, as the dialog asks.
//
// Placeholders, filled per ticket: {invoice}, {amount}, {date} (the day of
// the customer's first message), {subject}, {who} (the organisation, or
// the customer for a private account), {mandate} (the customer's SEPA
// mandate reference).
type handoffTexts struct {
	tried       map[string]string // by request type: what L1 tried
	triedExpert map[string]string // by request type: what L2 tried before going further
	noError     map[string]string // by request type: the error_message answer when the customer quoted none
	repro       map[string]string // by request type: reproduction_steps, for the platform engineers
	impact      map[string]string // by request type
	vendor      string            // vendor_reference_context, for PayBridge
	reasonUp    map[string]string // by request type: L1 → L2
	reasonL3    map[string]string // by request type: L2 → L3
	reasonL4    string            // L2 → L4
	reasonDown  string            // back to L1 with a known fix: fmt with the L1 agent's first name
}

// handoffs are content/handoffs.json, by language.
var handoffs = mustLoadContent[map[string]handoffTexts]("handoffs.json")
