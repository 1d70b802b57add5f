package store

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/palier/palier/internal/auth"
	"github.com/palier/palier/internal/notify"
	"github.com/palier/palier/internal/problem"
)

// Notification is one thing an agent was told, with what the notification
// centre shows of its ticket.
type Notification struct {
	ID            int64       `json:"id"`
	AgentID       int64       `json:"agent_id"`
	Kind          notify.Kind `json:"kind"`
	TicketID      int64       `json:"ticket_id"`
	EventID       int64       `json:"event_id"`
	ActorID       int64       `json:"actor_agent_id"`
	CreatedAt     time.Time   `json:"created_at"`
	ReadAt        *time.Time  `json:"read_at"`
	TicketNumber  int64       `json:"ticket_number"`
	TicketSubject string      `json:"ticket_subject"`
}

// AddNotifications stores notices in the transaction of the change they
// tell of, and returns them as stored (ids set).
func (s *Store) AddNotifications(ctx context.Context, tx *Tx, wsID int64, ns []notify.Notice) ([]Notification, error) {
	now := fromMS(ms(s.now()))
	out := make([]Notification, 0, len(ns))
	for _, n := range ns {
		row := Notification{AgentID: n.AgentID, Kind: n.Kind, TicketID: n.TicketID, EventID: n.EventID, ActorID: n.ActorID, CreatedAt: now}
		err := tx.QueryRowContext(ctx, `INSERT INTO notifications (workspace_id, agent_id, kind, ticket_id, event_id, actor_agent_id, created_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id`,
			wsID, n.AgentID, string(n.Kind), n.TicketID, nullID(n.EventID), nullID(n.ActorID), ms(now)).Scan(&row.ID)
		if err != nil {
			return nil, fmt.Errorf("add notification: %w", err)
		}
		out = append(out, row)
	}
	return out, nil
}

// visibleNotifications is the condition, on notifications n, that they are
// the viewer's own and about tickets the viewer may read now (a ticket
// marked sensitive since is no longer shown, not even its subject). $1 is
// the workspace.
func visibleNotifications(wsID int64, viewer auth.Actor) (string, *sqlArgs) {
	where, args := Filter{Viewer: &viewer}.where(wsID)
	q := &sqlArgs{args: args}
	return "n.workspace_id = $1 AND n.agent_id = " + q.arg(viewer.AgentID) +
		" AND n.ticket_id IN (SELECT id FROM tickets WHERE " + where + ")", q
}

// Notifications returns one page of the viewer's notifications, newest
// first, before a notification id (0: from the newest).
func (s *Store) Notifications(ctx context.Context, wsID int64, viewer auth.Actor, before int64, unreadOnly bool, limit int) ([]Notification, error) {
	return s.notifications(ctx, wsID, viewer, func(cond string, q *sqlArgs) string {
		if before > 0 {
			cond += " AND n.id < " + q.arg(before)
		}
		if unreadOnly {
			cond += " AND n.read_at IS NULL"
		}
		return cond
	}, limit)
}

func (s *Store) notifications(ctx context.Context, wsID int64, viewer auth.Actor, more func(string, *sqlArgs) string, limit int) ([]Notification, error) {
	cond, q := visibleNotifications(wsID, viewer)
	cond = more(cond, q)
	rows, err := s.read.QueryContext(ctx, `SELECT n.id, n.agent_id, n.kind, n.ticket_id, COALESCE(n.event_id, 0), COALESCE(n.actor_agent_id, 0),
		n.created_at, n.read_at, t.number, t.subject
		FROM notifications n JOIN tickets t ON t.id = n.ticket_id WHERE `+cond+` ORDER BY n.id DESC LIMIT `+q.arg(limit), q.args...)
	if err != nil {
		return nil, fmt.Errorf("notifications: %w", err)
	}
	return collect(rows, func(r *sql.Rows) (Notification, error) {
		var n Notification
		var kind string
		var created int64
		var read sql.NullInt64
		err := r.Scan(&n.ID, &n.AgentID, &kind, &n.TicketID, &n.EventID, &n.ActorID, &created, &read, &n.TicketNumber, &n.TicketSubject)
		n.Kind, n.CreatedAt, n.ReadAt = notify.Kind(kind), fromMS(created), optMS(read)
		return n, err
	})
}

// Notification returns one of the viewer's notifications about a ticket
// they may read, or not found.
func (s *Store) Notification(ctx context.Context, wsID int64, viewer auth.Actor, id int64) (Notification, error) {
	list, err := s.notifications(ctx, wsID, viewer, func(cond string, q *sqlArgs) string { return cond + " AND n.id = " + q.arg(id) }, 1)
	if err != nil {
		return Notification{}, err
	}
	if len(list) == 0 {
		return Notification{}, problem.NotFoundf("notification")
	}
	return list[0], nil
}

// CountUnreadNotifications counts the viewer's unread notifications about
// tickets they may read, up to max (the badge shows "99+").
func (s *Store) CountUnreadNotifications(ctx context.Context, wsID int64, viewer auth.Actor, max int) (int, error) {
	cond, q := visibleNotifications(wsID, viewer)
	var n int
	err := s.read.QueryRowContext(ctx, `SELECT count(*) FROM (SELECT 1 FROM notifications n WHERE `+cond+
		` AND n.read_at IS NULL LIMIT `+q.arg(max)+`) unread`, q.args...).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("count notifications: %w", err)
	}
	return n, nil
}

// MarkNotificationRead marks one of the agent's notifications read; another
// agent's notification is not found.
func (s *Store) MarkNotificationRead(ctx context.Context, wsID, agentID, id int64) error {
	return s.inTx(ctx, func(tx *Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE notifications SET read_at = COALESCE(read_at, $1) WHERE id = $2 AND agent_id = $3 AND workspace_id = $4`,
			ms(s.now()), id, agentID, wsID)
		if err != nil {
			return fmt.Errorf("mark notification read: %w", err)
		}
		if n, err := res.RowsAffected(); err != nil || n == 0 {
			return problem.NotFoundf("notification")
		}
		return nil
	})
}

// MarkAllNotificationsRead marks every unread notification of the agent
// read and returns how many it marked.
func (s *Store) MarkAllNotificationsRead(ctx context.Context, wsID, agentID int64) (int64, error) {
	var n int64
	err := s.inTx(ctx, func(tx *Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE notifications SET read_at = $1 WHERE agent_id = $2 AND workspace_id = $3 AND read_at IS NULL`,
			ms(s.now()), agentID, wsID)
		if err != nil {
			return fmt.Errorf("mark notifications read: %w", err)
		}
		n, err = res.RowsAffected()
		return err
	})
	return n, err
}

// NotificationPrefs returns the agents' preferences for every kind, the
// defaults filled in. With tx it reads inside that transaction (the
// change that notifies them).
func (s *Store) NotificationPrefs(ctx context.Context, tx *Tx, agentIDs []int64) (map[int64]map[notify.Kind]notify.Pref, error) {
	out := make(map[int64]map[notify.Kind]notify.Pref, len(agentIDs))
	for _, id := range agentIDs {
		m := make(map[notify.Kind]notify.Pref, len(notify.Kinds))
		for _, k := range notify.Kinds {
			m[k] = notify.Default(k)
		}
		out[id] = m
	}
	if len(agentIDs) == 0 {
		return out, nil
	}
	var db querier = s.read
	if tx != nil {
		db = tx
	}
	q := &sqlArgs{}
	rows, err := db.QueryContext(ctx, `SELECT agent_id, kind, in_app, email FROM notification_preferences WHERE agent_id IN `+q.in(dedupe(agentIDs)), q.args...)
	if err != nil {
		return nil, fmt.Errorf("notification preferences: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var kind string
		var p notify.Pref
		if err := rows.Scan(&id, &kind, &p.InApp, &p.Email); err != nil {
			return nil, fmt.Errorf("notification preferences: %w", err)
		}
		if k := notify.Kind(kind); k.Valid() {
			out[id][k] = p
		}
	}
	return out, rows.Err()
}

// SetNotificationPrefs records an agent's choices for the kinds given;
// the others keep theirs.
func (s *Store) SetNotificationPrefs(ctx context.Context, wsID, agentID int64, prefs map[notify.Kind]notify.Pref) error {
	return s.inTx(ctx, func(tx *Tx) error {
		if !exists(ctx, tx, `SELECT count(*) FROM agents WHERE id = $1 AND workspace_id = $2`, agentID, wsID) {
			return problem.NotFoundf("agent")
		}
		for k, p := range prefs {
			if _, err := tx.ExecContext(ctx, `INSERT INTO notification_preferences (agent_id, kind, in_app, email) VALUES ($1, $2, $3, $4)
				ON CONFLICT (agent_id, kind) DO UPDATE SET in_app = excluded.in_app, email = excluded.email`,
				agentID, string(k), p.InApp, p.Email); err != nil {
				return fmt.Errorf("set notification preference %s: %w", k, err)
			}
		}
		return nil
	})
}

// CountNotifications counts an agent's stored notifications, read or not
// (tests prove a refused change told nobody).
func (s *Store) CountNotifications(ctx context.Context, wsID, agentID int64) (int, error) {
	var n int
	err := s.read.QueryRowContext(ctx, `SELECT count(*) FROM notifications WHERE workspace_id = $1 AND agent_id = $2`, wsID, agentID).Scan(&n)
	return n, err
}
