package web_test

import (
	"bytes"
	"fmt"
	"mime/multipart"
	"net/http"
	"net/textproto"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/palier/palier/internal/attachment"
	"github.com/palier/palier/internal/escalation"
	"github.com/palier/palier/internal/store"
	"github.com/palier/palier/internal/store/storetest"
)

var webPNG = []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00\x00\x00\x00IEND\xaeB`\x82")

func (c *client) postFiles(path string, fields map[string]string, files map[string][]byte) (*http.Response, string) {
	c.t.Helper()
	var b bytes.Buffer
	w := multipart.NewWriter(&b)
	for k, v := range fields {
		w.WriteField(k, v)
	}
	for name, data := range files {
		h := textproto.MIMEHeader{}
		h.Set("Content-Disposition", `form-data; name="files"; filename="`+name+`"`)
		h.Set("Content-Type", "image/png") // what a browser may claim; never trusted
		pw, _ := w.CreatePart(h)
		pw.Write(data)
	}
	w.Close()
	req, _ := http.NewRequest(http.MethodPost, c.e.srv.URL+path, &b)
	req.Header.Set("Content-Type", w.FormDataContentType())
	return c.do(req)
}

// attachments turns attachments on, stored in a directory of the test.
func (e *env) attachments(t *testing.T, limits attachment.Limits) {
	t.Helper()
	disk, err := attachment.NewDisk(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	e.d.EnableAttachments(disk, limits)
}

func TestComposerAttachments(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *env, s *store.Store) {
		e.attachments(t, attachment.Limits{MaxFileBytes: 32 << 10, MaxFiles: 2})
		tk := e.f.Ticket["L2"]
		agent := e.login(t, e.f.AgentL2.Email)
		page := "/tickets/" + id(tk.ID)

		res, body := agent.get(page)
		expectStatus(t, res, body, 200)
		contains(t, body, `enctype="multipart/form-data"`, `type="file" name="files" multiple`)

		res, body = agent.postFiles(page+"/messages", map[string]string{"mode": "note", "body": "Capture et page"},
			map[string][]byte{"capture.png": webPNG, "page.png": []byte("<html><script>alert(1)</script></html>")})
		expectStatus(t, res, body, http.StatusSeeOther)
		res, body = agent.get(page)
		expectStatus(t, res, body, 200)
		contains(t, body, "capture.png", "page.png", `class="file-preview"`)
		links := regexp.MustCompile(`<img src="/attachments/(\d+)"`).FindAllStringSubmatch(body, -1)
		if len(links) != 1 {
			t.Fatalf("previews: %v (only the real image is previewed)", links)
		}
		all := regexp.MustCompile(`href="/attachments/(\d+)" download="([^"]+)"`).FindAllStringSubmatch(body, -1)
		if len(all) != 2 {
			t.Fatalf("links: %v", all)
		}
		for _, m := range all {
			res, got := agent.get("/attachments/" + m[1])
			expectStatus(t, res, got, 200)
			disp, ct := res.Header.Get("Content-Disposition"), res.Header.Get("Content-Type")
			switch m[2] {
			case "capture.png":
				if ct != "image/png" || !strings.HasPrefix(disp, "inline") {
					t.Errorf("image served as %s, %s", ct, disp)
				}
			case "page.png":
				if ct != "text/html" || !strings.HasPrefix(disp, "attachment") || res.Header.Get("X-Content-Type-Options") != "nosniff" {
					t.Errorf("spoofed file served as %s, %s", ct, disp)
				}
			}
			// An agent who may not see the ticket gets a missing page.
			outsider := e.login(t, e.f.AgentL3.Email)
			if res, got := outsider.get("/attachments/" + m[1]); res.StatusCode != 404 {
				t.Errorf("outsider: %d %s", res.StatusCode, excerpt(got))
			}
		}

		// Over the limit: refused in the composer, what was typed kept.
		res, body = agent.postFiles(page+"/messages", map[string]string{"mode": "note", "body": "Trop gros"},
			map[string][]byte{"gros.log": bytes.Repeat([]byte("x"), 33<<10)})
		expectStatus(t, res, body, 422)
		contains(t, body, "The file gros.log is too large (limit 32 KiB per file); nothing was sent.", "Trop gros")
	})
}

// The escalate form shows a checklist attachment item as escalating judges
// it (desk.Checklist): still to do without a file, done once the ticket
// has one — and the escalation then goes through.
func TestEscalateFormShowsAnAttachmentItemMet(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *env, s *store.Store) {
		e.attachments(t, attachment.Limits{MaxFileBytes: 32 << 10, MaxFiles: 2})
		admin := storetest.Actor(t, s, e.f.Admin)
		if _, err := e.d.SaveProcedure(t.Context(), admin, escalation.Procedure{Name: "Captures", Steps: []escalation.Step{{
			FromTier: "L1", ToTier: "L2", Required: []escalation.Item{{Key: "screenshot", Kind: escalation.KindAttachment, LabelFR: "Capture d'écran", LabelEN: "Screenshot"}},
		}}}); err != nil {
			t.Fatal(err)
		}
		tk := e.f.Ticket["L1"]
		agent := e.login(t, e.f.AgentL1.Email)
		page := "/tickets/" + id(tk.ID)
		res, body := agent.get(page)
		expectStatus(t, res, body, 200)
		contains(t, body, "Capture d&#39;écran", "Joignez d&#39;abord le fichier au ticket.")
		if strings.Contains(body, "Un fichier est joint au ticket.") {
			t.Error("the attachment item shows as met before any file")
		}
		res, body = agent.postFiles(page+"/messages", map[string]string{"mode": "note", "body": "Capture"}, map[string][]byte{"capture.png": webPNG})
		expectStatus(t, res, body, http.StatusSeeOther)
		res, body = agent.get(page)
		expectStatus(t, res, body, 200)
		contains(t, body, "Un fichier est joint au ticket.")
		if strings.Contains(body, "Joignez d&#39;abord le fichier au ticket.") {
			t.Error("the attachment item shows as missing with a file on the ticket")
		}
	})
}

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

// A file dropped on the composer goes with the note, and an image shows
// as a preview on the timeline.
func TestDropAFileOnTheComposer(t *testing.T) {
	ctx, e, _ := browserEnv(t)
	e.attachments(t, attachment.Limits{})
	tk := e.f.Ticket["L1owned"]
	signInAt(t, ctx, e, "/tickets/"+strconv.FormatInt(tk.ID, 10), "l1@acme.test", "#composer")
	run(t, ctx, "drop an image and send a note",
		chromedp.SendKeys(chromedp.CSS("#composer-body"), "Capture de l'erreur"),
		chromedp.Click(chromedp.CSS(`#composer input[name=mode][value=note]`)),
		chromedp.Evaluate[chromedp.Void](`(() => {
			const png = Uint8Array.from(atob("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR4nGP4DwAAAQEABRjYTgAAAABJRU5ErkJggg=="), c => c.charCodeAt(0));
			const dt = new DataTransfer();
			dt.items.add(new File([png], "capture.png", {type: "image/png"}));
			document.querySelector("#composer-body").dispatchEvent(new DragEvent("drop", {dataTransfer: dt, bubbles: true, cancelable: true}));
		})()`),
		chromedp.Poll[chromedp.Void](`document.querySelector('#composer input[name=files]').files.length === 1`),
		chromedp.Click(chromedp.CSS("#composer button.send-note")),
		chromedp.Poll[chromedp.Void](`[...document.querySelectorAll('#timeline .event-files img.file-preview')].some(i => i.alt === 'capture.png' && i.complete && i.naturalWidth === 1)`),
	)
}
