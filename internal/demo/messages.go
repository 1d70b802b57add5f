package demo

import "github.com/palier/palier/internal/ticket"

// message is what a customer writes when opening a ticket. Bodies may use
// {amount} and {invoice}, filled in per ticket; subjects are literal so that
// they depend on the seed alone.
type message struct {
	lang, typ     string
	subject, body string
	errText       string // the error_message custom field, when the customer quotes one
	tags          []string
	sensitive     bool            // what routing must flag sensitive (see ruleSet); the customer does not say
	doubleDebit   bool            // the rising topic; routing tags it prelevement-double
	amount        bool            // the ticket carries an amount_eur
	priority      ticket.Priority // the least urgent priority this problem gets
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
	return message{lang: lang, typ: "payment", subject: subject, body: body, amount: true, priority: p,
		tags: []string{"sepa"}, doubleDebit: true}
}
