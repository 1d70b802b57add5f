package web

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io/fs"
	"mime"
	"net/http"
	"path"
	"strings"
	"time"

	assets "github.com/palier/palier/web"
)

// assetSet serves the embedded static files under a content-hash path,
// /static/<hash>/app.css, so browsers may cache them forever: a new release
// changes the hash and therefore the URL.
type assetSet struct {
	files map[string]asset // by path under static/, e.g. "app.css"
}

type asset struct {
	body []byte
	hash string
	kind string
}

func loadAssets() (*assetSet, error) {
	set := &assetSet{files: map[string]asset{}}
	err := fs.WalkDir(assets.Static, "static", func(p string, e fs.DirEntry, err error) error {
		if err != nil || e.IsDir() {
			return err
		}
		b, err := fs.ReadFile(assets.Static, p)
		if err != nil {
			return fmt.Errorf("read %s: %w", p, err)
		}
		sum := sha256.Sum256(b)
		kind := mime.TypeByExtension(path.Ext(p))
		if kind == "" {
			kind = "text/plain; charset=utf-8"
		}
		set.files[strings.TrimPrefix(p, "static/")] = asset{body: b, hash: hex.EncodeToString(sum[:6]), kind: kind}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("load static files: %w", err)
	}
	return set, nil
}

// URL returns the cache-busting URL of a static file.
func (a *assetSet) URL(name string) (string, error) {
	f, ok := a.files[name]
	if !ok {
		return "", fmt.Errorf("unknown static file %q", name)
	}
	return "/static/" + f.hash + "/" + name, nil
}

func (a *assetSet) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	f, ok := a.files[r.PathValue("file")]
	if !ok {
		http.NotFound(w, r)
		return
	}
	h := w.Header()
	h.Set("Content-Type", f.kind)
	h.Set("X-Content-Type-Options", "nosniff")
	if r.PathValue("hash") == f.hash {
		h.Set("Cache-Control", "public, max-age=31536000, immutable")
	} else {
		// A page from an older or newer release asked for this file: serve
		// what we have, but do not let it stick under the wrong hash.
		h.Set("Cache-Control", "no-cache")
	}
	http.ServeContent(w, r, "", time.Time{}, bytes.NewReader(f.body))
}
