package attachment

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// Blobs keeps attachment bytes by their sha256. Put must make the blob
// durable before it returns: the caller then writes the row that names
// it, so a row never points at a missing blob.
type Blobs interface {
	// Put stores at most max bytes from r; more is ErrTooLarge and
	// nothing is kept.
	Put(ctx context.Context, r io.Reader, max int64) (Blob, error)
	// Open reads a stored blob; a missing one is fs.ErrNotExist.
	Open(ctx context.Context, sha string) (io.ReadSeekCloser, error)
}

// Blob is what Put stored.
type Blob struct {
	SHA256 string
	Size   int64
	Head   []byte // the first bytes (up to 512), for sniffing
}

// ErrTooLarge is a file over the size limit.
var ErrTooLarge = errors.New("attachment: file too large")

// Disk is the local-disk blob store: one file per blob under Dir, named
// by its hash (ab/abcdef…), so the same bytes are kept once.
type Disk struct{ Dir string }

// NewDisk returns the disk store in dir, creating it.
func NewDisk(dir string) (*Disk, error) {
	if err := os.MkdirAll(filepath.Join(dir, "tmp"), 0o750); err != nil {
		return nil, fmt.Errorf("attachments directory: %w", err)
	}
	return &Disk{Dir: dir}, nil
}

func (d *Disk) path(sha string) string { return filepath.Join(d.Dir, sha[:2], sha) }

// Put writes r to a temporary file while hashing it, syncs it and renames
// it to its hash's name; when that blob already exists the copy is
// dropped (deduplication).
func (d *Disk) Put(ctx context.Context, r io.Reader, max int64) (Blob, error) {
	tmp, b, err := spool(ctx, filepath.Join(d.Dir, "tmp"), r, max)
	if err != nil {
		return Blob{}, err
	}
	done := false
	defer func() {
		if !done {
			discard(tmp)
		}
	}()
	if err := tmp.Sync(); err != nil {
		return Blob{}, fmt.Errorf("attachment sync: %w", err)
	}
	if err := tmp.Close(); err != nil {
		return Blob{}, fmt.Errorf("attachment close: %w", err)
	}
	final := d.path(b.SHA256)
	if _, err := os.Stat(final); err == nil {
		os.Remove(tmp.Name())
		done = true
		return b, nil
	}
	if err := os.MkdirAll(filepath.Dir(final), 0o750); err != nil {
		return Blob{}, fmt.Errorf("attachment directory: %w", err)
	}
	if err := os.Rename(tmp.Name(), final); err != nil {
		return Blob{}, fmt.Errorf("attachment rename: %w", err)
	}
	done = true
	if dir, err := os.Open(filepath.Dir(final)); err == nil {
		dir.Sync() // make the rename durable before a row names the blob
		dir.Close()
	}
	return b, nil
}

// Open opens a blob for reading.
func (d *Disk) Open(_ context.Context, sha string) (io.ReadSeekCloser, error) {
	if len(sha) != 64 || strings.Trim(sha, "0123456789abcdef") != "" {
		return nil, fs.ErrNotExist
	}
	return os.Open(d.path(sha))
}

// Sweep removes the blobs no row names (keep reports whether one does)
// and temporary files older than an hour, and returns how many it removed.
// Orphans come from messages whose transaction rolled back after the
// blob was written; they are harmless until swept.
func (d *Disk) Sweep(ctx context.Context, keep func(sha string) (bool, error)) (int, error) {
	removed := 0
	cutoff := time.Now().Add(-time.Hour)
	err := filepath.WalkDir(d.Dir, func(p string, e fs.DirEntry, err error) error {
		if err != nil || e.IsDir() {
			return err
		}
		if ctx.Err() != nil {
			return ctx.Err()
		}
		info, err := e.Info()
		if err != nil || info.ModTime().After(cutoff) {
			return nil // a blob written just now may be about to be named
		}
		if filepath.Base(filepath.Dir(p)) != "tmp" {
			ok, err := keep(e.Name())
			if err != nil || ok {
				return err
			}
		}
		if os.Remove(p) == nil {
			removed++
		}
		return nil
	})
	return removed, err
}

// spool copies r, up to max bytes, into a new temporary file in dir while
// hashing it and keeping its first bytes: both stores name a blob by its
// hash, known only once all of it has been read. More than max is
// ErrTooLarge. On an error the file is already gone; otherwise the caller
// owns it (it is open, at its end).
func spool(ctx context.Context, dir string, r io.Reader, max int64) (*os.File, Blob, error) {
	tmp, err := os.CreateTemp(dir, "upload-*")
	if err != nil {
		return nil, Blob{}, fmt.Errorf("attachment temp file: %w", err)
	}
	h := sha256.New()
	head := &headWriter{}
	n, err := io.Copy(io.MultiWriter(tmp, h, head), io.LimitReader(&ctxReader{ctx, r}, max+1))
	switch {
	case err != nil:
		err = fmt.Errorf("attachment write: %w", err)
	case n > max:
		err = ErrTooLarge
	}
	if err != nil {
		discard(tmp)
		return nil, Blob{}, err
	}
	return tmp, Blob{SHA256: hex.EncodeToString(h.Sum(nil)), Size: n, Head: head.b}, nil
}

// discard closes and removes a temporary file.
func discard(f *os.File) {
	f.Close()
	os.Remove(f.Name())
}

type headWriter struct{ b []byte }

func (w *headWriter) Write(p []byte) (int, error) {
	if n := 512 - len(w.b); n > 0 {
		w.b = append(w.b, p[:min(n, len(p))]...)
	}
	return len(p), nil
}

type ctxReader struct {
	ctx context.Context
	r   io.Reader
}

func (c *ctxReader) Read(p []byte) (int, error) {
	if err := c.ctx.Err(); err != nil {
		return 0, err
	}
	return c.r.Read(p)
}
