package api

import (
	"strings"
	"testing"
)

type noteOutT struct {
	ID         int64  `json:"id"`
	CustomerID int64  `json:"customer_id"`
	AuthorID   int64  `json:"author_id"`
	AuthorName string `json:"author_name"`
	Body       string `json:"body"`
}

// Every role on the notes routes: support writes and reads them, strictly
// (unknown fields, empty or oversized text refused), another workspace
// finds nothing; a refusal writes nothing. Answers are checked against the
// OpenAPI document by e.do.
func TestCustomerNotesRoutes(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *env) {
		alice := idPath("/customers", e.f.Customer["alice"].ID) + "/notes"
		org := idPath("/organisations", e.f.Org.ID) + "/notes"
		for _, who := range []string{"admin", "lead", "agentL1", "agentL2", "agentL3"} {
			var n noteOutT
			e.must(e.send(who, "POST", alice, map[string]any{"body": "Note de " + who}), 201, &n)
			if n.Body != "Note de "+who || n.CustomerID != e.f.Customer["alice"].ID || n.AuthorID == 0 || n.AuthorName == "" {
				t.Errorf("%s: note %+v", who, n)
			}
			e.must(e.send(who, "POST", org, map[string]any{"body": "Org " + who}), 201, nil)
		}
		var page struct {
			Data       []noteOutT `json:"data"`
			NextCursor *string    `json:"next_cursor"`
		}
		e.must(e.get("agentL1", alice+"?limit=2"), 200, &page)
		if len(page.Data) != 2 || page.Data[0].Body != "Note de agentL3" || page.NextCursor == nil {
			t.Fatalf("first page = %+v", page)
		}
		e.must(e.get("agentL1", alice+"?limit=10&cursor="+*page.NextCursor), 200, &page)
		if len(page.Data) != 3 || page.Data[2].Body != "Note de admin" || page.NextCursor != nil {
			t.Errorf("second page = %+v", page)
		}
		e.must(e.get("lead", org), 200, &page)
		if len(page.Data) != 5 {
			t.Errorf("organisation notes = %+v", page)
		}

		e.checkRoleCases(t, []roleCase{
			{"another workspace reads", "other", "GET", alice, nil, 404, "customer_not_found"},
			{"another workspace writes", "other", "POST", alice, map[string]any{"body": "x"}, 404, "customer_not_found"},
			{"another workspace, organisation", "other", "POST", org, map[string]any{"body": "x"}, 404, "organisation_not_found"},
			{"an empty note", "agentL1", "POST", alice, map[string]any{"body": " "}, 422, "validation_failed"},
			{"a note too long", "agentL1", "POST", alice, map[string]any{"body": strings.Repeat("a", 5001)}, 422, "validation_failed"},
			{"an unknown field", "agentL1", "POST", alice, map[string]any{"body": "x", "author_id": 1}, 400, ""},
			{"an unknown customer", "agentL1", "POST", idPath("/customers", 1<<40) + "/notes", map[string]any{"body": "x"}, 404, "customer_not_found"},
			{"no token", "", "GET", alice, nil, 401, ""},
		})
	})
}
