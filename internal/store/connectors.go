package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/palier/palier/internal/connector"
	"github.com/palier/palier/internal/problem"
	"github.com/palier/palier/internal/ticket"
)

// Connectors (package connector): sources that post messages through the
// channel API and receive replies at a webhook.

// ErrDuplicateConnectorMessage reports a message the connector already
// posted (same message id): it is acknowledged and nothing is stored.
var ErrDuplicateConnectorMessage = errors.New("this message was already received")

// ErrConversationTaken reports that another request opened a ticket for the
// same external conversation first: the caller threads onto that one.
var ErrConversationTaken = errors.New("the conversation already has a ticket")

const connectorColumns = `id, workspace_id, channel_key, name, secret, webhook_url, public, active, created_at`

func scanConnector(r interface{ Scan(...any) error }) (connector.Connector, error) {
	var c connector.Connector
	var created int64
	if err := r.Scan(&c.ID, &c.WorkspaceID, &c.Key, &c.Name, &c.Secret, &c.WebhookURL, &c.Public, &c.Active, &created); err != nil {
		if errors.Is(err, sql.ErrNoRows) {
			return c, problem.NotFoundf("connector")
		}
		return c, fmt.Errorf("scan connector: %w", err)
	}
	c.CreatedAt = fromMS(created)
	return c, nil
}

// CreateConnector stores a new connector, audited as the actor's.
func (s *Store) CreateConnector(ctx context.Context, actorID int64, c connector.Connector) (connector.Connector, error) {
	now := fromMS(ms(s.now()))
	err := s.inTx(ctx, func(tx *Tx) error {
		err := tx.QueryRowContext(ctx, `INSERT INTO connectors (workspace_id, channel_key, name, secret, webhook_url, public, active, created_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id`,
			c.WorkspaceID, c.Key, c.Name, c.Secret, c.WebhookURL, c.Public, c.Active, ms(now)).Scan(&c.ID)
		if isUniqueViolation(err) {
			return problem.New(problem.Conflict, "connector_key_taken", "this connector key is already in use")
		}
		if err != nil {
			return fmt.Errorf("create connector: %w", err)
		}
		return s.audit(ctx, tx, c.WorkspaceID, actorID, "connector.create", "connector", c.ID, connectorAudit(c))
	})
	c.CreatedAt = now
	return c, err
}

// connectorAudit is what the audit log keeps of a connector: never its
// secret.
func connectorAudit(c connector.Connector) map[string]any {
	return map[string]any{"key": c.Key, "name": c.Name, "webhook_url": c.WebhookURL, "public": c.Public, "active": c.Active}
}

// Connectors lists a workspace's connectors, oldest first.
func (s *Store) Connectors(ctx context.Context, wsID int64) ([]connector.Connector, error) {
	rows, err := s.read.QueryContext(ctx, `SELECT `+connectorColumns+` FROM connectors WHERE workspace_id = $1 ORDER BY id LIMIT 200`, wsID)
	if err != nil {
		return nil, fmt.Errorf("connectors: %w", err)
	}
	return collect(rows, func(r *sql.Rows) (connector.Connector, error) { return scanConnector(r) })
}

// Connector returns one of a workspace's connectors.
func (s *Store) Connector(ctx context.Context, wsID, id int64) (connector.Connector, error) {
	return scanConnector(s.read.QueryRowContext(ctx, `SELECT `+connectorColumns+` FROM connectors WHERE id = $1 AND workspace_id = $2`, id, wsID))
}

// ConnectorByKey returns the connector a channel URL names, whichever its
// workspace.
func (s *Store) ConnectorByKey(ctx context.Context, key string) (connector.Connector, error) {
	return scanConnector(s.read.QueryRowContext(ctx, `SELECT `+connectorColumns+` FROM connectors WHERE channel_key = $1`, key))
}

// UpdateConnector saves a connector's name, webhook, public and active
// settings, audited (its key and secret never change: rotate by creating
// another).
func (s *Store) UpdateConnector(ctx context.Context, actorID int64, c connector.Connector) error {
	return s.inTx(ctx, func(tx *Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE connectors SET name = $1, webhook_url = $2, public = $3, active = $4 WHERE id = $5 AND workspace_id = $6`,
			c.Name, c.WebhookURL, c.Public, c.Active, c.ID, c.WorkspaceID)
		if err != nil {
			return fmt.Errorf("update connector: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return problem.NotFoundf("connector")
		}
		return s.audit(ctx, tx, c.WorkspaceID, actorID, "connector.update", "connector", c.ID, connectorAudit(c))
	})
}

// ConversationTicket returns the ticket of an external conversation, or 0.
func (s *Store) ConversationTicket(ctx context.Context, connectorID int64, conversationID string) (int64, error) {
	var id int64
	err := s.read.QueryRowContext(ctx, `SELECT ticket_id FROM connector_conversations WHERE connector_id = $1 AND external_id = $2`,
		connectorID, conversationID).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, nil
	}
	if err != nil {
		return 0, fmt.Errorf("conversation ticket: %w", err)
	}
	return id, nil
}

// ConnectorMessageReceived reports whether the connector already posted a
// message with this id.
func (s *Store) ConnectorMessageReceived(ctx context.Context, connectorID int64, messageID string) bool {
	return exists(ctx, s.read, `SELECT count(*) FROM connector_messages WHERE connector_id = $1 AND direction = $2 AND external_id = $3`,
		connectorID, MailIn, messageID)
}

// RecordConnectorInbound records, in the transaction of the event it
// became, a message the connector posted, and, for a new ticket, the
// conversation it opens. A second copy of the message, or a second ticket
// for one conversation, rolls the transaction back with
// ErrDuplicateConnectorMessage or ErrConversationTaken.
func (s *Store) RecordConnectorInbound(ctx context.Context, tx *Tx, connectorID, ticketID, eventID int64, conversationID, messageID string, newConversation bool) error {
	now := ms(s.now())
	if newConversation {
		_, err := tx.ExecContext(ctx, `INSERT INTO connector_conversations (connector_id, external_id, ticket_id, created_at) VALUES ($1, $2, $3, $4)`,
			connectorID, conversationID, ticketID, now)
		if isUniqueViolation(err) {
			return ErrConversationTaken
		}
		if err != nil {
			return fmt.Errorf("record conversation: %w", err)
		}
	}
	_, err := tx.ExecContext(ctx, `INSERT INTO connector_messages (connector_id, direction, external_id, ticket_id, event_id, created_at, updated_at)
		VALUES ($1, $2, $3, $4, $5, $6, $6)`, connectorID, MailIn, messageID, ticketID, eventID, now)
	if isUniqueViolation(err) {
		return ErrDuplicateConnectorMessage
	}
	if err != nil {
		return fmt.Errorf("record connector message: %w", err)
	}
	return nil
}

// TicketConversation returns the connector and external conversation a
// ticket belongs to; ok is false for a ticket of another channel.
func (s *Store) TicketConversation(ctx context.Context, tx *Tx, wsID, ticketID int64) (c connector.Connector, conversationID string, ok bool, err error) {
	row := tx.QueryRowContext(ctx, `SELECT cc.external_id, c.id, c.workspace_id, c.channel_key, c.name, c.secret, c.webhook_url, c.public, c.active, c.created_at
		FROM connector_conversations cc JOIN connectors c ON c.id = cc.connector_id
		WHERE cc.ticket_id = $1 AND c.workspace_id = $2`, ticketID, wsID)
	var created int64
	err = row.Scan(&conversationID, &c.ID, &c.WorkspaceID, &c.Key, &c.Name, &c.Secret, &c.WebhookURL, &c.Public, &c.Active, &created)
	if errors.Is(err, sql.ErrNoRows) {
		return c, "", false, nil
	}
	if err != nil {
		return c, "", false, fmt.Errorf("ticket conversation: %w", err)
	}
	c.CreatedAt = fromMS(created)
	return c, conversationID, true, nil
}

// RecordConnectorOutbound records, in the transaction of the reply, a
// message to deliver to the connector's webhook, in state queued.
func (s *Store) RecordConnectorOutbound(ctx context.Context, tx *Tx, connectorID, ticketID, eventID int64, messageID string) error {
	now := ms(s.now())
	_, err := tx.ExecContext(ctx, `INSERT INTO connector_messages (connector_id, direction, external_id, ticket_id, event_id, state, created_at, updated_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $7)`, connectorID, MailOut, messageID, ticketID, eventID, MailQueued, now)
	if err != nil {
		return fmt.Errorf("record connector delivery: %w", err)
	}
	return nil
}

// SetConnectorDelivery records a webhook delivery's state and the
// receiver's answer.
func (s *Store) SetConnectorDelivery(ctx context.Context, connectorID int64, messageID, state, answer string) error {
	_, err := s.write.ExecContext(ctx, `UPDATE connector_messages SET state = $1, answer = $2, updated_at = $3
		WHERE connector_id = $4 AND direction = $5 AND external_id = $6`,
		state, clip(answer, 500), ms(s.now()), connectorID, MailOut, messageID)
	if err != nil {
		return fmt.Errorf("connector delivery state: %w", err)
	}
	return nil
}

// ConnectorDelivery returns a webhook delivery's state and last answer.
func (s *Store) ConnectorDelivery(ctx context.Context, connectorID int64, messageID string) (state, answer string, err error) {
	return outgoingState(ctx, s.read, "delivery", `SELECT state, answer FROM connector_messages WHERE connector_id = $1 AND direction = $2 AND external_id = $3`,
		connectorID, MailOut, messageID)
}

// PlainConnectorSecrets lists the connectors whose secret is not sealed
// yet (sealed values start with "v1:"), across workspaces.
func (s *Store) PlainConnectorSecrets(ctx context.Context) ([]connector.Connector, error) {
	rows, err := s.read.QueryContext(ctx, `SELECT `+connectorColumns+` FROM connectors WHERE secret NOT LIKE 'v1:%' ORDER BY id`)
	if err != nil {
		return nil, fmt.Errorf("plain connector secrets: %w", err)
	}
	return collect(rows, func(r *sql.Rows) (connector.Connector, error) { return scanConnector(r) })
}

// SealConnectorSecret replaces a connector's plain secret by its sealed
// form, only if it is still plain; ok is false when another instance did
// it first.
func (s *Store) SealConnectorSecret(ctx context.Context, id int64, plain, sealed string) (ok bool, err error) {
	res, err := s.write.ExecContext(ctx, `UPDATE connectors SET secret = $1 WHERE id = $2 AND secret = $3`, sealed, id, plain)
	if err != nil {
		return false, fmt.Errorf("seal connector secret: %w", err)
	}
	n, _ := res.RowsAffected()
	return n == 1, nil
}

// attachConnectorState shows on each reply delivered to a connector's
// webhook its delivery state, in the shape an emailed reply's takes
// (Event.Email, Via "webhook"): queued, sent or failed, with the
// receiver's answer.
func (s *Store) attachConnectorState(ctx context.Context, wsID, ticketID int64, events []ticket.Event) error {
	if len(events) == 0 {
		return nil
	}
	rows, err := s.read.QueryContext(ctx, `SELECT m.event_id, m.external_id, m.state, m.answer FROM connector_messages m
		JOIN connectors c ON c.id = m.connector_id
		WHERE m.ticket_id = $1 AND c.workspace_id = $2 AND m.direction = $3 AND m.event_id BETWEEN $4 AND $5`,
		ticketID, wsID, MailOut, events[0].ID, events[len(events)-1].ID)
	if err != nil {
		return fmt.Errorf("connector delivery state: %w", err)
	}
	byEvent := map[int64]*ticket.EmailState{}
	_, err = collect(rows, func(r *sql.Rows) (struct{}, error) {
		var id int64
		st := &ticket.EmailState{Via: "webhook"}
		err := r.Scan(&id, &st.MessageID, &st.State, &st.Answer)
		byEvent[id] = st
		return struct{}{}, err
	})
	if err != nil {
		return err
	}
	for i := range events {
		if st, ok := byEvent[events[i].ID]; ok && events[i].Email == nil {
			events[i].Email = st
		}
	}
	return nil
}

// RetryConnectorDelivery queues a failed webhook delivery again, audited,
// in one transaction, as RetryMail does for email: its job (named by
// jobKey) is made due now with fresh attempts and its state shows queued.
// It refuses a delivery that did not fail (409 delivery_not_failed) and
// one whose job was pruned (409 delivery_retry_expired); an event with no
// delivery is not found.
func (s *Store) RetryConnectorDelivery(ctx context.Context, wsID, actorID, ticketID, eventID int64, jobKey string) error {
	return s.inTx(ctx, func(tx *Tx) error {
		var id int64
		var messageID string
		if err := scanFailedMessage(tx.QueryRowContext(ctx, `SELECT m.id, m.external_id, m.state FROM connector_messages m JOIN connectors c ON c.id = m.connector_id
			WHERE c.workspace_id = $1 AND m.ticket_id = $2 AND m.event_id = $3 AND m.direction = $4`, wsID, ticketID, eventID, MailOut),
			problem.New(problem.Conflict, "delivery_not_failed", "only a delivery that failed can be sent again"), &id, &messageID); err != nil {
			return err
		}
		now := ms(s.now())
		requeued, err := requeueJob(ctx, tx, jobKey, now, JobFailed, JobDone, JobQueued)
		if err != nil {
			return fmt.Errorf("retry delivery job: %w", err)
		}
		if !requeued {
			return problem.New(problem.Conflict, "delivery_retry_expired", "this reply is too old to be sent again; write a new reply")
		}
		if _, err := tx.ExecContext(ctx, `UPDATE connector_messages SET state = $1, answer = '', updated_at = $2 WHERE id = $3`,
			MailQueued, now, id); err != nil {
			return fmt.Errorf("retry delivery: %w", err)
		}
		return s.audit(ctx, tx, wsID, actorID, "connector.retry", "ticket", ticketID, map[string]any{"event_id": eventID, "message_id": messageID})
	})
}
