package desk

import (
	"context"
	"strconv"
	"strings"
	"time"

	"github.com/palier/palier/internal/auth"
	"github.com/palier/palier/internal/chat"
	"github.com/palier/palier/internal/helpbox"
	"github.com/palier/palier/internal/i18n"
	"github.com/palier/palier/internal/problem"
	"github.com/palier/palier/internal/store"
	"github.com/palier/palier/internal/ticket"
	"github.com/palier/palier/internal/workspace"
)

// What the help box offers beyond articles: live chat when the workspace
// has it on and is open (its business hours), else leaving a message; a
// callback request as the contact form's last rung; and the rate limits
// of every public Level 0 endpoint, on the contact form's one limiter.

// ErrChatUnavailable refuses a chat the workspace does not offer now.
var ErrChatUnavailable = problem.New(problem.Conflict, "chat_unavailable", "live chat is not available right now; leave us a message instead")

// ChatOffered reports whether a workspace's customers may start a chat
// now: chat is on, and the workspace is within its business hours (the
// hours its agents work).
func (d *Service) ChatOffered(ctx context.Context, wsID int64) (bool, error) {
	on, err := d.store.ChatEnabled(ctx, wsID)
	if err != nil || !on {
		return false, err
	}
	dir, err := d.publicDirectory(ctx, wsID)
	if err != nil {
		return false, err
	}
	return RoutingEnv(dir).BusinessHours.Inside(d.store.Now()), nil
}

// ChatEnabled reports whether the agent's workspace offers live chat.
func (d *Service) ChatEnabled(ctx context.Context, a auth.Actor) (bool, error) {
	return d.store.ChatEnabled(ctx, a.WorkspaceID)
}

// SetChatEnabled switches live chat on or off (administrators).
func (d *Service) SetChatEnabled(ctx context.Context, a auth.Actor, on bool) error {
	if err := requireAdmin(a); err != nil {
		return err
	}
	return d.store.SetChatEnabled(ctx, a.WorkspaceID, chat.DefaultWait, on)
}

// StartPublicChat starts a chat for a visitor of workspace wsID's public
// pages (the help centre's chat page and the help box), when it offers
// chat now (ChatOffered; else ErrChatUnavailable, writing nothing). Both
// start through here, so one rule decides when customers may chat.
func (d *Service) StartPublicChat(ctx context.Context, wsID int64, in ChatStart) (chat.Conversation, string, error) {
	ok, err := d.ChatOffered(ctx, wsID)
	if err != nil {
		return chat.Conversation{}, "", err
	}
	if !ok {
		return chat.Conversation{}, "", ErrChatUnavailable
	}
	in.Workspace = wsID
	return d.StartChat(ctx, in)
}

// PublicChat is the conversation a customer's token opens, in workspace
// wsID only (the help centre or help box being visited): a token of
// another workspace's conversation is not found there.
func (d *Service) PublicChat(ctx context.Context, wsID int64, token string) (chat.Conversation, error) {
	c, err := d.CustomerChat(ctx, token)
	if err == nil && c.WorkspaceID != wsID {
		return chat.Conversation{}, errNoChat
	}
	return c, err
}

// PublicLimit is the rate of one kind of public request: per client
// address and per workspace.
type PublicLimit struct {
	PerAddress, PerWorkspace Limit
}

// Kinds of public requests and their limits: generous for a person
// reading, far below what a script scraping or flooding would send.
const (
	PublicBox  = "box"  // the help box's pages and its chat start
	PublicAsk  = "ask"  // the assistant
	PublicVote = "vote" // "was this helpful?"
)

// PublicLimits are the limits of each kind.
var PublicLimits = map[string]PublicLimit{
	PublicBox:  {PerAddress: Limit{Max: 120, Window: time.Minute}, PerWorkspace: Limit{Max: 20000, Window: time.Minute}},
	PublicAsk:  {PerAddress: Limit{Max: 20, Window: time.Minute}, PerWorkspace: Limit{Max: 2000, Window: time.Minute}},
	PublicVote: {PerAddress: Limit{Max: 10, Window: 10 * time.Minute}, PerWorkspace: Limit{Max: 2000, Window: time.Hour}},
}

// LimitPublic counts one public request of a kind from address against
// its limits (the contact form's counters, shared by every instance): a
// request over either refuses with rate_limited (429) and retry_after.
func (d *Service) LimitPublic(ctx context.Context, wsID int64, kind, address string) error {
	pl, ok := PublicLimits[kind]
	if !ok {
		return problem.New(problem.Internal, "internal", "unknown rate limit "+kind)
	}
	limits := []store.RateLimit{{Key: kind + ":ws:" + strconv.FormatInt(wsID, 10), Max: pl.PerWorkspace.Max, Window: pl.PerWorkspace.Window}}
	if address != "" {
		limits = append(limits, store.RateLimit{Key: kind + ":" + strconv.FormatInt(wsID, 10) + ":" + auth.AddressKey(address),
			Max: pl.PerAddress.Max, Window: pl.PerAddress.Window})
	}
	return d.reserve(ctx, "rate_limited", "too many requests; try again later", limits)
}

// reserve counts one request against limits, or refuses with code and
// the wait.
func (d *Service) reserve(ctx context.Context, code, msg string, limits []store.RateLimit) error {
	wait, err := d.store.ReserveContact(ctx, limits...)
	if err != nil {
		return err
	}
	if wait > 0 {
		secs := int((wait + time.Second - 1) / time.Second)
		return problem.New(problem.TooMany, code, msg).With("retry_after", strconv.Itoa(secs))
	}
	return nil
}

// CallbackRequest is a visitor's request to be called back, from the
// contact form's last rung.
type CallbackRequest struct {
	Name, Email, Number string
	Window              string // when to call, in their words
	Language            string
	Journey             string
	// Anti-abuse, as for the contact form.
	Honeypot, Stamp, Address string
}

// maxWindow bounds the time window a customer writes.
const maxWindow = 200

// maxCustomerName bounds the name a customer gives on a public form.
const maxCustomerName = 200

var errCallbacksOff = problem.New(problem.NotFound, "callbacks_off", "this workspace does not offer callbacks")

// RequestPublicCallback opens a ticket on channel phone for a visitor who
// asks to be called back, when the workspace offers it: through the one
// intake (routed like any request), with a callback_requested event and
// the journey attached in its transaction, so it waits in the Callbacks
// queue of the tier routing chose until a call is logged on it. Refusals
// are the contact form's, in its order, each writing nothing.
func (d *Service) RequestPublicCallback(ctx context.Context, wsID int64, in CallbackRequest) (ticket.Ticket, error) {
	set, err := d.store.ContactSettings(ctx, wsID)
	if err != nil {
		return ticket.Ticket{}, err
	}
	if !set.Callbacks {
		return ticket.Ticket{}, errCallbacksOff
	}
	if err := d.refuseBots(ctx, wsID, in.Honeypot, in.Stamp); err != nil {
		return ticket.Ticket{}, err
	}
	f := problem.Fields{}
	in.Name = checkLine(f, "name", in.Name, maxCustomerName)
	in.Email = strings.ToLower(strings.TrimSpace(in.Email))
	workspace.CheckEmail(f, "email", in.Email)
	in.Number = checkNumber(f, "number", in.Number)
	in.Window = checkLine(f, "window", in.Window, maxWindow)
	if err := f.Err(); err != nil {
		return ticket.Ticket{}, err
	}
	if err := d.reserveContact(ctx, wsID, in.Address); err != nil {
		return ticket.Ticket{}, err
	}
	dir, err := d.publicDirectory(ctx, wsID)
	if err != nil {
		return ticket.Ticket{}, err
	}
	token := in.Journey
	if !ValidJourneyToken(token) {
		token = NewJourneyToken()
	}
	lang := i18n.Lang(in.Language)
	return d.openCustomerTicket(ctx, dir, channelIntake{Channel: "phone", Email: in.Email, Name: in.Name, Language: lang,
		Subject: clipRunes(i18n.T(lang, "call.callback_subject", "number", in.Number), ticket.MaxSubject),
		Body:    i18n.T(lang, "call.callback_window_body", "number", in.Number, "window", in.Window),
		Tags:    []string{"callback"},
		InTx: func(ctx context.Context, tx *store.Tx, t ticket.Ticket, _ []ticket.Event) error {
			if err := d.store.InsertCallback(ctx, tx, wsID, t.ID, t.CustomerID, in.Number, in.Window); err != nil {
				return err
			}
			return d.store.AttachJourney(ctx, tx, wsID, t.ID, token)
		}})
}

// reserveContact counts one contact (a form, a callback request) against
// the contact limits.
func (d *Service) reserveContact(ctx context.Context, wsID int64, address string) error {
	limits := []store.RateLimit{{Key: "contact:ws:" + strconv.FormatInt(wsID, 10), Max: ContactPerWorkspace.Max, Window: ContactPerWorkspace.Window}}
	if address != "" {
		limits = append(limits, store.RateLimit{Key: "contact:" + auth.AddressKey(address), Max: ContactPerAddress.Max, Window: ContactPerAddress.Window})
	}
	return d.reserve(ctx, "contact_rate_limited", "too many messages; try again later", limits)
}

// PendingCallback is a callback still to make, with its ticket.
type PendingCallback struct {
	Callback store.Callback
	Ticket   ticket.Ticket
}

// maxCallbacks bounds the Callbacks queue shown at once (oldest first).
const maxCallbacks = 100

// Callbacks lists the callbacks still to make on tickets the agent may
// work (the routed tier's queue), oldest first.
func (d *Service) Callbacks(ctx context.Context, a auth.Actor) ([]PendingCallback, error) {
	if err := notForCollaborators(a); err != nil {
		return nil, err
	}
	list, err := d.store.PendingCallbacks(ctx, a.WorkspaceID, maxCallbacks)
	if err != nil {
		return nil, err
	}
	var out []PendingCallback
	for _, c := range list {
		t, err := d.store.Ticket(ctx, a.WorkspaceID, c.TicketID)
		if err != nil {
			return nil, err
		}
		if ticket.CanWork(a, t) {
			out = append(out, PendingCallback{Callback: c, Ticket: t})
		}
	}
	return out, nil
}

// HelpBoxOf returns a workspace's help-box settings, for public pages
// (the key is public: every page carrying the box shows it).
func (d *Service) HelpBoxOf(ctx context.Context, wsID int64) (helpbox.Settings, error) {
	return d.store.HelpBox(ctx, wsID)
}
