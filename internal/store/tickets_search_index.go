package store

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

	"github.com/palier/palier/internal/textsearch"
	"github.com/palier/palier/internal/ticket"
)

// The ticket search index (migration 0033): one document per ticket, its
// subject and the bodies of its messages (customer messages, agent replies,
// internal notes), analysed by textsearch in the ticket's language. Every
// write path that adds a message or creates a ticket calls one of the
// functions below in its own transaction, so the index never disagrees with
// the timeline: CreateTicket (every channel's intake goes through it) and
// AddMessageThen (replies, notes, later customer messages).

// maxIndexedTerms bounds the terms one text adds to a ticket's document: a
// pasted log of megabytes would otherwise bloat the index (and PostgreSQL
// refuses a tsvector over 1 MB). The words that matter are at the start.
const maxIndexedTerms = 4000

// searchTerms analyses text for the ticket index in language lang.
func searchTerms(lang, text string) string {
	terms := textsearch.Terms(lang, text)
	if len(terms) > maxIndexedTerms {
		terms = terms[:maxIndexedTerms]
	}
	return strings.Join(terms, " ")
}

// messageTerms is the analysed text of the message events among events.
func messageTerms(lang string, events []ticket.Event) string {
	var parts []string
	for _, e := range events {
		if e.Kind.Message() && strings.TrimSpace(e.Body) != "" {
			parts = append(parts, searchTerms(lang, e.Body))
		}
	}
	return strings.Join(parts, " ")
}

// indexNewTicket writes the document of a ticket just created with its
// first events.
func indexNewTicket(ctx context.Context, tx *Tx, t ticket.Ticket, events []ticket.Event) error {
	return writeTicketDoc(ctx, tx, tx.dialect, t.ID, searchTerms(t.Language, t.Subject), messageTerms(t.Language, events))
}

// writeTicketDoc inserts a ticket's whole document; on SQLite with its
// access key (migration 0045), read from the ticket's row as stored.
func writeTicketDoc(ctx context.Context, q querier, d Dialect, id int64, subject, body string) error {
	return writeTicketDocKeyed(ctx, q, d, id, subject, body, true)
}

// writeTicketDocKeyed is writeTicketDoc; keyed false leaves out the SQLite
// access key, for migration 0033's own step, which runs before the key's
// column exists (0045 then adds the keys of what it indexed).
func writeTicketDocKeyed(ctx context.Context, q querier, d Dialect, id int64, subject, body string, keyed bool) error {
	var err error
	switch {
	case d == SQLite && keyed:
		_, err = q.ExecContext(ctx, `INSERT INTO ticket_fts (rowid, subject, body, access) VALUES ($1, $2, $3, `+accessKeyOf("$1")+`)`, id, subject, body)
	case d == SQLite:
		_, err = q.ExecContext(ctx, `INSERT INTO ticket_fts (rowid, subject, body) VALUES ($1, $2, $3)`, id, subject, body)
	case d == Postgres:
		_, err = q.ExecContext(ctx, `INSERT INTO ticket_search (ticket_id, search)
			VALUES ($1, setweight(to_tsvector('simple', $2), 'A') || setweight(to_tsvector('simple', $3), 'B'))`, id, subject, body)
	}
	if err != nil {
		return fmt.Errorf("index ticket: %w", err)
	}
	return nil
}

// indexMessages appends the terms of the message events among events to
// the document of ticket t (t as stored: its subject and language). A
// ticket without a document (none should be: migration 0033 indexed the
// old ones) gets a whole one.
func indexMessages(ctx context.Context, tx *Tx, t ticket.Ticket, events []ticket.Event) error {
	body := messageTerms(t.Language, events)
	if body == "" {
		return nil
	}
	switch tx.dialect {
	case SQLite:
		res, err := tx.ExecContext(ctx, `UPDATE ticket_fts SET body = body || ' ' || $1 WHERE rowid = $2`, body, t.ID)
		if err != nil {
			return fmt.Errorf("index message: %w", err)
		}
		if n, err := res.RowsAffected(); err != nil || n > 0 {
			return err
		}
		return writeTicketDoc(ctx, tx, SQLite, t.ID, searchTerms(t.Language, t.Subject), body)
	case Postgres:
		_, err := tx.ExecContext(ctx, `INSERT INTO ticket_search (ticket_id, search)
			VALUES ($1, setweight(to_tsvector('simple', $2), 'A') || setweight(to_tsvector('simple', $3), 'B'))
			ON CONFLICT (ticket_id) DO UPDATE SET search = ticket_search.search || setweight(to_tsvector('simple', $3), 'B')`,
			t.ID, searchTerms(t.Language, t.Subject), body)
		if err != nil {
			return fmt.Errorf("index message: %w", err)
		}
	}
	return nil
}

// indexAllTickets indexes the tickets stored before migration 0033, in
// its transaction, a range of ids at a time so that memory stays bounded.
func indexAllTickets(ctx context.Context, tx *Tx) error {
	const step = 2000
	var last int64
	for {
		var next sql.NullInt64
		if err := tx.QueryRowContext(ctx, `SELECT max(id) FROM (SELECT id FROM tickets WHERE id > $1 ORDER BY id LIMIT $2) r`, last, step).Scan(&next); err != nil {
			return fmt.Errorf("index tickets: %w", err)
		}
		if !next.Valid {
			return nil
		}
		if err := indexTicketRange(ctx, tx, last, next.Int64); err != nil {
			return err
		}
		last = next.Int64
	}
}

// indexTicketRange writes the documents of the tickets with ids in
// (after, upTo], read from their rows and timelines.
func indexTicketRange(ctx context.Context, tx *Tx, after, upTo int64) error {
	type doc struct {
		lang, subject string
		bodies        []string
	}
	docs := map[int64]*doc{}
	var order []int64
	rows, err := tx.QueryContext(ctx, `SELECT id, language, subject FROM tickets WHERE id > $1 AND id <= $2 ORDER BY id`, after, upTo)
	if err != nil {
		return fmt.Errorf("index tickets: %w", err)
	}
	for rows.Next() {
		var id int64
		d := &doc{}
		if err := rows.Scan(&id, &d.lang, &d.subject); err != nil {
			rows.Close()
			return fmt.Errorf("index tickets: %w", err)
		}
		docs[id] = d
		order = append(order, id)
	}
	if err := rows.Close(); err != nil {
		return fmt.Errorf("index tickets: %w", err)
	}
	rows, err = tx.QueryContext(ctx, `SELECT ticket_id, body FROM events WHERE ticket_id > $1 AND ticket_id <= $2
		AND kind IN ($3, $4, $5) ORDER BY ticket_id, id`, after, upTo, string(ticket.CustomerMessage), string(ticket.AgentReply), string(ticket.InternalNote))
	if err != nil {
		return fmt.Errorf("index messages: %w", err)
	}
	for rows.Next() {
		var id int64
		var body string
		if err := rows.Scan(&id, &body); err != nil {
			rows.Close()
			return fmt.Errorf("index messages: %w", err)
		}
		if d := docs[id]; d != nil {
			d.bodies = append(d.bodies, body)
		}
	}
	if err := rows.Close(); err != nil {
		return fmt.Errorf("index messages: %w", err)
	}
	for _, id := range order {
		d := docs[id]
		events := make([]ticket.Event, len(d.bodies))
		for i, b := range d.bodies {
			events[i] = ticket.Event{Kind: ticket.CustomerMessage, Body: b}
		}
		if err := writeTicketDocKeyed(ctx, tx, tx.dialect, id, searchTerms(d.lang, d.subject), messageTerms(d.lang, events), false); err != nil {
			return err
		}
	}
	return nil
}
