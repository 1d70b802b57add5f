package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/palier/palier/internal/chat"
	"github.com/palier/palier/internal/problem"
)

// Live chat conversations (package chat holds their rules). A
// conversation is written in the transaction of the ticket it opens, and
// every state change is conditional on the state it leaves, so that two
// instances, or two agents, racing for one conversation leave one winner.

// Now is the store's clock (tests set it with SetClock), for the rules
// that compare stored times with the present.
func (s *Store) Now() time.Time { return s.now() }

// InsertChat stores a new conversation in tx (the transaction of its
// ticket) and returns its id. tokenHash is the hash of the customer's
// conversation token.
func (s *Store) InsertChat(ctx context.Context, tx *Tx, c chat.Conversation, tokenHash string) (int64, error) {
	now := ms(s.now())
	var id int64
	err := tx.QueryRowContext(ctx, `INSERT INTO chats (workspace_id, ticket_id, token_hash, state, name, email, language, started_at, waiting_since)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8) RETURNING id`,
		c.WorkspaceID, c.TicketID, tokenHash, string(chat.Waiting), c.Name, c.Email, c.Language, now).Scan(&id)
	if err != nil {
		return 0, fmt.Errorf("insert chat: %w", err)
	}
	return id, nil
}

const chatColumns = `id, workspace_id, ticket_id, state, COALESCE(agent_id, 0), name, email, language, started_at, waiting_since, ended_at, end_reason,
	COALESCE(returned_from_agent_id, 0)`

func scanChat(r interface{ Scan(...any) error }) (chat.Conversation, error) {
	var c chat.Conversation
	var state string
	var started, waiting int64
	var ended sql.NullInt64
	err := r.Scan(&c.ID, &c.WorkspaceID, &c.TicketID, &state, &c.AgentID, &c.Name, &c.Email, &c.Language, &started, &waiting, &ended, &c.EndReason, &c.ReturnedFrom)
	if errors.Is(err, sql.ErrNoRows) {
		return c, problem.NotFoundf("chat")
	}
	if err != nil {
		return c, fmt.Errorf("read chat: %w", err)
	}
	c.State, c.StartedAt, c.WaitingSince = chat.State(state), fromMS(started), fromMS(waiting)
	if ended.Valid {
		c.EndedAt = fromMS(ended.Int64)
	}
	return c, nil
}

// ChatByToken returns the conversation whose token hashes to tokenHash.
func (s *Store) ChatByToken(ctx context.Context, tokenHash string) (chat.Conversation, error) {
	return scanChat(s.write.QueryRowContext(ctx, `SELECT `+chatColumns+` FROM chats WHERE token_hash = $1`, tokenHash))
}

// Chat returns one conversation of a workspace. It reads from the writer,
// so that a state change just made is seen at once.
func (s *Store) Chat(ctx context.Context, wsID, id int64) (chat.Conversation, error) {
	return scanChat(s.write.QueryRowContext(ctx, `SELECT `+chatColumns+` FROM chats WHERE id = $1 AND workspace_id = $2`, id, wsID))
}

// ChatOfTicket returns the conversation a ticket came from, if any.
func (s *Store) ChatOfTicket(ctx context.Context, wsID, ticketID int64) (chat.Conversation, error) {
	return scanChat(s.read.QueryRowContext(ctx, `SELECT `+chatColumns+` FROM chats WHERE ticket_id = $1 AND workspace_id = $2 ORDER BY id DESC LIMIT 1`,
		ticketID, wsID))
}

// OpenChats lists a workspace's waiting, accepted and missed
// conversations, oldest first (the agents' panel filters them by access).
func (s *Store) OpenChats(ctx context.Context, wsID int64) ([]chat.Conversation, error) {
	rows, err := s.read.QueryContext(ctx, `SELECT `+chatColumns+` FROM chats WHERE workspace_id = $1 AND state IN ($2, $3, $4)
		ORDER BY waiting_since, id LIMIT 500`, wsID, string(chat.Waiting), string(chat.Accepted), string(chat.Missed))
	if err != nil {
		return nil, fmt.Errorf("list chats: %w", err)
	}
	return collect(rows, func(r *sql.Rows) (chat.Conversation, error) { return scanChat(r) })
}

// MoveChat stores next as the conversation's new state, only if it is
// still in state from with agent fromAgent: it reports false when someone
// else changed it first (nothing is written then).
func (s *Store) MoveChat(ctx context.Context, from chat.Conversation, next chat.Conversation) (bool, error) {
	var ended any
	if !next.EndedAt.IsZero() {
		ended = ms(next.EndedAt)
	}
	res, err := s.write.ExecContext(ctx, `UPDATE chats SET state = $1, agent_id = $2, waiting_since = $3, ended_at = $4, end_reason = $5
		WHERE id = $6 AND workspace_id = $7 AND state = $8 AND COALESCE(agent_id, 0) = $9`,
		string(next.State), nullID(next.AgentID), ms(next.WaitingSince), ended, next.EndReason,
		from.ID, from.WorkspaceID, string(from.State), from.AgentID)
	return changedOneRow(res, err, "move chat")
}

// changedOneRow reports whether a conditional UPDATE changed its row
// (false: its condition no longer held, someone changed it first).
func changedOneRow(res sql.Result, err error, what string) (bool, error) {
	if err != nil {
		return false, fmt.Errorf("%s: %w", what, err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return false, fmt.Errorf("%s: %w", what, err)
	}
	return n == 1, nil
}

// MoveChatToTicket binds conversation c to the ticket next follows, in
// next's state (the same, or back in the queue: chat.Return), in tx (the
// transaction of the customer's line that followed a merge there), only
// if it is still bound to c's ticket in c's state and agent: it reports
// false when a line, or a state change, racing this one moved it first
// (the caller rolls back and reads it again).
func (s *Store) MoveChatToTicket(ctx context.Context, tx *Tx, c, next chat.Conversation) (bool, error) {
	res, err := tx.ExecContext(ctx, `UPDATE chats SET ticket_id = $1, state = $2, agent_id = $3, waiting_since = $4, returned_from_agent_id = $5
		WHERE id = $6 AND workspace_id = $7 AND ticket_id = $8 AND state = $9 AND COALESCE(agent_id, 0) = $10`,
		next.TicketID, string(next.State), nullID(next.AgentID), ms(next.WaitingSince), nullID(next.ReturnedFrom),
		c.ID, c.WorkspaceID, c.TicketID, string(c.State), c.AgentID)
	return changedOneRow(res, err, "move chat to ticket")
}

// ReturnedChats lists a workspace's open conversations (waiting, accepted
// or missed) that returned to the queue from agentID (chat.Return),
// newest first.
func (s *Store) ReturnedChats(ctx context.Context, wsID, agentID int64) ([]chat.Conversation, error) {
	rows, err := s.read.QueryContext(ctx, `SELECT `+chatColumns+` FROM chats WHERE workspace_id = $1 AND returned_from_agent_id = $2 AND state IN ($3, $4, $5)
		ORDER BY waiting_since DESC, id DESC LIMIT 50`, wsID, agentID, string(chat.Waiting), string(chat.Accepted), string(chat.Missed))
	if err != nil {
		return nil, fmt.Errorf("list returned chats: %w", err)
	}
	return collect(rows, func(r *sql.Rows) (chat.Conversation, error) { return scanChat(r) })
}

// DueChats lists the waiting conversations, of every workspace, that have
// waited at least their workspace's wait at now.
func (s *Store) DueChats(ctx context.Context, now time.Time) ([]chat.Conversation, error) {
	rows, err := s.read.QueryContext(ctx, `SELECT c.id, c.workspace_id, c.ticket_id, c.state, COALESCE(c.agent_id, 0), c.name, c.email, c.language,
		c.started_at, c.waiting_since, c.ended_at, c.end_reason, COALESCE(c.returned_from_agent_id, 0)
		FROM chats c LEFT JOIN chat_settings cs ON cs.workspace_id = c.workspace_id
		WHERE c.state = $1 AND c.waiting_since + COALESCE(cs.wait_ms, $2) <= $3
		ORDER BY c.waiting_since, c.id LIMIT 500`, string(chat.Waiting), chat.DefaultWait.Milliseconds(), ms(now))
	if err != nil {
		return nil, fmt.Errorf("list due chats: %w", err)
	}
	return collect(rows, func(r *sql.Rows) (chat.Conversation, error) { return scanChat(r) })
}

// ChatWait returns how long a workspace's customers wait for an agent.
func (s *Store) ChatWait(ctx context.Context, wsID int64) (time.Duration, error) {
	var v int64
	err := s.read.QueryRowContext(ctx, `SELECT wait_ms FROM chat_settings WHERE workspace_id = $1`, wsID).Scan(&v)
	if errors.Is(err, sql.ErrNoRows) {
		return chat.DefaultWait, nil
	}
	if err != nil {
		return 0, fmt.Errorf("read chat settings: %w", err)
	}
	return time.Duration(v) * time.Millisecond, nil
}

// SetChatWait stores how long a workspace's customers wait for an agent.
func (s *Store) SetChatWait(ctx context.Context, wsID int64, wait time.Duration) error {
	_, err := s.write.ExecContext(ctx, `INSERT INTO chat_settings (workspace_id, wait_ms) VALUES ($1, $2)
		ON CONFLICT (workspace_id) DO UPDATE SET wait_ms = excluded.wait_ms`, wsID, wait.Milliseconds())
	if err != nil {
		return fmt.Errorf("save chat settings: %w", err)
	}
	return nil
}
