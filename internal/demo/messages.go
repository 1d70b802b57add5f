package demo

import "github.com/palier/palier/internal/ticket"

// message is what a customer writes when opening a ticket. Bodies may use
// {amount} and {invoice}, filled in per ticket; subjects are literal so that
// they depend on the seed alone.
type message struct {
	Lang        string          `json:"lang"`
	Type        string          `json:"type"`
	Subject     string          `json:"subject"`
	Body        string          `json:"body"`
	ErrText     string          `json:"error_message,omitempty"` // the error_message custom field, when the customer quotes one
	Tags        []string        `json:"tags"`
	Sensitive   bool            `json:"sensitive,omitempty"`    // what routing must flag sensitive (see ruleSet); the customer does not say
	DoubleDebit bool            `json:"double_debit,omitempty"` // the rising topic; routing tags it prelevement-double
	Amount      bool            `json:"amount,omitempty"`       // the ticket carries an amount_eur
	Priority    ticket.Priority `json:"priority"`               // the least urgent priority this problem gets
}

// openings are content/openings.json: five messages per request type and
// language.
var openings = mustLoadContent[[]message]("openings.json")

// doubleDebits are the "prélèvement en double" messages: the rising topic
// of the last ten days, when the payment processor replayed a batch of
// SEPA direct debits (content/double_debits.json).
var doubleDebits = doubleDebitMessages(mustLoadContent[[]doubleDebitFile]("double_debits.json"))

// doubleDebit is a message of the rising topic: a payment ticket with an
// amount. Routing tags it prelevement-double, so that the lead's dashboard
// can group them.
func doubleDebit(lang, subject, body string, p ticket.Priority) message {
	return message{Lang: lang, Type: "payment", Subject: subject, Body: body, Amount: true, Priority: p,
		Tags: []string{"sepa"}, DoubleDebit: true}
}
