package attachment

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestSniffNeverTrustsTheName(t *testing.T) {
	cases := []struct {
		name, file string
		head       []byte
		want       string
	}{
		{"png", "a.png", []byte("\x89PNG\r\n\x1a\n0000"), "image/png"},
		{"html named png", "a.png", []byte("<!DOCTYPE html><script>x</script>"), "text/html"},
		{"svg named png", "a.png", []byte(`<svg xmlns="http://www.w3.org/2000/svg"><script/></svg>`), "text/plain"},
		{"text named jpg", "a.jpg", []byte("hello"), "text/plain"},
		{"zip that is a docx", "report.docx", []byte("PK\x03\x04rest"), "application/vnd.openxmlformats-officedocument.wordprocessingml.document"},
		{"text that claims docx", "report.docx", []byte("hello"), "text/plain"},
		{"csv", "list.csv", []byte("a,b\n1,2\n"), "text/csv"},
		{"zip named csv", "list.csv", []byte("PK\x03\x04rest"), "application/zip"},
	}
	for _, c := range cases {
		if got := Sniff(c.head, c.file); got != c.want {
			t.Errorf("%s: Sniff = %q, want %q", c.name, got, c.want)
		}
		if Previewable(Sniff(c.head, c.file)) != (c.want == "image/png") {
			t.Errorf("%s: previewable wrong", c.name)
		}
	}
	if Previewable("image/svg+xml") {
		t.Error("SVG must never be shown inline")
	}
}

func TestCleanFilename(t *testing.T) {
	for in, want := range map[string]string{
		"../../etc/passwd": "passwd", `C:\x\facture.pdf`: "facture.pdf", "a\x00b\r\n.txt": "ab.txt",
		`quo"te.txt`: "quote.txt", "": "file", "..": "file", "résumé.pdf": "résumé.pdf",
	} {
		if got := CleanFilename(in); got != want {
			t.Errorf("CleanFilename(%q) = %q, want %q", in, got, want)
		}
	}
}

func files(t *testing.T, dir string) []string {
	var out []string
	filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			out = append(out, p)
		}
		return err
	})
	return out
}

func TestDiskDedupsAndRefusesTooLarge(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	d, err := NewDisk(dir)
	if err != nil {
		t.Fatal(err)
	}
	a, err := d.Put(ctx, bytes.NewReader([]byte("same bytes")), 100)
	if err != nil {
		t.Fatal(err)
	}
	b, err := d.Put(ctx, bytes.NewReader([]byte("same bytes")), 100)
	if err != nil || a.SHA256 != b.SHA256 || a.Size != 10 {
		t.Fatalf("second put: %+v %+v %v", a, b, err)
	}
	if n := len(files(t, dir)); n != 1 {
		t.Fatalf("%d files for one content", n)
	}
	if _, err := d.Put(ctx, bytes.NewReader(bytes.Repeat([]byte("x"), 101)), 100); !errors.Is(err, ErrTooLarge) {
		t.Fatalf("too large: %v", err)
	}
	if n := len(files(t, dir)); n != 1 {
		t.Fatalf("a refused file left %d files", n)
	}
	r, err := d.Open(ctx, a.SHA256)
	if err != nil {
		t.Fatal(err)
	}
	r.Close()
	if _, err := d.Open(ctx, "../../etc/passwd"); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("open outside the store: %v", err)
	}
	// The sweep keeps named blobs and young ones, removes old orphans.
	old := filepath.Join(dir, a.SHA256[:2], a.SHA256)
	past := time.Now().Add(-2 * time.Hour)
	os.Chtimes(old, past, past)
	if n, err := d.Sweep(ctx, func(string) (bool, error) { return true, nil }); err != nil || n != 0 {
		t.Fatalf("sweep of a named blob: %d %v", n, err)
	}
	if n, err := d.Sweep(ctx, func(string) (bool, error) { return false, nil }); err != nil || n != 1 {
		t.Fatalf("sweep of an orphan: %d %v", n, err)
	}
}

func TestLimitsRefusalsKeepWhatFitsInOrder(t *testing.T) {
	l := Limits{MaxFileBytes: 10, MaxFiles: 3, MaxTotalBytes: 20}
	for _, c := range []struct {
		sizes []int64
		want  string
	}{
		{nil, ""},
		{[]int64{10, 10}, ","},
		{[]int64{11, 5}, "too_large,"},
		{[]int64{8, 8, 8}, ",,total"},
		{[]int64{8, 8, 8, 1}, ",,total,"},
		{[]int64{1, 1, 1, 1}, ",,,too_many"},
		{[]int64{30, 1, 1, 1, 1}, "too_large,,,,too_many"},
	} {
		if got := strings.Join(l.Refusals(c.sizes), ","); got != c.want {
			t.Errorf("%v: %q, want %q", c.sizes, got, c.want)
		}
	}
}

func TestLimitsWithinTheServers(t *testing.T) {
	server := Limits{MaxFileBytes: 100, MaxFiles: 4}
	for _, c := range []struct{ set, want Limits }{
		{Limits{}, Limits{100, 4, 400}},
		{Limits{MaxFileBytes: 50, MaxFiles: 2, MaxTotalBytes: 60}, Limits{50, 2, 60}},
		{Limits{MaxFileBytes: 500, MaxFiles: 9, MaxTotalBytes: 900}, Limits{100, 4, 400}},
	} {
		if got := c.set.Within(server); got != c.want {
			t.Errorf("%+v within %+v: %+v, want %+v", c.set, server, got, c.want)
		}
	}
}
