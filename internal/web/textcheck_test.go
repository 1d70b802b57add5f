package web_test

import (
	"context"
	"net/http"
	"net/url"
	"testing"

	"github.com/palier/palier/internal/store"
	"github.com/palier/palier/internal/store/storetest"
)

// Control characters in any form field, query or path are refused before a
// handler runs, with a 400 page naming the field in the visitor's language,
// the same on both databases (PostgreSQL refused NUL with a 500 where
// SQLite stored it), and nothing is written.
func TestFormsRefuseControlCharacters(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *env, s *store.Store) {
		anon := e.anon(t, "fr")
		for _, email := range []string{"l1@acme.test\x00", "\x00", "a\x1bb@acme.test", "l1@acme\u202e.test"} {
			res, body := anon.post("/login", url.Values{"email": {email}, "password": {storetest.Password}}, false)
			expectStatus(t, res, body, http.StatusBadRequest)
			contains(t, body, "Le champ email contient un caractère interdit")
		}
		res, body := anon.post("/login", url.Values{"email": {"l1@acme.test"}, "password": {"pass\x00word"}}, false)
		expectStatus(t, res, body, http.StatusBadRequest)

		admin := e.login(t, e.f.Admin.Email)
		ws := e.f.WS
		refused := []struct {
			path string
			form url.Values
		}{
			{"/admin/workspace", url.Values{"name": {"Acme\x00"}, "support_model": {"tiered"}, "languages": {"fr", "en"}, "default_language": {"fr"},
				"timezone": {"Europe/Paris"}, "business_hours": {"24/7"}}},
			{"/admin/teams/new", url.Values{"name": {"Team \u202eevil"}, "description": {"ok"}}},
			{"/admin/teams/new", url.Values{"name": {"Team"}, "description": {"bell\x07"}}},
			{"/admin/agents/new", url.Values{"name": {"Ana\x00"}, "email": {"ana@acme.test"}, "role": {"agent"}, "password": {"long enough password"}}},
			{"/admin/types/new", url.Values{"key": {"k\x00"}, "name_fr": {"n"}, "name_en": {"n"}}},
			{"/tickets/new", url.Values{"customer_email": {"new@x.test"}, "customer_name": {"Nul\x00"}, "subject": {"s"}, "body": {"b"}}},
			{"/tickets/new", url.Values{"customer_email": {"new@x.test"}, "customer_name": {"Ok"}, "subject": {"two\nlines"}, "body": {"b"}}},
			{"/tickets/" + id(e.f.Ticket["L1"].ID) + "/messages", url.Values{"mode": {"note"}, "body": {"nul\x00"}}},
		}
		before := counts(t, s)
		for _, r := range refused {
			res, body := admin.post(r.path, r.form, false)
			expectStatus(t, res, body, http.StatusBadRequest)
			contains(t, body, "contient un caractère interdit")
		}
		for _, path := range []string{"/?q=%00", "/?q=a%1Bb", "/views/x%00"} {
			res, body := admin.get(path)
			expectStatus(t, res, body, http.StatusBadRequest)
		}
		if after := counts(t, s); after != before {
			t.Errorf("refused forms wrote: %v → %v", before, after)
		}
		if got, _ := s.FirstWorkspace(context.Background()); got.Name != ws.Name {
			t.Errorf("workspace renamed to %q", got.Name)
		}
		// Free text keeps its tabs and line breaks.
		res, body = admin.post("/tickets/"+id(e.f.Ticket["L1"].ID)+"/messages", url.Values{"mode": {"note"}, "body": {"one\n\ttwo\r\nthree"}}, false)
		if res.StatusCode >= 400 {
			t.Errorf("a multi-line note: %d %s", res.StatusCode, excerpt(body))
		}
	})
}

func counts(t *testing.T, s *store.Store) [4]int {
	var out [4]int
	for i, table := range []string{"tickets", "events", "customers", "teams"} {
		if err := s.DB().QueryRow(`SELECT count(*) FROM ` + table).Scan(&out[i]); err != nil {
			t.Fatal(err)
		}
	}
	return out
}
