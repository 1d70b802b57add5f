// Package live is Palier's one stream of "something changed now" events:
// a message on a ticket, a ticket moved, a notification for an agent, who
// is viewing a ticket, a chat line. Server-sent events, chat and the
// notification badge all subscribe here, and every writer publishes here.
//
// Events are advisory: they tell a screen to refresh a part of itself, and
// the database stays the truth. A subscriber that falls behind, or whose
// instance lost its link to the database, is closed rather than fed a gap,
// so its client reconnects and reloads what it shows.
//
// On SQLite (one instance) events go from publisher to subscribers in
// memory. On PostgreSQL every event goes through NOTIFY and comes back
// through each instance's LISTEN connection, so all instances on one
// database see the same events in the same order, the publisher's own
// included.
package live

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"
)

// Event is one change. Keep it small: it names what changed (ids), and a
// client that needs more asks the API. Data must fit a PostgreSQL
// notification together with the other fields (MaxData).
type Event struct {
	Workspace int64           `json:"w"`
	Topic     string          `json:"t"` // what changed: Ticket(42), Inbox, Agent(7), Chat("…")
	Kind      string          `json:"k"` // how: "message", "updated", "presence", "notification", …
	Data      json.RawMessage `json:"d,omitempty"`
}

// MaxData is the largest Data an event may carry.
const MaxData = 4096

// ErrTooLarge is returned by Publish for an event whose Data exceeds MaxData.
var ErrTooLarge = errors.New("live: event data too large")

// Topics. A subscriber names the topics it wants; an event reaches the
// subscribers of its workspace that named its topic.

// Ticket is the topic of one ticket's changes.
func Ticket(id int64) string { return fmt.Sprintf("ticket/%d", id) }

// Agent is the topic of one agent's own events (notifications).
func Agent(id int64) string { return fmt.Sprintf("agent/%d", id) }

// Chat is the topic of one chat conversation.
func Chat(key string) string { return "chat/" + key }

// Inbox is the topic of changes that move tickets between lists (created,
// status, tier, owner changed): inboxes and sidebar counts refresh.
const Inbox = "inbox"

// Relay carries encoded events between instances (the store on PostgreSQL).
// Notify queues payloads, in order after those queued before, and calls
// done with the outcome once they are sent (or could not be).
type Relay interface {
	Notify(channel string, payloads []string, done func(error)) error
	Listen(ctx context.Context, channel string, ready func(), deliver func(payload string)) error
}

// relayChannel is the PostgreSQL channel every instance listens on.
const relayChannel = "palier_live"

// subscriberBuffer is how many events a subscriber may have unread before
// it is closed as lagging.
const subscriberBuffer = 64

// Hub fans events out to subscribers. The zero value is not usable: use
// New.
type Hub struct {
	relay Relay // nil: in-process only
	log   *slog.Logger

	mu   sync.Mutex
	subs map[*Subscription]struct{}
	// linked says the relay's LISTEN is in place (always true without a
	// relay); while false, Publish still notifies but this instance would
	// not hear it.
	linked atomic.Bool

	subscribed atomic.Int64 // currently open subscriptions
	dropped    atomic.Int64 // subscriptions closed for lagging or a lost link
	delivered  atomic.Int64 // events handed to subscribers
}

// New returns a hub. With a nil relay events stay in this process; with a
// relay, Run must be running for this instance to receive anything.
func New(relay Relay, log *slog.Logger) *Hub {
	if log == nil {
		log = slog.Default()
	}
	h := &Hub{relay: relay, log: log, subs: map[*Subscription]struct{}{}}
	h.linked.Store(relay == nil)
	return h
}

// Subscription receives the events of one workspace's named topics on C.
// C is closed when the subscription ends: by Close, because the subscriber
// lagged, or because the instance lost its relay link (Reason tells).
type Subscription struct {
	C <-chan Event

	c         chan Event
	hub       *Hub
	workspace int64
	topics    map[string]bool
	closeOnce sync.Once
	reason    atomic.Value // string
}

// Subscribe starts a subscription to topics of workspace. The caller must
// Close it.
func (h *Hub) Subscribe(workspace int64, topics ...string) *Subscription {
	c := make(chan Event, subscriberBuffer)
	s := &Subscription{C: c, c: c, hub: h, workspace: workspace, topics: map[string]bool{}}
	for _, t := range topics {
		s.topics[t] = true
	}
	h.mu.Lock()
	h.subs[s] = struct{}{}
	h.mu.Unlock()
	h.subscribed.Add(1)
	return s
}

// Close ends the subscription. It is safe to call more than once.
func (s *Subscription) Close() { s.end("closed") }

// Reason says why C was closed: "closed", "lagging" or "relay lost".
func (s *Subscription) Reason() string {
	r, _ := s.reason.Load().(string)
	return r
}

func (s *Subscription) end(reason string) {
	s.closeOnce.Do(func() {
		s.reason.Store(reason)
		h := s.hub
		h.mu.Lock()
		delete(h.subs, s)
		close(s.c)
		h.mu.Unlock()
		h.subscribed.Add(-1)
		if reason != "closed" {
			h.dropped.Add(1)
		}
	})
}

// Publish sends each event to every subscriber of its workspace and topic,
// on every instance, in order. It returns once the events are handed over:
// delivered in memory, or queued for PostgreSQL, not once they are sent:
// the caller's answer need not wait for a round trip whose outcome it
// cannot change. A relay statement that fails is logged here, and its
// events are lost, as any advisory event may be (package comment). Events
// published together cost one relay statement, not one each after the
// other.
func (h *Hub) Publish(events ...Event) error {
	payloads := make([]string, 0, len(events))
	for _, e := range events {
		if len(e.Data) > MaxData {
			return ErrTooLarge
		}
		if e.Topic == "" || e.Kind == "" {
			return errors.New("live: event needs a topic and a kind")
		}
		if h.relay == nil {
			continue
		}
		b, err := json.Marshal(e)
		if err != nil {
			return fmt.Errorf("live: encode event: %w", err)
		}
		payloads = append(payloads, string(b))
	}
	if h.relay == nil {
		for _, e := range events {
			h.deliver(e)
		}
		return nil
	}
	err := h.relay.Notify(relayChannel, payloads, func(err error) {
		if err != nil {
			h.log.Warn("live: relay failed", "events", len(payloads), "err", err)
		}
	})
	if err != nil {
		return fmt.Errorf("live: publish: %w", err)
	}
	return nil
}

// deliver hands e to the matching subscribers without ever blocking: a
// subscriber whose buffer is full is closed as lagging, so it reloads
// rather than silently missing an event.
func (h *Hub) deliver(e Event) {
	var lagging []*Subscription
	h.mu.Lock()
	for s := range h.subs {
		if s.workspace != e.Workspace || !s.topics[e.Topic] {
			continue
		}
		select {
		case s.c <- e:
			h.delivered.Add(1)
		default:
			lagging = append(lagging, s)
		}
	}
	h.mu.Unlock()
	for _, s := range lagging {
		s.end("lagging")
	}
}

// dropAll closes every subscription: after the relay link is lost, events
// may have been missed, and each client must reload.
func (h *Hub) dropAll(reason string) {
	h.mu.Lock()
	all := make([]*Subscription, 0, len(h.subs))
	for s := range h.subs {
		all = append(all, s)
	}
	h.mu.Unlock()
	for _, s := range all {
		s.end(reason)
	}
}

// Run keeps this instance's relay link open until ctx ends, reconnecting
// with back-off when the database connection fails. Without a relay it
// returns at once. ready, if not nil, is called each time the link is in
// place (tests wait for it).
func (h *Hub) Run(ctx context.Context, ready func()) error {
	if h.relay == nil {
		if ready != nil {
			ready()
		}
		return nil
	}
	backoff := 100 * time.Millisecond
	for {
		err := h.relay.Listen(ctx, relayChannel, func() {
			h.linked.Store(true)
			backoff = 100 * time.Millisecond
			if ready != nil {
				ready()
			}
		}, h.receive)
		wasLinked := h.linked.Swap(false)
		if ctx.Err() != nil {
			h.dropAll("closed")
			return nil
		}
		if wasLinked {
			h.dropAll("relay lost")
		}
		h.log.Warn("live: relay link lost; reconnecting", "err", err, "in", backoff)
		select {
		case <-ctx.Done():
			h.dropAll("closed")
			return nil
		case <-time.After(backoff):
		}
		backoff = min(backoff*2, 10*time.Second)
	}
}

// receive decodes one relayed event.
func (h *Hub) receive(payload string) {
	var e Event
	if err := json.Unmarshal([]byte(payload), &e); err != nil {
		h.log.Warn("live: undecodable relayed event dropped", "err", err)
		return
	}
	h.deliver(e)
}

// Stats are the hub's counters, for /metrics.
type Stats struct {
	Subscribers int64 // open subscriptions (long-lived connections)
	Dropped     int64 // subscriptions closed for lagging or a lost link
	Delivered   int64 // events handed to subscribers
	Linked      bool  // the relay link is up (always true without a relay)
}

// Stats reads the counters.
func (h *Hub) Stats() Stats {
	return Stats{
		Subscribers: h.subscribed.Load(),
		Dropped:     h.dropped.Load(),
		Delivered:   h.delivered.Load(),
		Linked:      h.linked.Load(),
	}
}
