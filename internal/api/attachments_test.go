package api

import (
	"bytes"
	"encoding/json"
	"io/fs"
	"mime/multipart"
	"net/http"
	"net/textproto"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/palier/palier/internal/attachment"
	"github.com/palier/palier/internal/escalation"
	"github.com/palier/palier/internal/store"
	"github.com/palier/palier/internal/store/storetest"
	"github.com/palier/palier/internal/ticket"
)

// A tiny valid PNG (1×1), and HTML that claims to be one.
var (
	pngBytes  = []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00\x00\x00\x00IEND\xaeB`\x82")
	htmlBytes = []byte("<!DOCTYPE html><html><body><script>alert(document.cookie)</script></body></html>")
)

type part struct {
	name, declared string
	data           []byte
}

// multipartMessage builds a multipart body: the JSON message and files.
func multipartMessage(t *testing.T, message any, files ...part) (string, []byte) {
	t.Helper()
	var b bytes.Buffer
	w := multipart.NewWriter(&b)
	raw, _ := json.Marshal(message)
	if err := w.WriteField("message", string(raw)); err != nil {
		t.Fatal(err)
	}
	for _, f := range files {
		h := textproto.MIMEHeader{}
		h.Set("Content-Disposition", `form-data; name="files"; filename="`+f.name+`"`)
		h.Set("Content-Type", f.declared)
		pw, err := w.CreatePart(h)
		if err != nil {
			t.Fatal(err)
		}
		pw.Write(f.data)
	}
	w.Close()
	return w.FormDataContentType(), b.Bytes()
}

func (e *env) postFiles(who, path string, message any, header map[string]string, files ...part) answer {
	e.t.Helper()
	ct, body := multipartMessage(e.t, message, files...)
	h := map[string]string{"Content-Type": ct}
	for k, v := range header {
		h[k] = v
	}
	return e.do(req{who: who, method: "POST", path: path, body: body, header: h})
}

// withAttachments enables attachments on a disk store in a temporary
// directory, with small limits.
func (e *env) withAttachments(limits attachment.Limits) string {
	dir := e.t.TempDir()
	disk, err := attachment.NewDisk(dir)
	if err != nil {
		e.t.Fatal(err)
	}
	e.d.EnableAttachments(disk, limits)
	return dir
}

// blobCount counts the files kept in the blob store (not temporary ones).
func blobCount(t *testing.T, dir string) int {
	n := 0
	filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() && filepath.Base(filepath.Dir(p)) != "tmp" {
			n++
		}
		return err
	})
	return n
}

func count(t *testing.T, s *store.Store, table string) int {
	t.Helper()
	var n int
	if err := s.DB().QueryRow(`SELECT count(*) FROM ` + table).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func TestAttachmentsOverTheAPI(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *env) {
		dir := e.withAttachments(attachment.Limits{MaxFileBytes: 64 << 10, MaxFiles: 3})
		tk := e.f.Ticket["L2"]
		path := Prefix + "/tickets/" + strconv.FormatInt(tk.ID, 10)

		var out struct {
			Event       servedEvent      `json:"event"`
			Attachments []attachmentJSON `json:"attachments"`
		}
		e.must(e.postFiles("agentL2", path+"/notes", map[string]string{"body": "Screenshot and the page"}, nil,
			part{"screen.png", "image/png", pngBytes}, part{"invoice.png", "image/png", htmlBytes}), 201, &out)
		if len(out.Attachments) != 2 {
			t.Fatalf("attachments = %+v", out.Attachments)
		}
		img, spoof := out.Attachments[0], out.Attachments[1]
		if img.ContentType != "image/png" || spoof.ContentType != "text/html" || spoof.DeclaredType != "image/png" {
			t.Fatalf("sniffed types: %+v / %+v", img.Attachment, spoof.Attachment)
		}

		t.Run("spoofed type is a download of its sniffed type", func(t *testing.T) {
			a := e.get("agentL2", spoof.URL)
			if a.status != 200 || a.header.Get("Content-Type") != "text/html" ||
				!strings.HasPrefix(a.header.Get("Content-Disposition"), "attachment") ||
				a.header.Get("X-Content-Type-Options") != "nosniff" || !bytes.Equal(a.body, htmlBytes) {
				t.Fatalf("answer %d %v", a.status, a.header)
			}
			a = e.get("agentL2", img.URL)
			if a.status != 200 || a.header.Get("Content-Type") != "image/png" ||
				!strings.HasPrefix(a.header.Get("Content-Disposition"), "inline") || !bytes.Equal(a.body, pngBytes) {
				t.Fatalf("image answer %d %v", a.status, a.header)
			}
		})

		t.Run("every role downloads exactly what it may see", func(t *testing.T) {
			members := e.f.Members()
			members["other"] = e.f.Other.Agent
			for name, m := range members {
				want := http.StatusNotFound
				if name != "other" && ticket.CanView(storetest.Actor(t, e.s, m), tk) {
					want = http.StatusOK
				}
				if a := e.get(name, img.URL); a.status != want {
					t.Errorf("%s: download = %d, want %d", name, a.status, want)
				}
				if a := e.get(name, path+"/attachments"); want == 200 && a.status != 200 || want == 404 && a.status != 404 {
					t.Errorf("%s: list = %d, want %d", name, a.status, want)
				}
			}
			if a := e.get("", img.URL); a.status != 401 {
				t.Errorf("anonymous: %d", a.status)
			}
		})

		t.Run("another workspace's attachment is not found", func(t *testing.T) {
			otherPath := Prefix + "/tickets/" + strconv.FormatInt(e.f.Other.Ticket.ID, 10)
			var o struct {
				Attachments []attachmentJSON `json:"attachments"`
			}
			e.must(e.postFiles("other", otherPath+"/notes", map[string]string{"body": "theirs"}, nil, part{"x.png", "image/png", pngBytes}), 201, &o)
			for name := range e.f.Members() {
				if a := e.get(name, o.Attachments[0].URL); a.status != 404 || a.errorCode() != "attachment_not_found" {
					t.Errorf("%s reads another workspace's file: %s", name, a)
				}
			}
		})

		t.Run("the same file twice is one blob", func(t *testing.T) {
			before := blobCount(t, dir)
			e.must(e.postFiles("agentL2", path+"/replies", map[string]string{"body": "again"}, nil, part{"copy.png", "image/png", pngBytes}), 201, nil)
			if after := blobCount(t, dir); after != before {
				t.Fatalf("blobs %d → %d", before, after)
			}
		})

		t.Run("limits refuse and write nothing", func(t *testing.T) {
			events, rows, blobs := count(t, e.s, "events"), count(t, e.s, "attachments"), blobCount(t, dir)
			big := bytes.Repeat([]byte("a"), 64<<10+1)
			a := e.postFiles("agentL2", path+"/notes", map[string]string{"body": "too big"}, inFrench,
				part{"ok.png", "image/png", append([]byte{}, pngBytes[:len(pngBytes)-1]...)}, part{"big.log", "text/plain", big})
			if a.status != 413 || a.errorCode() != "attachment_too_large" || !strings.Contains(a.errorBody().Message, "big.log") ||
				!strings.Contains(a.errorBody().Message, "trop volumineux") {
				t.Fatalf("too large: %s", a)
			}
			a = e.postFiles("agentL2", path+"/notes", map[string]string{"body": "too many"}, inEnglish,
				part{"1.txt", "text/plain", []byte("1")}, part{"2.txt", "text/plain", []byte("2")},
				part{"3.txt", "text/plain", []byte("3")}, part{"4.txt", "text/plain", []byte("4")})
			if a.status != 422 || a.errorBody().Fields["files"].Code != "too_many" {
				t.Fatalf("too many: %s", a)
			}
			a = e.postFiles("agentL3", path+"/notes", map[string]string{"body": "not mine"}, nil, part{"n.txt", "text/plain", []byte("new bytes")})
			if a.status != 404 {
				t.Fatalf("agent outside the ticket: %s", a)
			}
			if n := count(t, e.s, "events"); n != events {
				t.Errorf("events %d → %d", events, n)
			}
			if n := count(t, e.s, "attachments"); n != rows {
				t.Errorf("attachments %d → %d", rows, n)
			}
			if n := blobCount(t, dir); n != blobs {
				t.Errorf("blobs %d → %d", blobs, n)
			}
		})

		t.Run("a multipart body is as strict as JSON", func(t *testing.T) {
			a := e.postFiles("agentL2", path+"/notes", map[string]any{"body": "x", "extra": 1}, nil)
			if a.status != 400 || a.errorCode() != "unknown_json_field" {
				t.Fatalf("unknown field: %s", a)
			}
		})
	})
}

// A checklist item of kind attachment is met once the ticket has a file.
func TestChecklistAttachmentItemIsMetByAFile(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *env) {
		e.withAttachments(attachment.Limits{})
		e.must(e.send("admin", "POST", Prefix+"/escalation-procedures", map[string]any{
			"request_type_id": e.f.Type["bug"].ID, "name": "Anomalies",
			"steps": []map[string]any{{"from_tier": "L1", "to_tier": "L2", "required": []map[string]any{
				{"key": "screenshot", "kind": "attachment", "label_fr": "Capture d'écran", "label_en": "Screenshot"},
			}}},
		}), 201, nil)
		tk := e.newBug()
		path := ticketPath(tk.ID)
		// The guide shows the item as escalating would judge it.
		provided := func() bool {
			var g escalationGuide
			e.must(e.get("agentL1", path+"/escalation"), 200, &g)
			if g.Step == nil || len(g.Step.Required) != 1 || g.Step.Required[0].Kind != escalation.KindAttachment {
				t.Fatalf("guide = %+v", g)
			}
			return g.Step.Required[0].Provided
		}
		if provided() {
			t.Error("the guide shows the attachment item provided before any file")
		}
		escalate := map[string]any{"reason": "Reproduit, besoin du niveau 2"}
		a := e.send("agentL1", "POST", path+"/escalate", escalate)
		if a.status != 422 || !strings.Contains(string(a.body), "screenshot") {
			t.Fatalf("escalated without the file: %s", a)
		}
		e.must(e.postFiles("agentL1", path+"/notes", map[string]string{"body": "Capture jointe"}, nil, part{"capture.png", "image/png", pngBytes}), 201, nil)
		if !provided() {
			t.Error("the guide shows the attachment item missing with a file on the ticket, which escalating accepts")
		}
		e.must(e.send("agentL1", "POST", path+"/escalate", escalate), 200, nil)
	})
}
