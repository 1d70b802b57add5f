package desk

import (
	"context"
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
func (d *Service) publish(ctx context.Context, ws int64, topic, kind string, data any) {
	e := live.Event{Workspace: ws, Topic: topic, Kind: kind}
	if data != nil {
		b, err := json.Marshal(data)
		if err != nil {
			d.log.Error("live: encode event", "topic", topic, "kind", kind, "err", err)
			return
		}
		e.Data = b
	}
	// The request may be ending; the event still belongs to a committed
	// change.
	if err := d.live.Publish(context.WithoutCancel(ctx), e); err != nil {
		d.log.Warn("live: publish failed", "topic", topic, "kind", kind, "err", err)
	}
}
