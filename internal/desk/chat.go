package desk

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/palier/palier/internal/auth"
	"github.com/palier/palier/internal/chat"
	"github.com/palier/palier/internal/customer"
	"github.com/palier/palier/internal/event"
	"github.com/palier/palier/internal/i18n"
	"github.com/palier/palier/internal/jobs"
	"github.com/palier/palier/internal/live"
	"github.com/palier/palier/internal/problem"
	"github.com/palier/palier/internal/store"
	"github.com/palier/palier/internal/ticket"
	"github.com/palier/palier/internal/workspace"
)

// Live chat (rules in package chat). A customer opens a chat from the help
// centre: the conversation becomes a routed ticket on channel "chat"
// through the same intake as every channel, and each line is a message on
// that ticket, committed before it is acknowledged or relayed. Lines and
// state changes travel on the live hub (topic live.Chat(id)), so the
// customer and the agent may be connected to different instances.
//
// The customer holds a random conversation token; only its hash is
// stored. Agents reach a chat through its ticket's access rule
// (ticket.CanWork to accept, answer, transfer or end it).

// ChatQueue is the topic of changes to the list of open chats (a chat
// started, was accepted, missed, transferred or ended). Conversation
// topics are numbers, so this name cannot clash with one.
var ChatQueue = live.Chat("queue")

// ChatTopic is the topic of one conversation's lines and state changes.
func ChatTopic(id int64) string { return live.Chat(strconv.FormatInt(id, 10)) }

// Kinds of chat events.
const (
	ChatLineEvent  = "line"  // Data: a ChatLine
	ChatStateEvent = "state" // Data: a ChatState
	ChatQueueEvent = "changed"
)

// ChatLine is one line of a conversation, as both sides see it.
type ChatLine struct {
	ID   int64     `json:"id"`   // the message's event id on the ticket
	From string    `json:"from"` // "customer" or "agent"
	Name string    `json:"name"`
	Text string    `json:"text"`
	At   time.Time `json:"at"`
	// CopiedFrom is the number of the ticket a message was first written
	// on, when a merge copied it onto the conversation's ticket (0: it
	// was written there).
	CopiedFrom int64 `json:"copied_from,omitempty"`
}

// ChatState is a conversation's state as both sides see it.
type ChatState struct {
	State chat.State `json:"state"`
	Agent string     `json:"agent,omitempty"` // who accepted it
}

// ChatStart is a customer's request to chat.
type ChatStart struct {
	Name     string
	Email    string // optional
	Text     string // the first line
	Language string
	// Workspace is the workspace whose help centre or help box the
	// customer is visiting (set by StartPublicChat).
	Workspace int64
}

// chatRuntime is what an instance keeps about its chats in memory: the
// pace of each conversation's customer lines.
type chatRuntime struct {
	mu     sync.Mutex
	limits map[int64]*chat.Limiter
}

func (r *chatRuntime) allow(id int64, now time.Time) bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.limits == nil {
		r.limits = map[int64]*chat.Limiter{}
	}
	l := r.limits[id]
	if l == nil {
		l = &chat.Limiter{}
		r.limits[id] = l
	}
	return l.Allow(now)
}

func (r *chatRuntime) forget(id int64) {
	r.mu.Lock()
	delete(r.limits, id)
	r.mu.Unlock()
}

var errChatRateLimited = problem.New(problem.TooMany, "chat_rate_limited", "you are writing too fast; wait a moment").With("retry_after", "1")

// noEmailDomain names the customers who chatted without giving an
// address: a reserved domain (RFC 2606), which nothing ever mails.
const noEmailDomain = "chat.invalid"

// HashChatToken is how a conversation token is stored and looked up.
func HashChatToken(token string) string {
	h := sha256.Sum256([]byte(token))
	return hex.EncodeToString(h[:])
}

// StartChat opens a conversation for a customer of in.Workspace, whether
// or not it offers chat now (public pages call StartPublicChat): a routed ticket on channel "chat" whose first message is
// the customer's first line. It returns the conversation and its token,
// which only the customer holds.
func (d *Service) StartChat(ctx context.Context, in ChatStart) (chat.Conversation, string, error) {
	f := problem.Fields{}
	name := checkLine(f, "name", in.Name, maxCustomerName)
	email := strings.ToLower(strings.TrimSpace(in.Email))
	if email != "" {
		workspace.CheckEmail(f, "email", email)
	}
	line := chat.CheckLine(f, "message", in.Text)
	err := f.Err()
	if err != nil {
		return chat.Conversation{}, "", err
	}
	wsID := in.Workspace
	if wsID == 0 {
		// Never a default workspace: the caller names the one the
		// customer is visiting (StartPublicChat).
		return chat.Conversation{}, "", problem.New(problem.Internal, "internal", "chat started without a workspace")
	}
	dir, err := d.Directory(ctx, auth.Actor{WorkspaceID: wsID})
	if err != nil {
		return chat.Conversation{}, "", err
	}
	lang := in.Language
	if lang == "" {
		lang = dir.Workspace.DefaultLanguage
	}
	address := email
	if address == "" {
		address = "chat-" + strings.ToLower(rand.Text()[:16]) + "@" + noEmailDomain
	}
	token := rand.Text()
	c := chat.Conversation{WorkspaceID: wsID, State: chat.Waiting, Name: name, Email: email, Language: lang}
	t, err := d.openCustomerTicket(ctx, dir, channelIntake{Channel: "chat", Email: address, Name: name, Language: lang,
		Subject: clipRunes(i18n.T(lang, "chat.subject", "name", name), ticket.MaxSubject), Body: line,
		InTx: func(ctx context.Context, tx *store.Tx, t ticket.Ticket, _ []ticket.Event) error {
			c.TicketID = t.ID
			id, err := d.store.InsertChat(ctx, tx, c, HashChatToken(token))
			c.ID = id
			return err
		}})
	if err != nil {
		return chat.Conversation{}, "", err
	}
	c.TicketID = t.ID
	if c, err = d.store.Chat(ctx, wsID, c.ID); err != nil {
		return chat.Conversation{}, "", err
	}
	d.chatRun.allow(c.ID, d.store.Now()) // the first line counts
	d.publish(wsID, ChatQueue, ChatQueueEvent, nil)
	return c, token, nil
}

var errNoChat = problem.New(problem.NotFound, "chat_not_found", "this chat does not exist or has expired")

// CustomerChat returns the conversation a token opens.
func (d *Service) CustomerChat(ctx context.Context, token string) (chat.Conversation, error) {
	if token == "" || len(token) > 64 {
		return chat.Conversation{}, errNoChat
	}
	c, err := d.store.ChatByToken(ctx, HashChatToken(token))
	if problem.Is(err, problem.NotFound) {
		return c, errNoChat
	}
	return c, err
}

// ChatTranscript returns the conversation's lines as its customer reads
// them: the public messages of its ticket (internal notes never reach the
// customer), in the order they were written. A conversation that followed
// a merge (customerLine) is on the ticket kept, whose messages copied from
// another customer's ticket are not its customer's to read
// (withoutOthersCopies).
func (d *Service) ChatTranscript(ctx context.Context, c chat.Conversation) ([]ChatLine, error) {
	t, err := d.store.Ticket(ctx, c.WorkspaceID, c.TicketID)
	if err != nil {
		return nil, err
	}
	events, err := d.chatMessages(ctx, c)
	if err != nil {
		return nil, err
	}
	if events, err = d.withoutOthersCopies(ctx, Customer{WorkspaceID: c.WorkspaceID, Customer: customer.Customer{ID: t.CustomerID}}, events); err != nil {
		return nil, err
	}
	dir, err := d.Directory(ctx, auth.Actor{WorkspaceID: c.WorkspaceID})
	if err != nil {
		return nil, err
	}
	lines := make([]ChatLine, len(events))
	for i, e := range events {
		lines[i] = chatLine(dir, c, e)
	}
	return lines, nil
}

// AgentChatTranscript returns a conversation the agent may work, its
// ticket, and its lines as agents read them: every public message of the
// ticket, those a merge copied from another customer's ticket included
// (the agent works the whole ticket, where the customer's transcript
// leaves them out), each copy marked with the ticket it came from and
// written under its own author's name.
func (d *Service) AgentChatTranscript(ctx context.Context, a auth.Actor, id int64) (chat.Conversation, ticket.Ticket, []ChatLine, error) {
	c, t, err := d.chatForAgent(ctx, a, id)
	if err != nil {
		return c, t, nil, err
	}
	events, err := d.chatMessages(ctx, c)
	if err != nil {
		return c, t, nil, err
	}
	dir, err := d.Directory(ctx, a)
	if err != nil {
		return c, t, nil, err
	}
	authors := chatAuthors{d: d, wsID: a.WorkspaceID, names: map[int64]string{t.CustomerID: c.Name}, sources: map[int64]int64{}}
	lines := make([]ChatLine, len(events))
	for i, e := range events {
		lines[i] = chatLine(dir, c, e)
		if e.Kind != ticket.CustomerMessage {
			continue
		}
		name, err := authors.name(ctx, e.ActorCustomerID, lines[i].CopiedFrom)
		if err != nil {
			return c, t, nil, err
		}
		if name != "" {
			lines[i].Name = name
		}
	}
	return c, t, lines, nil
}

// chatAuthors names the customers whose messages an agent's transcript
// shows: the message's author, or, for a message an agent entered on a
// customer's behalf and a merge copied, the customer of the ticket it
// came from. Each is read once.
type chatAuthors struct {
	d       *Service
	wsID    int64
	names   map[int64]string // customer id → name
	sources map[int64]int64  // ticket number → its customer id
}

func (w chatAuthors) name(ctx context.Context, customerID, copiedFrom int64) (string, error) {
	if customerID == 0 && copiedFrom != 0 {
		id, err := cachedRead(w.sources, copiedFrom, func() (int64, error) {
			src, err := w.d.store.TicketByNumber(ctx, w.wsID, copiedFrom)
			return src.CustomerID, err
		})
		if err != nil {
			return "", err
		}
		customerID = id
	}
	if customerID == 0 {
		return "", nil
	}
	return cachedRead(w.names, customerID, func() (string, error) {
		who, err := w.d.store.Customer(ctx, w.wsID, customerID)
		return who.Name, err
	})
}

// cachedRead returns cache[key], reading it with read the first time; a
// record that is not found reads as the zero value (a ticket or customer
// gone since: the line keeps its own name).
func cachedRead[V any](cache map[int64]V, key int64, read func() (V, error)) (V, error) {
	if v, known := cache[key]; known {
		return v, nil
	}
	v, err := read()
	if problem.Is(err, problem.NotFound) {
		var zero V
		v, err = zero, nil
	}
	if err != nil {
		return v, err
	}
	cache[key] = v
	return v, nil
}

// chatMessages are the public messages of a conversation's ticket in the
// order they were written (merge copies among the rest).
func (d *Service) chatMessages(ctx context.Context, c chat.Conversation) ([]ticket.Event, error) {
	events, err := d.store.EventsInTimeOrder(ctx, c.WorkspaceID, c.TicketID, 0, 0, 1000)
	if err != nil {
		return nil, err
	}
	out := events[:0]
	for _, e := range events {
		if e.Kind == ticket.CustomerMessage || e.Kind == ticket.AgentReply {
			out = append(out, e)
		}
	}
	return out, nil
}

func chatLine(dir Directory, c chat.Conversation, e ticket.Event) ChatLine {
	l := ChatLine{ID: e.ID, Text: e.Body, At: e.CreatedAt, From: "customer", Name: c.Name}
	if e.Kind == ticket.AgentReply {
		l.From, l.Name = "agent", dir.Member(e.ActorAgentID).Name
	}
	if m, ok := event.As[event.Message](e); ok {
		l.CopiedFrom = m.MergedFrom
	}
	return l
}

// CustomerSays stores a customer's line on the conversation's ticket and
// relays it. It returns once the line is committed.
func (d *Service) CustomerSays(ctx context.Context, token, line string) (ChatLine, error) {
	c, err := d.CustomerChat(ctx, token)
	if err != nil {
		return ChatLine{}, err
	}
	return d.say(ctx, c, chat.CustomerSays, auth.Actor{}, line)
}

// AgentSays stores the accepting agent's line as a public reply and relays
// it. Chat lines are not emailed: the customer reads them in the chat.
func (d *Service) AgentSays(ctx context.Context, a auth.Actor, chatID int64, line string) (ChatLine, error) {
	c, _, err := d.chatForAgent(ctx, a, chatID)
	if err != nil {
		return ChatLine{}, err
	}
	return d.say(ctx, c, chat.AgentSays, a, line)
}

func (d *Service) say(ctx context.Context, c chat.Conversation, act chat.Action, a auth.Actor, line string) (ChatLine, error) {
	f := problem.Fields{}
	line = chat.CheckLine(f, "text", line)
	if err := f.Err(); err != nil {
		return ChatLine{}, err
	}
	now := d.store.Now()
	if _, err := chat.Next(c, act, a.AgentID, now, 0); err != nil {
		return ChatLine{}, err
	}
	var e ticket.Event
	var err error
	if act == chat.AgentSays {
		e, err = d.agentLine(ctx, c, a, line)
	} else {
		if !d.chatRun.allow(c.ID, now) {
			return ChatLine{}, errChatRateLimited
		}
		e, err = d.customerLine(ctx, c, line)
	}
	if err != nil {
		return ChatLine{}, err
	}
	dir, err := d.Directory(ctx, auth.Actor{WorkspaceID: c.WorkspaceID})
	if err != nil {
		return ChatLine{}, err
	}
	l := chatLine(dir, c, e)
	d.publish(c.WorkspaceID, ChatTopic(c.ID), ChatLineEvent, l)
	return l, nil
}

// agentLine stores an agent's line on the conversation's ticket: a public
// reply, under the reply rule (checkPost, which refuses a merged ticket)
// on the locked row.
func (d *Service) agentLine(ctx context.Context, c chat.Conversation, a auth.Actor, line string) (ticket.Event, error) {
	e := ticket.Event{Kind: ticket.AgentReply, ActorAgentID: a.AgentID, Body: line, Data: event.Message{Channel: "chat"}}
	guard := func(cur ticket.Ticket) error { return checkPost(a, cur, ticket.AgentReply) }
	e, _, err := d.store.AddMessageThen(ctx, c.WorkspaceID, c.TicketID, guard, e, "", nil)
	return e, err
}

// errChatMovedMeanwhile: another line of the conversation moved it to
// another ticket while this one was on its way; it is written again,
// where the conversation is now.
var errChatMovedMeanwhile = errors.New("chat moved to another ticket meanwhile")

// customerLine stores a customer's line where every channel's message to
// the conversation's ticket goes (landCustomerMessage): on that ticket,
// or, once it is merged, on the ticket kept when that is the same
// customer's, else on a new ticket of their own (never another
// customer's). The conversation then goes on there: its ticket is moved
// in the line's transaction, so that the next lines, the agent's answers
// and the transcript follow (followChat).
func (d *Service) customerLine(ctx context.Context, c chat.Conversation, line string) (ticket.Event, error) {
	dir, err := d.Directory(ctx, auth.Actor{WorkspaceID: c.WorkspaceID})
	if err != nil {
		return ticket.Event{}, err
	}
	data := event.Message{Channel: "chat"}
	for try := 0; ; try++ {
		t, err := d.store.Ticket(ctx, c.WorkspaceID, c.TicketID)
		if err != nil {
			return ticket.Event{}, err
		}
		holder := chatHolder(dir, c)
		var written ticket.Event
		var moved chat.Conversation
		follow := func(ctx context.Context, tx *store.Tx, t ticket.Ticket, events []ticket.Event) error {
			written = events[0]
			if t.ID == c.TicketID {
				return nil
			}
			var err error
			moved, err = d.followChat(ctx, tx, c, holder, t)
			return err
		}
		_, err = d.landCustomerMessage(ctx, c.WorkspaceID, t, nil, customerLanding{
			Write: func(t ticket.Ticket, guard store.Guard) (ticket.Ticket, error) {
				e := ticket.Event{Kind: ticket.CustomerMessage, ActorCustomerID: t.CustomerID, Body: line, Data: data}
				_, out, err := d.store.AddMessageThen(ctx, c.WorkspaceID, t.ID, guard, e, "", follow)
				return out, err
			},
			Beside: func(own, other ticket.Ticket) (ticket.Ticket, error) {
				return d.openBesideMerge(ctx, dir, own, other, line, data, nil, follow)
			}})
		if errors.Is(err, errChatMovedMeanwhile) && try < maxMergeHops {
			if c, err = d.store.Chat(ctx, c.WorkspaceID, c.ID); err != nil {
				return ticket.Event{}, err
			}
			continue
		}
		if err == nil && moved.State != c.State {
			d.announce(ctx, moved) // back in the queue: both sides and the panels are told
		}
		return written, err
	}
}

// chatHolder is the agent who accepted the conversation, as the access
// rule sees them (auth.Actor{} while nobody holds it, or when they left
// the workspace: nobody may work it as theirs then).
func chatHolder(dir Directory, c chat.Conversation) auth.Actor {
	if c.State != chat.Accepted || c.AgentID == 0 {
		return auth.Actor{}
	}
	m := dir.Member(c.AgentID)
	if m.ID == 0 {
		return auth.Actor{}
	}
	return dir.ActorOf(m)
}

// followChat moves the conversation onto ticket t (where a merge took its
// customer's line), in the line's transaction. An accepted conversation
// stays with its agent when they may work t; otherwise nobody would
// answer it (the agent may not, and the others see a colleague's chat):
// it returns to the queue of t's tier, waiting and unassigned
// (chat.Return), and the agent's panel says why (ReturnedChats). The
// customer's lines stay on t either way.
func (d *Service) followChat(ctx context.Context, tx *store.Tx, c chat.Conversation, holder auth.Actor, t ticket.Ticket) (chat.Conversation, error) {
	next := c
	if c.State == chat.Accepted && (holder.AgentID != c.AgentID || !ticket.CanWork(holder, t)) {
		var err error
		if next, err = chat.Next(c, chat.Return, 0, d.store.Now(), 0); err != nil {
			return c, err
		}
	}
	next.TicketID = t.ID
	moved, err := d.store.MoveChatToTicket(ctx, tx, c, next)
	if err == nil && !moved {
		err = errChatMovedMeanwhile
	}
	return next, err
}

// ReturnedChat is a conversation the agent had accepted and that went
// back to the queue (followChat), for their panel: with the ticket it now
// follows and that ticket's tier.
type ReturnedChat struct {
	Chat   chat.Conversation
	Ticket ticket.Ticket
	Tier   workspace.Tier
}

// ReturnedChats lists the open conversations the agent had accepted and
// that went back to the queue because they followed a merge onto a
// ticket the agent may not work (those they may work again are in
// OpenChats as any other).
func (d *Service) ReturnedChats(ctx context.Context, a auth.Actor) ([]ReturnedChat, error) {
	if err := notForCollaborators(a); err != nil {
		return nil, err
	}
	list, err := d.store.ReturnedChats(ctx, a.WorkspaceID, a.AgentID)
	if err != nil {
		return nil, err
	}
	dir, err := d.Directory(ctx, a)
	if err != nil {
		return nil, err
	}
	var out []ReturnedChat
	for _, c := range list {
		t, err := d.store.Ticket(ctx, a.WorkspaceID, c.TicketID)
		if err != nil {
			return nil, err
		}
		if ticket.CanWork(a, t) {
			continue
		}
		out = append(out, ReturnedChat{Chat: c, Ticket: t, Tier: dir.Tier(t.TierID)})
	}
	return out, nil
}

// OpenChat is an open conversation as the agents' panel lists it.
type OpenChat struct {
	Chat   chat.Conversation
	Ticket ticket.Ticket
	Due    time.Time // when a waiting chat is missed
}

// OpenChats lists the open conversations whose ticket the agent may work:
// those waiting for their tier, those they accepted, and missed ones.
func (d *Service) OpenChats(ctx context.Context, a auth.Actor) ([]OpenChat, error) {
	if err := notForCollaborators(a); err != nil {
		return nil, err
	}
	list, err := d.store.OpenChats(ctx, a.WorkspaceID)
	if err != nil {
		return nil, err
	}
	wait, err := d.store.ChatWait(ctx, a.WorkspaceID)
	if err != nil {
		return nil, err
	}
	var out []OpenChat
	for _, c := range list {
		if c.State == chat.Accepted && c.AgentID != a.AgentID && !a.IsLeadOrAdmin() {
			continue // a colleague's conversation
		}
		t, err := d.store.Ticket(ctx, a.WorkspaceID, c.TicketID)
		if err != nil {
			return nil, err
		}
		if !ticket.CanWork(a, t) {
			continue
		}
		out = append(out, OpenChat{Chat: c, Ticket: t, Due: c.Due(wait)})
	}
	return out, nil
}

// WaitingChats counts the conversations waiting for the agent (the
// sidebar's badge).
func (d *Service) WaitingChats(ctx context.Context, a auth.Actor) (int, error) {
	list, err := d.OpenChats(ctx, a)
	n := 0
	for _, c := range list {
		if c.Chat.State == chat.Waiting {
			n++
		}
	}
	return n, err
}

// Chat returns a conversation and its ticket for an agent who may work it.
func (d *Service) Chat(ctx context.Context, a auth.Actor, id int64) (chat.Conversation, ticket.Ticket, error) {
	return d.chatForAgent(ctx, a, id)
}

func (d *Service) chatForAgent(ctx context.Context, a auth.Actor, id int64) (chat.Conversation, ticket.Ticket, error) {
	if err := notForCollaborators(a); err != nil {
		return chat.Conversation{}, ticket.Ticket{}, err
	}
	c, err := d.store.Chat(ctx, a.WorkspaceID, id)
	if problem.Is(err, problem.NotFound) {
		return c, ticket.Ticket{}, errNoChat
	}
	if err != nil {
		return c, ticket.Ticket{}, err
	}
	t, err := d.store.Ticket(ctx, a.WorkspaceID, c.TicketID)
	if err != nil {
		return c, t, err
	}
	if !ticket.CanView(a, t) {
		return c, t, errNoChat
	}
	if !ticket.CanWork(a, t) {
		return c, t, errForbidden
	}
	return c, t, nil
}

// move applies an action and stores its result if nobody changed the
// conversation meanwhile (else the refusal the new state gives).
func (d *Service) move(ctx context.Context, c chat.Conversation, act chat.Action, agentID int64) (chat.Conversation, error) {
	wait, err := d.store.ChatWait(ctx, c.WorkspaceID)
	if err != nil {
		return c, err
	}
	for range 3 {
		next, err := chat.Next(c, act, agentID, d.store.Now(), wait)
		if err != nil {
			return c, err
		}
		won, err := d.store.MoveChat(ctx, c, next)
		if err != nil {
			return c, err
		}
		if won {
			return next, nil
		}
		// Someone moved it first: judge again on what it is now.
		if c, err = d.store.Chat(ctx, c.WorkspaceID, c.ID); err != nil {
			return c, err
		}
	}
	return c, problem.New(problem.Conflict, "chat_busy", "this chat is changing; try again")
}

// ChatStateOf is a conversation's state as both sides see it.
func (d *Service) ChatStateOf(ctx context.Context, c chat.Conversation) ChatState {
	st := ChatState{State: c.State}
	if c.AgentID != 0 {
		if dir, err := d.Directory(ctx, auth.Actor{WorkspaceID: c.WorkspaceID}); err == nil {
			st.Agent = dir.Member(c.AgentID).Name
		}
	}
	return st
}

// announce tells both sides and the agents' panel a conversation's new
// state.
func (d *Service) announce(ctx context.Context, c chat.Conversation) {
	d.publish(c.WorkspaceID, ChatTopic(c.ID), ChatStateEvent, d.ChatStateOf(ctx, c))
	d.publish(c.WorkspaceID, ChatQueue, ChatQueueEvent, nil)
	if c.State == chat.Ended {
		d.chatRun.forget(c.ID)
	}
}

// AcceptChat gives a waiting conversation to the agent, and its ticket
// with it. Of two agents accepting at once, one wins; the other is told
// chat_taken and nothing of theirs is written.
func (d *Service) AcceptChat(ctx context.Context, a auth.Actor, id int64) (chat.Conversation, error) {
	c, t, err := d.chatForAgent(ctx, a, id)
	if err != nil {
		return c, err
	}
	if c, err = d.move(ctx, c, chat.Accept, a.AgentID); err != nil {
		return c, err
	}
	if t.OwnerID != a.AgentID {
		owner := a.AgentID
		if _, err := d.UpdateTicket(ctx, a, t.ID, Update{OwnerID: &owner}); err != nil {
			// The chat is theirs; the ticket's owner stays as it was.
			d.log.Warn("chat: accepted, but the ticket could not be assigned", "chat", c.ID, "ticket", t.ID, "err", err)
		}
	}
	d.announce(ctx, c)
	return c, nil
}

// TransferChat hands an accepted conversation to another tier: the ticket
// is escalated by its procedure (desk.Escalate, with everything that asks
// for), and the conversation waits again, for the agents of that tier.
func (d *Service) TransferChat(ctx context.Context, a auth.Actor, id int64, in EscalateInput) (chat.Conversation, error) {
	c, t, err := d.chatForAgent(ctx, a, id)
	if err != nil {
		return c, err
	}
	if _, err := chat.Next(c, chat.Transfer, a.AgentID, d.store.Now(), 0); err != nil {
		return c, err
	}
	if _, err := d.Escalate(ctx, a, t.ID, in); err != nil {
		return c, err
	}
	if c, err = d.move(ctx, c, chat.Transfer, a.AgentID); err != nil {
		return c, err
	}
	d.announce(ctx, c)
	return c, nil
}

// EndChat ends a conversation on the agent's side.
func (d *Service) EndChat(ctx context.Context, a auth.Actor, id int64) (chat.Conversation, error) {
	c, _, err := d.chatForAgent(ctx, a, id)
	if err != nil {
		return c, err
	}
	if c, err = d.move(ctx, c, chat.End, a.AgentID); err != nil {
		return c, err
	}
	d.announce(ctx, c)
	return c, nil
}

// CustomerEndsChat ends a conversation on the customer's side.
func (d *Service) CustomerEndsChat(ctx context.Context, token string) (chat.Conversation, error) {
	c, err := d.CustomerChat(ctx, token)
	if err != nil {
		return c, err
	}
	if c, err = d.move(ctx, c, chat.End, 0); err != nil {
		return c, err
	}
	d.announce(ctx, c)
	return c, nil
}

// ExpireChats marks missed every waiting conversation nobody accepted
// within its workspace's wait, and tells its customer, who is offered to
// leave a message. Every instance may run it: each conversation is missed
// once.
func (d *Service) ExpireChats(ctx context.Context) (int, error) {
	due, err := d.store.DueChats(ctx, d.store.Now())
	if err != nil {
		return 0, err
	}
	n := 0
	for _, c := range due {
		next, err := d.move(ctx, c, chat.Timeout, 0)
		if problem.Is(err, problem.Conflict) {
			continue // accepted or ended meanwhile
		}
		if err != nil {
			return n, err
		}
		d.announce(ctx, next)
		n++
	}
	return n, nil
}

// RunChatExpiry runs ExpireChats every interval until ctx ends.
func (d *Service) RunChatExpiry(ctx context.Context, every time.Duration) {
	jobs.Every(ctx, every, func(ctx context.Context) {
		if _, err := d.ExpireChats(ctx); err != nil && ctx.Err() == nil {
			d.log.Warn("chat: expiring missed chats failed", "err", err)
		}
	})
}

// LeaveMessage is what a customer whose chat was missed leaves instead: an
// email ticket (channel email, through the same intake as mail), answered
// by email. The chat then ends, and its ticket notes where the message
// went.
func (d *Service) LeaveMessage(ctx context.Context, token, email, message string) (ticket.Ticket, error) {
	c, err := d.CustomerChat(ctx, token)
	if err != nil {
		return ticket.Ticket{}, err
	}
	f := problem.Fields{}
	email = strings.ToLower(strings.TrimSpace(email))
	workspace.CheckEmail(f, "email", email)
	body := strings.TrimSpace(message)
	ticket.CheckBody(f, "message", body)
	if err := f.Err(); err != nil {
		return ticket.Ticket{}, err
	}
	if _, err := chat.Next(c, chat.LeaveMessage, 0, d.store.Now(), 0); err != nil {
		return ticket.Ticket{}, err
	}
	dir, err := d.Directory(ctx, auth.Actor{WorkspaceID: c.WorkspaceID})
	if err != nil {
		return ticket.Ticket{}, err
	}
	t, err := d.openCustomerTicket(ctx, dir, channelIntake{Channel: "email", Email: email, Name: c.Name, Language: c.Language,
		Subject: clipRunes(i18n.T(c.Language, "chat.message_subject", "name", c.Name), ticket.MaxSubject), Body: body})
	if err != nil {
		return t, err
	}
	if c, err = d.move(ctx, c, chat.LeaveMessage, 0); err != nil {
		return t, err
	}
	note := ticket.Event{Kind: ticket.InternalNote, Body: i18n.T(dir.Workspace.DefaultLanguage, "chat.message_left_note", "ref", t.Reference),
		Data: event.Message{Channel: "chat"}}
	if _, _, err := d.store.AddMessage(ctx, c.WorkspaceID, c.TicketID, nil, note, ""); err != nil {
		d.log.Warn("chat: note of the message left not written", "chat", c.ID, "err", err)
	}
	d.announce(ctx, c)
	return t, nil
}

// ChatWait returns how long the workspace's customers wait for an agent.
func (d *Service) ChatWait(ctx context.Context, a auth.Actor) (time.Duration, error) {
	return d.store.ChatWait(ctx, a.WorkspaceID)
}

// SetChatWait changes how long the workspace's customers wait for an agent
// before they are offered to leave a message (administrators).
func (d *Service) SetChatWait(ctx context.Context, a auth.Actor, wait time.Duration) error {
	if err := requireAdmin(a); err != nil {
		return err
	}
	f := problem.Fields{}
	chat.CheckWait(f, "wait_seconds", wait)
	if err := f.Err(); err != nil {
		return err
	}
	return d.store.SetChatWait(ctx, a.WorkspaceID, wait)
}
