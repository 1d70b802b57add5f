// Package web holds the agent UI's templates and static assets, embedded in
// the binary so that Palier needs no files next to it and no Node at build
// or run time. The handlers live in internal/web.
package web

import "embed"

// Templates are the html/template sources: files named _*.html are partials
// shared by every page, the others are one page each.
//
//go:embed templates/*.html
var Templates embed.FS

// Static holds the CSS, the small vanilla JS file and the vendored htmx,
// served under a content-hash path with long cache lifetimes.
//
//go:embed static
var Static embed.FS
