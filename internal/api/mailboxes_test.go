package api

import (
	"context"
	"crypto/rand"
	"strings"
	"testing"

	"github.com/palier/palier/internal/secret"
	"github.com/palier/palier/internal/store/storetest"
	"github.com/palier/palier/internal/workspace"
)

func (e *env) mailboxRow(col string) string {
	e.t.Helper()
	var v string
	if err := e.s.DB().QueryRow(`SELECT ` + col + ` FROM mailboxes`).Scan(&v); err != nil {
		e.t.Fatal(err)
	}
	return v
}

func (e *env) mailboxCount() int {
	e.t.Helper()
	var n int
	if err := e.s.DB().QueryRow(`SELECT count(*) FROM mailboxes`).Scan(&n); err != nil {
		e.t.Fatal(err)
	}
	return n
}

// Admins set up mailboxes over the API as on the admin page: every bad
// field at once and nothing written, the password sealed and never
// returned, a change keeping what it leaves out.
func TestMailboxesAPI(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *env) {
		path := Prefix + "/mailboxes"
		good := map[string]any{"address": "facturation@acme.example", "host": "imap.acme.example", "username": "facturation",
			"password": "Tr0ub4dor&3", "after": "move", "move_to": "Traité"}

		// Without a server key nothing can be set up.
		if a := e.send("admin", "POST", path, good); a.status != 409 || a.errorCode() != "mailboxes_disabled" || e.mailboxCount() != 0 {
			t.Fatalf("without a key: %s", a)
		}
		box, err := secret.New([]byte(rand.Text() + rand.Text())[:32])
		if err != nil {
			t.Fatal(err)
		}
		e.d.EnableMailboxes(box)

		before := e.rowCounts()
		a := e.send("admin", "POST", path, map[string]any{"address": "pas une adresse", "port": 0, "tls": "ssl", "after": "move", "move_to": "INBOX"})
		fields := a.errorBody().Fields
		if a.status != 422 {
			t.Fatalf("bad mailbox: %s", a)
		}
		for _, f := range []string{"address", "host", "tls", "username", "password", "move_to"} {
			if _, ok := fields[f]; !ok {
				t.Errorf("no error on %s: %s", f, a)
			}
		}
		if a := e.send("admin", "POST", path, map[string]any{"host": "x", "passwd": "oops"}); a.status != 400 {
			t.Errorf("unknown field: %s", a)
		}
		if e.mailboxCount() != 0 || e.rowCounts()["audit_log"] != before["audit_log"] {
			t.Fatal("a refused mailbox wrote something")
		}

		var m mailboxJSON
		a = e.send("admin", "POST", path, good)
		e.must(a, 201, &m)
		if m.ID == 0 || m.Port != 993 || m.TLS != "tls" || m.Folder != "INBOX" || !m.Enabled || a.header.Get("Location") != idPath("/mailboxes", m.ID) {
			t.Fatalf("created %+v, location %q", m, a.header.Get("Location"))
		}
		if strings.Contains(string(a.body), "Tr0ub4dor") || strings.Contains(string(a.body), "password") {
			t.Fatalf("the answer shows the password: %s", a)
		}
		sealed := e.mailboxRow("password_enc")
		if strings.Contains(sealed, "Tr0ub4dor") {
			t.Fatal("the password is stored in clear")
		}
		if got, err := box.Open(sealed, "palier imap password"); err != nil || got != "Tr0ub4dor&3" {
			t.Fatalf("sealed password opens to %q, %v", got, err)
		}
		if a := e.get("admin", path); a.status != 200 || strings.Contains(string(a.body), "password") || !strings.Contains(string(a.body), "facturation@acme.example") {
			t.Fatalf("list: %s", a)
		}

		one := idPath("/mailboxes", m.ID)
		// A change keeps what it leaves out, the password too.
		e.must(e.send("admin", "PATCH", one, map[string]any{"enabled": false}), 200, &m)
		if m.Enabled || m.Host != "imap.acme.example" || m.MoveTo != "Traité" || e.mailboxRow("password_enc") != sealed {
			t.Fatalf("after pausing: %+v", m)
		}
		if a := e.send("admin", "PATCH", one, map[string]any{"port": 70000, "move_to": "INBOX"}); a.status != 422 || len(a.errorBody().Fields) != 2 {
			t.Fatalf("bad change: %s", a)
		}
		if e.mailboxRow("move_to") != "Traité" {
			t.Fatal("a refused change was written")
		}
		e.must(e.send("admin", "PATCH", one, map[string]any{"password": "n0uveau"}), 200, nil)
		if got, _ := box.Open(e.mailboxRow("password_enc"), "palier imap password"); got != "n0uveau" {
			t.Fatalf("password now %q", got)
		}

		// Another workspace's admin does not see it.
		otherAdmin, err := e.s.CreateMember(context.Background(), e.f.Other.WS.ID, 0, workspace.Member{Email: "admin@other.test", Name: "Olga Admin",
			Role: workspace.Admin, Language: "en", Active: true}, "")
		if err != nil {
			t.Fatal(err)
		}
		if e.tokens["otherAdmin"], err = e.d.CreateToken(context.Background(), storetest.Actor(t, e.s, otherAdmin), otherAdmin.ID, "test"); err != nil {
			t.Fatal(err)
		}
		for _, method := range []string{"GET", "PATCH", "DELETE"} {
			if a := e.send("otherAdmin", method, one, map[string]any{}); a.status != 404 {
				t.Errorf("other workspace %s: %s", method, a)
			}
		}
		e.must(e.send("admin", "DELETE", one, nil), 200, &m)
		if e.mailboxCount() != 0 {
			t.Fatal("not deleted")
		}
		var audits int
		_ = e.s.DB().QueryRow(`SELECT count(*) FROM audit_log WHERE action LIKE 'mailbox.%'`).Scan(&audits)
		if audits != 4 {
			t.Errorf("%d audit entries, want create, 2 updates, delete", audits)
		}
	})
}

// Only admins: leads and agents get 403 on every route and write nothing;
// no token is 401.
func TestMailboxesAPIRoles(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *env) {
		box, err := secret.New([]byte(rand.Text() + rand.Text())[:32])
		if err != nil {
			t.Fatal(err)
		}
		e.d.EnableMailboxes(box)
		var m mailboxJSON
		e.must(e.send("admin", "POST", Prefix+"/mailboxes", map[string]any{"address": "a@acme.example", "host": "imap.acme.example",
			"username": "a", "password": "p", "after": "flag"}), 201, &m)
		one := idPath("/mailboxes", m.ID)
		routes := []struct {
			method, path string
			body         any
		}{
			{"GET", Prefix + "/mailboxes", nil},
			{"POST", Prefix + "/mailboxes", map[string]any{"address": "b@acme.example", "host": "h", "username": "u", "password": "p", "after": "flag"}},
			{"GET", one, nil},
			{"PATCH", one, map[string]any{"enabled": false}},
			{"DELETE", one, nil},
		}
		before := e.rowCounts()
		for _, who := range []string{"lead", "agentL1", "agentL2", "agentL3", ""} {
			for _, r := range routes {
				a := e.do(req{who: who, method: r.method, path: r.path, body: r.body})
				want := 403
				if who == "" {
					want = 401
				}
				if a.status != want {
					t.Errorf("%q %s %s: %s, want %d", who, r.method, r.path, a, want)
				}
			}
		}
		if e.mailboxCount() != 1 || e.mailboxRow("enabled") == "false" || e.rowCounts()["audit_log"] != before["audit_log"] {
			t.Fatal("a refused request changed something")
		}
	})
}
