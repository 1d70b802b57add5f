package web

import (
	"context"
	"html"
	"net/http"
	"slices"
	"strconv"
	"time"

	"github.com/palier/palier/internal/chat"
	"github.com/palier/palier/internal/desk"
	"github.com/palier/palier/internal/problem"
)

// The agents' side of live chat: the Chats panel (/chats) lists the open
// conversations of the tiers the agent works in, live; a conversation page
// accepts, answers, transfers (by escalating the ticket) and ends. Access
// is the ticket's (desk checks ticket.CanWork on every call).

// authWS is auth for a WebSocket handshake: without a session it answers
// 401 instead of redirecting to the login page.
func (s *server) authWS(h handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rq, err := s.session(r)
		if err != nil {
			status, err := s.classify(w, r, err)
			http.Error(w, s.anonLocale(r).Error(err), status)
			return
		}
		if err := h(w, r, rq); err != nil {
			status, err := s.classify(w, r, err)
			http.Error(w, rq.loc.Error(err), status)
		}
	})
}

type chatsPage struct {
	base
	Chats []desk.OpenChat
	// Returned are the chats the agent had accepted that went back to the
	// queue (they followed a merge onto a ticket the agent may not work).
	Returned []desk.ReturnedChat
	Now      time.Time
	IsAdmin  bool
	Wait     int // seconds
	// Enabled is whether chat is offered; Callbacks the callback requests
	// still to make on tickets the agent may work (helpbox_chat.go).
	Enabled   bool
	Callbacks []desk.PendingCallback
	Errors    formErrors
	Message   string
}

func (s *server) chatsData(r *http.Request, rq *request) (chatsPage, error) {
	p := chatsPage{base: s.base(r, rq, rq.loc.T("chat.panel"), "chats"), Now: time.Now(), IsAdmin: rq.actor.IsAdmin()}
	list, err := s.d.OpenChats(r.Context(), rq.actor)
	if err != nil {
		return p, err
	}
	p.Chats = list
	if p.Returned, err = s.d.ReturnedChats(r.Context(), rq.actor); err != nil {
		return p, err
	}
	wait, err := s.d.ChatWait(r.Context(), rq.actor)
	p.Wait = int(wait / time.Second)
	if err != nil {
		return p, err
	}
	return p, s.chatsExtra(r, rq, &p)
}

// chatsCount is the top bar's badge: chats waiting for the agent.
func (s *server) chatsCount(w http.ResponseWriter, r *http.Request, rq *request) error {
	n, err := s.d.WaitingChats(r.Context(), rq.actor)
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	if n > 0 {
		_, _ = w.Write([]byte(`<span class="count chat-count" aria-label="` + html.EscapeString(rq.loc.T("chat.waiting_count", "count", strconv.Itoa(n))) +
			`">` + html.EscapeString(rq.loc.Num(n)) + `</span>`))
	}
	return nil
}

func (s *server) chatSettings(w http.ResponseWriter, r *http.Request, rq *request) error {
	secs, err := strconv.Atoi(r.PostFormValue("wait_seconds"))
	if err != nil {
		f := problem.Fields{}
		f.Add("wait_seconds", "out_of_range", "must be between 10 seconds and 1 hour", "min", "10", "max", "3600")
		err = f.Err()
	} else {
		err = s.d.SetChatWait(r.Context(), rq.actor, time.Duration(secs)*time.Second)
	}
	if err == nil {
		err = s.saveChatEnabled(r, rq)
	}
	if fe, ok := rq.loc.fieldErrors(err); ok {
		p, err2 := s.chatsData(r, rq)
		if err2 != nil {
			return err2
		}
		p.Errors, p.Message, p.Wait = fe, rq.loc.Error(err), secs
		s.render(w, r, rq.loc, http.StatusUnprocessableEntity, "chats", "", p)
		return nil
	}
	if err != nil {
		return err
	}
	http.Redirect(w, r, "/chats", http.StatusSeeOther)
	return nil
}

type chatAgentPage struct {
	base
	Chat     chat.Conversation
	TicketID int64
	Ref      string
	Lines    []desk.ChatLine
	Mine     bool
	Transfer escalateForm
}

func (s *server) chatPageData(ctx context.Context, r *http.Request, rq *request, id int64) (chatAgentPage, error) {
	c, t, lines, err := s.d.AgentChatTranscript(ctx, rq.actor, id)
	if err != nil {
		return chatAgentPage{}, err
	}
	p := chatAgentPage{base: s.base(r, rq, rq.loc.T("chat.with", "name", c.Name), "chats"), Chat: c, TicketID: t.ID, Ref: t.Reference,
		Lines: lines, Mine: c.State == chat.Accepted && c.AgentID == rq.actor.AgentID}
	if p.Mine {
		if p.Transfer, err = s.newEscalate(ctx, rq, t); err != nil {
			return p, err
		}
	}
	return p, nil
}

func (s *server) chatPage(w http.ResponseWriter, r *http.Request, rq *request, id int64) error {
	p, err := s.chatPageData(r.Context(), r, rq, id)
	if err != nil && s.returnedFrom(r.Context(), rq, id) {
		// Their chat went back to the queue (the page reloads when its
		// state moves): the panel says where and why.
		http.Redirect(w, r, "/chats", http.StatusSeeOther)
		return nil
	}
	if err != nil {
		return err
	}
	s.render(w, r, rq.loc, http.StatusOK, "chat_agent", "", p)
	return nil
}

// returnedFrom reports whether the chat id is one the agent had accepted
// and that went back to the queue (desk.ReturnedChats).
func (s *server) returnedFrom(ctx context.Context, rq *request, id int64) bool {
	list, err := s.d.ReturnedChats(ctx, rq.actor)
	return err == nil && slices.ContainsFunc(list, func(c desk.ReturnedChat) bool { return c.Chat.ID == id })
}

func (s *server) chatAccept(w http.ResponseWriter, r *http.Request, rq *request, id int64) error {
	if _, err := s.d.AcceptChat(r.Context(), rq.actor, id); err != nil {
		return err
	}
	http.Redirect(w, r, "/chats/"+idStr(id), http.StatusSeeOther)
	return nil
}

func (s *server) chatEnd(w http.ResponseWriter, r *http.Request, rq *request, id int64) error {
	c, err := s.d.EndChat(r.Context(), rq.actor, id)
	if err != nil {
		return err
	}
	http.Redirect(w, r, "/tickets/"+idStr(c.TicketID), http.StatusSeeOther)
	return nil
}

// chatTransfer escalates the conversation's ticket with the hand-off form
// of the ticket page (same checklist, same refusals), then puts the
// conversation back in the queue of the tier it went to.
func (s *server) chatTransfer(w http.ResponseWriter, r *http.Request, rq *request, id int64) error {
	p, err := s.chatPageData(r.Context(), r, rq, id)
	if err != nil {
		return err
	}
	if !p.Mine {
		return chat.ErrNotYours
	}
	form := p.Transfer
	form.Open = true
	form.Target, form.Reason = r.PostForm.Get("target_tier"), r.PostForm.Get("reason")
	_, err = s.d.TransferChat(r.Context(), rq.actor, id, form.input(r, "up"))
	if fe, ok := rq.loc.fieldErrors(err); ok || problem.Is(err, problem.Conflict) {
		form.Errors, form.Message = fe, form.summary(rq, err)
		p.Transfer = form
		status := http.StatusUnprocessableEntity
		if pe, ok := problem.As(err); ok {
			status = pe.Kind.Status()
		}
		s.render(w, r, rq.loc, status, "chat_agent", "", p)
		return nil
	}
	if err != nil {
		return err
	}
	http.Redirect(w, r, "/chats", http.StatusSeeOther)
	return nil
}

// chatsWS tells the panel when the queue changed (it fetches the list).
func (s *server) chatsWS(w http.ResponseWriter, r *http.Request, rq *request) error {
	if err := s.notCollaborator(rq); err != nil {
		return err
	}
	conn, err := acceptWS(w, r)
	if err != nil {
		return nil
	}
	s.runWS(r, conn, wsSession{workspace: rq.actor.WorkspaceID, topic: desk.ChatQueue, translate: rq.loc.Error,
		hello: func(context.Context) (wsOut, error) { return wsOut{Type: "changed"}, nil }})
	return nil
}

// chatAgentWS is an agent's connection to one conversation they may work.
func (s *server) chatAgentWS(w http.ResponseWriter, r *http.Request, rq *request, id int64) error {
	c, _, err := s.d.Chat(r.Context(), rq.actor, id)
	if err != nil {
		return err
	}
	conn, err := acceptWS(w, r)
	if err != nil {
		return nil
	}
	s.runWS(r, conn, s.chatSession(c, rq.loc,
		func(ctx context.Context) (chat.Conversation, []desk.ChatLine, error) {
			c, _, lines, err := s.d.AgentChatTranscript(ctx, rq.actor, id)
			return c, lines, err
		},
		func(ctx context.Context, text string) (desk.ChatLine, error) {
			return s.d.AgentSays(ctx, rq.actor, id, text)
		}))
	return nil
}

func (s *server) notCollaborator(rq *request) error {
	if rq.actor.IsCollaborator() {
		return errPageNotFound
	}
	return nil
}
