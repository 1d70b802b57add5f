package web_test

import (
	"bytes"
	"fmt"
	"net/http"
	"net/url"
	"testing"

	"github.com/palier/palier/internal/attachment"
	"github.com/palier/palier/internal/store"
	"github.com/palier/palier/internal/store/storetest"
)

// TestWorkspaceAttachmentLimitsPage: an admin sets the workspace's limits on
// the workspace page, within the server's (above is refused, in French,
// keeping what was typed); the composer and the help centre's reply then
// refuse files over them and write nothing.
func TestWorkspaceAttachmentLimitsPage(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		e, logs := portalEnv(t, s)
		e.attachments(t, attachment.Limits{MaxFileBytes: 8 << 20, MaxFiles: 5})
		admin := e.login(t, "admin@acme.test")
		admin.lang = "fr"
		lead := e.login(t, "lead@acme.test")
		res, body := lead.post("/admin/attachments", url.Values{"max_files": {"1"}}, false)
		expectStatus(t, res, body, http.StatusForbidden)

		res, body = admin.get("/admin/workspace")
		expectStatus(t, res, body, http.StatusOK)
		contains(t, body, `action="/admin/attachments"`, `name="max_file_size"`, "Serveur : 8 MiB", "Serveur : 5")

		res, body = admin.post("/admin/attachments", url.Values{"max_file_size": {"9"}, "max_files": {"2"}, "max_total_size": {""}}, false)
		expectStatus(t, res, body, http.StatusUnprocessableEntity)
		contains(t, body, "Au plus 8 MiB sur ce serveur.", `value="9"`)
		res, body = admin.post("/admin/attachments", url.Values{"max_file_size": {"1"}, "max_files": {"deux"}, "max_total_size": {""}}, false)
		expectStatus(t, res, body, http.StatusUnprocessableEntity)
		contains(t, body, "Ceci doit être un nombre.", `value="deux"`)
		if n := count(t, s, `SELECT count(*) FROM attachment_limits`); n != 0 {
			t.Fatalf("a refused form saved %d rows", n)
		}

		res, body = admin.post("/admin/attachments", url.Values{"max_file_size": {"1"}, "max_files": {"2"}, "max_total_size": {"1"}}, false)
		expectStatus(t, res, body, http.StatusSeeOther)
		res, body = admin.get("/admin/workspace")
		expectStatus(t, res, body, http.StatusOK)
		contains(t, body, `name="max_file_size" type="number" value="1"`, `name="max_files" type="number" value="2"`)

		// The composer states and enforces them.
		tk := e.f.Ticket["L2"]
		agent := e.login(t, e.f.AgentL2.Email)
		agent.lang = "fr"
		page := "/tickets/" + id(tk.ID)
		_, body = agent.get(page)
		contains(t, body, "Up to 2 files, 1 MiB each.") // Dana works in English
		before := count(t, s, `SELECT count(*) FROM events`)
		res, body = agent.postFiles(page+"/messages", map[string]string{"mode": "note", "body": "Deux journaux"},
			map[string][]byte{"a.log": bytes.Repeat([]byte("a"), 600<<10), "b.log": bytes.Repeat([]byte("b"), 600<<10)})
		expectStatus(t, res, body, http.StatusUnprocessableEntity)
		contains(t, body, "The files together are larger than 1 MiB, the limit per message; nothing was sent.", "Deux journaux")
		res, body = agent.postFiles(page+"/messages", map[string]string{"mode": "note", "body": "Gros"},
			map[string][]byte{"gros.log": bytes.Repeat([]byte("g"), 2<<20)})
		expectStatus(t, res, body, http.StatusUnprocessableEntity)
		if count(t, s, `SELECT count(*) FROM events`) != before || count(t, s, `SELECT count(*) FROM attachments`) != 0 {
			t.Fatal("a refused upload wrote something")
		}

		// The help centre's reply too.
		bob := e.f.Customer["bob"]
		c := e.customerIn(t, logs, bob.Email)
		req := fmt.Sprintf("/help/requests/%d", e.f.Ticket["solved"].Number)
		res, body = c.postFiles(req+"/reply", map[string]string{"body": "Les captures"},
			map[string][]byte{"a.png": bytes.Repeat([]byte("a"), 600<<10), "b.png": bytes.Repeat([]byte("b"), 600<<10)})
		if res.StatusCode != http.StatusRequestEntityTooLarge && res.StatusCode != http.StatusUnprocessableEntity {
			t.Fatalf("portal reply over the total: %d %s", res.StatusCode, excerpt(body))
		}
		contains(t, body, "1 MiB")
		if count(t, s, `SELECT count(*) FROM events`) != before || count(t, s, `SELECT count(*) FROM attachments`) != 0 {
			t.Fatal("a refused portal reply wrote something")
		}
		res, body = c.postFiles(req+"/reply", map[string]string{"body": "Une capture"}, map[string][]byte{"a.png": webPNG})
		expectStatus(t, res, body, http.StatusSeeOther)
	})
}
