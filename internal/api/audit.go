package api

import (
	"encoding/json"
	"time"

	"github.com/palier/palier/internal/store"
)

// auditJSON is one entry of the audit log as the API serves it (schema
// AuditEntry): its own type, so a column added to the store does not
// appear in the API unannounced.
type auditJSON struct {
	ID         int64           `json:"id"`
	ActorID    int64           `json:"actor_id,omitempty"`
	ActorName  string          `json:"actor_name,omitempty"`
	Action     string          `json:"action"`
	TargetType string          `json:"target_type"`
	TargetID   int64           `json:"target_id"`
	Details    json.RawMessage `json:"details"`
	CreatedAt  time.Time       `json:"created_at"`
}

func auditOut(e store.AuditEntry) auditJSON {
	return auditJSON{ID: e.ID, ActorID: e.ActorID, ActorName: e.ActorName, Action: e.Action, TargetType: e.TargetType,
		TargetID: e.TargetID, Details: e.Details, CreatedAt: e.CreatedAt}
}

// auditLog lists who changed the workspace's setup, newest first.
func (a *API) auditLog(c *call) (any, error) {
	return cursorPage(c, "audit", func(before int64, limit int) ([]store.AuditEntry, error) {
		return a.desk.AuditLog(c.r.Context(), c.actor, before, limit)
	}, auditOut, func(e auditJSON) int64 { return e.ID })
}
