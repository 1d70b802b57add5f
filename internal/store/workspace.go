package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/palier/palier/internal/problem"
	"github.com/palier/palier/internal/workspace"
)

// CreateWorkspace creates a workspace with the default tiers L0–L3 (and an
// external L4) so a new team can start working at once.
func (s *Store) CreateWorkspace(ctx context.Context, w workspace.Workspace, tiers []workspace.Tier) (workspace.Workspace, error) {
	if err := w.Validate(); err != nil {
		return w, err
	}
	err := s.inTx(ctx, func(tx *Tx) error {
		w.CreatedAt = fromMS(ms(s.now()))
		err := tx.QueryRowContext(ctx, `INSERT INTO workspaces (name, support_model, languages, default_language, timezone, business_hours, created_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id`,
			w.Name, string(w.SupportModel), strings.Join(w.Languages, ","), w.DefaultLanguage, w.Timezone, w.BusinessHours, ms(w.CreatedAt)).Scan(&w.ID)
		if err != nil {
			return fmt.Errorf("insert workspace: %w", err)
		}
		for _, t := range tiers {
			if _, err := insertTier(ctx, tx, w.ID, t); err != nil {
				return err
			}
		}
		return nil
	})
	return w, err
}

// FirstWorkspace returns the oldest workspace; a single-team deployment has
// exactly one. It returns a NotFound problem on an empty database.
func (s *Store) FirstWorkspace(ctx context.Context) (workspace.Workspace, error) {
	var id int64
	err := s.read.QueryRowContext(ctx, `SELECT id FROM workspaces ORDER BY id LIMIT 1`).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return workspace.Workspace{}, problem.NotFoundf("workspace")
	}
	if err != nil {
		return workspace.Workspace{}, fmt.Errorf("first workspace: %w", err)
	}
	return s.Workspace(ctx, id)
}

// Workspace returns a workspace by id.
func (s *Store) Workspace(ctx context.Context, id int64) (workspace.Workspace, error) {
	var w workspace.Workspace
	var model, langs string
	var created int64
	err := s.read.QueryRowContext(ctx, `SELECT id, name, support_model, languages, default_language, timezone, business_hours, created_at FROM workspaces WHERE id = $1`, id).
		Scan(&w.ID, &w.Name, &model, &langs, &w.DefaultLanguage, &w.Timezone, &w.BusinessHours, &created)
	if errors.Is(err, sql.ErrNoRows) {
		return w, problem.NotFoundf("workspace")
	}
	if err != nil {
		return w, fmt.Errorf("get workspace: %w", err)
	}
	w.SupportModel = workspace.SupportModel(model)
	w.Languages = strings.Split(langs, ",")
	w.CreatedAt = fromMS(created)
	return w, nil
}

// UpdateWorkspace saves a workspace's settings and audits the change.
func (s *Store) UpdateWorkspace(ctx context.Context, actorID int64, w workspace.Workspace) error {
	if err := w.Validate(); err != nil {
		return err
	}
	return s.inTx(ctx, func(tx *Tx) error {
		_, err := tx.ExecContext(ctx, `UPDATE workspaces SET name = $1, support_model = $2, languages = $3, default_language = $4, timezone = $5, business_hours = $6 WHERE id = $7`,
			w.Name, string(w.SupportModel), strings.Join(w.Languages, ","), w.DefaultLanguage, w.Timezone, w.BusinessHours, w.ID)
		if err != nil {
			return fmt.Errorf("update workspace: %w", err)
		}
		return s.audit(ctx, tx, w.ID, actorID, "workspace.update", "workspace", w.ID, w)
	})
}

func insertTier(ctx context.Context, q querier, wsID int64, t workspace.Tier) (int64, error) {
	t.Normalize()
	if err := t.Validate(); err != nil {
		return 0, err
	}
	var id int64
	err := q.QueryRowContext(ctx, `INSERT INTO tiers (workspace_id, code, name, name_fr, name_en, description, target_share, position, external, vendor_email)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id`,
		wsID, t.Code, t.Name, t.NameFR, t.NameEN, t.Description, t.TargetShare, t.Position, t.External, t.VendorEmail).Scan(&id)
	if isUniqueViolation(err) {
		return 0, problem.New(problem.Conflict, "tier_exists", "this tier already exists").With("code", t.Code)
	}
	if err != nil {
		return 0, fmt.Errorf("insert tier: %w", err)
	}
	return id, nil
}

// CreateTier adds a tier (e.g. an L4 vendor) to a workspace.
func (s *Store) CreateTier(ctx context.Context, wsID, actorID int64, t workspace.Tier) (workspace.Tier, error) {
	t.Normalize()
	err := s.inTx(ctx, func(tx *Tx) error {
		id, err := insertTier(ctx, tx, wsID, t)
		if err != nil {
			return err
		}
		t.ID = id
		return s.audit(ctx, tx, wsID, actorID, "tier.create", "tier", id, t)
	})
	return t, err
}

// UpdateTier saves a tier.
func (s *Store) UpdateTier(ctx context.Context, wsID, actorID int64, t workspace.Tier) error {
	t.Normalize()
	if err := t.Validate(); err != nil {
		return err
	}
	return s.updateAudited(ctx, wsID, actorID, "tier", t.ID, t, `UPDATE tiers SET name = $1, name_fr = $2, name_en = $3, description = $4, target_share = $5, position = $6, external = $7, vendor_email = $8
		WHERE id = $9 AND workspace_id = $10`, t.Name, t.NameFR, t.NameEN, t.Description, t.TargetShare, t.Position, t.External, t.VendorEmail, t.ID, wsID)
}

// Tiers lists a workspace's tiers, lowest first.
func (s *Store) Tiers(ctx context.Context, wsID int64) ([]workspace.Tier, error) {
	rows, err := s.read.QueryContext(ctx, `SELECT id, code, name, name_fr, name_en, description, target_share, position, external, vendor_email
		FROM tiers WHERE workspace_id = $1 ORDER BY position, code`, wsID)
	if err != nil {
		return nil, fmt.Errorf("list tiers: %w", err)
	}
	return collect(rows, func(r *sql.Rows) (workspace.Tier, error) {
		var t workspace.Tier
		err := r.Scan(&t.ID, &t.Code, &t.Name, &t.NameFR, &t.NameEN, &t.Description, &t.TargetShare, &t.Position, &t.External, &t.VendorEmail)
		return t, err
	})
}

// CreateTeam adds a team with its skills and members.
func (s *Store) CreateTeam(ctx context.Context, wsID, actorID int64, t workspace.Team) (workspace.Team, error) {
	t.Normalize()
	if err := t.Validate(); err != nil {
		return t, err
	}
	err := s.inTx(ctx, func(tx *Tx) error {
		if err := checkRefs(ctx, tx, wsID, t); err != nil {
			return err
		}
		if err := teamNamesFree(ctx, tx, wsID, t); err != nil {
			return err
		}
		err := tx.QueryRowContext(ctx, `INSERT INTO teams (workspace_id, tier_id, name, name_fr, name_en, description, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id`,
			wsID, t.TierID, t.Name, t.NameFR, t.NameEN, t.Description, ms(s.now())).Scan(&t.ID)
		if isUniqueViolation(err) {
			return teamNameTaken()
		}
		if err != nil {
			return fmt.Errorf("insert team: %w", err)
		}
		if err := replaceTeamLinks(ctx, tx, t); err != nil {
			return err
		}
		return s.audit(ctx, tx, wsID, actorID, "team.create", "team", t.ID, t)
	})
	return t, err
}

// UpdateTeam saves a team, replacing its skills and members.
func (s *Store) UpdateTeam(ctx context.Context, wsID, actorID int64, t workspace.Team) error {
	t.Normalize()
	if err := t.Validate(); err != nil {
		return err
	}
	return s.inTx(ctx, func(tx *Tx) error {
		if err := checkRefs(ctx, tx, wsID, t); err != nil {
			return err
		}
		if err := teamNamesFree(ctx, tx, wsID, t); err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, `UPDATE teams SET tier_id = $1, name = $2, name_fr = $3, name_en = $4, description = $5 WHERE id = $6 AND workspace_id = $7`,
			t.TierID, t.Name, t.NameFR, t.NameEN, t.Description, t.ID, wsID)
		if isUniqueViolation(err) {
			return teamNameTaken()
		}
		if err := mustAffect(res, err, "team"); err != nil {
			return err
		}
		if err := replaceTeamLinks(ctx, tx, t); err != nil {
			return err
		}
		return s.audit(ctx, tx, wsID, actorID, "team.update", "team", t.ID, t)
	})
}

// teamNamesFree says which of a team's names another team of the
// workspace already uses, so the refusal points at the right field (the
// unique indexes stay the guard against a race).
func teamNamesFree(ctx context.Context, q querier, wsID int64, t workspace.Team) error {
	f := problem.Fields{}
	for _, c := range []struct{ field, col, v string }{{"name_fr", "name_fr", t.NameFR}, {"name_en", "name_en", t.NameEN}} {
		if exists(ctx, q, `SELECT count(*) FROM teams WHERE workspace_id = $1 AND id <> $2 AND `+c.col+` = $3`, wsID, t.ID, c.v) {
			f.Add(c.field, "taken", "this name is already used")
		}
	}
	if exists(ctx, q, `SELECT count(*) FROM teams WHERE workspace_id = $1 AND id <> $2 AND name = $3`, wsID, t.ID, t.Name) {
		f.Add("name_en", "taken", "this name is already used")
	}
	return f.Err()
}

func nameTaken(object string) error {
	f := problem.Fields{}
	f.Add("name", "taken", "this name is already used")
	return f.Err()
}

// teamNameTaken is a team's unique index refusing a name teamNamesFree
// found free: another writer took it meanwhile.
func teamNameTaken() error {
	f := problem.Fields{}
	f.Add("name_en", "taken", "this name is already used")
	return f.Err()
}

// checkRefs makes sure a team only points at its own workspace's tier,
// request types and agents: ids from another tenant are refused as unknown.
func checkRefs(ctx context.Context, q querier, wsID int64, t workspace.Team) error {
	f := problem.Fields{}
	if !exists(ctx, q, `SELECT count(*) FROM tiers WHERE id = $1 AND workspace_id = $2`, t.TierID, wsID) {
		f.Add("tier_id", "unknown_value", "unknown tier")
	}
	for _, id := range t.SkillIDs {
		if !exists(ctx, q, `SELECT count(*) FROM request_types WHERE id = $1 AND workspace_id = $2`, id, wsID) {
			f.Add("skill_ids", "unknown_value", "unknown request type", "value", fmt.Sprint(id))
		}
	}
	for _, id := range t.MemberIDs {
		if !exists(ctx, q, `SELECT count(*) FROM agents WHERE id = $1 AND workspace_id = $2`, id, wsID) {
			f.Add("member_ids", "unknown_value", "unknown agent", "value", fmt.Sprint(id))
		}
	}
	return f.Err()
}

func exists(ctx context.Context, q querier, query string, args ...any) bool {
	var n int
	return q.QueryRowContext(ctx, query, args...).Scan(&n) == nil && n > 0
}

func replaceTeamLinks(ctx context.Context, tx *Tx, t workspace.Team) error {
	if _, err := tx.ExecContext(ctx, `DELETE FROM team_skills WHERE team_id = $1`, t.ID); err != nil {
		return fmt.Errorf("clear team skills: %w", err)
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM team_members WHERE team_id = $1`, t.ID); err != nil {
		return fmt.Errorf("clear team members: %w", err)
	}
	for _, id := range dedupe(t.SkillIDs) {
		if _, err := tx.ExecContext(ctx, `INSERT INTO team_skills (team_id, request_type_id) VALUES ($1, $2)`, t.ID, id); err != nil {
			return fmt.Errorf("add team skill: %w", err)
		}
	}
	for _, id := range dedupe(t.MemberIDs) {
		if _, err := tx.ExecContext(ctx, `INSERT INTO team_members (team_id, agent_id) VALUES ($1, $2)`, t.ID, id); err != nil {
			return fmt.Errorf("add team member: %w", err)
		}
	}
	return nil
}

// Teams lists a workspace's teams with their skills and members.
func (s *Store) Teams(ctx context.Context, wsID int64) ([]workspace.Team, error) {
	rows, err := s.read.QueryContext(ctx, `SELECT id, tier_id, name, name_fr, name_en, description FROM teams WHERE workspace_id = $1 ORDER BY name`, wsID)
	if err != nil {
		return nil, fmt.Errorf("list teams: %w", err)
	}
	teams, err := collect(rows, func(r *sql.Rows) (workspace.Team, error) {
		var t workspace.Team
		err := r.Scan(&t.ID, &t.TierID, &t.Name, &t.NameFR, &t.NameEN, &t.Description)
		return t, err
	})
	if err != nil {
		return nil, err
	}
	byID := map[int64]*workspace.Team{}
	for i := range teams {
		teams[i].SkillIDs, teams[i].MemberIDs = []int64{}, []int64{}
		byID[teams[i].ID] = &teams[i]
	}
	if err := s.eachPair(ctx, `SELECT s.team_id, s.request_type_id FROM team_skills s JOIN teams t ON t.id = s.team_id WHERE t.workspace_id = $1 ORDER BY 1, 2`, wsID,
		func(team, rt int64) { byID[team].SkillIDs = append(byID[team].SkillIDs, rt) }); err != nil {
		return nil, err
	}
	if err := s.eachPair(ctx, `SELECT m.team_id, m.agent_id FROM team_members m JOIN teams t ON t.id = m.team_id WHERE t.workspace_id = $1 ORDER BY 1, 2`, wsID,
		func(team, agent int64) { byID[team].MemberIDs = append(byID[team].MemberIDs, agent) }); err != nil {
		return nil, err
	}
	return teams, nil
}

func (s *Store) eachPair(ctx context.Context, query string, arg any, fn func(a, b int64)) error {
	rows, err := s.read.QueryContext(ctx, query, arg)
	if err != nil {
		return fmt.Errorf("query pairs: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var a, b int64
		if err := rows.Scan(&a, &b); err != nil {
			return fmt.Errorf("scan pair: %w", err)
		}
		fn(a, b)
	}
	return rows.Err()
}

// CreateRequestType adds a request type.
func (s *Store) CreateRequestType(ctx context.Context, wsID, actorID int64, rt workspace.RequestType) (workspace.RequestType, error) {
	if err := rt.Validate(); err != nil {
		return rt, err
	}
	err := s.createKeyed(ctx, wsID, actorID, "request_type", &rt.ID, &rt, `INSERT INTO request_types (workspace_id, key, name_fr, name_en, active, model) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`,
		wsID, rt.Key, rt.NameFR, rt.NameEN, rt.Active, string(rt.Model))
	return rt, err
}

// UpdateRequestType saves a request type (its key is fixed once created).
func (s *Store) UpdateRequestType(ctx context.Context, wsID, actorID int64, rt workspace.RequestType) error {
	if err := rt.Validate(); err != nil {
		return err
	}
	return s.updateAudited(ctx, wsID, actorID, "request_type", rt.ID, rt, `UPDATE request_types SET name_fr = $1, name_en = $2, active = $3, model = $4 WHERE id = $5 AND workspace_id = $6`,
		rt.NameFR, rt.NameEN, rt.Active, string(rt.Model), rt.ID, wsID)
}

// createKeyed inserts an object with a unique key (see insertKeyed) and
// audits its creation in the same transaction; details is the object, read
// once its id is set.
func (s *Store) createKeyed(ctx context.Context, wsID, actorID int64, target string, id *int64, details any, query string, args ...any) error {
	return s.inTx(ctx, func(tx *Tx) error {
		if err := insertKeyed(tx.QueryRowContext(ctx, query, args...), id, strings.ReplaceAll(target, "_", " ")); err != nil {
			return err
		}
		return s.audit(ctx, tx, wsID, actorID, target+".create", target, *id, details)
	})
}

// updateAudited runs an UPDATE of one object, which must exist, and audits
// the update in the same transaction.
func (s *Store) updateAudited(ctx context.Context, wsID, actorID int64, target string, id int64, details any, query string, args ...any) error {
	return s.inTx(ctx, func(tx *Tx) error {
		res, err := tx.ExecContext(ctx, query, args...)
		if err := mustAffect(res, err, target); err != nil {
			return err
		}
		return s.audit(ctx, tx, wsID, actorID, target+".update", target, id, details)
	})
}

// insertKeyed reads the id an INSERT … RETURNING id of an object with a
// unique key (request type, custom field) gives back: a key already used
// is the field error the editor shows on "key".
func insertKeyed(row *sql.Row, id *int64, object string) error {
	err := row.Scan(id)
	if isUniqueViolation(err) {
		return taken("key", "this key is already used")
	}
	if err != nil {
		return fmt.Errorf("insert %s: %w", object, err)
	}
	return nil
}

// RequestTypes lists a workspace's request types.
func (s *Store) RequestTypes(ctx context.Context, wsID int64) ([]workspace.RequestType, error) {
	rows, err := s.read.QueryContext(ctx, `SELECT id, key, name_fr, name_en, active, model FROM request_types WHERE workspace_id = $1 ORDER BY key`, wsID)
	if err != nil {
		return nil, fmt.Errorf("list request types: %w", err)
	}
	return collect(rows, func(r *sql.Rows) (workspace.RequestType, error) {
		var t workspace.RequestType
		var model string
		err := r.Scan(&t.ID, &t.Key, &t.NameFR, &t.NameEN, &t.Active, &model)
		t.Model = workspace.SupportModel(model)
		return t, err
	})
}

// CreateCustomField adds a custom field definition.
func (s *Store) CreateCustomField(ctx context.Context, wsID, actorID int64, cf workspace.CustomField) (workspace.CustomField, error) {
	if err := cf.Validate(); err != nil {
		return cf, err
	}
	opts, _ := json.Marshal(nonNil(cf.Options))
	err := s.createKeyed(ctx, wsID, actorID, "custom_field", &cf.ID, &cf, `INSERT INTO custom_fields (workspace_id, key, label_fr, label_en, kind, options, position) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id`,
		wsID, cf.Key, cf.LabelFR, cf.LabelEN, string(cf.Kind), string(opts), cf.Position)
	return cf, err
}

// UpdateCustomField saves a custom field's labels, options and position.
func (s *Store) UpdateCustomField(ctx context.Context, wsID, actorID int64, cf workspace.CustomField) error {
	if err := cf.Validate(); err != nil {
		return err
	}
	opts, _ := json.Marshal(nonNil(cf.Options))
	return s.updateAudited(ctx, wsID, actorID, "custom_field", cf.ID, cf, `UPDATE custom_fields SET label_fr = $1, label_en = $2, options = $3, position = $4 WHERE id = $5 AND workspace_id = $6`,
		cf.LabelFR, cf.LabelEN, string(opts), cf.Position, cf.ID, wsID)
}

// CustomFields lists a workspace's custom field definitions in display order.
func (s *Store) CustomFields(ctx context.Context, wsID int64) ([]workspace.CustomField, error) {
	rows, err := s.read.QueryContext(ctx, `SELECT id, key, label_fr, label_en, kind, options, position FROM custom_fields WHERE workspace_id = $1 ORDER BY position, key`, wsID)
	if err != nil {
		return nil, fmt.Errorf("list custom fields: %w", err)
	}
	return collect(rows, func(r *sql.Rows) (workspace.CustomField, error) {
		var c workspace.CustomField
		var kind, opts string
		if err := r.Scan(&c.ID, &c.Key, &c.LabelFR, &c.LabelEN, &kind, &opts, &c.Position); err != nil {
			return c, err
		}
		c.Kind = workspace.FieldKind(kind)
		return c, json.Unmarshal([]byte(opts), &c.Options)
	})
}

// collect scans every row with fn and closes rows.
func collect[T any](rows *sql.Rows, fn func(*sql.Rows) (T, error)) ([]T, error) {
	return collectSized(rows, 0, fn)
}

// collectSized is collect into a slice allocated once for n rows (a page
// whose size is known).
func collectSized[T any](rows *sql.Rows, n int, fn func(*sql.Rows) (T, error)) ([]T, error) {
	defer rows.Close()
	out := make([]T, 0, n)
	for rows.Next() {
		v, err := fn(rows)
		if err != nil {
			return nil, fmt.Errorf("scan: %w", err)
		}
		out = append(out, v)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("read rows: %w", err)
	}
	return out, nil
}

// scanID reads a row of one id, for collect.
func scanID(r *sql.Rows) (int64, error) {
	var id int64
	return id, r.Scan(&id)
}

// mustAffect turns "no row updated" into a NotFound problem.
// mustFind is mustAffect's twin for a read of one row: no row is the
// object not found, another error is wrapped with what was read.
func mustFind[T any](v T, err error, object string) (T, error) {
	if errors.Is(err, sql.ErrNoRows) {
		return v, problem.NotFoundf(object)
	}
	if err != nil {
		return v, fmt.Errorf("get %s: %w", object, err)
	}
	return v, nil
}

func mustAffect(res sql.Result, err error, object string) error {
	if err != nil {
		return fmt.Errorf("update %s: %w", object, err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return fmt.Errorf("update %s: %w", object, err)
	}
	if n == 0 {
		return problem.NotFoundf(object)
	}
	return nil
}

// taken is the refusal of a value a unique key already holds, on its field.
func taken(field, message string) error {
	f := problem.Fields{}
	f.Add(field, "taken", message)
	return f.Err()
}

func dedupe(ids []int64) []int64 {
	seen := map[int64]bool{}
	out := ids[:0:0]
	for _, id := range ids {
		if !seen[id] {
			seen[id] = true
			out = append(out, id)
		}
	}
	return out
}

func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}
