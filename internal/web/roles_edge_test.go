package web_test

import (
	"context"
	"net/http"
	"testing"

	"github.com/palier/palier/internal/store"
	"github.com/palier/palier/internal/store/storetest"
	"github.com/palier/palier/internal/workspace"
)

// Leads read the audit log in the UI as they do over the API; agents and
// collaborators do not. A collaborator's pickers and names show only the
// people of the tickets they are invited to.
func TestAuditPageAndCollaboratorPickers(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *env, s *store.Store) {
		ctx := context.Background()
		admin := storetest.Actor(t, s, e.f.Admin)
		ext, err := e.d.CreateMember(ctx, admin, workspace.Member{Name: "Extern Expert", Email: "ext@vendor.test", Role: workspace.Collaborator, Active: true}, storetest.Password)
		if err != nil {
			t.Fatal(err)
		}
		for who, want := range map[string]int{e.f.Admin.Email: 200, e.f.Lead.Email: 200, e.f.AgentL1.Email: 403, ext.Email: 403} {
			res, body := e.login(t, who).get("/admin/audit")
			if res.StatusCode != want {
				t.Errorf("%s GET /admin/audit: %d, want %d\n%s", who, res.StatusCode, want, excerpt(body))
			}
		}
		// The lead's admin navigation offers the audit log, not the
		// admin-only sections.
		_, body := e.login(t, e.f.Lead.Email).get("/admin/audit")
		contains(t, body, `href="/admin/audit"`)
		lacks(t, body, `href="/admin/agents"`, `href="/admin/workspace"`)

		collab := e.login(t, ext.Email)
		_, body = collab.get("/")
		lacks(t, body, e.f.Lead.Name, e.f.AgentL3.Name)
		if err := e.d.Invite(ctx, storetest.Actor(t, s, e.f.AgentL3), e.f.Ticket["L3"].ID, ext.ID); err != nil {
			t.Fatal(err)
		}
		res, body := collab.get("/tickets/" + id(e.f.Ticket["L3"].ID))
		expectStatus(t, res, body, http.StatusOK)
		contains(t, body, e.f.AgentL3.Name)
		lacks(t, body, e.f.Lead.Name, e.f.AgentL2.Name)
	})
}
