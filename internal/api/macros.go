package api

import (
	"context"
	"net/http"
	"time"

	"github.com/palier/palier/internal/auth"
	"github.com/palier/palier/internal/desk"
	"github.com/palier/palier/internal/macro"
)

// Macros: canned replies with actions (package macro).

type macroJSON struct {
	ID        int64         `json:"id"`
	Name      string        `json:"name"`
	Scope     macro.Scope   `json:"scope"`
	OwnerID   int64         `json:"owner_id,omitempty"`
	TeamID    int64         `json:"team_id,omitempty"`
	BodyFR    string        `json:"body_fr"`
	BodyEN    string        `json:"body_en"`
	Actions   macro.Actions `json:"actions"`
	Usage     int64         `json:"usage"`
	UpdatedAt time.Time     `json:"updated_at"`
}

func macroOut(m macro.Macro) macroJSON {
	a := m.Actions
	a.AddTags = nonNilStrings(a.AddTags)
	return macroJSON{ID: m.ID, Name: m.Name, Scope: m.Scope, OwnerID: m.OwnerID, TeamID: m.TeamID, BodyFR: m.BodyFR, BodyEN: m.BodyEN,
		Actions: a, Usage: m.Usage, UpdatedAt: m.UpdatedAt}
}

// macroInput is a macro as written; on update, the stored values fill
// what the body leaves out.
type macroInput struct {
	Name    string        `json:"name"`
	Scope   macro.Scope   `json:"scope"`
	TeamID  int64         `json:"team_id"`
	BodyFR  string        `json:"body_fr"`
	BodyEN  string        `json:"body_en"`
	Actions macro.Actions `json:"actions"`
}

func (in macroInput) macro() macro.Macro {
	return macro.Macro{Name: in.Name, Scope: in.Scope, TeamID: in.TeamID, BodyFR: in.BodyFR, BodyEN: in.BodyEN, Actions: in.Actions}
}

func (a *API) listMacros(c *call) (any, error) {
	return render(listOf(macroOut))(a.desk.Macros(c.r.Context(), c.actor))
}

func (a *API) createMacro(c *call) (any, error) {
	return fromBody(c, macroInput{Scope: macro.Personal}, func(ctx context.Context, actor auth.Actor, in macroInput) (macro.Macro, error) {
		return a.desk.CreateMacro(ctx, actor, in.macro())
	}, createdAt(c, macroOut, func(m macroJSON) string { return pathOf("/macros", m.ID) }))
}

func (a *API) getMacro(c *call) (any, error) { return byID(c, a.desk.Macro, render(macroOut)) }

func (a *API) updateMacro(c *call) (any, error) {
	return patch(c, a.desk.Macro,
		func(m macro.Macro) macroInput {
			return macroInput{Name: m.Name, Scope: m.Scope, TeamID: m.TeamID, BodyFR: m.BodyFR, BodyEN: m.BodyEN, Actions: m.Actions}
		},
		func(ctx context.Context, actor auth.Actor, id int64, in macroInput) error {
			_, err := a.desk.UpdateMacro(ctx, actor, id, in.macro())
			return err
		}, macroOut)
}

func (a *API) deleteMacro(c *call) (any, error) { return byID(c, a.desk.DeleteMacro, render(macroOut)) }

type macroPreviewJSON struct {
	MacroID  int64         `json:"macro_id"`
	Language string        `json:"language"`
	Body     string        `json:"body"`
	Missing  []string      `json:"missing"`
	Actions  macro.Actions `json:"actions"`
}

func (a *API) previewMacro(c *call) (any, error) {
	ticketID, macroID, err := c.twoIDs("id", "macro")
	if err != nil {
		return nil, err
	}
	p, err := a.desk.PreviewMacro(c.r.Context(), c.actor, ticketID, macroID, a.baseURL(c.r))
	if err != nil {
		return nil, err
	}
	return macroPreviewJSON{MacroID: p.Macro.ID, Language: p.Language, Body: p.Body, Missing: nonNilStrings(p.Missing), Actions: p.Macro.Actions}, nil
}

func (a *API) applyMacro(c *call) (any, error) {
	ticketID, macroID, err := c.twoIDs("id", "macro")
	if err != nil {
		return nil, err
	}
	var in struct {
		Body   *string `json:"body"`
		Note   bool    `json:"note"`
		Status string  `json:"status"`
	}
	files, done, err := c.decodeMessage(a, &in)
	defer done()
	if err != nil {
		return nil, err
	}
	return render(ticketOut)(a.desk.ApplyMacro(c.r.Context(), c.actor, ticketID, desk.MacroUse{MacroID: macroID, Body: in.Body,
		Note: in.Note, Status: in.Status, Files: files, PublicURL: a.baseURL(c.r)}))
}

// baseURL is where customers reach the server, for the links a macro puts
// in a reply: the configured public address, else the one the caller
// reached.
func (a *API) baseURL(r *http.Request) string {
	if a.publicURL != "" {
		return a.publicURL
	}
	if r.TLS != nil {
		return "https://" + r.Host
	}
	return "http://" + r.Host
}

func macroSchemas() map[string]any {
	actions := object(nil, schema{
		"status":       enum("Status set with the reply.", statusNames()),
		"priority":     enum("", []string{"low", "normal", "high", "urgent"}),
		"request_type": str("A request type's key."),
		"add_tags":     list(str(""), "Tags added to the ticket's."),
		"assign":       str(`"me" (whoever applies it), "none" (unassign) or an agent's id.`),
	})
	props := schema{
		"name":    str(""),
		"scope":   enum("personal: yours only; team: the team's members; shared: everyone.", []macro.Scope{macro.Personal, macro.Team, macro.Shared}),
		"team_id": integer("The team of a team macro."),
		"body_fr": str("Reply text in French. Placeholders: {{customer_name}}, {{customer_first_name}}, {{ticket_ref}}, {{agent_name}}, {{agent_first_name}}, {{article:ID}}."),
		"body_en": str("Reply text in English, same placeholders."),
		"actions": actions,
	}
	return map[string]any{
		"MacroInput": object(nil, props),
		"Macro": object([]string{"id", "name", "scope", "body_fr", "body_en", "actions", "usage", "updated_at"}, with(props, schema{
			"id": integer(""), "owner_id": integer("The owner of a personal macro."), "usage": integer("How many times it was applied."),
			"updated_at": when(""),
		})),
		"MacroList": object([]string{"data"}, schema{"data": list(ref("Macro"), "Most used first.")}),
		"MacroPreview": object([]string{"macro_id", "language", "body", "missing", "actions"}, schema{
			"macro_id": integer(""), "language": str("The customer's language, in which the text was chosen."),
			"body":    str("The text with its placeholders filled."),
			"missing": list(str(""), "Placeholders with no value on this ticket (left empty in body)."),
			"actions": actions,
		}),
		"MacroApply": object(nil, schema{
			"body":   str("The text to send, as edited from the preview; absent sends the macro's text. Empty with no files applies the actions only."),
			"note":   boolean("Post the text as an internal note rather than a reply."),
			"status": enum("A status that wins over the macro's.", statusNames()),
		}),
	}
}
