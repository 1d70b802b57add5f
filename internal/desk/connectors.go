package desk

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/palier/palier/internal/auth"
	"github.com/palier/palier/internal/connector"
	"github.com/palier/palier/internal/event"
	"github.com/palier/palier/internal/i18n"
	"github.com/palier/palier/internal/problem"
	"github.com/palier/palier/internal/store"
	"github.com/palier/palier/internal/ticket"
)

// The generic channel API (package connector): admins declare connectors;
// a source posts signed messages, which become tickets on channel
// "social" exactly as email does; agents' public replies on those tickets
// are queued for the connector's webhook in the reply's own transaction.

// ConnectorDeliverJob is the job kind of a reply delivered to a webhook.
const ConnectorDeliverJob = "connector.deliver"

// ConnectorJob is a connector.deliver job's payload, fixed when the reply
// is written so a retried delivery sends the same thing.
type ConnectorJob struct {
	WorkspaceID int64              `json:"workspace_id"`
	ConnectorID int64              `json:"connector_id"`
	Message     connector.Outbound `json:"message"`
}

// ConnectorSettings are what an admin sets on a connector.
type ConnectorSettings struct {
	Name       string
	WebhookURL string
	Public     bool
	Active     bool
}

func (c ConnectorSettings) validate() error {
	f := problem.Fields{}
	if n := strings.TrimSpace(c.Name); n == "" {
		f.Required("name")
	} else if len([]rune(n)) > connector.MaxName {
		f.Add("name", "too_long", "is too long", "max", strconv.Itoa(connector.MaxName))
	}
	connector.CheckWebhookURL(f, "webhook_url", c.WebhookURL)
	return f.Err()
}

// CreateConnector declares a connector (admins). The returned connector
// carries its signing secret: the only time anyone sees it.
func (d *Service) CreateConnector(ctx context.Context, a auth.Actor, set ConnectorSettings) (connector.Connector, error) {
	if err := requireAdmin(a); err != nil {
		return connector.Connector{}, err
	}
	if err := set.validate(); err != nil {
		return connector.Connector{}, err
	}
	c := connector.Connector{WorkspaceID: a.WorkspaceID, Key: connector.NewKey(), Secret: connector.NewSecret(),
		Name: strings.TrimSpace(set.Name), WebhookURL: set.WebhookURL, Public: set.Public, Active: true}
	plain := c.Secret
	c.Secret = d.sealConnectorSecret(c.Key, plain)
	c, err := d.store.CreateConnector(ctx, a.AgentID, c)
	c.Secret = plain
	return c, err
}

// Connector secrets are sealed at rest with the server key (package
// secret), bound to the connector's key so a sealed secret copied onto
// another row does not open. They must be readable again (HMAC needs the
// secret itself), so they are encrypted, not hashed. Rows written before
// the server had a key, or by an older version, hold the plain secret
// ("whsec_…"): SealConnectorSecrets seals them at start.

func connectorSecretPurpose(key string) string { return "palier connector secret " + key }

func (d *Service) sealConnectorSecret(key, plain string) string {
	if d.inbound.box == nil {
		return plain // no server key (tests, tools): kept as issued
	}
	return d.inbound.box.Seal(plain, connectorSecretPurpose(key))
}

// errConnectorKey reports a sealed secret the server key cannot open: the
// key was changed. The sender retries; the admin must restore the key or
// create a new connector.
var errConnectorKey = errors.New("connector secret: cannot be opened with the server key (was PALIER_SECRET_KEY changed?)")

// openConnector returns c with its secret readable.
func (d *Service) openConnector(c connector.Connector) (connector.Connector, error) {
	if !strings.HasPrefix(c.Secret, "v1:") {
		return c, nil // not sealed yet
	}
	if d.inbound.box == nil {
		return c, errConnectorKey
	}
	plain, err := d.inbound.box.Open(c.Secret, connectorSecretPurpose(c.Key))
	if err != nil {
		d.log.Error("connector secret cannot be opened", "connector", c.ID, "err", err)
		return c, errConnectorKey
	}
	c.Secret = plain
	return c, nil
}

// SealConnectorSecrets seals the connector secrets still kept plain (rows
// from before secrets were sealed) and returns how many it sealed. It is
// run at start; several instances doing it at once seal each row once.
func (d *Service) SealConnectorSecrets(ctx context.Context) (int, error) {
	if d.inbound.box == nil {
		return 0, nil
	}
	list, err := d.store.PlainConnectorSecrets(ctx)
	if err != nil {
		return 0, err
	}
	n := 0
	for _, c := range list {
		ok, err := d.store.SealConnectorSecret(ctx, c.ID, c.Secret, d.sealConnectorSecret(c.Key, c.Secret))
		if err != nil {
			return n, err
		}
		if ok {
			n++
		}
	}
	return n, nil
}

// Connectors lists the workspace's connectors (admins), without secrets.
func (d *Service) Connectors(ctx context.Context, a auth.Actor) ([]connector.Connector, error) {
	if err := requireAdmin(a); err != nil {
		return nil, err
	}
	return d.store.Connectors(ctx, a.WorkspaceID)
}

// UpdateConnector changes a connector's settings (admins); deactivating it
// refuses its posts and stops deliveries to it.
func (d *Service) UpdateConnector(ctx context.Context, a auth.Actor, id int64, set ConnectorSettings) (connector.Connector, error) {
	if err := requireAdmin(a); err != nil {
		return connector.Connector{}, err
	}
	if err := set.validate(); err != nil {
		return connector.Connector{}, err
	}
	c, err := d.store.Connector(ctx, a.WorkspaceID, id)
	if err != nil {
		return c, err
	}
	c.Name, c.WebhookURL, c.Public, c.Active = strings.TrimSpace(set.Name), set.WebhookURL, set.Public, set.Active
	return c, d.store.UpdateConnector(ctx, a.AgentID, c)
}

// Problems of a post to the channel API. Unknown keys and bad signatures
// answer alike, so the endpoint tells a prober nothing.
var (
	errConnectorUnknown  = problem.New(problem.Unauthorized, "bad_signature", "unknown channel or bad signature")
	errConnectorStale    = problem.New(problem.Unauthorized, "stale_signature", "the signature's time is more than 5 minutes from ours: check the sender's clock")
	errConnectorUnsigned = problem.New(problem.Unauthorized, "unsigned", "sign the request with the X-Palier-Signature header")
	errConnectorInactive = problem.New(problem.Forbidden, "connector_inactive", "this channel is turned off")
)

// VerifyConnectorPost authenticates a post to the channel API: the key
// names a connector and the signature matches the raw body.
func (d *Service) VerifyConnectorPost(ctx context.Context, key, signature string, body []byte) (connector.Connector, error) {
	if !connector.ValidKey(key) {
		return connector.Connector{}, errConnectorUnknown
	}
	c, err := d.store.ConnectorByKey(ctx, key)
	if problem.Is(err, problem.NotFound) {
		return c, errConnectorUnknown
	} else if err != nil {
		return c, err
	}
	if c, err = d.openConnector(c); err != nil {
		return c, err
	}
	switch err := connector.Verify(c.Secret, signature, time.Now(), body); {
	case errors.Is(err, connector.ErrNoSignature):
		return c, errConnectorUnsigned
	case errors.Is(err, connector.ErrStale):
		return c, errConnectorStale
	case err != nil:
		return c, errConnectorUnknown
	}
	if !c.Active {
		return c, errConnectorInactive
	}
	return c, nil
}

// ReceiveConnectorMessage stores a verified post: a customer message on
// its conversation's ticket, or a new routed ticket on channel "social".
// It returns once that is committed; a repeated message id stores nothing.
func (d *Service) ReceiveConnectorMessage(ctx context.Context, c connector.Connector, in connector.Inbound) (Intake, error) {
	if err := in.Validate(); err != nil {
		return Intake{}, err
	}
	if d.store.ConnectorMessageReceived(ctx, c.ID, in.MessageID) {
		return Intake{Duplicate: true}, nil
	}
	for range 2 { // a second pass threads onto a ticket opened meanwhile
		id, err := d.store.ConversationTicket(ctx, c.ID, in.ConversationID)
		if err != nil {
			return Intake{}, err
		}
		var res Intake
		if id != 0 {
			res, err = d.addConnectorMessage(ctx, c, id, in)
		} else {
			res, err = d.openConnectorTicket(ctx, c, in)
		}
		if errors.Is(err, store.ErrConversationTaken) {
			continue
		}
		if errors.Is(err, store.ErrDuplicateConnectorMessage) {
			return Intake{Duplicate: true}, nil
		}
		return res, err
	}
	return Intake{}, errors.New("receive connector message: the conversation's ticket keeps changing")
}

// recordConnectorInbound records the post an event came from, in its
// transaction.
func (d *Service) recordConnectorInbound(c connector.Connector, in connector.Inbound, newConversation bool) store.TxHook {
	return func(ctx context.Context, tx *store.Tx, t ticket.Ticket, events []ticket.Event) error {
		return d.store.RecordConnectorInbound(ctx, tx, c.ID, t.ID, events[0].ID, in.ConversationID, in.MessageID, newConversation)
	}
}

// chainHooks runs hooks one after the other in one transaction; nil hooks
// are skipped, and no hook at all gives nil.
func chainHooks(hooks ...store.TxHook) store.TxHook {
	var list []store.TxHook
	for _, h := range hooks {
		if h != nil {
			list = append(list, h)
		}
	}
	switch len(list) {
	case 0:
		return nil
	case 1:
		return list[0]
	}
	return func(ctx context.Context, tx *store.Tx, t ticket.Ticket, events []ticket.Event) error {
		for _, h := range list {
			if err := h(ctx, tx, t, events); err != nil {
				return err
			}
		}
		return nil
	}
}

func (d *Service) addConnectorMessage(ctx context.Context, c connector.Connector, ticketID int64, in connector.Inbound) (Intake, error) {
	t, err := d.store.Ticket(ctx, c.WorkspaceID, ticketID)
	if err != nil {
		return Intake{}, err
	}
	data := event.Message{Channel: "social", Connector: c.Name}
	if cust, err := d.store.Customer(ctx, c.WorkspaceID, t.CustomerID); err == nil && cust.Email != connector.ContactEmail(c, in.Author) {
		// Someone else joined the public thread: say who, since the
		// message is filed under the ticket's customer.
		data.Author = in.Author.Name
	}
	body := clipRunes(in.Text, ticket.MaxBody)
	dir, err := d.Directory(ctx, auth.Actor{WorkspaceID: c.WorkspaceID})
	if err != nil {
		return Intake{}, err
	}
	nt := d.notifier(dir, 0) // the owner hears that the customer answered
	_, t, err = d.store.AddMessageThen(ctx, c.WorkspaceID, ticketID, nil,
		ticket.Event{Kind: ticket.CustomerMessage, ActorCustomerID: t.CustomerID, Body: body, Data: data}, "",
		nt.hook(d.recordConnectorInbound(c, in, false)))
	nt.done(err)
	if err != nil {
		return Intake{}, err
	}
	return Intake{TicketID: t.ID, Reference: t.Reference}, nil
}

func (d *Service) openConnectorTicket(ctx context.Context, c connector.Connector, in connector.Inbound) (Intake, error) {
	dir, err := d.Directory(ctx, auth.Actor{WorkspaceID: c.WorkspaceID})
	if err != nil {
		return Intake{}, err
	}
	lang := in.Language
	if lang == "" {
		lang = dir.Workspace.DefaultLanguage
	}
	subject := strings.Join(strings.Fields(in.Subject), " ")
	if subject == "" {
		subject = firstLine(in.Text)
	}
	if subject == "" {
		subject = i18n.T(lang, "connector.no_subject", "channel", c.Name)
	}
	t, err := d.openCustomerTicket(ctx, dir, channelIntake{Channel: "social", Email: connector.ContactEmail(c, in.Author), Name: in.Author.Name,
		Language: in.Language, Subject: subject, Body: clipRunes(in.Text, ticket.MaxBody),
		InTx: customerMessageFirst(d.recordConnectorInbound(c, in, true))})
	if err != nil {
		return Intake{}, err
	}
	return Intake{TicketID: t.ID, Reference: t.Reference, NewTicket: true}, nil
}

// firstLine is a subject made from a message that has none: its first
// line, cut at a word near 80 characters.
func firstLine(text string) string {
	line, _, _ := strings.Cut(strings.TrimSpace(text), "\n")
	line = strings.Join(strings.Fields(line), " ")
	if r := []rune(line); len(r) > 80 {
		cut := string(r[:80])
		if i := strings.LastIndexByte(cut, ' '); i > 40 {
			cut = cut[:i]
		}
		line = cut + "…"
	}
	return line
}

// connectorReply is the hook that queues an agent's public reply for the
// webhook of the connector its ticket came from, or does nothing for
// tickets of other channels. On a public connector, a sensitive ticket's
// reply is replaced by a notice that the answer was given privately.
func (d *Service) connectorReply(wsID int64, kind ticket.EventKind) store.TxHook {
	if kind != ticket.AgentReply {
		return nil
	}
	return func(ctx context.Context, tx *store.Tx, t ticket.Ticket, events []ticket.Event) error {
		if t.Channel != "social" {
			return nil
		}
		c, conv, ok, err := d.store.TicketConversation(ctx, tx, wsID, t.ID)
		if err != nil || !ok || !c.Active || c.WebhookURL == "" {
			return err
		}
		e := events[0]
		lang := t.Language
		msg := connector.Outbound{Connector: c.Key, ConversationID: conv, MessageID: fmt.Sprintf("palier-%d-%d", t.Number, e.ID),
			Ticket: t.Reference, Text: e.Body, Language: lang, SentAt: e.CreatedAt}
		if c.Public && t.Sensitive {
			msg.Text, msg.Private = i18n.T(lang, "connector.private_reply"), true
		}
		if err := d.store.RecordConnectorOutbound(ctx, tx, c.ID, t.ID, e.ID, msg.MessageID); err != nil {
			return err
		}
		payload, _ := json.Marshal(ConnectorJob{WorkspaceID: wsID, ConnectorID: c.ID, Message: msg})
		_, _, err = d.store.EnqueueTx(ctx, tx, store.NewJob{Kind: ConnectorDeliverJob, Payload: payload,
			UniqueKey: fmt.Sprintf("%s:%d", ConnectorDeliverJob, e.ID)})
		return err
	}
}

// ConnectorForDelivery returns the connector a queued delivery goes to, as
// it is now (its webhook may have changed, or it may be off).
func (d *Service) ConnectorForDelivery(ctx context.Context, wsID, id int64) (connector.Connector, error) {
	c, err := d.store.Connector(ctx, wsID, id)
	if err != nil {
		return c, err
	}
	return d.openConnector(c)
}

// SetConnectorDelivery records a delivery's state and the receiver's answer.
func (d *Service) SetConnectorDelivery(ctx context.Context, connectorID int64, messageID, state, answer string) error {
	return d.store.SetConnectorDelivery(ctx, connectorID, messageID, state, answer)
}

// ConnectorDelivery returns a delivery's state and the receiver's answer.
func (d *Service) ConnectorDelivery(ctx context.Context, connectorID int64, messageID string) (state, answer string, err error) {
	return d.store.ConnectorDelivery(ctx, connectorID, messageID)
}

// retryDelivery queues a reply's failed delivery again, by email or to a
// connector's webhook (the timeline's one retry button serves both).
func (d *Service) retryDelivery(ctx context.Context, a auth.Actor, ticketID, eventID int64) error {
	err := d.store.RetryMail(ctx, a.WorkspaceID, a.AgentID, ticketID, eventID, fmt.Sprintf("%s:%d", EmailSendJob, eventID))
	if !problem.Is(err, problem.NotFound) {
		return err
	}
	return d.store.RetryConnectorDelivery(ctx, a.WorkspaceID, a.AgentID, ticketID, eventID, fmt.Sprintf("%s:%d", ConnectorDeliverJob, eventID))
}
