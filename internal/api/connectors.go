package api

import (
	"context"
	"time"

	"github.com/palier/palier/internal/auth"
	"github.com/palier/palier/internal/connector"
	"github.com/palier/palier/internal/desk"
)

// The generic channel API (package connector): sources post signed
// messages; admins declare the connectors.

// connectorJSON is a connector as admins see it: never its secret.
type connectorJSON struct {
	ID         int64     `json:"id"`
	Key        string    `json:"key"`
	Name       string    `json:"name"`
	WebhookURL string    `json:"webhook_url"`
	Public     bool      `json:"public"`
	Active     bool      `json:"active"`
	URL        string    `json:"url"` // where the source posts
	CreatedAt  time.Time `json:"created_at"`
}

type newConnectorJSON struct {
	connectorJSON
	Secret string `json:"secret"`
}

func connectorOut(c connector.Connector) connectorJSON {
	return connectorJSON{ID: c.ID, Key: c.Key, Name: c.Name, WebhookURL: c.WebhookURL, Public: c.Public, Active: c.Active,
		URL: Prefix + "/channels/" + c.Key + "/messages", CreatedAt: c.CreatedAt}
}

func newConnectorOut(c connector.Connector) newConnectorJSON {
	return newConnectorJSON{connectorJSON: connectorOut(c), Secret: c.Secret}
}

type channelIntakeJSON struct {
	TicketID  int64  `json:"ticket_id,omitempty"`
	Reference string `json:"reference,omitempty"`
	NewTicket bool   `json:"new_ticket"`
	Duplicate bool   `json:"duplicate"`
}

// postChannelMessage receives a source's message. The signature is checked
// on the body's bytes as sent, before they are decoded.
func (a *API) postChannelMessage(c *call) (any, error) {
	raw, err := c.rawJSON()
	if err != nil {
		return nil, err
	}
	ctx := c.r.Context()
	conn, err := a.desk.VerifyConnectorPost(ctx, c.r.PathValue("key"), c.r.Header.Get(connector.SignatureHeader), raw)
	if err != nil {
		return nil, err
	}
	var in connector.Inbound
	if err := decodeJSON(raw, &in); err != nil {
		return nil, err
	}
	res, err := a.desk.ReceiveConnectorMessage(ctx, conn, in)
	if err != nil {
		return nil, err
	}
	return channelIntakeJSON{TicketID: res.TicketID, Reference: res.Reference, NewTicket: res.NewTicket, Duplicate: res.Duplicate}, nil
}

type connectorSettingsIn struct {
	Name       string `json:"name"`
	WebhookURL string `json:"webhook_url"`
	Public     bool   `json:"public"`
	Active     *bool  `json:"active"`
}

func (in connectorSettingsIn) settings() desk.ConnectorSettings {
	active := in.Active == nil || *in.Active
	return desk.ConnectorSettings{Name: in.Name, WebhookURL: in.WebhookURL, Public: in.Public, Active: active}
}

func (a *API) listConnectors(c *call) (any, error) {
	return render(listOf(connectorOut))(a.desk.Connectors(c.r.Context(), c.actor))
}

// createConnector answers the new connector with its secret, shown this once.
func (a *API) createConnector(c *call) (any, error) {
	return fromBody(c, connectorSettingsIn{}, func(ctx context.Context, actor auth.Actor, in connectorSettingsIn) (connector.Connector, error) {
		return a.desk.CreateConnector(ctx, actor, in.settings())
	}, createdAt(c, newConnectorOut, func(x newConnectorJSON) string { return pathOf("/connectors", x.ID) }))
}

func (a *API) updateConnector(c *call) (any, error) {
	return withBody(c, func(ctx context.Context, actor auth.Actor, id int64, in connectorSettingsIn) (connector.Connector, error) {
		return a.desk.UpdateConnector(ctx, actor, id, in.settings())
	}, render(connectorOut))
}

func connectorSchemas() map[string]any {
	settings := schema{
		"name":        str("What agents see the channel as, e.g. \"Facebook page\"."),
		"webhook_url": str("Where agents' public replies are POSTed (http or https, no credentials); empty: replies stay in Palier. Loopback and private addresses are refused unless the server allows them."),
		"public":      boolean("Posts are public (a social wall): a reply on a ticket marked sensitive only tells the author the answer was given privately."),
		"active":      boolean("Off: posts are refused with 403 and nothing is delivered. Default true."),
	}
	connectorProps := with(settings, schema{
		"id": integer(""), "key": str("The connector's name in its URL; not a secret."),
		"url": str("Where the source posts its messages."), "created_at": when(""),
	})
	required := []string{"id", "key", "name", "webhook_url", "public", "active", "url", "created_at"}
	return map[string]any{
		"ChannelMessage": object([]string{"conversation_id", "message_id", "author", "text"}, schema{
			"conversation_id": str("The source's id of the thread: one ticket per conversation (up to 200 characters)."),
			"message_id":      str("The source's id of this message: a second post with it stores nothing."),
			"author": object([]string{"id", "name"}, schema{
				"id": str("The source's id of the person."), "name": str("Up to 200 characters."),
				"email": str("When the source knows it: the customer is found or created by it, and a sensitive ticket's answer can go there privately."),
			}),
			"text":     str("The message, up to 65536 characters."),
			"subject":  str("Optional; default the first line of the text."),
			"language": enum("The author's language, when known.", []string{"fr", "en"}),
		}),
		"ChannelIntake": object([]string{"new_ticket", "duplicate"}, schema{
			"ticket_id": integer(""), "reference": str(""),
			"new_ticket": boolean("A conversation's first message opens a routed ticket; later ones are added to it."),
			"duplicate":  boolean("The message id was already received: nothing was stored."),
		}),
		"ConnectorSettings": object([]string{"name"}, settings),
		"Connector":         object(required, connectorProps),
		"NewConnector": object(append(required, "secret"), with(connectorProps, schema{
			"secret": str("Signs both directions (HMAC-SHA256). Shown once."),
		})),
		"ConnectorList": object([]string{"data"}, schema{"data": list(ref("Connector"), "Oldest first.")}),
	}
}
