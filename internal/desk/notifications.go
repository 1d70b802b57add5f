package desk

import (
	"context"
	"fmt"

	"github.com/palier/palier/internal/auth"
	"github.com/palier/palier/internal/i18n"
	"github.com/palier/palier/internal/live"
	"github.com/palier/palier/internal/notify"
	"github.com/palier/palier/internal/optional"
	"github.com/palier/palier/internal/problem"
	"github.com/palier/palier/internal/store"
	"github.com/palier/palier/internal/ticket"
)

// Notifications. Each desk function that changes a ticket (assign,
// escalate, invite, note, a customer's message, a status) runs a notifier
// hook last in its own transaction: package notify decides who is told,
// the notices an agent wants in the app are stored and those they want by
// email are queued on the outbox, with the change or not at all. Once the
// change is committed, each stored notice is published on its agent's
// live topic (the badge of their open pages).

// NotificationKind is the live event kind of a new notification.
const NotificationKind = "notification"

// notifier tells the agents concerned by one change.
type notifier struct {
	d     *Service
	dir   Directory
	actor int64
	// stored and events are what the last run of the hook stored and saw,
	// published after the commit. The hook may run more than once when a
	// batched transaction is retried alone, so each run replaces them.
	stored []store.Notification
	events []ticket.Event
	ticket ticket.Ticket
}

func (d *Service) notifier(dir Directory, actorID int64) *notifier {
	return &notifier{d: d, dir: dir, actor: actorID}
}

// members lists the workspace's members as the rules see them.
func (n *notifier) members() []notify.Member {
	out := make([]notify.Member, 0, len(n.dir.Members))
	for _, m := range n.dir.Members {
		out = append(out, notify.Member{Actor: n.dir.ActorOf(m), Name: m.Name, Active: m.Active})
	}
	return out
}

// hook returns a transaction hook that notifies, then runs next.
func (n *notifier) hook(next store.TxHook) store.TxHook {
	return func(ctx context.Context, tx *store.Tx, t ticket.Ticket, events []ticket.Event) error {
		if next != nil {
			if err := next(ctx, tx, t, events); err != nil {
				return err
			}
		}
		return n.run(ctx, tx, t, events)
	}
}

// createHook is hook for a new ticket t: next alone when opening t tells
// nobody (notify.OnCreate), so that intake keeps its one-statement path.
func (n *notifier) createHook(t ticket.Ticket, next store.TxHook) store.TxHook {
	if !notify.OnCreate(t) {
		return next
	}
	return n.hook(next)
}

// doneCreated is done for a new ticket t, whose hook may have been
// skipped (createHook): the ticket is still published, so inboxes show it.
func (n *notifier) doneCreated(t ticket.Ticket, err error) {
	if err == nil && n.ticket.ID == 0 {
		n.ticket, n.events = t, []ticket.Event{{TicketID: t.ID, Kind: ticket.Created}}
	}
	n.done(err)
}

func (n *notifier) run(ctx context.Context, tx *store.Tx, t ticket.Ticket, events []ticket.Event) error {
	n.stored, n.events, n.ticket = nil, events, t
	notices := notify.Decide(notify.Change{ActorID: n.actor, Ticket: t, Events: events}, n.members())
	if len(notices) == 0 {
		return nil
	}
	ids := make([]int64, len(notices))
	for i, x := range notices {
		ids[i] = x.AgentID
	}
	prefs, err := n.d.store.NotificationPrefs(ctx, tx, ids)
	if err != nil {
		return err
	}
	var inApp []notify.Notice
	for _, x := range notices {
		p := prefs[x.AgentID][x.Kind]
		if p.InApp {
			inApp = append(inApp, x)
		}
		if p.Email {
			if err := n.email(ctx, tx, t, x); err != nil {
				return err
			}
		}
	}
	n.stored, err = n.d.store.AddNotifications(ctx, tx, n.dir.Workspace.ID, inApp)
	return err
}

// notificationEvents are the events that tell each notified agent's open
// pages.
func (n *notifier) notificationEvents() []liveEvent {
	out := make([]liveEvent, 0, len(n.stored)+2)
	for _, s := range n.stored {
		out = append(out, liveEvent{ws: n.dir.Workspace.ID, topic: live.Agent(s.AgentID), kind: NotificationKind,
			data: map[string]any{"id": s.ID, "kind": s.Kind, "ticket_id": s.TicketID}})
	}
	return out
}

// email queues a notice's email to its agent, in their language, when
// outgoing mail is configured.
func (n *notifier) email(ctx context.Context, tx *store.Tx, t ticket.Ticket, x notify.Notice) error {
	o := n.d.outbound
	m := n.dir.Member(x.AgentID)
	if o == nil || m.Email == "" {
		return nil
	}
	oc, err := n.d.store.OutboundContext(ctx, tx, n.dir.Workspace.ID, t)
	if err != nil {
		return err
	}
	from, domain := o.sender(oc)
	lang := m.Language
	if lang == "" {
		lang = n.dir.Workspace.DefaultLanguage
	}
	text := NotificationText(lang, x.Kind, n.actorName(x.ActorID, lang), t.Number)
	ref := ticket.Ref(t.Number)
	body := text + "\n\n" + ref + " " + t.Subject
	job := EmailJob{WorkspaceID: n.dir.Workspace.ID, TicketID: t.ID, EventID: x.EventID,
		MessageID: newMessageID(t, ticket.Event{ID: x.EventID}, domain), From: from, FromName: o.FromName, To: m.Email, ToName: m.Name,
		TicketNumber: t.Number, TicketSubject: t.Subject, Body: body, Language: lang,
		Subject: i18n.T(lang, "notify.mail.subject", "text", text, "subject", t.Subject), Footer: i18n.T(lang, "notify.mail.footer")}
	// One email per agent, kind and event: a retried transaction does
	// not queue it twice.
	return n.d.queueEmailKey(ctx, tx, job, fmt.Sprintf("%s:notify:%d:%d:%s", EmailSendJob, x.EventID, x.AgentID, x.Kind))
}

func (n *notifier) actorName(id int64, lang string) string {
	if m := n.dir.Member(id); m.ID != 0 {
		return m.Name
	}
	return NotificationActorNobody(lang)
}

// NotificationActorNobody names the actor of what nobody in the team did
// (a customer's message, routing at intake).
func NotificationActorNobody(lang string) string { return i18n.T(lang, "notify.actor.nobody") }

// Notification returns one of the actor's notifications about a ticket
// they may read; anything else is not found.
func (d *Service) Notification(ctx context.Context, a auth.Actor, id int64) (store.Notification, error) {
	return d.store.Notification(ctx, a.WorkspaceID, a, id)
}

// NotificationText is a notification as a sentence in lang: "Nadia
// assigned #1042 to you".
func NotificationText(lang string, k notify.Kind, actor string, number int64) string {
	return i18n.T(lang, "notify.text."+string(k), "actor", actor, "ref", ticket.Ref(number))
}

// Notifications lists one page of the actor's notifications, newest first,
// about tickets they may read now.
func (d *Service) Notifications(ctx context.Context, a auth.Actor, before int64, unreadOnly bool, limit int) ([]store.Notification, error) {
	return d.store.Notifications(ctx, a.WorkspaceID, a, before, unreadOnly, limit)
}

// MaxUnread is where the unread count stops counting ("99+").
const MaxUnread = 100

// UnreadNotifications counts the actor's unread notifications, up to
// MaxUnread.
func (d *Service) UnreadNotifications(ctx context.Context, a auth.Actor) (int, error) {
	return d.store.CountUnreadNotifications(ctx, a.WorkspaceID, a, MaxUnread)
}

// MarkNotificationRead marks one of the actor's own notifications read;
// anyone else's is not found.
func (d *Service) MarkNotificationRead(ctx context.Context, a auth.Actor, id int64) error {
	if err := d.store.MarkNotificationRead(ctx, a.WorkspaceID, a.AgentID, id); err != nil {
		return err
	}
	d.publish(a.WorkspaceID, live.Agent(a.AgentID), "notifications_read", nil)
	return nil
}

// MarkAllNotificationsRead marks all the actor's notifications read.
func (d *Service) MarkAllNotificationsRead(ctx context.Context, a auth.Actor) (int64, error) {
	n, err := d.store.MarkAllNotificationsRead(ctx, a.WorkspaceID, a.AgentID)
	if err == nil {
		d.publish(a.WorkspaceID, live.Agent(a.AgentID), "notifications_read", nil)
	}
	return n, err
}

// NotificationPrefs returns the actor's preferences for every kind.
func (d *Service) NotificationPrefs(ctx context.Context, a auth.Actor) (map[notify.Kind]notify.Pref, error) {
	all, err := d.store.NotificationPrefs(ctx, nil, []int64{a.AgentID})
	if err != nil {
		return nil, err
	}
	return all[a.AgentID], nil
}

// PrefChange changes one kind's preference; nil leaves a channel as it is.
type PrefChange struct {
	InApp *bool `json:"in_app"`
	Email *bool `json:"email"`
}

// SetNotificationPrefs changes the actor's own preferences for the kinds
// given (unknown kinds are refused, every one named) and returns them all.
func (d *Service) SetNotificationPrefs(ctx context.Context, a auth.Actor, changes map[string]PrefChange) (map[notify.Kind]notify.Pref, error) {
	f := problem.Fields{}
	for k := range changes {
		if !notify.Kind(k).Valid() {
			f.Add(k, "unknown_value", "unknown notification kind", "value", k)
		}
	}
	if err := f.Err(); err != nil {
		return nil, err
	}
	cur, err := d.NotificationPrefs(ctx, a)
	if err != nil {
		return nil, err
	}
	set := make(map[notify.Kind]notify.Pref, len(changes))
	for k, c := range changes {
		p := cur[notify.Kind(k)]
		optional.Set(&p.InApp, c.InApp)
		optional.Set(&p.Email, c.Email)
		set[notify.Kind(k)] = p
	}
	if err := d.store.SetNotificationPrefs(ctx, a.WorkspaceID, a.AgentID, set); err != nil {
		return nil, err
	}
	return d.NotificationPrefs(ctx, a)
}

// MentionableMembers lists the active members an internal note on a
// ticket may @mention usefully: those who may read it (a mention of anyone
// else tells nobody). The composer's type-ahead offers them.
func (d *Service) MentionableMembers(ctx context.Context, a auth.Actor, t ticket.Ticket) ([]string, error) {
	dir, err := d.DirectoryFor(ctx, a)
	if err != nil {
		return nil, err
	}
	var out []string
	for _, m := range dir.Members {
		if m.Active && m.ID != a.AgentID && ticket.CanView(dir.ActorOf(m), t) {
			out = append(out, m.Name)
		}
	}
	return out, nil
}
