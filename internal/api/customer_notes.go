package api

import (
	"context"
	"time"

	"github.com/palier/palier/internal/auth"
	"github.com/palier/palier/internal/customer"
)

// Notes about a customer or an organisation: support's internal memory of
// them (never shown to the customer). Any member of support reads and adds
// them; collaborators do neither.

func customerNoteSchemas() map[string]any {
	return map[string]any{
		"CustomerNoteInput": object([]string{"body"}, schema{"body": str("The note, at most 5000 characters; support reads it, the customer never does.")}),
		"CustomerNote": object([]string{"id", "author_id", "author_name", "body", "created_at"}, schema{
			"id": integer(""), "customer_id": integer("Set on a note about a customer."), "organisation_id": integer("Set on a note about an organisation."),
			"author_id": integer("The member who wrote it."), "author_name": str(""), "body": str(""), "created_at": when(""),
		}),
		"CustomerNotePage": pageSchema("CustomerNote", "Notes, newest first."),
	}
}

// customerNoteJSON is a note as the API serves it (schema CustomerNote).
type customerNoteJSON struct {
	ID             int64     `json:"id"`
	CustomerID     int64     `json:"customer_id,omitempty"`
	OrganisationID int64     `json:"organisation_id,omitempty"`
	AuthorID       int64     `json:"author_id"`
	AuthorName     string    `json:"author_name"`
	Body           string    `json:"body"`
	CreatedAt      time.Time `json:"created_at"`
}

func customerNoteOut(n customer.Note) customerNoteJSON {
	return customerNoteJSON{ID: n.ID, CustomerID: n.CustomerID, OrganisationID: n.OrganisationID, AuthorID: n.AuthorID, AuthorName: n.AuthorName,
		Body: n.Body, CreatedAt: n.CreatedAt}
}

type noteInput struct {
	Body string `json:"body"`
}

func (a *API) notesOf(c *call, list func(context.Context, auth.Actor, int64, int64, int) ([]customer.Note, error)) (any, error) {
	id, err := c.id("id")
	if err != nil {
		return nil, err
	}
	return cursorPage(c, "notes", func(before int64, limit int) ([]customer.Note, error) {
		return list(c.r.Context(), c.actor, id, before, limit)
	}, customerNoteOut, func(n customerNoteJSON) int64 { return n.ID })
}

func (a *API) addNoteTo(c *call, add func(context.Context, auth.Actor, int64, string) (customer.Note, error)) (any, error) {
	return withBody(c, func(ctx context.Context, actor auth.Actor, id int64, in noteInput) (customer.Note, error) {
		return add(ctx, actor, id, in.Body)
	}, createdAt(c, customerNoteOut, noLocation))
}

func (a *API) listCustomerNotes(c *call) (any, error) { return a.notesOf(c, a.desk.CustomerNotes) }
func (a *API) addCustomerNote(c *call) (any, error)   { return a.addNoteTo(c, a.desk.AddCustomerNote) }
func (a *API) listOrganisationNotes(c *call) (any, error) {
	return a.notesOf(c, a.desk.OrganisationNotes)
}
func (a *API) addOrganisationNote(c *call) (any, error) {
	return a.addNoteTo(c, a.desk.AddOrganisationNote)
}
