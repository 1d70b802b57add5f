package store

import (
	"errors"
	"testing"

	"github.com/palier/palier/internal/problem"
)

// TestListTooBroad holds the list's one refusal rule (tooBroad, applied by
// Store.Tickets for the API and the web list alike): a branch whose index
// leaves more than maxResidual of its filters to test on the rows is
// refused with a 400 list_too_broad naming the filters to drop; a bounded
// branch (a customer's tickets, an agent's swarms or hand-offs) never is.
// With today's indexes every combination of tier, team, owner and type is
// served; the refusals are checked against a smaller index table, as a
// filter added without its index would be.
func TestListTooBroad(t *testing.T) {
	all := []indexPrefix{}
	for m := range 16 {
		all = append(all, indexPrefix{tier: m&1 != 0, team: m&2 != 0, owner: m&4 != 0, kind: m&8 != 0})
	}
	for _, p := range all {
		if err := tooBroad([]listBranch{{from: "tickets", prefix: p}}); err != nil {
			t.Errorf("%+v refused with today's indexes: %v", p, err)
		}
	}

	saved := prefixIndexes
	t.Cleanup(func() { prefixIndexes = saved })
	prefixIndexes = prefixIndexes[len(prefixIndexes)-3:] // tier, type, workspace only
	for _, tc := range []struct {
		name   string
		prefix indexPrefix
		drop   string // "" = served
	}{
		{"tier alone", indexPrefix{tier: true}, ""},
		{"tier and type", indexPrefix{tier: true, kind: true}, ""},
		{"team alone", indexPrefix{team: true}, ""},
		{"tier, team and owner", indexPrefix{tier: true, team: true, owner: true}, "team, owner"},
		{"team and owner", indexPrefix{team: true, owner: true}, "team, owner"},
		{"team, owner, from a driver", indexPrefix{team: true, owner: true, driven: true}, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := tooBroad([]listBranch{{from: "tickets", prefix: indexPrefix{}}, {from: "tickets", prefix: tc.prefix}})
			if tc.drop == "" {
				if err != nil {
					t.Fatalf("refused: %v", err)
				}
				return
			}
			var p *problem.Error
			if !errors.As(err, &p) || p.Kind.Status() != 400 || p.Code != CodeListTooBroad || p.Params["drop"] != tc.drop || p.Params["add"] == "" {
				t.Fatalf("got %#v, want a 400 %s dropping %q", err, CodeListTooBroad, tc.drop)
			}
		})
	}
}
