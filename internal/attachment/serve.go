package attachment

import (
	"io"
	"mime"
	"net/http"
)

// Serve writes a stored file as the answer to a download: served as its
// sniffed type with nosniff, inline only for the safe image types (never
// SVG), as a download for everything else, and sandboxed so that even a
// file a browser chose to render could run nothing.
func Serve(w http.ResponseWriter, r *http.Request, a Attachment, body io.ReadSeeker) {
	h := w.Header()
	disposition := "attachment"
	if Previewable(a.ContentType) {
		disposition = "inline"
	}
	h.Set("Content-Type", a.ContentType)
	cd := mime.FormatMediaType(disposition, map[string]string{"filename": a.Filename})
	if cd == "" {
		cd = disposition
	}
	h.Set("Content-Disposition", cd)
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Content-Security-Policy", "default-src 'none'; sandbox")
	h.Set("Cache-Control", "private, max-age=0, must-revalidate")
	// The hash names the bytes: an ETag that never lies.
	h.Set("ETag", `"`+a.SHA256+`"`)
	http.ServeContent(w, r, "", a.CreatedAt, body)
}
