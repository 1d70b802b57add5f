package api

import (
	"maps"

	"github.com/palier/palier/internal/customer"
	"github.com/palier/palier/internal/ticket"
	"github.com/palier/palier/internal/workspace"
)

// schema is a JSON Schema object (OpenAPI 3.1 speaks JSON Schema 2020-12).
type schema = map[string]any

func ref(name string) schema { return schema{"$ref": "#/components/schemas/" + name} }

func object(required []string, props schema) schema {
	s := schema{"type": "object", "properties": props}
	if len(required) > 0 {
		s["required"] = required
	}
	return s
}

func str(desc string) schema { return schema{"type": "string", "description": desc} }

func enum[T ~string](desc string, values []T) schema {
	s := str(desc)
	vs := make([]string, len(values))
	for i, v := range values {
		vs[i] = string(v)
	}
	s["enum"] = vs
	return s
}

func integer(desc string) schema { return schema{"type": "integer", "description": desc} }
func number(desc string) schema  { return schema{"type": "number", "description": desc} }
func boolean(desc string) schema { return schema{"type": "boolean", "description": desc} }
func when(desc string) schema {
	return schema{"type": "string", "format": "date-time", "description": desc}
}
func list(items schema, desc string) schema {
	return schema{"type": "array", "items": items, "description": desc}
}
func ids(desc string) schema { return list(schema{"type": "integer"}, desc) }
func textMap(desc string) schema {
	return schema{"type": "object", "additionalProperties": schema{"type": "string"}, "description": desc}
}
func nullable(typ, desc string) schema {
	return schema{"type": []string{typ, "null"}, "description": desc}
}

func pageSchema(item, desc string) schema {
	return object([]string{"data", "next_cursor"}, schema{
		"data":        list(ref(item), desc),
		"next_cursor": nullable("string", "Pass as ?cursor= to get the next page; null on the last page."),
	})
}

// with returns a copy of props with more properties.
func with(props schema, more schema) schema {
	out := maps.Clone(props)
	maps.Copy(out, more)
	return out
}

var languages = workspace.Languages

// rtModel documents a request type's support model.
var rtModel = enum(`How its tickets are worked when the workspace's support_model is hybrid: tiered (escalated L1 → L2 → L3) `+
	`or swarming (the owner keeps the ticket and invites experts; escalating up is refused with swarming_model). `+
	`"" follows the workspace, which in hybrid means tiered. Ignored by tiered and swarming workspaces.`, workspace.RequestTypeModels)

// roleDesc documents the roles.
const nameInCallersLanguage = "The name in the language Accept-Language asks for (name_fr or name_en)."

const nameInputDoc = "For older callers: on create, fills whichever of name_fr and name_en is missing; " +
	"on update, replaces the name in the language Accept-Language asks for. Give name_fr and name_en instead."

const roleDesc = "admin: everything; lead: their tiers and teams, sensitive tickets included; agent: the tickets of their tiers and teams; " +
	"collaborator: someone outside support (product, engineering) who belongs to no tier, sees only the tickets they were invited to " +
	"and posts internal notes there, never replies, changes, escalates, invites nor opens tickets."

// schemas returns the components' schemas: the answers first, then the
// request bodies. Required lists name the fields that are always present
// in answers (the others are left out when empty).
// tokenProps describe an API token as listed.
var tokenProps = schema{
	"id": integer(""), "agent_id": integer("Who the token acts as."), "agent_email": str(""), "name": str(""),
	"created_at":   when(""),
	"expires_at":   nullable("string", "RFC 3339; null: never expires."),
	"last_used_at": nullable("string", "RFC 3339, to the minute; null: never used."),
	"revoked_at":   nullable("string", "RFC 3339; null: live."),
}

func schemas() map[string]any {
	s := map[string]any{}
	maps.Copy(s, answerSchemas())
	maps.Copy(s, bodySchemas())
	maps.Copy(s, routingSchemas())
	maps.Copy(s, escalationSchemas())
	maps.Copy(s, kbSchemas())
	maps.Copy(s, attachmentSchemas())
	maps.Copy(s, connectorSchemas())
	maps.Copy(s, selfServiceSchemas())
	maps.Copy(s, notificationSchemas())
	maps.Copy(s, eventSchemas())
	maps.Copy(s, macroSchemas())
	maps.Copy(s, bulkSchemas())
	maps.Copy(s, mailboxSchemas())
	maps.Copy(s, customerNoteSchemas())
	maps.Copy(s, linkSchemas())
	maps.Copy(s, customerMergeSchemas())
	maps.Copy(s, viewSchemas())
	return s
}

// ticketUpdateProps are the fields of a change of a ticket, one ticket's
// or many's.
func ticketUpdateProps() schema {
	return schema{
		"status":        enum("", ticket.Statuses),
		"priority":      enum("", ticket.PriorityNames()),
		"request_type":  str(`Request type key; "" clears.`),
		"tier_id":       integer(""),
		"team_id":       integer("0 clears. Agents choose a team of the ticket's tier (else 403 out_of_scope)."),
		"owner_id":      integer("0 unassigns. Agents assign to someone of the ticket's tier or team (else 403 out_of_scope)."),
		"sensitive":     boolean("Leads, admins and the owner only; anyone else gets 403 sensitive_not_allowed, even to send the current value."),
		"tags":          list(schema{"type": "string"}, "Replaces the tags."),
		"custom_fields": textMap(`Values to set by key; "" clears one.`),
	}
}

func answerSchemas() map[string]any {
	return map[string]any{
		"Error": object([]string{"error"}, schema{"error": ref("ErrorDetail")}),
		"ErrorDetail": object([]string{"code", "message"}, schema{
			"code":    str("Stable machine code, e.g. validation_failed, ticket_not_found."),
			"message": str("For people, in the language of Accept-Language (fr or en)."),
			"params":  textMap("Values the message refers to (e.g. the offending field or value)."),
			"fields": schema{"type": "object", "description": "One entry per invalid field (validation_failed).",
				"additionalProperties": object([]string{"code", "message"}, schema{
					"code":    str("Stable machine code: required, too_long, unknown_value, wrong_type…"),
					"message": str("For people."),
					"params":  textMap("Values the message refers to (max, value, expected…)."),
				})},
		}),
		"OpenAPI": schema{"type": "object", "description": "This document."},
		"Me": object([]string{"agent_id", "workspace_id", "name", "email", "role", "language", "timezone", "tier_ids", "team_ids"}, schema{
			"agent_id": integer(""), "workspace_id": integer(""), "name": str(""), "email": str(""),
			"role":     enum(roleDesc, workspace.Roles),
			"language": str(`Interface language; "" follows the browser.`), "timezone": str(`"" = the workspace's.`),
			"tier_ids": ids("Tiers you belong to, directly or through a team."), "team_ids": ids("Your teams."),
		}),
		"Token": object([]string{"id", "agent_id", "agent_email", "name", "created_at", "expires_at", "last_used_at", "revoked_at"}, tokenProps),
		"NewToken": object([]string{"id", "agent_id", "agent_email", "name", "created_at", "expires_at", "last_used_at", "revoked_at", "token"},
			with(tokenProps, schema{"token": str("The bearer secret. Shown once: only its hash is stored.")})),
		"TokenPage": pageSchema("Token", "Tokens, newest first."),
		"Unlock":    object([]string{"agent_id", "unlocked"}, schema{"agent_id": integer(""), "unlocked": boolean("")}),
		"Ticket": object([]string{"id", "number", "reference", "subject", "status", "priority", "channel", "tier_id", "customer_id",
			"language", "sensitive", "tags", "custom_fields", "collaborator_ids", "escalation_count", "handoff_count", "first_contact_resolved", "created_at", "updated_at"}, schema{
			"id": integer(""), "number": integer("Human reference number."), "reference": str(`What customers quote, e.g. "#1042".`),
			"subject":          str("As typed: HTML is not interpreted."),
			"status":           enum("", ticket.Statuses),
			"priority":         enum("", ticket.PriorityNames()),
			"request_type_id":  integer("Absent when untyped."),
			"channel":          enum("", ticket.Channels),
			"tier_id":          integer(""),
			"team_id":          integer("Absent when no team."),
			"owner_id":         integer("Absent when unassigned."),
			"customer_id":      integer(""),
			"language":         enum("", languages),
			"sensitive":        boolean("Visible only to its owner, collaborators, leads and admins."),
			"tags":             list(schema{"type": "string"}, ""),
			"custom_fields":    textMap("Custom field values by key."),
			"collaborator_ids": ids("Agents invited to swarm on it."),
			"escalation_count": integer("Times it was escalated to a higher tier."),
			"handoff_count":    integer("Times responsibility passed from an owner to someone else (a move between tiers, a new owner)."),
			"first_contact_resolved": boolean("Solved by the agent who first answered, never escalated nor handed off; " +
				"set when it is solved, cleared if it reopens."),
			"created_at": when(""), "updated_at": when(""),
			"first_response_at": when("Absent until the first public reply."),
			"solved_at":         when("Absent unless solved or closed."),
			"merged_into":       integer("The ticket this one was merged into (it is then closed); absent when not merged."),
			"links":             list(ref("TicketLink"), "GET /tickets/{id} only: its links (see /tickets/{id}/links); absent when none."),
			"search": object([]string{"score", "subject_html", "snippet_html"}, schema{
				"score":        number("How well it matches (higher is better; comparable within one search only)."),
				"subject_html": str("The subject, HTML-escaped, with the matched words in <mark>."),
				"snippet_html": str("The message passage with the most matched words, HTML-escaped, with them in <mark>; empty when only the subject matched."),
				"snippet_kind": enum("Which kind of message the passage comes from.", []ticket.EventKind{ticket.CustomerMessage, ticket.AgentReply, ticket.InternalNote}),
			}),
		}),
		"TicketPage": pageSchema("Ticket", "Tickets you may see."),
		"EventPage":  pageSchema("Event", "Timeline entries, oldest first."),
		"MessageResult": object([]string{"event", "ticket"}, schema{"event": ref("Event"), "ticket": ref("Ticket"),
			"attachments": list(ref("Attachment"), "The files sent with the message (multipart bodies).")}),
		"Customer": object([]string{"id", "name", "email", "language", "segment", "created_at"}, schema{
			"id": integer(""), "organisation_id": integer("Absent when none."), "name": str(""), "email": str(""),
			"phone": str("Absent when unknown."), "language": str(`fr, en or "".`), "segment": str(`One of the segments, or "".`),
			"created_at": when(""),
		}),
		"CustomerPage": pageSchema("Customer", "Customers, newest first."),
		"Organisation": object([]string{"id", "name", "segment", "domain", "created_at"}, schema{
			"id": integer(""), "name": str(""), "segment": str(""), "domain": str(""), "created_at": when(""),
		}),
		"OrganisationPage": pageSchema("Organisation", "Organisations, newest first."),
		"Agent": object([]string{"id", "email", "name", "role", "language", "timezone", "active", "tier_ids", "team_ids", "created_at"}, schema{
			"id": integer(""), "email": str(""), "name": str(""), "role": enum(roleDesc, workspace.Roles),
			"language": str(""), "timezone": str(""), "active": boolean(""),
			"tier_ids": ids("Tiers the member belongs to directly."), "team_ids": ids(""), "created_at": when(""),
		}),
		"AgentPage": pageSchema("Agent", "Members by name."),
		"Team": object([]string{"id", "tier_id", "name", "name_fr", "name_en", "description", "skill_ids", "member_ids"}, schema{
			"id": integer(""), "tier_id": integer(""), "name": str(nameInCallersLanguage), "name_fr": str(""), "name_en": str(""), "description": str(""),
			"skill_ids": ids("Request types the team handles."), "member_ids": ids(""),
		}),
		"TeamPage": pageSchema("Team", "Teams by name."),
		"Tier": object([]string{"id", "code", "name", "name_fr", "name_en", "description", "target_share", "position", "external"}, schema{
			"id": integer(""), "code": enum("", workspace.TierCodes), "name": str(nameInCallersLanguage), "name_fr": str(""), "name_en": str(""), "description": str(""),
			"target_share": number("Share of resolutions aimed for, 0…1."), "position": integer(""),
			"external": boolean("An outside vendor's support."), "vendor_email": str("Absent when none."),
		}),
		"TierPage": pageSchema("Tier", "Tiers, lowest first."),
		"RequestType": object([]string{"id", "key", "name_fr", "name_en", "active", "model"}, schema{
			"id": integer(""), "key": str(""), "name_fr": str(""), "name_en": str(""), "active": boolean(""),
			"model": rtModel,
		}),
		"RequestTypePage": pageSchema("RequestType", "Request types by key."),
		"CustomField": object([]string{"id", "key", "label_fr", "label_en", "kind", "position"}, schema{
			"id": integer(""), "key": str(""), "label_fr": str(""), "label_en": str(""),
			"kind":    enum("", workspace.FieldKinds),
			"options": list(schema{"type": "string"}, "Choices of a select field; absent for other kinds."), "position": integer(""),
		}),
		"CustomFieldPage": pageSchema("CustomField", "Custom fields in display order."),
		"Workspace": object([]string{"id", "name", "support_model", "languages", "default_language", "timezone", "business_hours", "created_at"}, schema{
			"id": integer(""), "name": str(""), "support_model": enum("", workspace.SupportModels),
			"languages": list(enum("", languages), ""), "default_language": enum("", languages), "timezone": str("IANA time zone."),
			"business_hours": str(businessHoursDoc),
			"created_at":     when(""),
		}),
		"AuditEntry": object([]string{"id", "action", "target_type", "target_id", "details", "created_at"}, schema{
			"id": integer(""), "actor_id": integer("Absent for changes made by the system."), "actor_name": str(""),
			"action": str("e.g. team.update"), "target_type": str(""), "target_id": integer(""),
			"details": schema{"description": "What changed (any JSON value)."}, "created_at": when(""),
		}),
		"AuditPage": pageSchema("AuditEntry", "Entries, newest first."),
	}
}

func bodySchemas() map[string]any {
	customerProps := schema{
		"organisation_id": integer("0 = none."), "name": str(""), "email": str(""), "phone": str(""),
		"language": enum("", append([]string{""}, languages...)), "segment": enum("", append([]string{""}, customer.Segments...)),
	}
	orgProps := schema{"name": str(""), "segment": enum("", append([]string{""}, customer.Segments...)), "domain": str("")}
	agentProps := schema{
		"email": str(""), "name": str(""), "role": enum(roleDesc, workspace.Roles),
		"language": enum("", append([]string{""}, languages...)), "timezone": str(`IANA time zone; "" = the workspace's.`),
		"active": boolean("Inactive members cannot sign in."), "tier_ids": ids("Tiers the member belongs to directly (replaces the list)."),
		"team_ids": ids("Teams (replaces the list)."),
	}
	teamProps := schema{"tier_id": integer(""), "name": str(nameInputDoc), "name_fr": str(""), "name_en": str(""), "description": str(""),
		"skill_ids": ids("Request type ids (replaces the list)."), "member_ids": ids("Agent ids (replaces the list).")}
	tierProps := schema{"name": str(nameInputDoc), "name_fr": str(""), "name_en": str(""), "description": str(""), "target_share": number("0…1."), "position": integer(""),
		"external": boolean(""), "vendor_email": str("")}
	rtProps := schema{"name_fr": str(""), "name_en": str(""), "active": boolean(""), "model": rtModel}
	cfProps := schema{"label_fr": str(""), "label_en": str(""), "options": list(schema{"type": "string"}, "Choices of a select field."), "position": integer("")}
	return map[string]any{
		"TokenRequest": object(nil, schema{
			"name":       str(`A label to recognise the token by (default "api").`),
			"agent_id":   integer("Admins only: issue the token for this agent. Default: yourself."),
			"expires_at": when("When the token stops working (RFC 3339, in the future, within 5 years). Absent: never."),
		}),
		"UnlockRequest": with(object(nil, schema{}), schema{"description": "No fields: send {} or no body."}),
		"NoFields":      with(object(nil, schema{}), schema{"description": "No fields: send {} or no body."}),
		"NewTicket": object([]string{"subject", "body"}, schema{
			"subject":        str("One line, at most 250 characters."),
			"body":           str("The request, as the customer wrote it (at most 65536 characters)."),
			"customer_id":    integer("The customer; or give customer_email."),
			"customer_email": str("Found, or created as a new customer, when customer_id is not given."),
			"customer_name":  str("Name of a customer created from customer_email."),
			"priority":       enum("Default normal.", ticket.PriorityNames()),
			"request_type":   str("Request type key."),
			"channel":        enum("Default api.", ticket.Channels),
			"tier_id":        integer("Place in this tier instead of where routing would. Agents: a tier they work in (else 403 out_of_scope)."),
			"team_id":        integer("Agents: a team of the ticket's tier."),
			"owner_id":       integer("Agents: themselves or someone of the ticket's tier or team. Without it, an agent whose ticket routing places in a tier they do not work in does not own it: it waits for that tier, and they keep reading it."),
			"language":       enum("Default: the customer's, else the workspace's.", languages),
			"sensitive":      boolean(""),
			"tags":           list(schema{"type": "string"}, "At most 20 short words."),
			"custom_fields":  textMap("Values by custom field key."),
		}),
		"TicketUpdate": object(nil, ticketUpdateProps()),
		"Call": object([]string{"direction", "number", "duration_seconds"}, schema{
			"direction":        enum("Who called.", []string{"inbound", "outbound"}),
			"number":           str("The other party's number: digits, an optional leading +, spaces, dots, dashes, brackets."),
			"duration_seconds": integer("0 to 86400."),
			"notes":            str("What was said (optional)."),
		}),
		"Callback": object([]string{"name", "email", "number", "reason"}, schema{
			"name": str("The customer's name."), "email": str("Found or created as a customer."),
			"number": str("Where to call them back."), "reason": str("What they want to talk about."),
		}),
		"Reply": object([]string{"body"}, schema{"body": str(""),
			"status": enum("Set in the same step, e.g. solved.", append([]ticket.Status{""}, ticket.Statuses...))}),
		"Note":   object([]string{"body"}, schema{"body": str("Visible to agents only.")}),
		"Assign": object([]string{"owner_id"}, schema{"owner_id": nullable("integer", "The new owner; null unassigns.")}),
		"Collaborator": object(nil, schema{
			"agent_id": integer("The agent to invite (a member with the collaborator role too); or give team_id, not both."),
			"team_id":  integer("Invite every active member of this team, except the ticket's owner, yourself and those already in; refused (nobody_to_invite) when nobody is left."),
			"question": str("What you ask them (at most 2000 characters), recorded on the timeline with each swarm_joined event."),
		}),
		"CustomerCreate":     object([]string{"name", "email"}, customerProps),
		"CustomerUpdate":     object(nil, customerProps),
		"OrganisationCreate": object([]string{"name"}, orgProps),
		"OrganisationUpdate": object(nil, orgProps),
		"AgentCreate": object([]string{"email", "name", "role"}, with(agentProps, schema{
			"password": str("At least 10 characters; empty leaves the account unable to sign in until one is set."),
		})),
		"AgentUpdate":       object(nil, agentProps),
		"TeamCreate":        object([]string{"tier_id"}, teamProps),
		"TeamUpdate":        object(nil, teamProps),
		"TierCreate":        object([]string{"code"}, with(tierProps, schema{"code": enum("", workspace.TierCodes)})),
		"TierUpdate":        object(nil, tierProps),
		"RequestTypeCreate": object([]string{"key", "name_fr", "name_en"}, with(rtProps, schema{"key": str("a-z, 0-9, _ and -.")})),
		"RequestTypeUpdate": object(nil, rtProps),
		"CustomFieldCreate": object([]string{"key", "label_fr", "label_en", "kind"}, with(cfProps, schema{
			"key": str("a-z, 0-9, _ and -."), "kind": enum("", workspace.FieldKinds),
		})),
		"CustomFieldUpdate": object(nil, cfProps),
		"WorkspaceUpdate": object(nil, schema{
			"name": str(""), "support_model": enum("", workspace.SupportModels),
			"languages": list(enum("", languages), ""), "default_language": enum("", languages), "timezone": str("IANA time zone."),
			"business_hours": str(businessHoursDoc),
		}),
	}
}
