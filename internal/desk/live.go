package desk

import (
	"encoding/json"

	"github.com/palier/palier/internal/live"
	"github.com/palier/palier/internal/store"
)

// Live events (package live) tell open screens that something changed.
// Every writer in desk publishes after its change is committed; a failed
// publish is logged, never returned: the change itself succeeded, and a
// screen that missed the event reloads when its stream reconnects.

// UseLive replaces the service's in-process hub, for PostgreSQL
// deployments whose instances share events through the database. The
// caller runs hub.Run.
func (d *Service) UseLive(h *live.Hub) { d.live = h }

// Live is the service's event hub (server-sent events, chat and the
// notification badge subscribe to it).
func (d *Service) Live() *live.Hub { return d.live }

// NewLiveHub returns the hub a deployment on s needs: relayed through
// PostgreSQL's LISTEN/NOTIFY, or in memory on SQLite (one instance).
func NewLiveHub(s *store.Store, d *Service) *live.Hub {
	if s.Dialect() == store.Postgres {
		return live.New(s, d.log)
	}
	return live.New(nil, d.log)
}

// publish sends an event about workspace ws; data may be nil.
func (d *Service) publish(ws int64, topic, kind string, data any) {
	d.publishAll(liveEvent{ws: ws, topic: topic, kind: kind, data: data})
}

// liveEvent is an event to publish, before its data is encoded.
type liveEvent struct {
	ws          int64
	topic, kind string
	data        any // nil: none
}

// publishAll sends events together: on PostgreSQL in one relay statement,
// where one after the other each waited for its own.
func (d *Service) publishAll(events ...liveEvent) {
	out := make([]live.Event, 0, len(events))
	for _, x := range events {
		e := live.Event{Workspace: x.ws, Topic: x.topic, Kind: x.kind}
		if x.data != nil {
			b, err := json.Marshal(x.data)
			if err != nil {
				d.log.Error("live: encode event", "topic", x.topic, "kind", x.kind, "err", err)
				continue
			}
			e.Data = b
		}
		out = append(out, e)
	}
	if len(out) == 0 {
		return
	}
	if err := d.live.Publish(out...); err != nil {
		d.log.Warn("live: publish failed", "topic", out[0].Topic, "kind", out[0].Kind, "events", len(out), "err", err)
	}
}
