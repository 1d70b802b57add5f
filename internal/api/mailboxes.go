package api

import (
	"context"
	"time"

	"github.com/palier/palier/internal/auth"
	"github.com/palier/palier/internal/desk"
	"github.com/palier/palier/internal/optional"
	"github.com/palier/palier/internal/store"
)

// The IMAP mailboxes a workspace polls, for admins: the same desk
// functions as the admin page (/admin/mailboxes). The password is
// write-only: it is sealed on the way in and never returned.

// mailboxJSON is a mailbox as admins see it: never its password.
type mailboxJSON struct {
	ID        int64      `json:"id"`
	Address   string     `json:"address"`
	Host      string     `json:"host"`
	Port      int        `json:"port"`
	TLS       string     `json:"tls"`
	Username  string     `json:"username"`
	Folder    string     `json:"folder"`
	After     string     `json:"after"`
	MoveTo    string     `json:"move_to"`
	Keyword   string     `json:"keyword"`
	Enabled   bool       `json:"enabled"`
	Status    string     `json:"status"`
	ErrorCode string     `json:"error_code"`
	LastError string     `json:"last_error"`
	CheckedAt *time.Time `json:"checked_at"`
}

func mailboxOut(m store.Mailbox) mailboxJSON {
	return mailboxJSON{ID: m.ID, Address: m.Address, Host: m.Host, Port: m.Port, TLS: m.TLS, Username: m.Username, Folder: m.Folder,
		After: m.After, MoveTo: m.MoveTo, Keyword: m.Keyword, Enabled: m.Enabled, Status: m.Status, ErrorCode: m.ErrorCode,
		LastError: m.LastError, CheckedAt: m.CheckedAt}
}

// mailboxIn is a mailbox as sent: on a change, a field left out keeps
// its value.
type mailboxIn struct {
	Address  *string `json:"address"`
	Host     *string `json:"host"`
	Port     *int    `json:"port"`
	TLS      *string `json:"tls"`
	Username *string `json:"username"`
	Password *string `json:"password"`
	Folder   *string `json:"folder"`
	After    *string `json:"after"`
	MoveTo   *string `json:"move_to"`
	Keyword  *string `json:"keyword"`
	Enabled  *bool   `json:"enabled"`
}

// over lays the fields sent over a mailbox's current settings.
func (in mailboxIn) over(m desk.MailboxInput) desk.MailboxInput {
	optional.Set(&m.Address, in.Address)
	optional.Set(&m.Host, in.Host)
	optional.Set(&m.TLS, in.TLS)
	optional.Set(&m.Username, in.Username)
	optional.Set(&m.Password, in.Password)
	optional.Set(&m.Folder, in.Folder)
	optional.Set(&m.After, in.After)
	optional.Set(&m.MoveTo, in.MoveTo)
	optional.Set(&m.Keyword, in.Keyword)
	optional.Set(&m.Port, in.Port)
	optional.Set(&m.Enabled, in.Enabled)
	return m
}

func (a *API) listMailboxes(c *call) (any, error) {
	return render(listOf(mailboxOut))(a.desk.Mailboxes(c.r.Context(), c.actor))
}

func (a *API) createMailbox(c *call) (any, error) {
	return fromBody(c, mailboxIn{}, func(ctx context.Context, actor auth.Actor, in mailboxIn) (store.Mailbox, error) {
		m, err := a.desk.CreateMailbox(ctx, actor, in.over(desk.MailboxInput{Enabled: true}))
		if err != nil {
			return m, err
		}
		return a.desk.Mailbox(ctx, actor, m.ID)
	}, createdAt(c, mailboxOut, func(m mailboxJSON) string { return pathOf("/mailboxes", m.ID) }))
}

func (a *API) getMailbox(c *call) (any, error) { return byID(c, a.desk.Mailbox, render(mailboxOut)) }

func (a *API) updateMailbox(c *call) (any, error) {
	return withBody(c, func(ctx context.Context, actor auth.Actor, id int64, in mailboxIn) (store.Mailbox, error) {
		cur, err := a.desk.Mailbox(ctx, actor, id)
		if err != nil {
			return cur, err
		}
		base := desk.MailboxInput{Address: cur.Address, Host: cur.Host, Port: cur.Port, TLS: cur.TLS, Username: cur.Username,
			Folder: cur.Folder, After: cur.After, MoveTo: cur.MoveTo, Keyword: cur.Keyword, Enabled: cur.Enabled}
		if err := a.desk.UpdateMailbox(ctx, actor, id, in.over(base)); err != nil {
			return cur, err
		}
		return a.desk.Mailbox(ctx, actor, id)
	}, render(mailboxOut))
}

// deleteMailbox answers the mailbox as it was.
func (a *API) deleteMailbox(c *call) (any, error) {
	return byID(c, func(ctx context.Context, actor auth.Actor, id int64) (store.Mailbox, error) {
		m, err := a.desk.Mailbox(ctx, actor, id)
		if err != nil {
			return m, err
		}
		return m, a.desk.DeleteMailbox(ctx, actor, id)
	}, render(mailboxOut))
}

func mailboxSchemas() map[string]any {
	settings := schema{
		"address":  str("The address this mailbox receives: the inbound-address value its messages are routed with."),
		"host":     str("The IMAP server."),
		"port":     integer("Default 993 with tls, else 143."),
		"tls":      enum("tls: implicit TLS; starttls; none: a server on a trusted network only. Default tls.", desk.MailboxTLSModes),
		"username": str(""),
		"folder":   str("The folder read; default INBOX."),
		"after":    enum("What is done to a message once stored: moved to move_to, or flagged \\Seen plus keyword.", desk.MailboxActions),
		"move_to":  str("Required with after=move; another folder than the one read."),
		"keyword":  str("With after=flag; default $Palier."),
		"enabled":  boolean("Off: the mailbox is not polled. Default true."),
	}
	return map[string]any{
		"MailboxSettings": object(nil, with(settings, schema{
			"password": str("Write-only: required on creation, left out to keep it on a change; never returned."),
		})),
		"Mailbox": object([]string{"id", "address", "host", "port", "tls", "username", "folder", "after", "move_to", "keyword", "enabled",
			"status", "error_code", "last_error", "checked_at"}, with(settings, schema{
			"id":         integer(""),
			"status":     enum("The last poll: \"\" never polled, ok, or error (error_code and last_error say why).", []string{"", "ok", "error"}),
			"error_code": str("A stable code of the last poll's error, e.g. auth."),
			"last_error": str("The server's answer to the last poll, as given."),
			"checked_at": nullable("string", "When the mailbox was last polled (RFC 3339); null before the first poll."),
		})),
		"MailboxList": object([]string{"data"}, schema{"data": list(ref("Mailbox"), "Oldest first.")}),
	}
}
