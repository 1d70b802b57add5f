package web

import (
	"context"
	"encoding/json"
	"net/http"
	"time"

	"github.com/coder/websocket"

	"github.com/palier/palier/internal/chat"
	"github.com/palier/palier/internal/clientip"
	"github.com/palier/palier/internal/desk"
	"github.com/palier/palier/internal/helpbox"
	"github.com/palier/palier/internal/problem"
)

// Live chat inside the help box, framed by another site. A cross-site
// frame gets no cookie of ours (the help centre's chat keeps its token in
// a SameSite=Strict cookie), so the box carries the conversation token
// itself: the start answers with a redirect whose fragment holds it
// (#chat=…, never sent to a server, not readable by the host page, which
// is another origin), the frame's script moves it into the frame's own
// sessionStorage (so a reload of the frame finds the conversation again)
// and sends it as the first message of its WebSocket, on Palier's own
// origin. Chat is offered only while the workspace has it on and is open;
// otherwise the view offers to leave a message (the box's contact form).

// boxViews are what the box's chat and contact views show.
type boxViews struct {
	ChatOffered bool
	ChatWS      string // the WebSocket's address
	Name, Email string
	Message     string
	Errors      formErrors
	Error       string
	LeftRef     string // the message left instead of a missed chat
	Contact     contactPage
	Callback    callbackForm
	Sent        string // the reference of the ticket the box's form opened
	Called      string // the reference of the callback request
}

// chatTokenField names the token in the box's end and leave forms (filled
// by the frame's script from its storage).
const chatTokenField = "chat"

func (s *server) chatView(ctx context.Context, box helpbox.Settings, st boxState, loc *locale) (boxPage, error) {
	p := s.newBoxPage(box, st, loc, "chat")
	p.Title = loc.T("chat.title")
	var err error
	p.ChatOffered, err = s.d.ChatOffered(ctx, box.WorkspaceID)
	p.ChatWS = st.Link("/help/box/chat/ws")
	return p, err
}

func (s *server) boxChat(w http.ResponseWriter, r *http.Request, box helpbox.Settings, st boxState, loc *locale) error {
	p, err := s.chatView(r.Context(), box, st, loc)
	if err != nil {
		return err
	}
	s.render(w, r, loc, http.StatusOK, "helpbox", "box", p)
	return nil
}

func (s *server) boxChatStart(w http.ResponseWriter, r *http.Request, box helpbox.Settings, st boxState, loc *locale) error {
	in := desk.ChatStart{Name: r.PostFormValue("name"), Email: r.PostFormValue("email"), Text: r.PostFormValue("message"), Language: loc.Lang}
	_, token, err := s.d.StartPublicChat(r.Context(), box.WorkspaceID, in)
	if err != nil {
		return s.refuseBoxChat(w, r, box, st, loc, err, func(p *boxPage) { p.Name, p.Email, p.Message = in.Name, in.Email, in.Text })
	}
	http.Redirect(w, r, st.Link("/help/box/chat")+"#chat="+token, http.StatusSeeOther)
	return nil
}

// refuseBoxChat shows the chat view again with why a request was refused
// (an internal error is not the visitor's to correct).
func (s *server) refuseBoxChat(w http.ResponseWriter, r *http.Request, box helpbox.Settings, st boxState, loc *locale, err error, fill func(*boxPage)) error {
	return refuseVisitor(s, w, r, loc, err, "helpbox", "box",
		func() (boxPage, error) { return s.chatView(r.Context(), box, st, loc) },
		func(p *boxPage, err error) {
			p.Errors, _ = loc.fieldErrors(err)
			p.Error = loc.Error(err)
			fill(p)
		})
}

// boxCustomerChat is the conversation a token opens, in the box's
// workspace only.
func (s *server) boxCustomerChat(ctx context.Context, box helpbox.Settings, token string) (chat.Conversation, error) {
	return s.d.PublicChat(ctx, box.WorkspaceID, token)
}

func (s *server) boxChatEnd(w http.ResponseWriter, r *http.Request, box helpbox.Settings, st boxState, loc *locale) error {
	token := r.PostFormValue(chatTokenField)
	if _, err := s.boxCustomerChat(r.Context(), box, token); err != nil {
		return err
	}
	if _, err := s.d.CustomerEndsChat(r.Context(), token); err != nil && !problem.Is(err, problem.Conflict) {
		return err
	}
	http.Redirect(w, r, st.Link("/help/box/chat"), http.StatusSeeOther)
	return nil
}

func (s *server) boxChatLeave(w http.ResponseWriter, r *http.Request, box helpbox.Settings, st boxState, loc *locale) error {
	token := r.PostFormValue(chatTokenField)
	if _, err := s.boxCustomerChat(r.Context(), box, token); err != nil {
		return err
	}
	email, message := r.PostFormValue("email"), r.PostFormValue("message")
	t, err := s.d.LeaveMessage(r.Context(), token, email, message)
	if err != nil {
		return s.refuseBoxChat(w, r, box, st, loc, err, func(p *boxPage) { p.Email, p.Message = email, message })
	}
	p, err := s.chatView(r.Context(), box, st, loc)
	if err != nil {
		return err
	}
	p.LeftRef = t.Reference
	s.render(w, r, loc, http.StatusOK, "helpbox", "box", p)
	return nil
}

// boxAuth is the first message of the box's WebSocket: the token.
type boxAuth struct {
	Type  string `json:"type"` // "auth"
	Token string `json:"token"`
}

// boxAuthWait bounds how long a new connection may take to say who it is.
const boxAuthWait = 10 * time.Second

// boxChatWS is the box's connection: same origin as Palier (acceptWS
// refuses any other), its conversation named by the first message.
func (s *server) boxChatWS(w http.ResponseWriter, r *http.Request, box helpbox.Settings, st boxState, loc *locale) error {
	conn, err := acceptWS(w, r)
	if err != nil {
		return nil // acceptWS answered
	}
	actx, cancel := context.WithTimeout(r.Context(), boxAuthWait)
	typ, b, err := conn.Read(actx)
	cancel()
	var in boxAuth
	if err == nil && (typ != websocket.MessageText || json.Unmarshal(b, &in) != nil || in.Type != "auth") {
		err = problem.New(problem.BadRequest, "bad_parameter", "expected the conversation's token").With("name", "token")
	}
	var c chat.Conversation
	if err == nil {
		c, err = s.boxCustomerChat(r.Context(), box, in.Token)
	}
	if err != nil {
		if b, merr := json.Marshal(wsOut{Type: "error", Message: loc.Error(err)}); merr == nil {
			_ = conn.Write(r.Context(), websocket.MessageText, b)
		}
		conn.Close(websocket.StatusPolicyViolation, "refused")
		return nil
	}
	s.runWS(r, conn, s.chatCustomerSession(c, in.Token, loc))
	return nil
}

// boxLimited is the kind of public rate limit a request counts against.
func (s *server) limitPublic(r *http.Request, wsID int64, kind string) error {
	return s.d.LimitPublic(r.Context(), wsID, kind, clientip.Of(r))
}

// chatsExtra adds to the agents' Chats panel what the box brought: whether
// chat is on, and the Callbacks queue (the callback requests of the tiers
// the agent works, oldest first).
func (s *server) chatsExtra(r *http.Request, rq *request, p *chatsPage) error {
	var err error
	if p.Enabled, err = s.d.ChatEnabled(r.Context(), rq.actor); err != nil {
		return err
	}
	p.Callbacks, err = s.d.Callbacks(r.Context(), rq.actor)
	return err
}

// saveChatEnabled saves the panel's "offer live chat" box, when the form
// has it (chat_toggle marks the forms that do).
func (s *server) saveChatEnabled(r *http.Request, rq *request) error {
	if r.PostFormValue("chat_toggle") == "" {
		return nil
	}
	return s.d.SetChatEnabled(r.Context(), rq.actor, r.PostFormValue("enabled") == "on")
}
