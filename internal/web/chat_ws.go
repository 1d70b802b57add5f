package web

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"time"

	"github.com/coder/websocket"

	"github.com/palier/palier/internal/desk"
	"github.com/palier/palier/internal/live"
	"github.com/palier/palier/internal/problem"
)

// The chat's WebSocket plumbing, shared by the customer's and the agent's
// connections. A connection subscribes to its conversation on the live hub
// (so it is counted among the hub's subscribers in /metrics), sends the
// whole transcript once subscribed (so nothing said in between is lost,
// and a reconnecting page reloads), then relays the hub's events to the
// browser and the browser's lines to the desk.

const (
	// wsReadLimit bounds one message from a browser: a line of
	// chat.MaxLineBytes in its JSON envelope, escaped.
	wsReadLimit = 16 << 10
	// wsPingEvery keeps idle connections alive through proxies and finds
	// dead peers; a pong must come back within wsPongWait.
	wsPingEvery = 25 * time.Second
	wsPongWait  = 10 * time.Second
	// wsWriteWait bounds one write to a slow browser.
	wsWriteWait = 10 * time.Second
)

// wsOut is a message to the browser.
type wsOut struct {
	Type    string          `json:"type"` // hello, line, ack, state, error, reload, changed
	Ref     string          `json:"ref,omitempty"`
	Line    *desk.ChatLine  `json:"line,omitempty"`
	Lines   []desk.ChatLine `json:"lines,omitempty"`
	State   *desk.ChatState `json:"state,omitempty"`
	Message string          `json:"message,omitempty"`
	Code    string          `json:"code,omitempty"` // an error's stable code, as the API names it
}

// wsIn is a message from the browser: a line to say.
type wsIn struct {
	Type string `json:"type"` // "say"
	Ref  string `json:"ref"`  // the browser's id for the line, echoed in the ack
	Text string `json:"text"`
}

// wsSession is one connection's behaviour.
type wsSession struct {
	workspace int64
	topic     string
	// hello is the first message after subscribing (transcript, state).
	hello func(ctx context.Context) (wsOut, error)
	// say stores a line; nil for a connection that only listens.
	say func(ctx context.Context, text string) (desk.ChatLine, error)
	// translate turns a refusal into the reader's words.
	translate func(error) string
}

// acceptWS upgrades a same-origin request. Browsers always send Origin on
// a WebSocket handshake, so a request without one is not from a page of
// ours and is refused, as is any other origin (the library compares it
// with the Host). The connection outlives the server's request timeouts on
// purpose, and only this one: its deadlines are lifted here, as
// server.LongRunning does (net/http also clears them when the connection
// is hijacked; saying it here keeps the exception visible and independent
// of that), and keepalive pings find dead peers instead.
func acceptWS(w http.ResponseWriter, r *http.Request) (*websocket.Conn, error) {
	if r.Header.Get("Origin") == "" {
		http.Error(w, "cross-origin WebSocket refused", http.StatusForbidden)
		return nil, errors.New("websocket: no Origin")
	}
	rc := http.NewResponseController(w)
	_ = rc.SetReadDeadline(time.Time{})
	_ = rc.SetWriteDeadline(time.Time{})
	c, err := websocket.Accept(w, r, &websocket.AcceptOptions{CompressionMode: websocket.CompressionDisabled})
	if err != nil {
		return nil, err
	}
	c.SetReadLimit(wsReadLimit)
	return c, nil
}

// run serves the connection until either side leaves.
func (s *server) runWS(r *http.Request, c *websocket.Conn, sess wsSession) {
	defer c.CloseNow()
	// The request's context ends with the hijacked connection's handler;
	// this one ends when the session does.
	ctx, cancel := context.WithCancel(context.WithoutCancel(r.Context()))
	defer cancel()
	sub := s.d.Live().Subscribe(sess.workspace, sess.topic)
	defer sub.Close()

	send := func(m wsOut) error {
		b, err := json.Marshal(m)
		if err != nil {
			return err
		}
		wctx, done := context.WithTimeout(ctx, wsWriteWait)
		defer done()
		return c.Write(wctx, websocket.MessageText, b)
	}
	hello, err := sess.hello(ctx)
	if err != nil {
		_ = send(wsError("", err, sess.translate))
		c.Close(websocket.StatusPolicyViolation, "refused")
		return
	}
	if err := send(hello); err != nil {
		return
	}

	// The reader: lines from the browser, each stored before its ack. It
	// also lets pings see their pongs.
	go func() {
		defer cancel()
		for {
			typ, b, err := c.Read(ctx)
			if err != nil {
				return
			}
			var in wsIn
			dec := json.NewDecoder(bytes.NewReader(b))
			dec.DisallowUnknownFields()
			if typ != websocket.MessageText || dec.Decode(&in) != nil || in.Type != "say" || len(in.Ref) > 64 || sess.say == nil {
				c.Close(websocket.StatusUnsupportedData, "unexpected message")
				return
			}
			line, err := sess.say(ctx, in.Text)
			if err != nil {
				if ctx.Err() != nil {
					return
				}
				if send(wsError(in.Ref, err, sess.translate)) != nil {
					return
				}
				continue
			}
			if send(wsOut{Type: "ack", Ref: in.Ref, Line: &line}) != nil {
				return
			}
		}
	}()

	ping := time.NewTicker(wsPingEvery)
	defer ping.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case e, ok := <-sub.C:
			if !ok {
				// Lagging, or this instance lost the database link: the
				// page reconnects and reloads from the database.
				_ = send(wsOut{Type: "reload"})
				c.Close(websocket.StatusTryAgainLater, "reload")
				return
			}
			if send(relayed(e)) != nil {
				return
			}
		case <-ping.C:
			pctx, done := context.WithTimeout(ctx, wsPongWait)
			err := c.Ping(pctx)
			done()
			if err != nil {
				return
			}
		}
	}
}

// wsError is a refusal as the browser reads it: in the reader's words,
// with the problem's stable code (ticket_merged, chat_taken…) as the API
// would give it, for scripts.
func wsError(ref string, err error, translate func(error) string) wsOut {
	m := wsOut{Type: "error", Ref: ref, Message: translate(err)}
	if p, ok := problem.As(err); ok && p.Kind != problem.Internal {
		m.Code = p.Code
	}
	return m
}

// relayed turns a hub event into the browser's message.
func relayed(e live.Event) wsOut {
	switch e.Kind {
	case desk.ChatLineEvent:
		var l desk.ChatLine
		if json.Unmarshal(e.Data, &l) == nil {
			return wsOut{Type: "line", Line: &l}
		}
	case desk.ChatStateEvent:
		var st desk.ChatState
		if json.Unmarshal(e.Data, &st) == nil {
			return wsOut{Type: "state", State: &st}
		}
	}
	return wsOut{Type: "changed"}
}
