package web

import (
	"net/http"
	"strconv"
	"time"

	"github.com/palier/palier/internal/desk"
	"github.com/palier/palier/internal/notify"
	"github.com/palier/palier/internal/store"
)

// The notification centre: a bell in the top bar with the unread count
// (loaded by htmx, refreshed when the page's event stream says so, see
// live.js), a panel of the recent ones, the full list, and the agent's
// notification settings.

// notificationItem is one notification as a sentence in the reader's
// language.
type notificationItem struct {
	ID       int64
	Text     string
	Subject  string
	At       time.Time
	Unread   bool
	TicketID int64
}

type bellData struct {
	L      *locale
	Unread int
	Count  string // "3", "99+"
}

type notificationsPage struct {
	base
	Items   []notificationItem
	NextURL string
}

const (
	panelSize            = 8
	notificationsPerPage = 50
)

func (s *server) notificationItems(rq *request, list []store.Notification) []notificationItem {
	out := make([]notificationItem, 0, len(list))
	for _, n := range list {
		actor := rq.dir.Member(n.ActorID).Name
		if actor == "" {
			actor = desk.NotificationActorNobody(rq.loc.Lang)
		}
		out = append(out, notificationItem{ID: n.ID, Text: desk.NotificationText(rq.loc.Lang, n.Kind, actor, n.TicketNumber),
			Subject: n.TicketSubject, At: n.CreatedAt, Unread: n.ReadAt == nil, TicketID: n.TicketID})
	}
	return out
}

func (s *server) bell(r *http.Request, rq *request) (bellData, error) {
	n, err := s.d.UnreadNotifications(r.Context(), rq.actor)
	if err != nil {
		return bellData{}, err
	}
	b := bellData{L: rq.loc, Unread: n, Count: strconv.Itoa(n)}
	if n >= desk.MaxUnread {
		b.Count = strconv.Itoa(desk.MaxUnread-1) + "+"
	}
	return b, nil
}

func (s *server) notificationBell(w http.ResponseWriter, r *http.Request, rq *request) error {
	b, err := s.bell(r, rq)
	if err != nil {
		return err
	}
	s.render(w, r, rq.loc, http.StatusOK, "notify", "bell", b)
	return nil
}

func (s *server) notificationPanel(w http.ResponseWriter, r *http.Request, rq *request) error {
	list, err := s.d.Notifications(r.Context(), rq.actor, 0, false, panelSize)
	if err != nil {
		return err
	}
	s.render(w, r, rq.loc, http.StatusOK, "notify", "panel", pair{L: rq.loc, V: s.notificationItems(rq, list)})
	return nil
}

func (s *server) notificationsPage(w http.ResponseWriter, r *http.Request, rq *request) error {
	before, _ := strconv.ParseInt(r.URL.Query().Get("before"), 10, 64)
	list, err := s.d.Notifications(r.Context(), rq.actor, max(before, 0), false, notificationsPerPage+1)
	if err != nil {
		return err
	}
	p := notificationsPage{base: s.base(r, rq, rq.loc.T("notify.title"), "notifications")}
	if len(list) > notificationsPerPage {
		list = list[:notificationsPerPage]
		p.NextURL = "/notifications?before=" + strconv.FormatInt(list[len(list)-1].ID, 10)
	}
	p.Items = s.notificationItems(rq, list)
	s.render(w, r, rq.loc, http.StatusOK, "notify", "", p)
	return nil
}

// openNotification marks a notification read and goes to its ticket. A
// GET, because it is a link: marking one's own notification read is
// harmless if a third party makes the browser follow it.
func (s *server) openNotification(w http.ResponseWriter, r *http.Request, rq *request, id int64) error {
	n, err := s.d.Notification(r.Context(), rq.actor, id)
	if err != nil {
		return err
	}
	if err := s.d.MarkNotificationRead(r.Context(), rq.actor, id); err != nil {
		return err
	}
	http.Redirect(w, r, "/tickets/"+strconv.FormatInt(n.TicketID, 10), http.StatusSeeOther)
	return nil
}

func (s *server) readAllNotifications(w http.ResponseWriter, r *http.Request, rq *request) error {
	if _, err := s.d.MarkAllNotificationsRead(r.Context(), rq.actor); err != nil {
		return err
	}
	if !isHTMX(r) {
		http.Redirect(w, r, localNext(r.PostFormValue("next")), http.StatusSeeOther)
		return nil
	}
	return s.notificationPanel(w, r, rq)
}

// settingsRow is one kind's line of the settings form.
type settingsRow struct {
	Kind  string
	Label string
	notify.Pref
}

type notificationSettingsPage struct {
	base
	Rows  []settingsRow
	Saved bool
}

func (s *server) notificationSettings(w http.ResponseWriter, r *http.Request, rq *request) error {
	prefs, err := s.d.NotificationPrefs(r.Context(), rq.actor)
	if err != nil {
		return err
	}
	p := notificationSettingsPage{base: s.base(r, rq, rq.loc.T("notify.prefs.title"), "settings"), Saved: r.URL.Query().Get("saved") == "1"}
	for _, k := range notify.Kinds {
		p.Rows = append(p.Rows, settingsRow{Kind: string(k), Label: rq.loc.T("notify.kind." + string(k)), Pref: prefs[k]})
	}
	s.render(w, r, rq.loc, http.StatusOK, "notify_settings", "", p)
	return nil
}

// saveNotificationSettings takes the whole form: a box left unticked is
// "off" (an unticked checkbox sends nothing).
func (s *server) saveNotificationSettings(w http.ResponseWriter, r *http.Request, rq *request) error {
	changes := map[string]desk.PrefChange{}
	for _, k := range notify.Kinds {
		inApp, email := r.PostFormValue("in_app."+string(k)) == "1", r.PostFormValue("email."+string(k)) == "1"
		changes[string(k)] = desk.PrefChange{InApp: &inApp, Email: &email}
	}
	if _, err := s.d.SetNotificationPrefs(r.Context(), rq.actor, changes); err != nil {
		return err
	}
	http.Redirect(w, r, "/settings/notifications?saved=1", http.StatusSeeOther)
	return nil
}
