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
// conversation again, closing the browser forgets it. The page belongs to
// the help centre being visited (publicHelp settles its workspace), and
// offers chat by the help box's rule (desk.ChatOffered, StartPublicChat):
// only while that workspace has chat on and is open, else the contact
// form. A conversation already started stays reachable after either
// changes.

const chatCookie = "palier_chat"

type chatCustomerPage struct {
	base
	Chat        chat.Conversation
	Lines       []desk.ChatLine
	Name        string
	Email       string
	Message     string
	Errors      formErrors
	Error       string
	LeftRef     string // the reference of the message left instead
	Conversing  bool
	ChatOffered bool // else the page offers the contact form
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

// chatStartPage is the page before a conversation: the start form when
// the help centre's workspace offers chat now, else the way to the
// contact form.
func (s *server) chatStartPage(ctx context.Context, r *http.Request, loc *locale, ws int64) (chatCustomerPage, error) {
	p := chatCustomerPage{base: s.anonBase(r, loc, "chat.title")}
	var err error
	p.ChatOffered, err = s.d.ChatOffered(ctx, ws)
	return p, err
}

func (s *server) chatCustomerPage(w http.ResponseWriter, r *http.Request, loc *locale, ws int64) error {
	p, err := s.chatStartPage(r.Context(), r, loc, ws)
	if err != nil {
		return err
	}
	if token := s.chatToken(r); token != "" && r.URL.Query().Get("new") == "" {
		c, err := s.d.PublicChat(r.Context(), ws, token)
		switch {
		case err == nil:
			lines, err := s.d.ChatTranscript(r.Context(), c)
			if err != nil {
				return err
			}
			p.Chat, p.Lines, p.Conversing, p.Email = c, lines, true, c.Email
		case problem.Is(err, problem.NotFound):
			s.setChatCookie(w, r, "")
		default:
			return err
		}
	}
	s.render(w, r, loc, http.StatusOK, "chat_customer", "", p)
	return nil
}

func (s *server) chatStart(w http.ResponseWriter, r *http.Request, loc *locale, ws int64) error {
	in := desk.ChatStart{Name: r.PostFormValue("name"), Email: r.PostFormValue("email"), Text: r.PostFormValue("message"), Language: loc.Lang}
	_, token, err := s.d.StartPublicChat(r.Context(), ws, in)
	if err != nil {
		return refuseVisitor(s, w, r, loc, err, "chat_customer", "",
			func() (chatCustomerPage, error) { return s.chatStartPage(r.Context(), r, loc, ws) },
			func(p *chatCustomerPage, err error) {
				p.Name, p.Email, p.Message = in.Name, in.Email, in.Text
				p.Errors, _ = loc.fieldErrors(err)
				p.Error = loc.Error(err)
			})
	}
	s.setChatCookie(w, r, token)
	http.Redirect(w, r, "/help/chat", http.StatusSeeOther)
	return nil
}

func (s *server) chatCustomerEnd(w http.ResponseWriter, r *http.Request, loc *locale, ws int64) error {
	token := s.chatToken(r)
	if _, err := s.d.PublicChat(r.Context(), ws, token); err != nil {
		return err
	}
	if _, err := s.d.CustomerEndsChat(r.Context(), token); err != nil && !problem.Is(err, problem.Conflict) {
		return err
	}
	http.Redirect(w, r, "/help/chat", http.StatusSeeOther)
	return nil
}

func (s *server) chatLeaveMessage(w http.ResponseWriter, r *http.Request, loc *locale, ws int64) error {
	token := s.chatToken(r)
	c, err := s.d.PublicChat(r.Context(), ws, token)
	if err != nil {
		return err
	}
	email, message := r.PostFormValue("email"), r.PostFormValue("message")
	t, err := s.d.LeaveMessage(r.Context(), token, email, message)
	p := chatCustomerPage{base: s.anonBase(r, loc, "chat.title"), Chat: c, Conversing: true, Email: email, Message: message}
	if err != nil {
		status, err := s.classify(w, r, err)
		p.Errors, _ = loc.fieldErrors(err)
		p.Error = loc.Error(err)
		s.render(w, r, loc, status, "chat_customer", "", p)
		return nil
	}
	s.setChatCookie(w, r, "")
	p.Chat.State, p.LeftRef = chat.Ended, t.Reference
	s.render(w, r, loc, http.StatusOK, "chat_customer", "", p)
	return nil
}

// chatCustomerWS is the customer's connection: the token's conversation
// only, in the help centre's workspace. Refusals are plain text: a
// socket's client shows no page.
func (s *server) chatCustomerWS(w http.ResponseWriter, r *http.Request) {
	loc := s.helpLocale(w, r)
	token := s.chatToken(r)
	ws, err := s.d.HelpWorkspace(r.Context())
	var c chat.Conversation
	if err == nil {
		c, err = s.d.PublicChat(r.Context(), ws, token)
	}
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
	return s.chatSession(c, loc,
		func(ctx context.Context) (chat.Conversation, []desk.ChatLine, error) {
			c, err := s.d.CustomerChat(ctx, token)
			if err != nil {
				return c, nil, err
			}
			lines, err := s.d.ChatTranscript(ctx, c)
			return c, lines, err
		},
		func(ctx context.Context, text string) (desk.ChatLine, error) {
			return s.d.CustomerSays(ctx, token, text)
		})
}

// chatSession is a conversation's socket, for either side: read finds the
// conversation again as that side may (the desk checks it), with its
// transcript as that side reads it (the customer's leaves out the copies
// of another customer's messages, the agent's marks them); say posts a
// line as that side. Its first message is the transcript and the state.
func (s *server) chatSession(c chat.Conversation, loc *locale, read func(context.Context) (chat.Conversation, []desk.ChatLine, error),
	say func(context.Context, string) (desk.ChatLine, error)) wsSession {
	return wsSession{workspace: c.WorkspaceID, topic: desk.ChatTopic(c.ID), translate: loc.Error, say: say,
		hello: func(ctx context.Context) (wsOut, error) {
			c, lines, err := read(ctx)
			if err != nil {
				return wsOut{}, err
			}
			st := s.d.ChatStateOf(ctx, c)
			return wsOut{Type: "hello", Lines: lines, State: &st}, nil
		}}
}
