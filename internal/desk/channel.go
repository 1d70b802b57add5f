package desk

import (
	"context"
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/palier/palier/internal/attachment"
	"github.com/palier/palier/internal/auth"
	"github.com/palier/palier/internal/connector"
	"github.com/palier/palier/internal/customer"
	"github.com/palier/palier/internal/escalation"
	"github.com/palier/palier/internal/event"
	"github.com/palier/palier/internal/i18n"
	"github.com/palier/palier/internal/problem"
	"github.com/palier/palier/internal/store"
	"github.com/palier/palier/internal/ticket"
	"github.com/palier/palier/internal/workspace"
)

// Channel intake and the email outbox. A channel (the SMTP receiver today)
// hands the desk a message from outside; the desk finds the ticket it
// answers or opens a routed one, in one transaction with the record of the
// message, so that a repeated delivery is stored once. An agent's public
// reply queues an email.send job in the reply's own transaction.

// InboundEmail is a customer's email, parsed and classified as a person's
// message by package mail.
type InboundEmail struct {
	Recipient string // the envelope address it was sent to
	MessageID string // never empty: the receiver makes one up when missing
	FromEmail string
	FromName  string
	Subject   string
	Text      string
	// ThreadIDs are the messages it answers (In-Reply-To, References),
	// TicketNumber the [#ref] of its subject.
	ThreadIDs    []string
	TicketNumber int64
	// Cc are the addresses it was copied to: their answers are accepted
	// onto the ticket.
	Cc []string
	// Files are its attachments, inline images included.
	Files []InboundFile
}

// Intake says what the desk did with an inbound message.
type Intake struct {
	TicketID  int64
	Reference string
	NewTicket bool // false: added to an existing ticket
	Duplicate bool // already received: nothing stored
}

// ErrBadSender refuses a message whose sender cannot be a customer.
var ErrBadSender = errors.New("the sender address is not valid")

// MailBounced marks one of the workspace's outgoing messages failed with
// the bounce's words; a Message-ID that is not one of its own is ignored.
func (d *Service) MailBounced(ctx context.Context, wsID int64, messageID, answer string) error {
	if _, _, err := d.store.MailState(ctx, wsID, messageID); problem.Is(err, problem.NotFound) {
		return nil
	} else if err != nil {
		return err
	}
	return d.store.SetMailState(ctx, wsID, messageID, store.MailFailed, answer)
}

// InboundWorkspace returns the workspace receiving mail at an address, or a
// not-found problem (the receiver refuses the recipient).
func (d *Service) InboundWorkspace(ctx context.Context, address string) (int64, error) {
	return d.store.InboundWorkspace(ctx, address)
}

// ReceiveEmail stores a customer's email: a customer message on the ticket
// it answers, or a new routed ticket on channel email, with the customer
// found or created by address. It returns only once that is committed.
//
// A message threads onto a ticket (by Message-ID, then [#ref]) only when it
// comes from that ticket's customer: anyone else writing with a known
// reference opens a ticket of their own rather than writing into another
// customer's conversation.
func (d *Service) ReceiveEmail(ctx context.Context, wsID int64, in InboundEmail) (Intake, error) {
	in.FromEmail = strings.ToLower(strings.TrimSpace(in.FromEmail))
	if in.MessageID == "" {
		return Intake{}, errors.New("receive email: a message needs a Message-ID")
	}
	if seen, err := d.store.MailReceived(ctx, wsID, in.MessageID); err != nil || seen {
		return Intake{Duplicate: seen}, err
	}
	if err := d.checkSender(ctx, wsID, in.FromEmail); err != nil {
		return Intake{}, err
	}
	body := clipRunes(strings.ToValidUTF8(strings.ReplaceAll(in.Text, "\x00", ""), "\uFFFD"), ticket.MaxBody)
	t, from, err := d.threadedTicket(ctx, wsID, in)
	if err != nil {
		return Intake{}, err
	}
	files, dropped, err := d.inboundBlobs(ctx, wsID, in)
	if err != nil {
		return Intake{}, err
	}
	if t.ID != 0 {
		body = withDroppedNote(body, t.Language, dropped)
	}
	if t.ID != 0 && from == fromVendor {
		// The vendor's answer is for the agents: an internal note, never
		// shown to the customer unless an agent passes it on.
		if strings.TrimSpace(body) == "" {
			body = "…"
		}
		dir, err := d.Directory(ctx, auth.Actor{WorkspaceID: wsID})
		if err != nil {
			return Intake{}, err
		}
		nt := d.notifier(dir, 0)
		_, t, err = d.store.AddMessageThen(ctx, wsID, t.ID, nil,
			ticket.Event{Kind: ticket.InternalNote, Body: body, Data: event.Message{Channel: "email", FromVendor: in.FromEmail}}, "",
			nt.hook(d.attachHook(wsID, files, d.sensitiveHook(wsID, in, body, d.recordInbound(wsID, in)))))
		nt.done(err)
		return d.intakeResult(t, false, err)
	}
	if t.ID != 0 {
		data := event.Message{Channel: "email"}
		if from == fromCc {
			data.FromCc = in.FromEmail
		}
		t, err = d.receiveCustomerMessage(ctx, wsID, t, nil, body, data, files, d.sensitiveHook(wsID, in, body, d.recordInbound(wsID, in)))
		return d.intakeResult(t, false, err)
	}
	return d.openEmailTicket(ctx, wsID, in, body, files, dropped)
}

// receiveCustomerMessage adds a customer's message to their ticket, from
// any channel (email, the help centre's "My requests"): what it does to
// the ticket (a solved one reopens) is ticket.Receive's rule, applied on
// the locked row. then runs last in the same transaction. data says the
// channel, and who wrote when not the customer (an address copied on the
// ticket's mail: the message is then nobody's customer message).
func (d *Service) receiveCustomerMessage(ctx context.Context, wsID int64, t ticket.Ticket, guard store.Guard, body string, data event.Message,
	files []attachment.Attachment, then store.TxHook) (ticket.Ticket, error) {
	if strings.TrimSpace(body) == "" {
		body = "…"
	}
	dir, err := d.Directory(ctx, auth.Actor{WorkspaceID: wsID})
	if err != nil {
		return t, err
	}
	e := ticket.Event{Kind: ticket.CustomerMessage, ActorCustomerID: t.CustomerID, Body: body, Data: data}
	if data.FromCc != "" {
		e.ActorCustomerID = 0
	}
	return d.landCustomerMessage(ctx, wsID, t, guard, customerLanding{
		Write: func(t ticket.Ticket, guard store.Guard) (ticket.Ticket, error) {
			nt := d.notifier(dir, 0) // the owner hears that the customer answered
			_, out, err := d.store.AddMessageThen(ctx, wsID, t.ID, guard, e, "", nt.hook(d.attachHook(wsID, files, then)))
			nt.done(err)
			return out, err
		},
		Beside: func(own, other ticket.Ticket) (ticket.Ticket, error) {
			return d.openBesideMerge(ctx, dir, own, other, body, data, files, then)
		}})
}

func (d *Service) intakeResult(t ticket.Ticket, isNew bool, err error) (Intake, error) {
	if errors.Is(err, store.ErrDuplicateMail) { // delivered twice at once: the other copy won
		return Intake{Duplicate: true}, nil
	}
	if err != nil {
		return Intake{}, err
	}
	return Intake{TicketID: t.ID, Reference: t.Reference, NewTicket: isNew}, nil
}

// threadedTicket finds the ticket a message answers, or the zero Ticket,
// and who wrote it: the customer, an outside vendor's tier, or an address
// copied on the ticket's mail.
func (d *Service) threadedTicket(ctx context.Context, wsID int64, in InboundEmail) (ticket.Ticket, sender, error) {
	var candidates []int64
	id, err := d.store.TicketForMessageIDs(ctx, wsID, in.ThreadIDs)
	if err != nil {
		return ticket.Ticket{}, "", err
	}
	if id != 0 {
		candidates = append(candidates, id)
	}
	if in.TicketNumber != 0 {
		t, err := d.store.TicketByNumber(ctx, wsID, in.TicketNumber)
		if err == nil {
			candidates = append(candidates, t.ID)
		} else if !problem.Is(err, problem.NotFound) {
			return ticket.Ticket{}, "", err
		}
	}
	if len(candidates) == 0 {
		return ticket.Ticket{}, "", nil
	}
	dir, err := d.Directory(ctx, auth.Actor{WorkspaceID: wsID})
	if err != nil {
		return ticket.Ticket{}, "", err
	}
	for _, id := range candidates {
		t, err := d.store.Ticket(ctx, wsID, id)
		if err != nil {
			return ticket.Ticket{}, "", err
		}
		if mine, err := d.writesFrom(ctx, wsID, t.CustomerID, in.FromEmail); err != nil {
			return ticket.Ticket{}, "", err
		} else if mine {
			return t, fromCustomer, nil
		}
		// The vendor of the tier the ticket is at.
		if tier := dir.Tier(t.TierID); tier.External && strings.EqualFold(tier.VendorEmail, in.FromEmail) {
			return t, fromVendor, nil
		}
		if cc, err := d.store.IsTicketCc(ctx, wsID, t.ID, in.FromEmail); err != nil {
			return ticket.Ticket{}, "", err
		} else if cc {
			return t, fromCc, nil
		}
	}
	return ticket.Ticket{}, "", nil
}

// writesFrom says whether a customer writes from an address: their main
// one, or one they keep from a customer merge (customer_emails). A merged
// record's tickets moved to the customer kept, so a reply from its old
// address answers a ticket of theirs.
func (d *Service) writesFrom(ctx context.Context, wsID, customerID int64, email string) (bool, error) {
	c, err := d.store.Customer(ctx, wsID, customerID)
	if err != nil || strings.EqualFold(c.Email, email) {
		return err == nil, err
	}
	holder, err := d.store.CustomerByEmail(ctx, wsID, email)
	if problem.Is(err, problem.NotFound) {
		return false, nil
	}
	return err == nil && holder.ID == customerID, err
}

// openEmailTicket opens a routed ticket from a message, exactly as the API
// would for its customer, on channel email.
func (d *Service) openEmailTicket(ctx context.Context, wsID int64, in InboundEmail, body string, files []attachment.Attachment, dropped []DroppedFile) (Intake, error) {
	dir, err := d.Directory(ctx, auth.Actor{WorkspaceID: wsID})
	if err != nil {
		return Intake{}, err
	}
	subject := strings.Join(strings.Fields(strings.ToValidUTF8(in.Subject, "")), " ")
	if subject == "" {
		subject = i18n.T(dir.Workspace.DefaultLanguage, "mail.no_subject")
	}
	if strings.TrimSpace(body) == "" {
		body = i18n.T(dir.Workspace.DefaultLanguage, "mail.no_text")
	}
	body = withDroppedNote(body, dir.Workspace.DefaultLanguage, dropped)
	t, err := d.openCustomerTicket(ctx, dir, channelIntake{Channel: "email", Email: in.FromEmail, Name: in.FromName,
		Subject: subject, Body: body, Sensitive: holdsPaymentData(in, body), InboundAddress: strings.ToLower(in.Recipient),
		InTx: customerMessageFirst(d.attachHook(wsID, files, d.recordInbound(wsID, in)))})
	return d.intakeResult(t, true, err)
}

// customerMessageFirst runs a channel's record of what it received with
// the customer's message as the first event: the event the channel's
// message became.
func customerMessageFirst(record store.TxHook) store.TxHook {
	return func(ctx context.Context, tx *store.Tx, t ticket.Ticket, events []ticket.Event) error {
		for i, e := range events {
			if e.Kind == ticket.CustomerMessage {
				return record(ctx, tx, t, events[i:i+1])
			}
		}
		return record(ctx, tx, t, events[:1])
	}
}

// channelIntake is a customer writing in through a channel (email, chat):
// who they are, what they wrote, and what the channel records with the
// new ticket (InTx runs in its transaction).
type channelIntake struct {
	Channel     string
	Email, Name string
	Language    string // the customer's, when the channel knows it
	Subject     string
	Body        string
	Tags        []string
	// Sensitive opens the ticket sensitive (payment data in an email)
	// before routing runs, so rules on "sensitive" see it.
	Sensitive bool
	// InboundAddress is the address an email was sent to, which routing
	// rules may test.
	InboundAddress string
	InTx           store.TxHook
}

// openCustomerTicket is the one intake of every channel: it opens a routed
// ticket for a customer who wrote in, exactly as the API would for them
// (the customer found by address, or created with the ticket; the routing
// rules applied; their auto-reply added).
func (d *Service) openCustomerTicket(ctx context.Context, dir Directory, in channelIntake) (ticket.Ticket, error) {
	wsID := dir.Workspace.ID
	cust, err := d.store.CustomerByEmail(ctx, wsID, in.Email)
	var newCustomer *customer.Customer
	if problem.Is(err, problem.NotFound) {
		name := strings.TrimSpace(in.Name)
		if name == "" {
			name, _, _ = strings.Cut(in.Email, "@")
		}
		cust = customer.Customer{Name: clipRunes(name, 200), Email: in.Email, Language: in.Language}
		if err := cust.Validate(); err != nil {
			return ticket.Ticket{}, fmt.Errorf("%w: %q: %v", ErrBadSender, in.Email, err)
		}
		newCustomer = &cust
	} else if err != nil {
		return ticket.Ticket{}, err
	}
	t := ticket.Ticket{Subject: clipRunes(in.Subject, ticket.MaxSubject), Status: ticket.New, Priority: ticket.Normal, Channel: in.Channel, CustomerID: cust.ID,
		Language: cust.Language, Tags: in.Tags, Sensitive: in.Sensitive}
	if t.Language == "" {
		t.Language = in.Language
	}
	if t.Language == "" {
		t.Language = dir.Workspace.DefaultLanguage
	}
	routed, dec, err := d.routeFrom(ctx, dir, &t, cust, in.Body, t, in.InboundAddress)
	if err != nil {
		return ticket.Ticket{}, err
	}
	nt := d.notifier(dir, 0) // the tier routing chose hears of a new ticket
	t, err = d.store.CreateTicket(ctx, wsID, store.NewTicket{Ticket: t, Body: in.Body, FirstIsCustomer: true,
		Events: []ticket.Event{routed}, NewCustomer: newCustomer, Then: autoReply(dec, cust), InTx: nt.createHook(t, in.InTx)})
	nt.doneCreated(t, err)
	return t, err
}

// recordInbound records the message an event came from, in its
// transaction: a second delivery of the same Message-ID rolls back.
func (d *Service) recordInbound(wsID int64, in InboundEmail) store.TxHook {
	return func(ctx context.Context, tx *store.Tx, t ticket.Ticket, events []ticket.Event) error {
		if err := d.store.RecordInboundMail(ctx, tx, wsID, t.ID, events[0].ID, in.MessageID); err != nil {
			return err
		}
		return d.recordCc(ctx, tx, wsID, t, in)
	}
}

// EmailSendJob is the job kind of an agent reply to email.
const EmailSendJob = "email.send"

// EmailJob is an email.send job's payload: everything the sender needs,
// fixed when the reply is written (the Message-ID too, so a retried send
// is the same message).
type EmailJob struct {
	WorkspaceID   int64    `json:"workspace_id"`
	TicketID      int64    `json:"ticket_id"`
	EventID       int64    `json:"event_id"`
	MessageID     string   `json:"message_id"`
	From          string   `json:"from"`
	FromName      string   `json:"from_name"`
	To            string   `json:"to"`
	ToName        string   `json:"to_name"`
	TicketNumber  int64    `json:"ticket_number"`
	TicketSubject string   `json:"ticket_subject"`
	InReplyTo     string   `json:"in_reply_to,omitempty"`
	References    []string `json:"references,omitempty"`
	Body          string   `json:"body"`
	Language      string   `json:"language"`
	// Subject, when set, replaces the "Re: [#ref] subject" of a reply
	// (the vendor's hand-off).
	Subject string `json:"subject,omitempty"`
	// Footer, when set, replaces the customer's "reply to this email"
	// footer (an agent's notification).
	Footer string `json:"footer,omitempty"`
	// A public reply's extras (mailout.go): the ticket's copied
	// addresses, the agent's signature, and whether the reply's files go
	// with it (read at send time from the event's attachments).
	Cc          []string `json:"cc,omitempty"`
	Signature   string   `json:"signature,omitempty"`
	Attachments bool     `json:"attachments,omitempty"`
}

// Outbound configures email replies. Domain names the Message-IDs the desk
// makes up; From is the sender when the workspace has no receiving
// address.
type Outbound struct {
	Domain   string
	From     string
	FromName string
	// WorkspaceRelayOnly: the server has no relay of its own, so only
	// workspaces with their own relay send mail (mailout.go).
	WorkspaceRelayOnly bool
}

// EnableEmailReplies makes agents' public replies go out by email (when
// nothing sends mail, replies stay on the timeline only, and no queue of
// unsent replies builds up to surprise anyone later).
func (d *Service) EnableEmailReplies(o Outbound) { d.outbound = &o }

// emailReply is the hook that queues a public reply's email, or nil.
func (d *Service) emailReply(wsID int64, kind ticket.EventKind) store.TxHook {
	o := d.outbound
	if o == nil || kind != ticket.AgentReply {
		return nil
	}
	return func(ctx context.Context, tx *store.Tx, t ticket.Ticket, events []ticket.Event) error {
		e := events[0]
		oc, err := d.store.OutboundContext(ctx, tx, wsID, t)
		if err != nil {
			return err
		}
		if t.Channel != "email" && oc.Customer.Email == "" || connector.Undeliverable(oc.Customer.Email) {
			return nil
		}
		if t.Channel == "social" && !t.Sensitive {
			// The answer goes back through the connector (connectorReply);
			// only a sensitive ticket's answer also goes privately by email.
			return nil
		}
		from, domain := o.sender(oc)
		lang := t.Language
		if lang == "" {
			lang = oc.Customer.Language
		}
		job := EmailJob{WorkspaceID: wsID, TicketID: t.ID, EventID: e.ID, MessageID: newMessageID(t, e, domain),
			From: from, FromName: o.FromName, To: oc.Customer.Email, ToName: oc.Customer.Name,
			TicketNumber: t.Number, TicketSubject: t.Subject, InReplyTo: oc.LastInbox, References: oc.Thread,
			Body: e.Body, Language: lang}
		if err := d.replyExtras(ctx, tx, wsID, t, e, &job); err != nil {
			return err
		}
		return d.queueEmail(ctx, tx, job)
	}
}

// sender is the address mail about a ticket comes from, and the domain of
// its Message-IDs: the workspace's receiving address when it has one (so
// answers come back to it), else the configured one, else support@domain.
func (o *Outbound) sender(oc store.OutboundMail) (from, domain string) {
	from = oc.From
	if from == "" {
		from = o.From
	}
	domain = o.Domain
	if domain == "" {
		_, domain, _ = strings.Cut(from, "@")
	}
	if domain == "" {
		domain = "palier.invalid"
	}
	if from == "" {
		from = "support@" + domain
	}
	return from, domain
}

func newMessageID(t ticket.Ticket, e ticket.Event, domain string) string {
	return fmt.Sprintf("palier.%d.%d.%s@%s", t.Number, e.ID, strings.ToLower(rand.Text()[:12]), domain)
}

// queueEmail records an outgoing message and queues its sending, in the
// transaction of the event it belongs to.
func (d *Service) queueEmail(ctx context.Context, tx *store.Tx, job EmailJob) error {
	return d.queueEmailKey(ctx, tx, job, fmt.Sprintf("%s:%d", EmailSendJob, job.EventID))
}

// queueEmailKey is queueEmail with the job's unique key given (several
// emails may come from one event: notifications to agents).
func (d *Service) queueEmailKey(ctx context.Context, tx *store.Tx, job EmailJob, key string) error {
	if ok, err := d.mailGoesOut(ctx, tx, job.WorkspaceID); !ok || err != nil {
		return err
	}
	payload, _ := json.Marshal(job)
	if err := d.store.RecordOutboundMail(ctx, tx, job.WorkspaceID, job.TicketID, job.EventID, job.MessageID); err != nil {
		return err
	}
	_, _, err := d.store.EnqueueTx(ctx, tx, store.NewJob{Kind: EmailSendJob, Payload: payload, UniqueKey: key})
	return err
}

// vendorHandoff is the hook that emails the hand-off summary to an outside
// vendor's tier (L4) when a ticket is escalated to it, or nil. The
// vendor's answers thread back by its Message-ID (see ReceiveEmail).
func (d *Service) vendorHandoff(dir Directory, target workspace.Tier, summary escalation.Summary) store.TxHook {
	o := d.outbound
	if o == nil || !target.External || target.VendorEmail == "" {
		return nil
	}
	return func(ctx context.Context, tx *store.Tx, t ticket.Ticket, events []ticket.Event) error {
		e := events[0]
		oc, err := d.store.OutboundContext(ctx, tx, dir.Workspace.ID, t)
		if err != nil {
			return err
		}
		from, domain := o.sender(oc)
		lang := dir.Workspace.DefaultLanguage
		ref := "[#" + strconv.FormatInt(t.Number, 10) + "]"
		return d.queueEmail(ctx, tx, EmailJob{WorkspaceID: dir.Workspace.ID, TicketID: t.ID, EventID: e.ID,
			MessageID: newMessageID(t, e, domain), From: from, FromName: o.FromName, To: target.VendorEmail, ToName: target.Name,
			TicketNumber: t.Number, TicketSubject: t.Subject, Body: summary.Text(lang), Language: lang,
			Subject: i18n.T(lang, "mail.vendor.subject", "ref", ref, "subject", t.Subject)})
	}
}

func clipRunes(s string, max int) string {
	if utf8.RuneCountInString(s) <= max {
		return s
	}
	r := []rune(s)
	return string(r[:max])
}

// MailState returns an outgoing message's send state and the relay's last
// answer.
func (d *Service) MailState(ctx context.Context, wsID int64, messageID string) (state, answer string, err error) {
	return d.store.MailState(ctx, wsID, messageID)
}

// SetMailState records an outgoing message's send state.
func (d *Service) SetMailState(ctx context.Context, wsID int64, messageID, state, answer string) error {
	return d.store.SetMailState(ctx, wsID, messageID, state, answer)
}
