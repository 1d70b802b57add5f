package attachment

import (
	"bytes"
	"context"
	"errors"
	"io"
	"io/fs"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/johannesboyne/gofakes3"
	"github.com/johannesboyne/gofakes3/backend/s3mem"
)

// s3Server starts an S3 protocol server in-process (gofakes3 over real
// HTTP, speaking to minio-go as a cloud bucket would) with one bucket.
func s3Server(t *testing.T, bucket string) (*httptest.Server, *s3mem.Backend) {
	t.Helper()
	backend := s3mem.New()
	if bucket != "" {
		if err := backend.CreateBucket(bucket); err != nil {
			t.Fatal(err)
		}
	}
	srv := httptest.NewServer(gofakes3.New(backend).Server())
	t.Cleanup(srv.Close)
	return srv, backend
}

func newTestS3(t *testing.T, prefix string) (*S3, *s3mem.Backend) {
	t.Helper()
	srv, backend := s3Server(t, "palier")
	u, _ := url.Parse(srv.URL)
	c, err := ParseS3URL("s3://palier/" + prefix + "?endpoint=" + u.Host + "&tls=false&path_style=true&region=us-east-1")
	if err != nil {
		t.Fatal(err)
	}
	c.AccessKey, c.SecretKey = "test-access", "test-secret"
	s, err := NewS3(context.Background(), c, t.TempDir(), nil)
	if err != nil {
		t.Fatal(err)
	}
	return s, backend
}

func objectCount(t *testing.T, b *s3mem.Backend) int {
	t.Helper()
	list, err := b.ListBucket("palier", nil, gofakes3.ListBucketPage{})
	if err != nil {
		t.Fatal(err)
	}
	return len(list.Contents)
}

func TestS3StoresDedupesServesAndSweeps(t *testing.T) {
	ctx := context.Background()
	s, backend := newTestS3(t, "attachments")
	data := []byte("%PDF-1.4 une facture\n")
	a, err := s.Put(ctx, bytes.NewReader(data), 1<<20)
	if err != nil {
		t.Fatal(err)
	}
	if a.Size != int64(len(data)) || !bytes.Equal(a.Head, data) || len(a.SHA256) != 64 {
		t.Fatalf("blob %+v", a)
	}
	again, err := s.Put(ctx, bytes.NewReader(data), 1<<20)
	if err != nil || again.SHA256 != a.SHA256 {
		t.Fatalf("same bytes again: %+v, %v", again, err)
	}
	if n := objectCount(t, backend); n != 1 {
		t.Fatalf("the same file twice made %d objects, want 1", n)
	}
	obj, err := backend.HeadObject("palier", "attachments/"+a.SHA256[:2]+"/"+a.SHA256)
	if err != nil {
		t.Fatalf("object not under its hash: %v", err)
	}
	_ = obj

	r, err := s.Open(ctx, a.SHA256)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := r.Seek(5, io.SeekStart); err != nil {
		t.Fatal(err)
	}
	rest, err := io.ReadAll(r)
	r.Close()
	if err != nil || string(rest) != string(data[5:]) {
		t.Fatalf("read after seek: %q, %v", rest, err)
	}

	if _, err := s.Open(ctx, strings.Repeat("0", 64)); !errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("missing blob: %v, want fs.ErrNotExist", err)
	}
	if _, err := s.Open(ctx, "../../etc/passwd"); !errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("a path for a hash: %v", err)
	}

	if _, err := s.Put(ctx, bytes.NewReader(make([]byte, 2048)), 1024); !errors.Is(err, ErrTooLarge) {
		t.Fatalf("over the limit: %v, want ErrTooLarge", err)
	}
	if n := objectCount(t, backend); n != 1 {
		t.Fatalf("a refused file left %d objects, want 1", n)
	}

	orphan, err := s.Put(ctx, strings.NewReader("nobody names me"), 1<<20)
	if err != nil {
		t.Fatal(err)
	}
	keep := func(sha string) (bool, error) { return sha == a.SHA256, nil }
	if n, err := s.Sweep(ctx, keep); err != nil || n != 0 {
		t.Fatalf("a sweep right after the upload removed %d (%v): a blob may be about to be named", n, err)
	}
	s.now = func() time.Time { return time.Now().Add(2 * time.Hour) }
	if n, err := s.Sweep(ctx, keep); err != nil || n != 1 {
		t.Fatalf("sweep removed %d, %v; want the orphan only", n, err)
	}
	if _, err := s.Open(ctx, orphan.SHA256); !errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("orphan still there: %v", err)
	}
	if _, err := s.Open(ctx, a.SHA256); err != nil {
		t.Fatalf("named blob swept: %v", err)
	}
}

func TestNewS3RefusesWhatCannotWork(t *testing.T) {
	srv, _ := s3Server(t, "")
	u, _ := url.Parse(srv.URL)
	c, err := ParseS3URL("s3://absent?endpoint=" + u.Host + "&tls=false&path_style=true")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := NewS3(context.Background(), c, t.TempDir(), nil); err == nil || !strings.Contains(err.Error(), "PALIER_S3_ACCESS_KEY") {
		t.Fatalf("no keys: %v", err)
	}
	c.AccessKey, c.SecretKey = "a", "b"
	if _, err := NewS3(context.Background(), c, t.TempDir(), nil); err == nil || !strings.Contains(err.Error(), "does not exist") {
		t.Fatalf("missing bucket: %v", err)
	}
}

func TestParseS3URL(t *testing.T) {
	good := []struct {
		in   string
		want S3Config
	}{
		{"s3://files", S3Config{Bucket: "files", Endpoint: "s3.amazonaws.com", TLS: true}},
		{"s3://files/palier/prod/?endpoint=minio.lan:9000&region=eu-west-3&tls=false&path_style=true",
			S3Config{Bucket: "files", Prefix: "palier/prod/", Endpoint: "minio.lan:9000", Region: "eu-west-3", PathStyle: true}},
	}
	for _, c := range good {
		got, err := ParseS3URL(c.in)
		if err != nil || got != c.want {
			t.Errorf("%s: %+v, %v; want %+v", c.in, got, err, c.want)
		}
	}
	for _, in := range []string{
		"", "https://bucket", "s3://", "s3://key:secret@bucket", "s3://b?tls=maybe", "s3://b?colour=blue",
		"s3://b?endpoint=http://host/", "s3://b?region=a&region=b",
	} {
		if _, err := ParseS3URL(in); err == nil {
			t.Errorf("%q accepted", in)
		}
	}
}
