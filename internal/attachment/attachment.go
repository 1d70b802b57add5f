// Package attachment holds the rules for files attached to ticket messages:
// what a file is (its type sniffed from its bytes, never taken from the
// sender), how it may be served, the limits per message, and the blob
// store that keeps the bytes (local disk under the data directory,
// content-addressed by sha256 so the same file is kept once, or an
// S3-compatible bucket, named the same way).
package attachment

import (
	"mime"
	"net/http"
	"path"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// Attachment is one file attached to a message on a ticket.
type Attachment struct {
	ID           int64     `json:"id"`
	TicketID     int64     `json:"ticket_id"`
	EventID      int64     `json:"event_id"`
	Filename     string    `json:"filename"`
	DeclaredType string    `json:"declared_type"`
	ContentType  string    `json:"content_type"` // sniffed: what it is served as
	Size         int64     `json:"size"`
	SHA256       string    `json:"sha256"`
	Inline       bool      `json:"inline,omitempty"` // an email's inline image
	CreatedAt    time.Time `json:"created_at"`
}

// Limits per message. Zero values mean the defaults. The server's flags
// set a ceiling; a workspace's admin may set lower limits within it.
type Limits struct {
	MaxFileBytes  int64
	MaxFiles      int
	MaxTotalBytes int64 // all the files of one message together
}

// Default limits: 25 MiB per file, 10 files per message, and by default
// no total beyond what those two allow.
const (
	DefaultMaxFileBytes = 25 << 20
	DefaultMaxFiles     = 10
)

// OrDefault fills the zero limits with the defaults.
func (l Limits) OrDefault() Limits {
	if l.MaxFileBytes <= 0 {
		l.MaxFileBytes = DefaultMaxFileBytes
	}
	if l.MaxFiles <= 0 {
		l.MaxFiles = DefaultMaxFiles
	}
	if l.MaxTotalBytes <= 0 {
		l.MaxTotalBytes = l.MaxFileBytes * int64(l.MaxFiles)
	}
	return l
}

// Within returns l with every unset limit, or limit above the ceiling,
// replaced by the ceiling's (a workspace's settings under the server's).
func (l Limits) Within(ceiling Limits) Limits {
	ceiling = ceiling.OrDefault()
	if l.MaxFileBytes <= 0 || l.MaxFileBytes > ceiling.MaxFileBytes {
		l.MaxFileBytes = ceiling.MaxFileBytes
	}
	if l.MaxFiles <= 0 || l.MaxFiles > ceiling.MaxFiles {
		l.MaxFiles = ceiling.MaxFiles
	}
	if l.MaxTotalBytes <= 0 || l.MaxTotalBytes > ceiling.MaxTotalBytes {
		l.MaxTotalBytes = ceiling.MaxTotalBytes
	}
	return l
}

// Refusals says why a file is kept out of a message: "too_large" (over
// the size per file), "too_many" (over the count), "total" (over the
// total), or "" when it fits. sizes are the files' sizes in order; the
// answer is per file, in the same order, so an email keeps the files
// that fit and drops the others.
func (l Limits) Refusals(sizes []int64) []string {
	out := make([]string, len(sizes))
	var total int64
	kept := 0
	for i, n := range sizes {
		switch {
		case n > l.MaxFileBytes:
			out[i] = "too_large"
		case kept >= l.MaxFiles:
			out[i] = "too_many"
		case total+n > l.MaxTotalBytes:
			out[i] = "total"
		default:
			kept++
			total += n
		}
	}
	return out
}

// safeImages are the image types shown inline in a browser. SVG is not one
// of them: it can carry scripts.
var safeImages = map[string]bool{"image/png": true, "image/jpeg": true, "image/gif": true, "image/webp": true}

// Previewable reports whether a sniffed type may be shown inline (an
// image <img> preview, Content-Disposition: inline).
func Previewable(sniffed string) bool { return safeImages[sniffed] }

// extensionTypes are the types http.DetectContentType cannot tell from
// bytes alone but which a file's extension names safely: they are only
// ever served as downloads.
var extensionTypes = map[string]string{
	".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
	".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
	".pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
	".odt":  "application/vnd.oasis.opendocument.text",
	".ods":  "application/vnd.oasis.opendocument.spreadsheet",
	".doc":  "application/msword",
	".xls":  "application/vnd.ms-excel",
	".csv":  "text/csv",
	".json": "application/json",
	".log":  "text/plain",
}

// Sniff names a file's type from its first bytes (up to 512). The
// extension only refines a generic answer (a ZIP that is a .docx, text
// that is a .csv); it never turns bytes into an image or HTML.
func Sniff(head []byte, filename string) string {
	t := http.DetectContentType(head)
	mt, _, err := mime.ParseMediaType(t)
	if err != nil {
		return "application/octet-stream"
	}
	ext := strings.ToLower(path.Ext(filename))
	switch mt {
	case "application/zip", "application/octet-stream", "text/plain":
		if e, ok := extensionTypes[ext]; ok {
			if mt == "text/plain" && !strings.HasPrefix(e, "text/") && e != "application/json" {
				return mt
			}
			if mt != "text/plain" && (strings.HasPrefix(e, "text/") || e == "application/json") {
				return mt
			}
			return e
		}
	}
	return mt
}

// CleanFilename makes a sender's file name safe to store and to put in a
// Content-Disposition header: no directories, no control characters, valid
// UTF-8, at most 200 runes; "file" when nothing is left.
func CleanFilename(name string) string {
	name = strings.ToValidUTF8(name, "")
	if i := strings.LastIndexAny(name, `/\`); i >= 0 {
		name = name[i+1:]
	}
	name = strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f || r == '"' {
			return -1
		}
		return r
	}, name)
	name = strings.TrimSpace(name)
	if utf8.RuneCountInString(name) > 200 {
		name = string([]rune(name)[:200])
	}
	if name == "" || name == "." || name == ".." {
		return "file"
	}
	return name
}

// FormatSize writes a byte count for people: "25 MiB", "32 KiB", "812 B".
func FormatSize(n int64) string {
	switch {
	case n >= 1<<20 && n%(1<<20) == 0:
		return strconv.FormatInt(n>>20, 10) + " MiB"
	case n >= 1<<20:
		return strconv.FormatFloat(float64(n)/(1<<20), 'f', 1, 64) + " MiB"
	case n >= 1<<10:
		return strconv.FormatInt((n+512)>>10, 10) + " KiB"
	}
	return strconv.FormatInt(n, 10) + " B"
}
