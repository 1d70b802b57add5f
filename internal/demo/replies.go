package demo

// texts are what agents write, and what customers answer, in one language.
// Replies are framed by a greeting with the customer's first name and the
// agent's signature; notes are written in the author's language.
type texts struct {
	// fmt formats: the customer's first name; the agent's first name
	Hello string `json:"hello"`
	Bye   string `json:"bye"`

	Ask      map[string]string `json:"ask"`      // by request type: first reply asking for details
	Solution map[string]string `json:"solution"` // by request type: the answer that solves it
	Confirm  string            `json:"confirm"`  // appended to a solution when the agent wants a confirmation

	// replies putting a ticket on hold
	WaitEngineering string `json:"wait_engineering"`
	WaitVendor      string `json:"wait_vendor"`

	Answers   map[string]string `json:"answers"`    // by request type: the customer sends the details asked for
	AnswerAny []string          `json:"answer_any"` // the same, whatever the type
	Chasers   []string          `json:"chasers"`    // the customer asks for news
	Thanks    []string          `json:"thanks"`     // the customer confirms it works

	Diagnosis map[string]string `json:"diagnosis"`  // by request type: the specialist's note
	Expert    []string          `json:"expert"`     // the platform engineer's note
	ExpertAsk string            `json:"expert_ask"` // an expert needs more from the customer
	Handoff   []string          `json:"handoff"`    // note: fmt with the next owner's first name
	SwarmAsk  string            `json:"swarm_ask"`  // note: fmt with the invited expert's first name
	SwarmTips []string          `json:"swarm_tips"` // the invited engineer's note
	// For a swarming (integration) ticket: what the owner asks the
	// engineers on inviting them, and the answer, paired by index.
	SwarmQuestions []string `json:"swarm_questions"`
	SwarmAnswers   []string `json:"swarm_answers"`
	// by request type: a billing expert invited by the front line
	BillingTip map[string]string `json:"billing_tip"`
	Vendor     []string          `json:"vendor"` // notes about PayBridge's answers
	Topic      string            `json:"topic"`  // the lead's note on the rising topic
}

// lang is content/replies.json, by language.
var lang = mustLoadContent[map[string]texts]("replies.json")
