package api

import (
	"context"
	"time"

	"github.com/palier/palier/internal/desk"
	"github.com/palier/palier/internal/notify"
	"github.com/palier/palier/internal/store"
	"github.com/palier/palier/internal/ticket"
)

// Notifications over the API: the caller's own, never anyone else's (an
// id of another agent's notification is not found), and only about
// tickets the caller may read now.

var notificationListParams = []param{
	{Name: "unread", Type: "string", Enum: []string{"true", "false"}, Desc: "true: only unread notifications."},
	cursorParam,
	limitParam,
}

func notificationSchemas() map[string]any {
	pref := object([]string{"in_app", "email"}, schema{"in_app": boolean("Shown in the notification centre."), "email": boolean("Emailed to you.")})
	prefs := schema{}
	for _, k := range notify.Kinds {
		prefs[string(k)] = ref("NotificationPreference")
	}
	s := object(nil, prefs)
	s["additionalProperties"] = false
	change := schema{}
	for _, k := range notify.Kinds {
		change[string(k)] = object(nil, schema{"in_app": boolean(""), "email": boolean("")})
	}
	update := object(nil, change)
	update["additionalProperties"] = false
	return map[string]any{
		"Notification": object([]string{"id", "kind", "text", "ticket_id", "ticket_reference", "ticket_subject", "event_id", "actor_agent_id", "created_at", "read_at"}, schema{
			"id":               integer(""),
			"kind":             enum("What happened.", notify.Kinds),
			"text":             str("The notification as a sentence in the language Accept-Language asks for."),
			"ticket_id":        integer(""),
			"ticket_reference": str("#1042"),
			"ticket_subject":   str(""),
			"event_id":         nullable("integer", "The timeline event it comes from."),
			"actor_agent_id":   nullable("integer", "Who did it; null for the customer or the system."),
			"created_at":       when(""),
			"read_at":          nullable("string", "When you read it (date-time); null while unread."),
		}),
		"NotificationPage": object([]string{"data", "next_cursor", "unread_count"}, schema{
			"data":         list(ref("Notification"), "Newest first."),
			"next_cursor":  nullable("string", "Pass as ?cursor= to get the next page; null on the last page."),
			"unread_count": integer("Your unread notifications, counted up to 100."),
		}),
		"NoFields":                      with(object(nil, schema{}), schema{"description": "No fields: send {} or no body."}),
		"NotificationsRead":             object([]string{"marked"}, schema{"marked": integer("How many were unread and are now read.")}),
		"NotificationPreference":        pref,
		"NotificationPreferences":       s,
		"NotificationPreferencesUpdate": update,
	}
}

type notificationOut struct {
	ID        int64       `json:"id"`
	Kind      notify.Kind `json:"kind"`
	Text      string      `json:"text"`
	TicketID  int64       `json:"ticket_id"`
	Reference string      `json:"ticket_reference"`
	Subject   string      `json:"ticket_subject"`
	EventID   *int64      `json:"event_id"`
	ActorID   *int64      `json:"actor_agent_id"`
	CreatedAt time.Time   `json:"created_at"`
	ReadAt    *time.Time  `json:"read_at"`
}

type notificationPage struct {
	page[notificationOut]
	Unread int `json:"unread_count"`
}

func idOrNil(id int64) *int64 {
	if id == 0 {
		return nil
	}
	return &id
}

func (a *API) notificationOut(ctx context.Context, c *call, n store.Notification) (notificationOut, error) {
	dir, err := a.desk.DirectoryFor(ctx, c.actor)
	if err != nil {
		return notificationOut{}, err
	}
	actor := dir.Member(n.ActorID).Name
	if actor == "" {
		actor = desk.NotificationActorNobody(c.lang)
	}
	return notificationOut{ID: n.ID, Kind: n.Kind, Text: desk.NotificationText(c.lang, n.Kind, actor, n.TicketNumber),
		TicketID: n.TicketID, Reference: ticket.Ref(n.TicketNumber), Subject: n.TicketSubject, EventID: idOrNil(n.EventID), ActorID: idOrNil(n.ActorID),
		CreatedAt: n.CreatedAt, ReadAt: n.ReadAt}, nil
}

func (a *API) listNotifications(c *call) (any, error) {
	ctx := c.r.Context()
	before, err := parseIDCursor("notifications", c.r.URL.Query().Get("cursor"))
	if err != nil {
		return nil, err
	}
	limit := int(c.integer("limit", defaultLimit))
	list, err := a.desk.Notifications(ctx, c.actor, before, c.r.URL.Query().Get("unread") == "true", limit+1)
	if err != nil {
		return nil, err
	}
	out := make([]notificationOut, len(list))
	for i, n := range list {
		if out[i], err = a.notificationOut(ctx, c, n); err != nil {
			return nil, err
		}
	}
	unread, err := a.desk.UnreadNotifications(ctx, c.actor)
	if err != nil {
		return nil, err
	}
	return notificationPage{page: pageOf(out, limit, "notifications", func(n notificationOut) int64 { return n.ID }), Unread: unread}, nil
}

func (a *API) markNotificationRead(c *call) (any, error) {
	ctx := c.r.Context()
	id, err := c.idAndNoBody("id")
	if err != nil {
		return nil, err
	}
	if err := a.desk.MarkNotificationRead(ctx, c.actor, id); err != nil {
		return nil, err
	}
	n, err := a.desk.Notification(ctx, c.actor, id)
	if err != nil {
		return nil, err
	}
	return a.notificationOut(ctx, c, n)
}

func (a *API) markAllNotificationsRead(c *call) (any, error) {
	if err := c.noBody(); err != nil {
		return nil, err
	}
	n, err := a.desk.MarkAllNotificationsRead(c.r.Context(), c.actor)
	if err != nil {
		return nil, err
	}
	return map[string]int64{"marked": n}, nil
}

func (a *API) getNotificationPrefs(c *call) (any, error) {
	return a.desk.NotificationPrefs(c.r.Context(), c.actor)
}

func (a *API) updateNotificationPrefs(c *call) (any, error) {
	var in map[string]desk.PrefChange
	if err := c.decode(&in); err != nil {
		return nil, err
	}
	return a.desk.SetNotificationPrefs(c.r.Context(), c.actor, in)
}

// noBody refuses a body on a route that takes none (an empty one, or
// none at all, is fine).
func (c *call) noBody() error {
	if c.r.ContentLength == 0 {
		return nil
	}
	var none struct{}
	return c.decode(&none)
}
