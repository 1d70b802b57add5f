package web

import (
	"context"
	"net/http"
	"time"

	"github.com/palier/palier/internal/chat"
	"github.com/palier/palier/internal/desk"
	"github.com/palier/palier/internal/problem"
)

// The customer's side of live chat, under /help/chat: a plain page that
// starts a conversation and then talks over a WebSocket, also meant to be
// shown in the help box's frame. The conversation's token lives in a
// cookie for this path only, for the browser session: a reload finds the
// conversation again, closing the browser forgets it.

const chatCookie = "palier_chat"

func (s *server) chatCustomerRoutes(mux *http.ServeMux) {
	mux.HandleFunc("GET /help/chat", s.chatCustomerPage)
	mux.HandleFunc("POST /help/chat", s.chatStart)
	mux.HandleFunc("POST /help/chat/end", s.chatCustomerEnd)
	mux.HandleFunc("POST /help/chat/leave", s.chatLeaveMessage)
	mux.HandleFunc("GET /help/chat/ws", s.chatCustomerWS)
}

type chatCustomerPage struct {
	base
	Chat       chat.Conversation
	Lines      []desk.ChatLine
	Name       string
	Email      string
	Message    string
	Errors     formErrors
	Error      string
	LeftRef    string // the reference of the message left instead
	Conversing bool
}

func (s *server) chatToken(r *http.Request) string {
	if c, err := r.Cookie(chatCookie); err == nil {
		return c.Value
	}
	return ""
}

func (s *server) setChatCookie(w http.ResponseWriter, r *http.Request, token string) {
	c := &http.Cookie{Name: chatCookie, Value: token, Path: "/help/chat", HttpOnly: true, SameSite: http.SameSiteStrictMode, Secure: s.secure(r)}
	if token == "" {
		c.MaxAge = -1
	}
	http.SetCookie(w, c)
}

func (s *server) chatCustomerPage(w http.ResponseWriter, r *http.Request) {
	loc := s.helpLocale(w, r)
	p := chatCustomerPage{base: s.anonBase(r, loc, "chat.title")}
	if token := s.chatToken(r); token != "" && r.URL.Query().Get("new") == "" {
		c, err := s.d.CustomerChat(r.Context(), token)
		switch {
		case err == nil:
			lines, err := s.d.ChatTranscript(r.Context(), c)
			if err != nil {
				s.fail(w, r, loc, err)
				return
			}
			p.Chat, p.Lines, p.Conversing, p.Email = c, lines, true, c.Email
		case problem.Is(err, problem.NotFound):
			s.setChatCookie(w, r, "")
		default:
			s.fail(w, r, loc, err)
			return
		}
	}
	s.render(w, r, loc, http.StatusOK, "chat_customer", "", p)
}

func (s *server) chatStart(w http.ResponseWriter, r *http.Request) {
	loc := s.helpLocale(w, r)
	in := desk.ChatStart{Name: r.PostFormValue("name"), Email: r.PostFormValue("email"), Text: r.PostFormValue("message"), Language: loc.Lang}
	_, token, err := s.d.StartChat(r.Context(), in)
	if err != nil {
		status, err := s.classify(w, r, err)
		p := chatCustomerPage{base: s.anonBase(r, loc, "chat.title"), Name: in.Name, Email: in.Email, Message: in.Text}
		p.Errors, _ = loc.fieldErrors(err)
		p.Error = loc.Error(err)
		s.render(w, r, loc, status, "chat_customer", "", p)
		return
	}
	s.setChatCookie(w, r, token)
	http.Redirect(w, r, "/help/chat", http.StatusSeeOther)
}

func (s *server) chatCustomerEnd(w http.ResponseWriter, r *http.Request) {
	loc := s.helpLocale(w, r)
	if _, err := s.d.CustomerEndsChat(r.Context(), s.chatToken(r)); err != nil && !problem.Is(err, problem.Conflict) {
		s.fail(w, r, loc, err)
		return
	}
	http.Redirect(w, r, "/help/chat", http.StatusSeeOther)
}

func (s *server) chatLeaveMessage(w http.ResponseWriter, r *http.Request) {
	loc := s.helpLocale(w, r)
	token := s.chatToken(r)
	c, err := s.d.CustomerChat(r.Context(), token)
	if err != nil {
		s.fail(w, r, loc, err)
		return
	}
	email, message := r.PostFormValue("email"), r.PostFormValue("message")
	t, err := s.d.LeaveMessage(r.Context(), token, email, message)
	p := chatCustomerPage{base: s.anonBase(r, loc, "chat.title"), Chat: c, Conversing: true, Email: email, Message: message}
	if err != nil {
		status, err := s.classify(w, r, err)
		p.Errors, _ = loc.fieldErrors(err)
		p.Error = loc.Error(err)
		s.render(w, r, loc, status, "chat_customer", "", p)
		return
	}
	s.setChatCookie(w, r, "")
	p.Chat.State, p.LeftRef = chat.Ended, t.Reference
	s.render(w, r, loc, http.StatusOK, "chat_customer", "", p)
}

// chatCustomerWS is the customer's connection: the token's conversation
// only.
func (s *server) chatCustomerWS(w http.ResponseWriter, r *http.Request) {
	loc := s.helpLocale(w, r)
	token := s.chatToken(r)
	c, err := s.d.CustomerChat(r.Context(), token)
	if err != nil {
		status, _ := s.classify(w, r, err)
		http.Error(w, loc.Error(err), status)
		return
	}
	conn, err := acceptWS(w, r)
	if err != nil {
		return
	}
	s.runWS(r, conn, s.chatCustomerSession(c, token, loc))
}

// chatCustomerSession is the customer's side of a conversation's socket
// (the help centre's page and the help box): the token's conversation
// only, in the language the chat was started in.
func (s *server) chatCustomerSession(c chat.Conversation, token string, loc *locale) wsSession {
	if c.Language != "" {
		loc = newLocale(c.Language, "", time.Now())
	}
	return wsSession{workspace: c.WorkspaceID, topic: desk.ChatTopic(c.ID), translate: loc.Error,
		hello: func(ctx context.Context) (wsOut, error) {
			c, err := s.d.CustomerChat(ctx, token)
			if err != nil {
				return wsOut{}, err
			}
			lines, err := s.d.ChatTranscript(ctx, c)
			st := s.d.ChatStateOf(ctx, c)
			return wsOut{Type: "hello", Lines: lines, State: &st}, err
		},
		say: func(ctx context.Context, text string) (desk.ChatLine, error) {
			return s.d.CustomerSays(ctx, token, text)
		},
	}
}
