package store

import (
	"slices"
	"strconv"
	"strings"
)

// SQLite's search documents carry access keys (migration 0045, which
// lists them): tokens naming the ticket's tier, its team and the agents
// who read it personally, kept in step by triggers on every write that
// changes them. A search asks FTS5 for the keys its filter and viewer
// allow, so the index walk skips, inside the index, the matches the
// viewer may not read: an L1 agent searching tier L2 walked every match
// of the words in the whole workspace before (0.24–0.36 s of CPU at 1M
// tickets) and now only theirs. The keys only narrow: the ticket row is
// still checked against the filter (Filter.where, the SQL twin of
// ticket.CanView), which stays the one rule.

// accessKeyOf is the SQL of the access key of the ticket whose id is the
// expression id, as migration 0045's view spells it.
func accessKeyOf(id string) string {
	return `COALESCE((SELECT k.access FROM ticket_access_keys k WHERE k.ticket_id = ` + id + `), '')`
}

// accessMatch spells, as an FTS5 expression on the access column, the
// tickets the filter's tiers and viewer allow; "" when neither restricts.
// It mirrors viewerBranches: the viewer's own tickets (owner, swarms,
// hand-offs), their tiers, their teams; leads also read sensitive tickets
// of their scope (t, m), agents not (u, n). Under a tier filter every key
// is the tier-qualified one, a single posting list per branch; a team adds
// nothing in a tier the viewer works in (the tier key holds it all).
//
// Without a tier filter it asks for nothing: most of the newest matches
// are then the viewer's to read (their own tiers), the row check rejects
// few, and merging the tier's and team's long posting lists into the walk
// cost more than it saved (at 20,000 tickets an L1 agent's status=open
// search took 20 ms of CPU with the keys, 7 without).
func (f Filter) accessMatch() string {
	keys := f.accessKeys()
	if len(keys) == 0 {
		return ""
	}
	return ftsAccessMatch(keys)
}

// ftsAccessMatch spells keys as an FTS5 expression on the access column.
func ftsAccessMatch(keys []string) string {
	quoted := make([]string, len(keys))
	for i, k := range keys {
		quoted[i] = `"` + k + `"`
	}
	return "{access} : (" + strings.Join(quoted, " OR ") + ")"
}

// pgAccessQuery spells the same keys as accessMatch as a tsquery on
// PostgreSQL's access column (migration 0058); "" when nothing restricts.
func (f Filter) pgAccessQuery() string {
	return pgKeysQuery(f.accessKeys())
}

// pgKeysQuery spells keys as a tsquery on the access column: lexemes as
// written (the text-to-tsquery cast analyses nothing), as the column
// holds them.
func pgKeysQuery(keys []string) string {
	quoted := make([]string, len(keys))
	for i, k := range keys {
		quoted[i] = "'" + k + "'"
	}
	return strings.Join(quoted, " | ")
}

// viewerKeys are the keys of every ticket the viewer may read, whatever
// its tier: their own (a), their tiers' (u, or t for leads), their teams'
// in any tier (n, or m for leads); only their own for a collaborator. None
// for an admin or no viewer, who read the whole workspace. Like
// accessKeys they only narrow: a search asks for them (without a tier
// filter) only when the viewer's share is small (pgSearchCandidates,
// narrowViewer), and the ticket row still decides.
func (f Filter) viewerKeys() []string {
	v := f.Viewer
	if v == nil || v.IsAdmin() {
		return nil
	}
	keys := []string{accessToken("a", v.AgentID, 0)}
	if v.IsCollaborator() {
		return keys
	}
	tier, team := "u", "n"
	if v.IsLeadOrAdmin() {
		tier, team = "t", "m"
	}
	for _, t := range dedupe(v.TierIDs) {
		keys = append(keys, accessToken(tier, t, 0))
	}
	for _, m := range dedupe(v.TeamIDs) {
		keys = append(keys, accessToken(team, m, 0))
	}
	return keys
}

// accessKeys are the keys a search under f may ask for, as accessMatch
// describes; none without a tier filter.
func (f Filter) accessKeys() []string {
	v := f.Viewer
	tiers := dedupe(f.TierIDs)
	if len(tiers) == 0 {
		return nil
	}
	if v == nil || v.IsAdmin() {
		keys := make([]string, len(tiers))
		for i, t := range tiers {
			keys[i] = accessToken("t", t, 0)
		}
		return keys
	}
	tier, team := "u", "n"
	if v.IsLeadOrAdmin() {
		tier, team = "t", "m"
	}
	var keys []string
	for _, t := range tiers {
		keys = append(keys, accessToken("a", v.AgentID, t))
		switch {
		case v.IsCollaborator():
		case slices.Contains(v.TierIDs, t):
			keys = append(keys, accessToken(tier, t, 0))
		default:
			for _, m := range dedupe(v.TeamIDs) {
				keys = append(keys, accessToken(team, m, t))
			}
		}
	}
	return keys
}

// accessToken is one key: kind and id, and ("x" tier) when tier is set.
func accessToken(kind string, id, tier int64) string {
	s := kind + strconv.FormatInt(id, 10)
	if tier != 0 {
		s += "x" + strconv.FormatInt(tier, 10)
	}
	return s
}
