package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"github.com/palier/palier/internal/auth"
	"github.com/palier/palier/internal/problem"
	"github.com/palier/palier/internal/workspace"
)

const memberColumns = `id, email, name, role, language, timezone, active, created_at`

func scanMember(r interface{ Scan(...any) error }) (workspace.Member, error) {
	var m workspace.Member
	var role string
	var created int64
	err := r.Scan(&m.ID, &m.Email, &m.Name, &role, &m.Language, &m.Timezone, &m.Active, &created)
	m.Role = workspace.Role(role)
	m.CreatedAt = fromMS(created)
	return m, err
}

// CreateMember adds an agent, lead or admin with a password hash (empty =
// cannot log in until a password is set) and their direct tiers.
func (s *Store) CreateMember(ctx context.Context, wsID, actorID int64, m workspace.Member, passwordHash string) (workspace.Member, error) {
	m.Email = strings.ToLower(strings.TrimSpace(m.Email))
	if err := m.Validate(); err != nil {
		return m, err
	}
	err := s.inTx(ctx, func(tx *Tx) error {
		m.CreatedAt = fromMS(ms(s.now()))
		err := tx.QueryRowContext(ctx, `INSERT INTO agents (workspace_id, email, name, role, language, timezone, password_hash, active, created_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id`,
			wsID, m.Email, m.Name, string(m.Role), m.Language, m.Timezone, passwordHash, m.Active, ms(m.CreatedAt)).Scan(&m.ID)
		if isUniqueViolation(err) {
			return taken("email", "an account already uses this email")
		}
		if err != nil {
			return fmt.Errorf("insert agent: %w", err)
		}
		if err := s.replaceMemberTiers(ctx, tx, wsID, m); err != nil {
			return err
		}
		if err := s.replaceMemberTeams(ctx, tx, wsID, m); err != nil {
			return err
		}
		return s.audit(ctx, tx, wsID, actorID, "agent.create", "agent", m.ID, map[string]any{"email": m.Email, "role": m.Role})
	})
	return m, err
}

// UpdateMember saves a member's profile, role, tiers and teams.
func (s *Store) UpdateMember(ctx context.Context, wsID, actorID int64, m workspace.Member) error {
	m.Email = strings.ToLower(strings.TrimSpace(m.Email))
	if err := m.Validate(); err != nil {
		return err
	}
	return s.inTx(ctx, func(tx *Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE agents SET email = $1, name = $2, role = $3, language = $4, timezone = $5, active = $6 WHERE id = $7 AND workspace_id = $8`,
			m.Email, m.Name, string(m.Role), m.Language, m.Timezone, m.Active, m.ID, wsID)
		if isUniqueViolation(err) {
			return taken("email", "an account already uses this email")
		}
		if err := mustAffect(res, err, "agent"); err != nil {
			return err
		}
		if err := s.replaceMemberTiers(ctx, tx, wsID, m); err != nil {
			return err
		}
		if err := s.replaceMemberTeams(ctx, tx, wsID, m); err != nil {
			return err
		}
		if !m.Active { // a deactivated account loses its sessions at once
			if _, err := tx.ExecContext(ctx, `DELETE FROM sessions WHERE agent_id = $1`, m.ID); err != nil {
				return fmt.Errorf("end sessions: %w", err)
			}
		}
		return s.audit(ctx, tx, wsID, actorID, "agent.update", "agent", m.ID, map[string]any{"email": m.Email, "role": m.Role, "active": m.Active, "tier_ids": m.TierIDs, "team_ids": m.TeamIDs})
	})
}

func (s *Store) replaceMemberTiers(ctx context.Context, tx *Tx, wsID int64, m workspace.Member) error {
	return replaceMemberLinks(ctx, tx, wsID, m.ID, m.TierIDs, memberTiers)
}

func (s *Store) replaceMemberTeams(ctx context.Context, tx *Tx, wsID int64, m workspace.Member) error {
	if m.TeamIDs == nil { // nil = leave memberships alone (managed from the team page)
		return nil
	}
	return replaceMemberLinks(ctx, tx, wsID, m.ID, m.TeamIDs, memberTeams)
}

// memberLinks is a table linking members to things of the workspace: the
// query that clears a member's rows, the one that checks a thing is the
// workspace's, the one that links it ($1 the member, $2 the thing), and
// the field a refusal names.
type memberLinks struct {
	clear, check, link string
	field, what        string
}

var (
	memberTiers = memberLinks{clear: `DELETE FROM agent_tiers WHERE agent_id = $1`, check: `SELECT count(*) FROM tiers WHERE id = $1 AND workspace_id = $2`,
		link: `INSERT INTO agent_tiers (agent_id, tier_id) VALUES ($1, $2)`, field: "tier_ids", what: "tier"}
	memberTeams = memberLinks{clear: `DELETE FROM team_members WHERE agent_id = $1`, check: `SELECT count(*) FROM teams WHERE id = $1 AND workspace_id = $2`,
		link: `INSERT INTO team_members (agent_id, team_id) VALUES ($1, $2)`, field: "team_ids", what: "team"}
)

// replaceMemberLinks makes ids the member's links in l, refusing an id the
// workspace does not have (the transaction then writes nothing).
func replaceMemberLinks(ctx context.Context, tx *Tx, wsID, memberID int64, ids []int64, l memberLinks) error {
	if _, err := tx.ExecContext(ctx, l.clear, memberID); err != nil {
		return fmt.Errorf("clear agent %ss: %w", l.what, err)
	}
	for _, id := range dedupe(ids) {
		if !exists(ctx, tx, l.check, id, wsID) {
			f := problem.Fields{}
			f.Add(l.field, "unknown_value", "unknown "+l.what, "value", fmt.Sprint(id))
			return f.Err()
		}
		if _, err := tx.ExecContext(ctx, l.link, memberID, id); err != nil {
			return fmt.Errorf("add agent %s: %w", l.what, err)
		}
	}
	return nil
}

// SetPassword replaces a member's password hash and ends their sessions.
func (s *Store) SetPassword(ctx context.Context, wsID, actorID, agentID int64, hash string) error {
	return s.inTx(ctx, func(tx *Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE agents SET password_hash = $1 WHERE id = $2 AND workspace_id = $3`, hash, agentID, wsID)
		if err := mustAffect(res, err, "agent"); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM sessions WHERE agent_id = $1`, agentID); err != nil {
			return fmt.Errorf("end sessions: %w", err)
		}
		if err := clearAccountThrottle(ctx, tx, agentID); err != nil {
			return err
		}
		return s.audit(ctx, tx, wsID, actorID, "agent.password", "agent", agentID, nil)
	})
}

// Member returns a member of a workspace with their tiers and teams.
func (s *Store) Member(ctx context.Context, wsID, id int64) (workspace.Member, error) {
	m, err := scanMember(s.read.QueryRowContext(ctx, `SELECT `+memberColumns+` FROM agents WHERE id = $1 AND workspace_id = $2`, id, wsID))
	if m, err = mustFind(m, err, "agent"); err != nil {
		return m, err
	}
	m.TierIDs, err = s.ids(ctx, `SELECT tier_id FROM agent_tiers WHERE agent_id = $1 ORDER BY tier_id`, id)
	if err != nil {
		return m, err
	}
	m.TeamIDs, err = s.ids(ctx, `SELECT team_id FROM team_members WHERE agent_id = $1 ORDER BY team_id`, id)
	return m, err
}

// Members lists a workspace's members by name (a workspace has tens to a
// few hundred members; the list is bounded by limit).
func (s *Store) Members(ctx context.Context, wsID int64, limit int) ([]workspace.Member, error) {
	if limit <= 0 || limit > 1000 {
		limit = 1000
	}
	rows, err := s.read.QueryContext(ctx, `SELECT `+memberColumns+` FROM agents WHERE workspace_id = $1 ORDER BY name, id LIMIT $2`, wsID, limit)
	if err != nil {
		return nil, fmt.Errorf("list agents: %w", err)
	}
	ms, err := collect(rows, func(r *sql.Rows) (workspace.Member, error) { return scanMember(r) })
	if err != nil {
		return nil, err
	}
	byID := map[int64]*workspace.Member{}
	for i := range ms {
		ms[i].TierIDs, ms[i].TeamIDs = []int64{}, []int64{}
		byID[ms[i].ID] = &ms[i]
	}
	add := func(list func(*workspace.Member) *[]int64) func(a, b int64) {
		return func(agent, id int64) {
			if m := byID[agent]; m != nil {
				*list(m) = append(*list(m), id)
			}
		}
	}
	if err := s.eachPair(ctx, `SELECT t.agent_id, t.tier_id FROM agent_tiers t JOIN agents a ON a.id = t.agent_id WHERE a.workspace_id = $1 ORDER BY 1, 2`, wsID,
		add(func(m *workspace.Member) *[]int64 { return &m.TierIDs })); err != nil {
		return nil, err
	}
	if err := s.eachPair(ctx, `SELECT m.agent_id, m.team_id FROM team_members m JOIN agents a ON a.id = m.agent_id WHERE a.workspace_id = $1 ORDER BY 1, 2`, wsID,
		add(func(m *workspace.Member) *[]int64 { return &m.TeamIDs })); err != nil {
		return nil, err
	}
	return ms, nil
}

// CountMembers counts all accounts in the database (first-start bootstrap).
func (s *Store) CountMembers(ctx context.Context) (int, error) {
	var n int
	if err := s.read.QueryRowContext(ctx, `SELECT count(*) FROM agents`).Scan(&n); err != nil {
		return 0, fmt.Errorf("count agents: %w", err)
	}
	return n, nil
}

// Credentials returns the workspace, id and password hash of an active
// account by email, for login.
func (s *Store) Credentials(ctx context.Context, email string) (wsID, agentID int64, hash string, err error) {
	err = s.read.QueryRowContext(ctx, `SELECT workspace_id, id, password_hash FROM agents WHERE email = $1 AND active = TRUE`,
		strings.ToLower(strings.TrimSpace(email))).Scan(&wsID, &agentID, &hash)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, 0, "", problem.NotFoundf("agent")
	}
	if err != nil {
		return 0, 0, "", fmt.Errorf("read credentials: %w", err)
	}
	return wsID, agentID, hash, nil
}

// MemberByEmail finds a member of any workspace by email (CLI tools).
func (s *Store) MemberByEmail(ctx context.Context, email string) (wsID int64, m workspace.Member, err error) {
	err = s.read.QueryRowContext(ctx, `SELECT workspace_id, id FROM agents WHERE email = $1`, strings.ToLower(strings.TrimSpace(email))).Scan(&wsID, &m.ID)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, m, problem.NotFoundf("agent")
	}
	if err != nil {
		return 0, m, fmt.Errorf("find agent: %w", err)
	}
	m, err = s.Member(ctx, wsID, m.ID)
	return wsID, m, err
}

// Actor loads an active member as an Actor: their role, their direct tiers
// plus the tiers of their teams, and their teams.
func (s *Store) Actor(ctx context.Context, agentID int64) (auth.Actor, error) {
	var a auth.Actor
	var role string
	var active bool
	err := s.read.QueryRowContext(ctx, `SELECT id, workspace_id, name, email, role, language, timezone, active FROM agents WHERE id = $1`, agentID).
		Scan(&a.AgentID, &a.WorkspaceID, &a.Name, &a.Email, &role, &a.Language, &a.Timezone, &active)
	if errors.Is(err, sql.ErrNoRows) || (err == nil && !active) {
		return a, problem.New(problem.Unauthorized, "unauthenticated", "please sign in")
	}
	if err != nil {
		return a, fmt.Errorf("load actor: %w", err)
	}
	a.Role = workspace.Role(role)
	a.TeamIDs, err = s.ids(ctx, `SELECT team_id FROM team_members WHERE agent_id = $1 ORDER BY team_id`, agentID)
	if err != nil {
		return a, err
	}
	a.TierIDs, err = s.ids(ctx, `SELECT tier_id FROM agent_tiers WHERE agent_id = $1
		UNION SELECT t.tier_id FROM team_members m JOIN teams t ON t.id = m.team_id WHERE m.agent_id = $1 ORDER BY 1`, agentID)
	return a, err
}

func (s *Store) ids(ctx context.Context, query string, args ...any) ([]int64, error) {
	rows, err := s.read.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("query ids: %w", err)
	}
	return collect(rows, scanID)
}
