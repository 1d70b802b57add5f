package storetest_test

import (
	"os"
	"testing"

	"github.com/palier/palier/internal/auth"
	"github.com/palier/palier/internal/pgtest"
	"github.com/palier/palier/internal/store"
	"github.com/palier/palier/internal/store/storetest"
	"github.com/palier/palier/internal/ticket"
)

func TestMain(m *testing.M) { os.Exit(pgtest.Main(m)) }

// The Fixture's documentation is a contract for other packages' tests:
// check the facts it states.
func TestSeedMatchesItsDocumentation(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		f := storetest.Seed(t, s)
		if len(f.Tier) != 5 || len(f.Team) != 3 || len(f.Type) != 3 || len(f.Customer) != 3 {
			t.Fatalf("fixture sizes: %d tiers, %d teams, %d types, %d customers", len(f.Tier), len(f.Team), len(f.Type), len(f.Customer))
		}
		wantNumbers := map[string]int64{"L1": 1000, "L1owned": 1001, "L2": 1002, "L3": 1003, "sensitive": 1004, "swarm": 1005, "solved": 1006}
		for key, n := range wantNumbers {
			if got := f.Ticket[key].Number; got != n {
				t.Errorf("ticket %q number = %d, want %d", key, got, n)
			}
		}
		if got := f.Ticket["swarm"].Collaborators; len(got) != 1 || got[0] != f.AgentL1.ID {
			t.Errorf("swarm collaborators = %v, want [AgentL1 %d]", got, f.AgentL1.ID)
		}
		if tk := f.Ticket["solved"]; tk.Status != ticket.Solved || tk.SolvedAt == nil {
			t.Errorf("solved ticket: status %s, solved_at %v", tk.Status, tk.SolvedAt)
		}
		if !f.Ticket["sensitive"].Sensitive {
			t.Error("the sensitive ticket is not sensitive")
		}
		l2 := storetest.Actor(t, s, f.AgentL2)
		if !l2.InTier(f.Tier["L2"].ID) || l2.InTier(f.Tier["L1"].ID) {
			t.Errorf("AgentL2 tiers = %v, want L2 only (through team)", l2.TierIDs)
		}
		if got := f.Team["L1"].MemberIDs; len(got) != 2 {
			t.Errorf("team L1 members = %v, want lead and AgentL1", got)
		}
		if f.Other.WS.ID == f.WS.ID || f.Other.Ticket.ID == 0 {
			t.Errorf("other tenant not created: %+v", f.Other)
		}
		_, _, hash, err := s.Credentials(t.Context(), f.Lead.Email)
		if err != nil {
			t.Fatal(err)
		}
		if ok, err := auth.CheckPassword(hash, storetest.Password); err != nil || !ok {
			t.Error("the lead's password is not storetest.Password")
		}
	})
}
