package web

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"time"

	"github.com/palier/palier/internal/live"
)

// The page's event stream: GET /events, server-sent events of the agent's
// own topic (notifications), the inbox topic, and with ?ticket=ID that
// ticket's topic (messages, changes, presence), for an agent who may read
// it. Events only say what changed; the page fetches what it shows
// (live.js). The stream ends when the subscription does (the hub closes
// it when it lags or loses its database link): the browser's EventSource
// then reconnects and the page reloads what it shows, so nothing missed
// stays missed.
//
// The stream outlives the server's write timeout on purpose: the server
// lifts the connection's deadlines for this one route (server.LongRunning
// in package server), and the hub counts it in /metrics.

// heartbeat is how often an idle stream sends a comment, so proxies keep
// it open and a dead client is noticed.
var heartbeat = 20 * time.Second

func (s *server) events(w http.ResponseWriter, r *http.Request, rq *request) error {
	ctx := r.Context()
	topics := []string{live.Agent(rq.actor.AgentID), live.Inbox}
	var ticketID, after int64
	if v := r.URL.Query().Get("after"); v != "" {
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil || n < 0 {
			return badParameter("after")
		}
		after = n
	}
	if v := r.URL.Query().Get("ticket"); v != "" {
		id, err := strconv.ParseInt(v, 10, 64)
		if err != nil || id <= 0 {
			return errPageNotFound
		}
		// The same rule as the ticket page: a ticket the agent may not
		// read is not found.
		if _, err := s.d.Ticket(ctx, rq.actor, id); err != nil {
			return err
		}
		ticketID = id
		topics = append(topics, live.Ticket(id))
	}
	sub := s.d.Live().Subscribe(rq.actor.WorkspaceID, topics...)
	defer sub.Close()
	// Now that nothing is missed any more, what the page may have missed
	// before: its unread count, and whether the ticket moved past the
	// page's cursor (?after=). The page refreshes only what differs.
	ready := readyEvent{AgentID: rq.actor.AgentID}
	var err error
	if ready.Unread, err = s.d.UnreadNotifications(ctx, rq.actor); err != nil {
		return err
	}
	if ticketID != 0 {
		newer, err := s.d.Timeline(ctx, rq.actor, ticketID, after, 1)
		if err != nil {
			return err
		}
		ready.Stale = len(newer) > 0
	}
	readyData, _ := json.Marshal(ready)

	h := w.Header()
	h.Set("Content-Type", "text/event-stream")
	h.Set("Cache-Control", "no-store")
	h.Set("X-Accel-Buffering", "no") // nginx: do not hold the stream back
	rc := http.NewResponseController(w)
	w.WriteHeader(http.StatusOK)
	// The first event tells the page it is connected: after a reconnect,
	// it reloads what it shows (events may have been missed meanwhile).
	if _, err := fmt.Fprintf(w, "retry: 3000\nevent: ready\ndata: %s\n\n", readyData); err != nil {
		return nil
	}
	if err := rc.Flush(); err != nil {
		return nil
	}
	tick := time.NewTicker(heartbeat)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return nil
		case <-s.opts.Done:
			return nil // shutting down: the browser reconnects elsewhere or later
		case <-tick.C:
			if _, err := fmt.Fprint(w, ": heartbeat\n\n"); err != nil {
				return nil
			}
		case e, ok := <-sub.C:
			if !ok {
				return nil // lagging or the database link lost: the client reconnects
			}
			if ticketID != 0 && e.Topic == live.Ticket(ticketID) {
				// Still allowed to read it? A ticket moved out of sight
				// ends the stream; the reconnect is then refused.
				if _, err := s.d.Ticket(ctx, rq.actor, ticketID); err != nil {
					return nil
				}
			}
			if err := writeEvent(w, e); err != nil {
				return nil
			}
		}
		if err := rc.Flush(); err != nil {
			return nil
		}
	}
}

// readyEvent opens a stream: who it is for, their unread count, and
// whether the ticket has events after the page's cursor.
type readyEvent struct {
	AgentID int64 `json:"agent_id"`
	Unread  int   `json:"unread"`
	Stale   bool  `json:"stale"`
}

// streamEvent is what the page receives: the kind is the SSE event name.
type streamEvent struct {
	Topic string          `json:"topic"`
	Data  json.RawMessage `json:"data,omitempty"`
}

func writeEvent(w http.ResponseWriter, e live.Event) error {
	out := streamEvent{Topic: e.Topic, Data: e.Data}
	if e.Topic == live.Inbox {
		// Lists refresh themselves through the access rule; which ticket
		// moved is none of the page's business.
		out.Data = nil
	}
	b, err := json.Marshal(out)
	if err != nil {
		return err
	}
	_, err = fmt.Fprintf(w, "event: %s\ndata: %s\n\n", sseName(e.Topic, e.Kind), b)
	return err
}

// sseName names the event for the page: "ticket.message", "agent.notification",
// "inbox.updated"…
func sseName(topic, kind string) string {
	prefix := "ticket"
	switch {
	case topic == live.Inbox:
		prefix = "inbox"
	case len(topic) > 6 && topic[:6] == "agent/":
		prefix = "agent"
	}
	return prefix + "." + kind
}

// ticketUpdates answers the page's re-fetch after a ticket event: the
// timeline events after the page's cursor, the cursor and the header, all
// out of band (the page swaps nothing else).
func (s *server) ticketUpdates(w http.ResponseWriter, r *http.Request, rq *request) error {
	t, err := s.pathTicket(r, rq)
	if err != nil {
		return err
	}
	after, err := strconv.ParseInt(r.URL.Query().Get("after"), 10, 64)
	if err != nil || after < 0 {
		return badParameter("after")
	}
	// fillUpdate reads the cursor from the form, as the composer posts it.
	r.PostForm = map[string][]string{"after": {strconv.FormatInt(after, 10)}}
	u := updateFragment{base: s.base(r, rq, "", "inbox")}
	if err := s.fillUpdate(r, rq, t, &u); err != nil {
		return err
	}
	s.render(w, r, rq.loc, http.StatusOK, "ticket", "oob-updates", u)
	return nil
}
