package api

import (
	"bytes"
	"context"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/johannesboyne/gofakes3"
	"github.com/johannesboyne/gofakes3/backend/s3mem"

	"github.com/palier/palier/internal/attachment"
	"github.com/palier/palier/internal/problem"
	"github.com/palier/palier/internal/store/storetest"
)

// withS3 enables attachments in a bucket of an S3 protocol server run
// in-process, and returns a count of its objects.
func (e *env) withS3(limits attachment.Limits) func() int {
	backend := s3mem.New()
	if err := backend.CreateBucket("palier"); err != nil {
		e.t.Fatal(err)
	}
	srv := httptest.NewServer(gofakes3.New(backend).Server())
	e.t.Cleanup(srv.Close)
	u, _ := url.Parse(srv.URL)
	c, err := attachment.ParseS3URL("s3://palier/files?path_style=true&tls=false&endpoint=" + u.Host)
	if err != nil {
		e.t.Fatal(err)
	}
	c.AccessKey, c.SecretKey = "k", "s"
	blobs, err := attachment.NewS3(context.Background(), c, e.t.TempDir(), nil)
	if err != nil {
		e.t.Fatal(err)
	}
	e.d.EnableAttachments(blobs, limits)
	return func() int {
		list, err := backend.ListBucket("palier", nil, gofakes3.ListBucketPage{})
		if err != nil {
			e.t.Fatal(err)
		}
		return len(list.Contents)
	}
}

// TestWorkspaceAttachmentLimitsOverTheAPI: a workspace's own limits (under
// the server's) are enforced on multipart replies, with a French or
// English structured error, and a refused upload writes nothing, neither
// rows nor objects in the bucket; another workspace keeps the server's.
func TestWorkspaceAttachmentLimitsOverTheAPI(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *env) {
		objects := e.withS3(attachment.Limits{MaxFileBytes: 64 << 10, MaxFiles: 5})
		ctx := context.Background()
		admin := storetest.Actor(t, e.s, e.f.Admin)

		if err := e.d.SetAttachmentLimits(ctx, storetest.Actor(t, e.s, e.f.Lead), attachment.Limits{MaxFiles: 1}); !problem.Is(err, problem.Forbidden) {
			t.Fatalf("a lead set the limits: %v", err)
		}
		err := e.d.SetAttachmentLimits(ctx, admin, attachment.Limits{MaxFileBytes: 1 << 20, MaxFiles: 6})
		if pe, ok := problem.As(err); !ok || pe.Kind != problem.Invalid || len(pe.Fields) != 2 {
			t.Fatalf("limits above the server's: %v", err)
		}
		if err := e.d.SetAttachmentLimits(ctx, admin, attachment.Limits{MaxFileBytes: 8 << 10, MaxFiles: 2, MaxTotalBytes: 12 << 10}); err != nil {
			t.Fatal(err)
		}

		tk := e.f.Ticket["L2"]
		path := Prefix + "/tickets/" + strconv.FormatInt(tk.ID, 10) + "/replies"
		msg := map[string]string{"body": "Voici les fichiers"}
		file := func(name string, kib int) part {
			return part{name, "application/octet-stream", bytes.Repeat([]byte(name[:1]), kib<<10)}
		}
		before := e.rowCounts()
		for _, c := range []struct {
			name   string
			files  []part
			status int
			code   string
			fr     string
		}{
			{"a file over the size per file", []part{file("video.bin", 10)}, 413, "attachment_too_large", "Le fichier video.bin est trop volumineux (limite 8 KiB par fichier)"},
			{"too many files", []part{file("a.bin", 1), file("b.bin", 1), file("c.bin", 1)}, 422, "invalid", ""},
			{"files over the total", []part{file("a.bin", 7), file("b.bin", 7)}, 413, "attachments_too_large", "Les fichiers dépassent ensemble 12 KiB, la limite par message"},
		} {
			a := e.postFiles("agentL2", path, msg, inFrench, c.files...)
			if a.status != c.status || (c.code != "invalid" && a.errorCode() != c.code) || !strings.Contains(a.errorBody().Message, c.fr) {
				t.Fatalf("%s: %s", c.name, a)
			}
			if c.code == "invalid" && a.errorBody().Fields["files"].Code != "too_many" {
				t.Fatalf("%s: %s", c.name, a)
			}
			if !sameCounts(before, e.rowCounts()) || objects() != 0 {
				t.Fatalf("%s: a refused upload wrote something (%d objects)", c.name, objects())
			}
		}
		a := e.postFiles("agentL2", path, msg, inEnglish, file("a.bin", 7), file("b.bin", 7))
		if !strings.Contains(a.errorBody().Message, "The files together are larger than 12 KiB") {
			t.Fatalf("in English: %s", a)
		}

		var out struct {
			Attachments []attachmentJSON `json:"attachments"`
		}
		e.must(e.postFiles("agentL2", path, msg, nil, file("a.bin", 6), file("b.bin", 6)), 201, &out)
		if len(out.Attachments) != 2 || objects() != 2 {
			t.Fatalf("accepted files: %+v, %d objects", out.Attachments, objects())
		}
		got := e.get("agentL2", out.Attachments[1].URL)
		if got.status != 200 || !bytes.Equal(got.body, bytes.Repeat([]byte("b"), 6<<10)) {
			t.Fatalf("download from the bucket: %d, %d bytes", got.status, len(got.body))
		}

		// Another workspace keeps the server's limits.
		other := Prefix + "/tickets/" + strconv.FormatInt(e.f.Other.Ticket.ID, 10) + "/replies"
		e.must(e.postFiles("other", other, msg, nil, file("big.bin", 40)), 201, nil)
	})
}
