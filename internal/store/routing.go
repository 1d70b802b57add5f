package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/palier/palier/internal/escalation"
	"github.com/palier/palier/internal/problem"
	"github.com/palier/palier/internal/routing"
)

// RoutingRules returns a workspace's rule set and its version (0 when the
// workspace has never saved one: the caller uses its default).
func (s *Store) RoutingRules(ctx context.Context, wsID int64) (routing.RuleSet, int64, error) {
	var rs routing.RuleSet
	var raw string
	var version int64
	err := s.read.QueryRowContext(ctx, `SELECT ruleset, version FROM routing_rulesets WHERE workspace_id = $1`, wsID).Scan(&raw, &version)
	if errors.Is(err, sql.ErrNoRows) {
		return rs, 0, nil
	}
	if err != nil {
		return rs, 0, fmt.Errorf("read routing rules: %w", err)
	}
	if err := json.Unmarshal([]byte(raw), &rs); err != nil {
		return rs, 0, fmt.Errorf("decode routing rules: %w", err)
	}
	return rs, version, nil
}

// RoutingVersion returns the version of the saved rule set (0 = none), a
// cheap check for instances that cache the compiled rules.
func (s *Store) RoutingVersion(ctx context.Context, wsID int64) (int64, error) {
	return s.readVersion(ctx, wsID, routingVersionSQL, "routing")
}

// SaveRoutingRules replaces the workspace's rule set (already validated by
// the caller) and audits the change.
func (s *Store) SaveRoutingRules(ctx context.Context, wsID, actorID int64, rs routing.RuleSet) (int64, error) {
	raw, err := json.Marshal(rs)
	if err != nil {
		return 0, fmt.Errorf("encode routing rules: %w", err)
	}
	var version int64
	err = s.inTx(ctx, func(tx *Tx) error {
		now := ms(s.now())
		err := tx.QueryRowContext(ctx, `INSERT INTO routing_rulesets (workspace_id, ruleset, version, updated_by, updated_at) VALUES ($1, $2, 1, $3, $4)
			ON CONFLICT (workspace_id) DO UPDATE SET ruleset = excluded.ruleset, version = routing_rulesets.version + 1,
			updated_by = excluded.updated_by, updated_at = excluded.updated_at
			RETURNING version`, wsID, string(raw), nullID(actorID), now).Scan(&version)
		if err != nil {
			return fmt.Errorf("save routing rules: %w", err)
		}
		return s.audit(ctx, tx, wsID, actorID, "routing.save", "routing_rules", version, map[string]any{"rules": len(rs.Rules)})
	})
	return version, err
}

// MigrateRoutingRules replaces a stored rule set by its equivalent that
// names tiers, teams and request types by id, if it is still at version
// from (another instance may have done it first: then nothing is written
// and false comes back). Nobody edited the rules, so the change is audited
// without an actor.
func (s *Store) MigrateRoutingRules(ctx context.Context, wsID, from int64, rs routing.RuleSet) (bool, error) {
	raw, err := json.Marshal(rs)
	if err != nil {
		return false, fmt.Errorf("encode routing rules: %w", err)
	}
	done := false
	err = s.inTx(ctx, func(tx *Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE routing_rulesets SET ruleset = $1, version = version + 1, updated_at = $2
			WHERE workspace_id = $3 AND version = $4`, string(raw), ms(s.now()), wsID, from)
		if err != nil {
			return fmt.Errorf("migrate routing rules: %w", err)
		}
		if n, err := res.RowsAffected(); err != nil || n == 0 {
			return err
		}
		done = true
		return s.audit(ctx, tx, wsID, 0, "routing.migrate", "routing_rules", from+1, map[string]any{"rules": len(rs.Rules), "to": "ids"})
	})
	return done && err == nil, err
}

// RoutingWorkspaces lists the workspaces that have saved a rule set, for
// the health check that compiles every one.
func (s *Store) RoutingWorkspaces(ctx context.Context) ([]int64, error) {
	rows, err := s.read.QueryContext(ctx, `SELECT workspace_id FROM routing_rulesets ORDER BY workspace_id`)
	if err != nil {
		return nil, fmt.Errorf("list routing rule sets: %w", err)
	}
	return collect(rows, scanID)
}

// EscalationProcedures lists a workspace's procedures.
func (s *Store) EscalationProcedures(ctx context.Context, wsID int64) ([]escalation.Procedure, error) {
	rows, err := s.read.QueryContext(ctx, `SELECT id, COALESCE(request_type_id, 0), procedure_json FROM escalation_procedures WHERE workspace_id = $1 ORDER BY id`, wsID)
	if err != nil {
		return nil, fmt.Errorf("list escalation procedures: %w", err)
	}
	return collect(rows, func(r *sql.Rows) (escalation.Procedure, error) {
		var p escalation.Procedure
		var id, rt int64
		var raw string
		if err := r.Scan(&id, &rt, &raw); err != nil {
			return p, err
		}
		if err := json.Unmarshal([]byte(raw), &p); err != nil {
			return p, fmt.Errorf("decode procedure %d: %w", id, err)
		}
		p.ID, p.RequestTypeID = id, rt
		return p, nil
	})
}

// SaveEscalationProcedure creates (ID 0) or replaces a procedure.
func (s *Store) SaveEscalationProcedure(ctx context.Context, wsID, actorID int64, p escalation.Procedure) (escalation.Procedure, error) {
	raw, err := json.Marshal(p)
	if err != nil {
		return p, fmt.Errorf("encode procedure: %w", err)
	}
	err = s.inTx(ctx, func(tx *Tx) error {
		if p.RequestTypeID != 0 && !exists(ctx, tx, `SELECT count(*) FROM request_types WHERE id = $1 AND workspace_id = $2`, p.RequestTypeID, wsID) {
			return fieldError("request_type_id", "unknown_value", "unknown request type")
		}
		now := ms(s.now())
		if p.ID == 0 {
			if err := tx.QueryRowContext(ctx, `INSERT INTO escalation_procedures (workspace_id, request_type_id, procedure_json, updated_at) VALUES ($1, $2, $3, $4) RETURNING id`,
				wsID, nullID(p.RequestTypeID), string(raw), now).Scan(&p.ID); err != nil {
				return fmt.Errorf("insert procedure: %w", err)
			}
		} else {
			res, err := tx.ExecContext(ctx, `UPDATE escalation_procedures SET request_type_id = $1, procedure_json = $2, updated_at = $3 WHERE id = $4 AND workspace_id = $5`,
				nullID(p.RequestTypeID), string(raw), now, p.ID, wsID)
			if err := mustAffect(res, err, "escalation_procedure"); err != nil {
				return err
			}
		}
		return s.audit(ctx, tx, wsID, actorID, "escalation_procedure.save", "escalation_procedure", p.ID, map[string]any{"name": p.Name, "request_type_id": p.RequestTypeID})
	})
	return p, err
}

func fieldError(field, code, message string) error {
	f := problem.Fields{}
	f.Add(field, code, message)
	return f.Err()
}
