package live_test

import (
	"context"
	"encoding/json"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/palier/palier/internal/live"
	"github.com/palier/palier/internal/pgtest"
	"github.com/palier/palier/internal/store"
)

func TestMain(m *testing.M) { os.Exit(pgtest.Main(m)) }

// next reads one event or fails after a deadline.
func next(t *testing.T, s *live.Subscription) live.Event {
	t.Helper()
	select {
	case e, ok := <-s.C:
		if !ok {
			t.Fatalf("subscription closed (%s) while an event was expected", s.Reason())
		}
		return e
	case <-time.After(10 * time.Second):
		t.Fatal("no event within 10 s")
	}
	return live.Event{}
}

// none checks that nothing more is waiting on s. Delivery is synchronous
// in memory, so "nothing now" means "nothing ever" for in-process hubs.
func none(t *testing.T, s *live.Subscription) {
	t.Helper()
	select {
	case e, ok := <-s.C:
		if ok {
			t.Fatalf("unexpected event %+v", e)
		}
	default:
	}
}

func TestEventsReachOnlyTheirWorkspaceAndTopic(t *testing.T) {
	h := live.New(nil, nil)
	cases := []struct {
		name      string
		workspace int64
		topics    []string
		want      bool
	}{
		{"same workspace, same topic", 1, []string{live.Ticket(42)}, true},
		{"one of several topics", 1, []string{live.Inbox, live.Ticket(42)}, true},
		{"other ticket", 1, []string{live.Ticket(43)}, false},
		{"other workspace, same topic", 2, []string{live.Ticket(42)}, false},
		{"no topics", 1, nil, false},
	}
	subs := make([]*live.Subscription, len(cases))
	for i, c := range cases {
		subs[i] = h.Subscribe(c.workspace, c.topics...)
		defer subs[i].Close()
	}
	if err := h.Publish(live.Event{Workspace: 1, Topic: live.Ticket(42), Kind: "message"}); err != nil {
		t.Fatal(err)
	}
	for i, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if c.want {
				if e := next(t, subs[i]); e.Kind != "message" || e.Topic != "ticket/42" {
					t.Fatalf("got %+v", e)
				}
			}
			none(t, subs[i])
		})
	}
}

func TestPublishRefusesBadEvents(t *testing.T) {
	h := live.New(nil, nil)
	big := json.RawMessage(`"` + strings.Repeat("x", live.MaxData) + `"`)
	for name, e := range map[string]live.Event{
		"too large": {Workspace: 1, Topic: live.Inbox, Kind: "updated", Data: big},
		"no topic":  {Workspace: 1, Kind: "updated"},
		"no kind":   {Workspace: 1, Topic: live.Inbox},
	} {
		if err := h.Publish(e); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}

func TestALaggingSubscriberIsClosedNotBlocking(t *testing.T) {
	h := live.New(nil, nil)
	slow := h.Subscribe(1, live.Inbox)
	fast := h.Subscribe(1, live.Inbox)
	defer slow.Close()
	defer fast.Close()
	for i := range 200 {
		if err := h.Publish(live.Event{Workspace: 1, Topic: live.Inbox, Kind: "updated"}); err != nil {
			t.Fatal(err)
		}
		if i%10 == 0 {
			// fast keeps up; slow never reads.
			for len(fast.C) > 0 {
				<-fast.C
			}
		}
	}
	n := 0
	for range slow.C {
		n++
	}
	if slow.Reason() != "lagging" {
		t.Fatalf("slow subscriber: reason %q, want lagging", slow.Reason())
	}
	if n == 0 || n > 64 {
		t.Fatalf("slow subscriber got %d buffered events before closing", n)
	}
	if fast.Reason() != "" {
		t.Fatalf("fast subscriber closed: %s", fast.Reason())
	}
	st := h.Stats()
	if st.Subscribers != 1 || st.Dropped != 1 {
		t.Fatalf("stats %+v: want 1 open, 1 dropped", st)
	}
	fast.Close()
	fast.Close() // twice is fine
	if h.Stats().Subscribers != 0 {
		t.Fatalf("stats after close: %+v", h.Stats())
	}
}

// Events published together (a new ticket's timeline and inbox events)
// reach, in order, each subscriber of their topics, in memory too.
func TestEventsPublishedTogetherReachTheirTopicsInOrder(t *testing.T) {
	h := live.New(nil, nil)
	both := h.Subscribe(1, live.Ticket(42), live.Inbox)
	inbox := h.Subscribe(1, live.Inbox)
	defer both.Close()
	defer inbox.Close()
	if err := h.Publish(live.Event{Workspace: 1, Topic: live.Ticket(42), Kind: "message"},
		live.Event{Workspace: 1, Topic: live.Inbox, Kind: "updated"}); err != nil {
		t.Fatal(err)
	}
	if e := next(t, both); e.Topic != live.Ticket(42) {
		t.Fatalf("first event %+v, want the ticket's", e)
	}
	if e := next(t, both); e.Topic != live.Inbox {
		t.Fatalf("second event %+v, want the inbox's", e)
	}
	if e := next(t, inbox); e.Kind != "updated" {
		t.Fatalf("inbox got %+v", e)
	}
	none(t, both)
	none(t, inbox)
}

// TestTwoInstancesOnOnePostgreSQL: an event published on one instance
// reaches the subscribers of both, in order, also when several are
// published together; when an instance loses its
// database link, its subscribers are closed (they may have missed events)
// and the hub links up again by itself.
func TestTwoInstancesOnOnePostgreSQL(t *testing.T) {
	url := pgtest.NewDatabase(t)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	hubs := make([]*live.Hub, 2)
	ready := make([]chan struct{}, 2)
	for i := range hubs {
		st, err := store.Open(ctx, url, "")
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = st.Close() })
		hubs[i] = live.New(st, nil)
		ready[i] = make(chan struct{}, 8)
		r := ready[i]
		go hubs[i].Run(ctx, func() { r <- struct{}{} })
	}
	for i := range ready {
		waitReady(t, ready[i])
	}
	a := hubs[0].Subscribe(7, live.Ticket(1))
	b := hubs[1].Subscribe(7, live.Ticket(1))
	defer a.Close()
	defer b.Close()
	event := func(i int) live.Event {
		data, _ := json.Marshal(i)
		return live.Event{Workspace: 7, Topic: live.Ticket(1), Kind: "message", Data: data}
	}
	for i := range 5 {
		if err := hubs[0].Publish(event(i)); err != nil {
			t.Fatal(err)
		}
	}
	// Published together (one relay statement): each arrives, in order.
	if err := hubs[0].Publish(event(5), event(6), event(7)); err != nil {
		t.Fatal(err)
	}
	for _, s := range []*live.Subscription{a, b} {
		for i := range 8 {
			e := next(t, s)
			var got int
			if err := json.Unmarshal(e.Data, &got); err != nil || got != i {
				t.Fatalf("event %d: got %s (%v)", i, e.Data, err)
			}
		}
	}

	// Cut both instances' LISTEN connections from the server side.
	admin, err := store.Open(ctx, url, "")
	if err != nil {
		t.Fatal(err)
	}
	defer admin.Close()
	if _, err := admin.DB().ExecContext(ctx,
		`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE query LIKE 'LISTEN%' AND datname = current_database()`); err != nil {
		t.Fatal(err)
	}
	// Both hubs lost their link; their subscribers end with "relay lost".
	for _, s := range []*live.Subscription{a, b} {
		select {
		case _, ok := <-s.C:
			if ok {
				t.Fatal("event after the link was cut")
			}
		case <-time.After(10 * time.Second):
			t.Fatal("subscription not closed after the link was cut")
		}
		if s.Reason() != "relay lost" {
			t.Fatalf("reason %q, want relay lost", s.Reason())
		}
	}
	for i := range ready {
		waitReady(t, ready[i])
	}
	c := hubs[1].Subscribe(7, live.Ticket(1))
	defer c.Close()
	if err := hubs[0].Publish(live.Event{Workspace: 7, Topic: live.Ticket(1), Kind: "updated"}); err != nil {
		t.Fatal(err)
	}
	if e := next(t, c); e.Kind != "updated" {
		t.Fatalf("after relinking: %+v", e)
	}
	if !hubs[1].Stats().Linked {
		t.Fatal("hub says it is not linked")
	}
}

func waitReady(t *testing.T, ready chan struct{}) {
	t.Helper()
	select {
	case <-ready:
	case <-time.After(20 * time.Second):
		t.Fatal("relay link not ready within 20 s")
	}
}
