// Package routing decides where a new ticket goes. A workspace keeps an
// ordered list of rules; a ticket is checked against one rule at a time, in
// order, and the first enabled rule whose conditions hold applies its
// actions — no later rule runs. When no rule matches, the fallback route
// applies, so every ticket gets a tier.
//
// Rule sets are plain data (JSON with snake_case keys) so that they can be
// stored, edited in the admin UI and sent over the API. Compile validates a
// rule set — reporting every error at once, each with the path of the
// faulty element — and turns it into an Engine that evaluates tickets in
// memory without re-parsing anything. An Engine is immutable and safe for
// concurrent use; compile a new one when the rules change.
package routing

import "time"

// Ticket is what routing looks at: the facts known when a ticket is created.
type Ticket struct {
	Channel      string            `json:"channel,omitempty"`
	RequestType  string            `json:"request_type,omitempty"`
	Subject      string            `json:"subject,omitempty"`
	Body         string            `json:"body,omitempty"`
	Segment      string            `json:"segment,omitempty"`
	Organisation string            `json:"organisation,omitempty"`
	Language     string            `json:"language,omitempty"`
	Priority     string            `json:"priority,omitempty"`
	CustomFields map[string]string `json:"custom_fields,omitempty"`
	Sensitive    bool              `json:"sensitive,omitempty"`
	// InboundAddress is the address an email was sent to (support@…,
	// facturation@…), "" for other channels.
	InboundAddress string `json:"inbound_address,omitempty"`
	// OpenTickets is how many tickets the customer already has open.
	OpenTickets int `json:"open_tickets,omitempty"`
	// CreatedAt decides business_hours conditions; the caller must set it
	// (a zero time is evaluated as it is, a Monday at midnight UTC).
	CreatedAt time.Time `json:"created_at"`
}

// RuleSet is a workspace's routing configuration.
type RuleSet struct {
	// Rules are tried in order; the first match wins.
	Rules []Rule `json:"rules"`
	// Fallback applies when no rule matches. It must set a tier.
	Fallback Actions `json:"fallback"`
}

// Rule is one "when … then …" line of a rule set.
type Rule struct {
	// ID identifies the rule in decisions and timelines; 0 is allowed for a
	// rule not stored yet, other values must be unique.
	ID   int64  `json:"id"`
	Name string `json:"name"`
	// Enabled rules are evaluated; disabled ones are still validated, so
	// that enabling one later cannot break the set.
	Enabled bool      `json:"enabled"`
	When    Condition `json:"when"`
	Then    Actions   `json:"then"`
}

// Condition is a boolean expression over a ticket. A node is exactly one of:
//   - empty: matches every ticket (only allowed as a rule's whole When);
//   - All: every child holds;
//   - Any: at least one child holds;
//   - Not: the child does not hold;
//   - a leaf: Field, Op and Value (or Values for the op "in").
//
// Fields and the ops each accepts:
//
//	channel, request_type, segment, organisation,
//	language, priority                 is, is_not, in
//	text (subject or body), subject,
//	body                               contains_words, contains_any_word, contains_phrase
//	custom_field:<key>                 is, is_not, in, contains_*, eq, gt, gte, lt, lte
//	business_hours                     is "inside" | "outside"
//	open_tickets                       eq, gt, gte, lt, lte (a whole number)
//	sensitive                          is "true" | "false"
//
// Comparisons of values ignore case and accents; custom field keys are
// compared exactly, and a missing custom field reads as "". A language
// value without a region ("fr") also matches tickets whose language has
// one ("fr-CA"). Numeric custom fields accept a decimal comma ("12,5").
// contains_words needs every word of Value, contains_any_word one of them,
// contains_phrase the words consecutively; words are compared by their
// stems in the ticket's language (see textsearch.Stem), so "facturé"
// matches "factures". For the field text, words may be spread over subject
// and body, but a phrase must lie within one of them.
type Condition struct {
	All    []Condition `json:"all,omitempty"`
	Any    []Condition `json:"any,omitempty"`
	Not    *Condition  `json:"not,omitempty"`
	Field  string      `json:"field,omitempty"`
	Op     string      `json:"op,omitempty"`
	Value  string      `json:"value,omitempty"`
	Values []string    `json:"values,omitempty"`
	// IDs are the ids of the request types a request_type test names:
	// Value's, or one per entry of Values. The keys beside them are
	// refreshed from the ids when the set is read (see Resolve); an id of 0
	// leaves its key to say which request type is meant.
	IDs []int64 `json:"ids,omitempty"`
}

// Assignment strategies for Actions.AssignStrategy. The service layer
// carries them out; routing only names them.
const (
	// AssignRoundRobin gives the ticket to the next agent of the team in turn.
	AssignRoundRobin = "round_robin"
	// AssignLeastLoaded gives the ticket to the online agent of the team with
	// the fewest open tickets.
	AssignLeastLoaded = "least_loaded"
)

// Actions is what a matching rule (or the fallback) does to the ticket.
// Empty fields leave the ticket as it is.
//
// Tiers, teams and request types are named by id; Tier (a code), Team (a
// name) and RequestType (a key) beside the ids are what people read, and a
// name given without an id stands for the id it names (see Resolve).
type Actions struct {
	Tier          string   `json:"tier,omitempty"`
	TierID        int64    `json:"tier_id,omitempty"`
	Team          string   `json:"team,omitempty"`
	TeamID        int64    `json:"team_id,omitempty"`
	Priority      string   `json:"priority,omitempty"`
	RequestType   string   `json:"request_type,omitempty"`
	RequestTypeID int64    `json:"request_type_id,omitempty"`
	AddTags       []string `json:"add_tags,omitempty"`
	// AssignAgent assigns a specific agent (by ID); it excludes AssignStrategy.
	AssignAgent int64 `json:"assign_agent,omitempty"`
	// AssignStrategy is "", AssignRoundRobin or AssignLeastLoaded; it needs
	// a Team to choose from.
	AssignStrategy string `json:"assign_strategy,omitempty"`
	// MarkSensitive moves the conversation to a private channel.
	MarkSensitive bool `json:"mark_sensitive,omitempty"`
	// RequireHuman skips every self-service (L0) answer.
	RequireHuman bool `json:"require_human,omitempty"`
	// AutoReply is a reply template sent to the customer; see RenderAutoReply
	// for its placeholders.
	AutoReply string `json:"auto_reply,omitempty"`
}

// Decision is the outcome of routing one ticket, in a form the timeline
// can record as it is.
type Decision struct {
	// RuleID and RuleName name the rule that matched; both are zero when
	// Fallback is true.
	RuleID   int64  `json:"rule_id,omitempty"`
	RuleName string `json:"rule_name,omitempty"`
	Fallback bool   `json:"fallback,omitempty"`
	// Actions are the effective actions: the matched rule's, completed by
	// the fallback's tier (and team, if the rule names none) when the rule
	// sets no tier, so that a decision always names a tier.
	Actions Actions `json:"actions"`
	// Reasons lists the leaf conditions of the matched rule that held.
	Reasons []Reason `json:"reasons,omitempty"`
}

// Reason is one condition that held, for the timeline: "subject
// contains_words 'facturé' (found 'Facturée')".
type Reason struct {
	// Path locates the condition in the rule set, e.g. "rules[3].when.all[1]".
	Path     string `json:"path"`
	Field    string `json:"field,omitempty"`
	Op       string `json:"op"`
	Expected string `json:"expected,omitempty"`
	// Actual is the ticket's value, or for text ops the words found.
	Actual string `json:"actual,omitempty"`
	// Negated is set when the condition held because the condition under a
	// "not" did not; Field, Op and Expected then describe that inner
	// condition (Op is "all" or "any" when it was not a leaf).
	Negated bool `json:"negated,omitempty"`
}
