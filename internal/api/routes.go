package api

import (
	"github.com/palier/palier/internal/kb"
	"github.com/palier/palier/internal/store"
	"github.com/palier/palier/internal/ticket"
)

// route is one endpoint. The table below is the single list of what the API
// serves: the mux is built from it, and so is the OpenAPI document (with the
// prose of operations.json, looked up by operation id).
type route struct {
	Method string
	Path   string // a ServeMux path: /api/v1/tickets/{id}
	ID     string // the OpenAPI operationId
	Public bool   // served without a bearer token
	Query  []param
	Handle func(*API, *call) (any, error)
}

var ticketListParams = []param{
	{Name: "tier", Type: "string", Repeat: true, Desc: "Tier id or code (L1…); repeatable or comma-separated."},
	{Name: "team", Type: "integer", Min: 1, Desc: "Team id."},
	{Name: "status", Type: "string", Repeat: true, Enum: statusNames(), Desc: "Status; repeatable or comma-separated."},
	{Name: "owner", Type: "string", Desc: `Owner: an agent id, "me" or "none" (unassigned).`},
	{Name: "handed_off_by", Type: "string", Enum: []string{"me"}, Desc: "me: the tickets you handed off to another tier (escalated, sent down, or opened for a tier routing chose)."},
	{Name: "type", Type: "string", Desc: "Request type key."},
	{Name: "customer", Type: "integer", Min: 1, Desc: "Customer id."},
	{Name: "sort", Type: "string", Enum: store.Sorts, Desc: "Order: newest (default), oldest, updated or priority (most urgent first)."},
	cursorParam,
	{Name: "limit", Type: "integer", Min: 1, Max: maxLimit, Desc: "Page size (default 50)."},
}

func statusNames() []string {
	return each(ticket.Statuses, func(s ticket.Status) string { return string(s) })
}

// routeTable lists every endpoint. It is a function, not a variable,
// because the OpenAPI handler it names reads the table itself.
func routeTable() []route {
	return []route{
		{Method: "GET", Path: Prefix + "/openapi.json", ID: "getOpenAPI", Public: true, Handle: (*API).openAPI},
		{Method: "GET", Path: Prefix + "/me", ID: "getMe", Handle: (*API).me},
		{Method: "POST", Path: Prefix + "/tokens", ID: "createToken", Handle: (*API).createToken},

		{Method: "GET", Path: Prefix + "/tickets", ID: "listTickets", Query: ticketListAndSearchParams, Handle: (*API).listTickets},
		{Method: "POST", Path: Prefix + "/tickets", ID: "createTicket", Handle: (*API).createTicket},
		{Method: "POST", Path: Prefix + "/bulk/tickets", ID: "bulkUpdateTickets", Handle: (*API).bulkUpdateTickets},
		{Method: "GET", Path: Prefix + "/tickets/{id}", ID: "getTicket", Handle: (*API).getTicket},
		{Method: "PATCH", Path: Prefix + "/tickets/{id}", ID: "updateTicket", Handle: (*API).updateTicket},
		{Method: "POST", Path: Prefix + "/tickets/{id}/replies", ID: "replyToTicket", Handle: (*API).reply},
		{Method: "POST", Path: Prefix + "/tickets/{id}/notes", ID: "addTicketNote", Handle: (*API).note},
		{Method: "POST", Path: Prefix + "/tickets/{id}/calls", ID: "logTicketCall", Handle: (*API).logCall},
		{Method: "POST", Path: Prefix + "/callbacks", ID: "requestCallback", Handle: (*API).requestCallback},
		{Method: "POST", Path: Prefix + "/tickets/{id}/messages/{mid}/retry", ID: "retryTicketEmail", Handle: (*API).retryEmail},
		{Method: "POST", Path: Prefix + "/tickets/{id}/assign", ID: "assignTicket", Handle: (*API).assign},
		{Method: "POST", Path: Prefix + "/tickets/{id}/collaborators", ID: "addTicketCollaborator", Handle: (*API).addCollaborator},
		{Method: "GET", Path: Prefix + "/tickets/{id}/escalation", ID: "getTicketEscalation", Handle: (*API).ticketEscalation},
		{Method: "POST", Path: Prefix + "/tickets/{id}/escalate", ID: "escalateTicket", Handle: (*API).escalate},
		{Method: "GET", Path: Prefix + "/tickets/{id}/events", ID: "listTicketEvents", Handle: (*API).events, Query: []param{
			{Name: "after", Type: "integer", Min: 0, Desc: "Only events with a higher id than this one, i.e. stored since (for polling); still answered in time order."},
			cursorParam,
			{Name: "limit", Type: "integer", Min: 1, Max: maxEvents, Desc: "Page size (default 100)."},
		}},

		{Method: "GET", Path: Prefix + "/macros", ID: "listMacros", Handle: (*API).listMacros},
		{Method: "POST", Path: Prefix + "/macros", ID: "createMacro", Handle: (*API).createMacro},
		{Method: "GET", Path: Prefix + "/macros/{id}", ID: "getMacro", Handle: (*API).getMacro},
		{Method: "PATCH", Path: Prefix + "/macros/{id}", ID: "updateMacro", Handle: (*API).updateMacro},
		{Method: "DELETE", Path: Prefix + "/macros/{id}", ID: "deleteMacro", Handle: (*API).deleteMacro},
		{Method: "GET", Path: Prefix + "/tickets/{id}/macros/{macro}", ID: "previewMacro", Handle: (*API).previewMacro},
		{Method: "POST", Path: Prefix + "/tickets/{id}/macros/{macro}", ID: "applyMacro", Handle: (*API).applyMacro},

		{Method: "GET", Path: Prefix + "/views", ID: "listViews", Handle: (*API).listViews},
		{Method: "POST", Path: Prefix + "/views", ID: "createView", Handle: (*API).createView},
		{Method: "GET", Path: Prefix + "/views/{id}", ID: "getView", Handle: (*API).getView},
		{Method: "PATCH", Path: Prefix + "/views/{id}", ID: "updateView", Handle: (*API).updateView},
		{Method: "DELETE", Path: Prefix + "/views/{id}", ID: "deleteView", Handle: (*API).deleteView},
		{Method: "GET", Path: Prefix + "/views/{id}/tickets", ID: "listViewTickets", Handle: (*API).listViewTickets, Query: []param{cursorParam,
			{Name: "limit", Type: "integer", Min: 1, Max: maxLimit, Desc: "Page size (default 50)."}}},

		{Method: "GET", Path: Prefix + "/routing/rules", ID: "getRoutingRules", Handle: (*API).getRoutingRules},
		{Method: "PUT", Path: Prefix + "/routing/rules", ID: "saveRoutingRules", Handle: (*API).putRoutingRules},
		{Method: "POST", Path: Prefix + "/routing/dry-run", ID: "dryRunRoutingRules", Handle: (*API).dryRun},

		{Method: "GET", Path: Prefix + "/escalation-procedures", ID: "listEscalationProcedures", Handle: (*API).listProcedures},
		{Method: "POST", Path: Prefix + "/escalation-procedures", ID: "createEscalationProcedure", Handle: (*API).createProcedure},
		{Method: "PUT", Path: Prefix + "/escalation-procedures/{id}", ID: "replaceEscalationProcedure", Handle: (*API).updateProcedure},

		{Method: "GET", Path: Prefix + "/customers", ID: "listCustomers", Handle: (*API).listCustomers, Query: []param{
			{Name: "q", Type: "string", Desc: "Words that each start a word of the name or email (case and accents ignored): \"zoe lef\" finds Zoé Lefèvre."},
			{Name: "organisation", Type: "integer", Min: 1, Desc: "Organisation id."},
			cursorParam, limitParam,
		}},
		{Method: "POST", Path: Prefix + "/customers", ID: "createCustomer", Handle: (*API).createCustomer},
		{Method: "GET", Path: Prefix + "/customers/{id}", ID: "getCustomer", Handle: (*API).getCustomer},
		{Method: "PATCH", Path: Prefix + "/customers/{id}", ID: "updateCustomer", Handle: (*API).updateCustomer},
		{Method: "GET", Path: Prefix + "/customers/{id}/notes", ID: "listCustomerNotes", Handle: (*API).listCustomerNotes, Query: []param{cursorParam, limitParam}},
		{Method: "POST", Path: Prefix + "/customers/{id}/notes", ID: "addCustomerNote", Handle: (*API).addCustomerNote},
		{Method: "POST", Path: Prefix + "/customers/{id}/merge", ID: "mergeCustomers", Handle: (*API).mergeCustomers},

		{Method: "GET", Path: Prefix + "/organisations", ID: "listOrganisations", Handle: (*API).listOrganisations, Query: []param{
			{Name: "q", Type: "string", Desc: "Words that each start a word of the name or domain (case and accents ignored)."},
			cursorParam, limitParam,
		}},
		{Method: "POST", Path: Prefix + "/organisations", ID: "createOrganisation", Handle: (*API).createOrganisation},
		{Method: "GET", Path: Prefix + "/organisations/{id}", ID: "getOrganisation", Handle: (*API).getOrganisation},
		{Method: "PATCH", Path: Prefix + "/organisations/{id}", ID: "updateOrganisation", Handle: (*API).updateOrganisation},
		{Method: "GET", Path: Prefix + "/organisations/{id}/notes", ID: "listOrganisationNotes", Handle: (*API).listOrganisationNotes, Query: []param{cursorParam, limitParam}},
		{Method: "POST", Path: Prefix + "/organisations/{id}/notes", ID: "addOrganisationNote", Handle: (*API).addOrganisationNote},

		{Method: "GET", Path: Prefix + "/agents", ID: "listAgents", Handle: (*API).listAgents},
		{Method: "POST", Path: Prefix + "/agents", ID: "createAgent", Handle: (*API).createAgent},
		{Method: "GET", Path: Prefix + "/agents/{id}", ID: "getAgent", Handle: (*API).getAgent},
		{Method: "PATCH", Path: Prefix + "/agents/{id}", ID: "updateAgent", Handle: (*API).updateAgent},

		{Method: "GET", Path: Prefix + "/teams", ID: "listTeams", Handle: (*API).listTeams},
		{Method: "POST", Path: Prefix + "/teams", ID: "createTeam", Handle: (*API).createTeam},
		{Method: "PATCH", Path: Prefix + "/teams/{id}", ID: "updateTeam", Handle: (*API).updateTeam},

		{Method: "GET", Path: Prefix + "/tiers", ID: "listTiers", Handle: (*API).listTiers},
		{Method: "POST", Path: Prefix + "/tiers", ID: "createTier", Handle: (*API).createTier},
		{Method: "PATCH", Path: Prefix + "/tiers/{id}", ID: "updateTier", Handle: (*API).updateTier},

		{Method: "GET", Path: Prefix + "/request-types", ID: "listRequestTypes", Handle: (*API).listRequestTypes},
		{Method: "POST", Path: Prefix + "/request-types", ID: "createRequestType", Handle: (*API).createRequestType},
		{Method: "PATCH", Path: Prefix + "/request-types/{id}", ID: "updateRequestType", Handle: (*API).updateRequestType},

		{Method: "GET", Path: Prefix + "/custom-fields", ID: "listCustomFields", Handle: (*API).listCustomFields},
		{Method: "POST", Path: Prefix + "/custom-fields", ID: "createCustomField", Handle: (*API).createCustomField},
		{Method: "PATCH", Path: Prefix + "/custom-fields/{id}", ID: "updateCustomField", Handle: (*API).updateCustomField},

		{Method: "GET", Path: Prefix + "/workspace", ID: "getWorkspace", Handle: (*API).getWorkspace},
		{Method: "PATCH", Path: Prefix + "/workspace", ID: "updateWorkspace", Handle: (*API).updateWorkspace},

		{Method: "GET", Path: Prefix + "/audit-log", ID: "listAuditLog", Handle: (*API).auditLog, Query: []param{cursorParam, limitParam}},

		{Method: "GET", Path: Prefix + "/tokens", ID: "listTokens", Handle: (*API).listTokens, Query: []param{
			{Name: "owner", Type: "string", Enum: []string{"me", "all"}, Desc: "me (default): your tokens; all: every token of the workspace (admins only)."},
			cursorParam, limitParam,
		}},
		{Method: "DELETE", Path: Prefix + "/tokens/{id}", ID: "revokeToken", Handle: (*API).revokeToken},
		{Method: "POST", Path: Prefix + "/agents/{id}/unlock", ID: "unlockAgent", Handle: (*API).unlockAgent},
		// Knowledge base (api/kb.go).
		{Method: "GET", Path: Prefix + "/kb/articles", ID: "listKBArticles", Handle: (*API).listKBArticles, Query: []param{
			{Name: "language", Type: "string", Enum: kb.Languages, Desc: "Only articles in this language."},
			{Name: "status", Type: "string", Enum: []string{"draft", "published", "archived"}, Desc: "Only articles with this status."},
			{Name: "visibility", Type: "string", Enum: []string{"public", "internal"}, Desc: "Only articles with this visibility."},
			{Name: "category", Type: "integer", Min: 1, Desc: "Only articles of this category."},
			cursorParam, limitParam,
		}},
		{Method: "POST", Path: Prefix + "/kb/articles", ID: "createKBArticle", Handle: (*API).createKBArticle},
		{Method: "GET", Path: Prefix + "/kb/articles/{id}", ID: "getKBArticle", Handle: (*API).getKBArticle},
		{Method: "PATCH", Path: Prefix + "/kb/articles/{id}", ID: "updateKBArticle", Handle: (*API).updateKBArticle},
		{Method: "GET", Path: Prefix + "/kb/articles/{id}/revisions", ID: "listKBArticleRevisions", Handle: (*API).listKBArticleRevisions},
		{Method: "GET", Path: Prefix + "/kb/categories", ID: "listKBCategories", Handle: (*API).listKBCategories},
		{Method: "POST", Path: Prefix + "/kb/from-ticket/{number}", ID: "createKBArticleFromTicket", Handle: (*API).createKBArticleFromTicket},
		{Method: "GET", Path: Prefix + "/kb/search", ID: "searchKB", Handle: (*API).searchKB, Query: kbSearchParams},
		{Method: "POST", Path: Prefix + "/channels/{key}/messages", ID: "postChannelMessage", Public: true, Handle: (*API).postChannelMessage},
		{Method: "GET", Path: Prefix + "/connectors", ID: "listConnectors", Handle: (*API).listConnectors},
		{Method: "POST", Path: Prefix + "/connectors", ID: "createConnector", Handle: (*API).createConnector},
		{Method: "PUT", Path: Prefix + "/connectors/{id}", ID: "updateConnector", Handle: (*API).updateConnector},
		{Method: "GET", Path: Prefix + "/kb/public/search", ID: "searchKBPublic", Public: true, Handle: (*API).searchKBPublic,
			Query: append([]param{{Name: "workspace", Type: "integer", Min: 1, Desc: "The workspace whose help centre is searched (required)."}}, kbSearchParams...)},

		// Attachments (attachments.go); replies and notes take files as multipart/form-data.
		{Method: "GET", Path: Prefix + "/tickets/{id}/attachments", ID: "listTicketAttachments", Handle: (*API).listTicketAttachments},
		{Method: "GET", Path: Prefix + "/attachments/{id}", ID: "getAttachment", Handle: (*API).getAttachment},

		// Reports (reports_selfservice.go).
		{Method: "GET", Path: Prefix + "/reports/self-service", ID: "getSelfServiceReport", Handle: (*API).selfServiceReport, Query: selfServiceParams},
		// Notifications (notifications.go): the caller's own.
		{Method: "GET", Path: Prefix + "/notifications", ID: "listNotifications", Query: notificationListParams, Handle: (*API).listNotifications},
		{Method: "POST", Path: Prefix + "/notifications/{id}/read", ID: "markNotificationRead", Handle: (*API).markNotificationRead},
		{Method: "POST", Path: Prefix + "/notifications/read-all", ID: "markAllNotificationsRead", Handle: (*API).markAllNotificationsRead},
		{Method: "GET", Path: Prefix + "/me/notification-preferences", ID: "getNotificationPreferences", Handle: (*API).getNotificationPrefs},
		{Method: "PATCH", Path: Prefix + "/me/notification-preferences", ID: "updateNotificationPreferences", Handle: (*API).updateNotificationPrefs},
		// IMAP mailboxes (mailboxes.go), admins only.
		{Method: "GET", Path: Prefix + "/mailboxes", ID: "listMailboxes", Handle: (*API).listMailboxes},
		{Method: "POST", Path: Prefix + "/mailboxes", ID: "createMailbox", Handle: (*API).createMailbox},
		{Method: "GET", Path: Prefix + "/mailboxes/{id}", ID: "getMailbox", Handle: (*API).getMailbox},
		{Method: "PATCH", Path: Prefix + "/mailboxes/{id}", ID: "updateMailbox", Handle: (*API).updateMailbox},
		{Method: "DELETE", Path: Prefix + "/mailboxes/{id}", ID: "deleteMailbox", Handle: (*API).deleteMailbox},
		// Merge, split and link tickets (links.go).
		{Method: "POST", Path: Prefix + "/tickets/{id}/merge", ID: "mergeTickets", Handle: (*API).mergeTickets},
		{Method: "POST", Path: Prefix + "/tickets/{id}/split", ID: "splitTicket", Handle: (*API).splitTicket},
		{Method: "GET", Path: Prefix + "/tickets/{id}/links", ID: "listTicketLinks", Handle: (*API).listTicketLinks},
		{Method: "POST", Path: Prefix + "/tickets/{id}/links", ID: "linkTickets", Handle: (*API).linkTickets},
		{Method: "DELETE", Path: Prefix + "/tickets/{id}/links/{other}", ID: "unlinkTickets", Handle: (*API).unlinkTickets},
	}
}
