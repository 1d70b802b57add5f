package demo

// texts are what agents write, and what customers answer, in one language.
// Replies are framed by a greeting with the customer's first name and the
// agent's signature; notes are written in the author's language.
type texts struct {
	hello, bye string // fmt formats: the customer's first name; the agent's first name

	ask      map[string]string // by request type: first reply asking for details
	solution map[string]string // by request type: the answer that solves it
	confirm  string            // appended to a solution when the agent wants a confirmation

	waitEngineering, waitVendor string // replies putting a ticket on hold

	answers   map[string]string // by request type: the customer sends the details asked for
	answerAny []string          // the same, whatever the type
	chasers   []string          // the customer asks for news
	thanks    []string          // the customer confirms it works

	diagnosis map[string]string // by request type: the specialist's note
	expert    []string          // the platform engineer's note
	expertAsk string            // an expert needs more from the customer
	handoff   []string          // note: fmt with the next owner's first name
	swarmAsk  string            // note: fmt with the invited expert's first name
	swarmTips []string          // the invited engineer's note
	// For a swarming (integration) ticket: what the owner asks the
	// engineers on inviting them, and the answer, paired by index.
	swarmQuestions, swarmAnswers []string
	// by request type: a billing expert invited by the front line
	billingTip map[string]string
	vendor     []string // notes about PayBridge's answers
	topic      string   // the lead's note on the rising topic
}

// lang is content/replies.json, by language.
var lang = mustLoadContent[map[string]texts]("replies.json")
