// Package web is the agent UI: server-rendered HTML pages with htmx for the
// routine actions (reply, note, properties, sidebar counts), in French and
// English. Handlers are thin: they parse the request, call the desk service
// (which checks access on the server for every call) and render a template.
package web

import (
	"errors"
	"fmt"
	"log/slog"
	"net/http"

	"github.com/palier/palier/internal/desk"
)

// Options configure the UI.
type Options struct {
	// SecureCookies marks the session cookie Secure even when the request
	// did not arrive over TLS (behind a TLS-terminating proxy).
	SecureCookies bool
	Log           *slog.Logger
	// PublicURL is the address customers reach this server at, for the
	// sign-in links emailed to them (empty: the request's own host).
	PublicURL string
	// Done, when closed, ends the open event streams (GET /events): a
	// graceful shutdown does not wait for them.
	Done <-chan struct{}
}

// server holds what every handler needs.
type server struct {
	d      *desk.Service
	opts   Options
	log    *slog.Logger
	pages  *pageSet
	assets *assetSet
}

// New returns the agent UI handler, to be mounted at "/". It expects the
// caller to add cross-origin protection (CSRF), panic recovery and the
// security headers around it.
func New(d *desk.Service, opts Options) (http.Handler, error) {
	if d == nil {
		return nil, errors.New("web: nil desk service")
	}
	if opts.Log == nil {
		opts.Log = slog.Default()
	}
	assets, err := loadAssets()
	if err != nil {
		return nil, fmt.Errorf("web: %w", err)
	}
	pages, err := loadPages(assets)
	if err != nil {
		return nil, fmt.Errorf("web: %w", err)
	}
	s := &server{d: d, opts: opts, log: opts.Log, pages: pages, assets: assets}
	return s.routes(), nil
}

// routes is the table of the UI's pages and actions, in one place as the
// API's are: each group names the file that serves it. The admin
// sections, the routing editor and the simulator register themselves
// (their routes are built in a loop or with state of their own).
func (s *server) routes() http.Handler {
	mux := http.NewServeMux()
	mux.Handle("GET /static/{hash}/{file...}", s.assets)
	mux.HandleFunc("GET /login", s.loginPage)
	mux.HandleFunc("POST /login", s.login)
	mux.HandleFunc("POST /logout", s.logout)
	mux.HandleFunc("POST /settings/language", s.setLanguage)

	mux.Handle("GET /{$}", s.auth(s.inbox))
	mux.Handle("GET /views/{key}", s.auth(s.inbox))
	mux.Handle("GET /sidebar", s.auth(s.sidebar))

	mux.Handle("GET /tickets/new", s.auth(s.newTicketPage))
	mux.Handle("POST /tickets/new", s.auth(s.createTicket))
	mux.Handle("GET /tickets/{id}", s.auth(withID(s.ticketPage)))
	mux.Handle("GET /t/{number}", s.auth(s.ticketByNumber))
	mux.Handle("POST /tickets/{id}/messages", s.auth(withID(s.postMessage)))
	mux.Handle("GET /attachments/{id}", s.auth(withID(s.download)))
	mux.Handle("POST /tickets/{id}/properties", s.auth(s.withPostedTicket(s.saveProperties)))
	mux.Handle("POST /tickets/{id}/escalate", s.auth(s.withPostedTicket(s.escalate)))
	mux.Handle("POST /tickets/{id}/invite", s.auth(withID(s.invite)))

	s.adminRoutes(mux)
	s.simulateRoutes(mux)
	s.routingAdminRoutes(mux)

	// tokens.go
	mux.Handle("GET /settings/tokens", s.auth(s.tokensList(false)))
	mux.Handle("POST /settings/tokens", s.auth(s.createToken))
	mux.Handle("POST /settings/tokens/{id}/revoke", s.auth(s.revokeToken("/settings/tokens")))
	mux.Handle("GET /admin/tokens", s.admin(s.tokensList(true)))
	mux.Handle("POST /admin/tokens/{id}/revoke", s.admin(s.revokeToken("/admin/tokens")))
	mux.Handle("POST /admin/agents/{id}/unlock", s.admin(withID(s.unlockAgent)))

	// mailbox.go
	mux.Handle("GET /admin/mailboxes", s.admin(showPage(s, "admin_mailboxes", s.newMailboxesPage)))
	mux.Handle("POST /admin/mailboxes", s.admin(s.saveMailbox))
	mux.Handle("GET /admin/mailboxes/{id}", s.admin(editPage(s, "admin_mailboxes", s.newMailboxesPage, s.d.Mailbox, fillMailbox)))
	mux.Handle("POST /admin/mailboxes/{id}", s.admin(s.saveMailbox))
	mux.Handle("POST /admin/mailboxes/{id}/delete", s.admin(deleteThen("/admin/mailboxes", s.d.DeleteMailbox)))
	mux.Handle("POST /tickets/{id}/messages/{mid}/retry", s.auth(withID(s.retryEmail)))

	// macros.go
	mux.Handle("GET /macros", s.auth(showPage(s, "macros", s.newMacrosPage)))
	mux.Handle("POST /macros", s.auth(s.saveMacro))
	mux.Handle("GET /macros/{id}", s.auth(editPage(s, "macros", s.newMacrosPage, s.d.Macro, fillMacro)))
	mux.Handle("POST /macros/{id}", s.auth(s.saveMacro))
	mux.Handle("POST /macros/{id}/delete", s.auth(deleteThen("/macros", s.deleteMacro)))
	mux.Handle("GET /tickets/{id}/macros/{macro}", s.auth(withID(s.macroPreview)))

	// bulk.go
	mux.Handle("POST /tickets/bulk", s.auth(s.bulkUpdate))

	// views.go
	mux.Handle("POST /views", s.auth(s.createView))
	mux.Handle("GET /views/{key}/edit", s.auth(s.editView))
	mux.Handle("POST /views/{key}/edit", s.auth(s.updateView))
	mux.Handle("POST /views/{key}/delete", s.auth(s.deleteView))
	mux.Handle("GET /views/{key}/ids", s.auth(s.viewIDs))

	// help.go
	mux.Handle("GET /help", s.publicHelp(s.helpHome))
	mux.Handle("GET /help/search", s.publicHelp(s.helpSearch))
	mux.Handle("GET /help/articles/{id}", s.publicHelp(s.helpArticle))
	mux.Handle("POST /help/articles/{id}/vote", s.publicHelp(s.helpVote))

	// help_contact.go
	mux.Handle("GET /help/contact", s.publicHelp(s.contactPage))
	mux.Handle("POST /help/contact", s.publicHelp(s.contactSubmit))
	mux.Handle("GET /help/contact/fields", s.publicHelp(s.contactFields))
	mux.Handle("GET /help/contact/suggest", s.publicHelp(s.contactSuggest))
	mux.Handle("GET /help/contact/suggestion/{id}", s.publicHelp(s.contactSuggestion))
	mux.Handle("POST /help/contact/solved", s.publicHelp(s.contactSolved))

	// help_contact_admin.go
	mux.Handle("GET /admin/contact", s.admin(contactAdminForm(s).show(s)))
	mux.Handle("POST /admin/contact", s.admin(contactAdminForm(s).post(s)))

	// portal.go
	mux.HandleFunc("GET /help/sign-in", s.portalSignInPage)
	mux.Handle("POST /help/sign-in", s.publicHelp(s.portalSignIn))
	mux.HandleFunc("GET /help/sign-in/{token}", s.portalLinkPage)
	mux.Handle("POST /help/sign-in/link", s.publicHelp(s.portalLinkSignIn))
	mux.HandleFunc("POST /help/sign-out", s.portalSignOut)
	mux.Handle("GET /help/requests", s.customerAuth(s.portalRequests))
	mux.Handle("GET /help/requests/{number}", s.customerAuth(s.portalRequest))
	mux.Handle("POST /help/requests/{number}/reply", s.customerAuth(s.portalReply))
	mux.Handle("POST /help/requests/{number}/solve", s.customerAuth(s.portalSolve))
	mux.Handle("GET /help/files/{id}", s.customerAuth(s.portalDownload))
	mux.Handle("GET /help/account", s.customerAuth(s.portalAccount))
	mux.Handle("POST /help/account/password", s.customerAuth(s.portalSetPassword))
	mux.Handle("POST /admin/portal", s.admin(s.savePortalSettings))

	// attach_admin.go
	mux.Handle("POST /admin/attachments", s.admin(s.saveAttachLimits))

	// kb_editor.go
	mux.Handle("GET /kb", s.auth(s.kbList))
	mux.Handle("GET /kb/new", s.auth(s.kbNew))
	mux.Handle("POST /kb/new", s.auth(s.kbSave))
	mux.Handle("POST /kb/preview", s.auth(s.kbPreview))
	mux.Handle("GET /kb/{id}", s.auth(s.kbEdit))
	mux.Handle("POST /kb/{id}", s.auth(s.kbSave))

	// connectors_admin.go
	mux.Handle("GET /admin/connectors", s.admin(s.connectorsList))
	mux.Handle("POST /admin/connectors", s.admin(s.createConnector))
	mux.Handle("POST /admin/connectors/{id}", s.admin(withID(s.updateConnector)))

	// notify.go
	mux.Handle("GET /notifications", s.auth(s.notificationsPage))
	mux.Handle("GET /notifications/bell", s.auth(s.notificationBell))
	mux.Handle("GET /notifications/panel", s.auth(s.notificationPanel))
	mux.Handle("GET /notifications/{id}", s.auth(withID(s.openNotification)))
	mux.Handle("POST /notifications/read-all", s.auth(s.readAllNotifications))
	mux.Handle("GET /settings/notifications", s.auth(s.notificationSettings))
	mux.Handle("POST /settings/notifications", s.auth(s.saveNotificationSettings))

	// events.go
	mux.Handle("GET /events", s.auth(s.events))
	mux.Handle("GET /tickets/{id}/updates", s.auth(s.ticketUpdates))
	mux.Handle("POST /tickets/{id}/presence", s.auth(withID(s.presence)))
	mux.Handle("GET /tickets/{id}/mentions", s.auth(s.mentions))

	// helpbox.go
	mux.Handle("GET /help/ask", s.publicHelp(s.helpAsk))
	mux.HandleFunc("GET /help/box.js", s.boxScript)
	mux.HandleFunc("GET /help/box/config", s.boxConfig)
	mux.HandleFunc("GET /help/box", s.boxHandler(s.boxHome))
	mux.HandleFunc("GET /help/box/suggested", s.boxHandler(s.boxSuggested))
	mux.HandleFunc("GET /help/box/search", s.boxHandler(s.boxSearch))
	mux.HandleFunc("GET /help/box/ask", s.boxHandler(s.boxAsk))
	mux.HandleFunc("GET /help/box/articles/{id}", s.boxHandler(s.boxArticle))
	// helpbox_chat.go
	mux.HandleFunc("GET /help/box/chat", s.boxHandler(s.boxChat))
	mux.HandleFunc("POST /help/box/chat", s.boxHandler(s.boxChatStart))
	mux.HandleFunc("POST /help/box/chat/end", s.boxHandler(s.boxChatEnd))
	mux.HandleFunc("POST /help/box/chat/leave", s.boxHandler(s.boxChatLeave))
	mux.HandleFunc("GET /help/box/chat/ws", s.boxHandler(s.boxChatWS))
	// helpbox_contact.go
	mux.HandleFunc("GET /help/box/contact", s.boxHandler(s.boxContact))
	mux.HandleFunc("POST /help/box/contact", s.boxHandler(s.boxContactSubmit))
	mux.HandleFunc("POST /help/box/callback", s.boxHandler(s.boxCallback))
	// helpbox_demo.go
	mux.Handle("GET /help/box/demo", s.publicHelp(s.boxDemo))
	// helpbox_admin.go
	mux.Handle("GET "+helpBoxAdminPath, s.admin(showPage(s, "helpbox_admin", s.helpBoxAdminPage)))
	mux.Handle("POST "+helpBoxAdminPath+"/key", s.admin(s.helpBoxRotate))
	mux.Handle("POST "+helpBoxAdminPath+"/origins", s.admin(s.helpBoxOrigins))
	mux.Handle("POST "+helpBoxAdminPath+"/mappings", s.admin(s.helpBoxAddMapping))
	mux.Handle("POST "+helpBoxAdminPath+"/mappings/{id}/delete", s.admin(s.helpBoxDeleteMapping))

	// chat_customer.go
	mux.Handle("GET /help/chat", s.publicHelp(s.chatCustomerPage))
	mux.Handle("POST /help/chat", s.publicHelp(s.chatStart))
	mux.Handle("POST /help/chat/end", s.publicHelp(s.chatCustomerEnd))
	mux.Handle("POST /help/chat/leave", s.publicHelp(s.chatLeaveMessage))
	mux.HandleFunc("GET /help/chat/ws", s.chatCustomerWS)

	// help_callback.go
	mux.Handle("POST /help/contact/callback", s.publicHelp(s.contactCallback))

	// chat_agent.go
	mux.Handle("GET /chats", s.auth(showPage(s, "chats", s.chatsData)))
	// The list alone, fetched again whenever the queue changes.
	mux.Handle("GET /chats/list", s.auth(showPart(s, "chats", "chat-list", s.chatsData)))
	mux.Handle("GET /chats/count", s.auth(s.chatsCount))
	mux.Handle("POST /chats/settings", s.auth(s.chatSettings))
	mux.Handle("GET /chats/ws", s.authWS(s.chatsWS))
	mux.Handle("GET /chats/{id}", s.auth(withID(s.chatPage)))
	mux.Handle("POST /chats/{id}/accept", s.auth(withID(s.chatAccept)))
	mux.Handle("POST /chats/{id}/end", s.auth(withID(s.chatEnd)))
	mux.Handle("POST /chats/{id}/transfer", s.auth(withID(s.chatTransfer)))
	mux.Handle("GET /chats/{id}/ws", s.authWS(withID(s.chatAgentWS)))
	mux.Handle("POST /tickets/{id}/calls", s.auth(withID(s.logCall)))

	// admin_smtp.go
	mux.Handle("GET /admin/smtp", s.admin(showPage(s, "admin_smtp", s.newSMTPPage)))
	mux.Handle("POST /admin/smtp", s.admin(s.saveSMTP))
	mux.Handle("POST /admin/smtp/delete", s.admin(s.deleteSMTP))
	mux.Handle("POST /admin/smtp/test", s.admin(s.testSMTP))

	// signature.go
	mux.Handle("GET /settings/signature", s.auth(signatureForm(s).show(s)))
	mux.Handle("POST /settings/signature", s.auth(signatureForm(s).post(s)))

	// search.go
	mux.Handle("GET /search", s.auth(s.search))

	// customers.go
	mux.Handle("GET /customers", s.auth(s.customersPage))
	mux.Handle("GET /customers/{id}", s.auth(showPage(s, "customer", byPathID(s.buildCustomerPage))))
	mux.Handle("POST /customers/{id}", s.auth(withID(s.saveCustomer)))
	mux.Handle("POST /customers/{id}/notes", s.auth(withID(s.addCustomerNote)))
	// organisations.go
	mux.Handle("GET /organisations/{id}", s.auth(showPage(s, "organisation", byPathID(s.buildOrganisationPage))))
	mux.Handle("POST /organisations/{id}", s.auth(withID(s.saveOrganisation)))
	mux.Handle("POST /organisations/{id}/notes", s.auth(withID(s.addOrganisationNote)))
	// customer_merge.go
	mux.Handle("POST /customers/{id}/merge", s.auth(withID(s.mergeCustomer)))

	// ticket_links.go
	mux.Handle("POST /tickets/{id}/merge", s.auth(withID(s.mergeTicket)))
	mux.Handle("POST /tickets/{id}/split", s.auth(withID(s.splitTicket)))
	mux.Handle("POST /tickets/{id}/links", s.auth(withID(s.linkTicket)))
	mux.Handle("POST /tickets/{id}/links/{other}/delete", s.auth(withID(s.unlinkTicket)))

	mux.Handle("/", s.auth(func(w http.ResponseWriter, r *http.Request, rq *request) error {
		return errPageNotFound
	}))
	return s.checkText(mux)
}
