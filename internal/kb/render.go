package kb

import (
	"bytes"
	"html"
	"strings"
	"sync"

	"github.com/microcosm-cc/bluemonday"
	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/extension"
)

var (
	markdown = goldmark.New(goldmark.WithExtensions(extension.GFM))
	// The UGC policy keeps formatting, links, images and tables, and drops
	// scripts, event handlers, styles and javascript: links. Links get
	// rel="nofollow noopener" because the help centre is public.
	policy = sync.OnceValue(func() *bluemonday.Policy {
		p := bluemonday.UGCPolicy()
		p.RequireNoFollowOnLinks(true)
		p.AddTargetBlankToFullyQualifiedLinks(true)
		return p
	})
	strip = sync.OnceValue(bluemonday.StrictPolicy)
)

// Render turns an article's Markdown into HTML that is safe to insert in a
// page: goldmark renders it (raw HTML in the Markdown is escaped), then
// bluemonday keeps only the allowed elements and attributes.
func Render(md string) string {
	var buf bytes.Buffer
	if err := markdown.Convert([]byte(md), &buf); err != nil {
		return html.EscapeString(md) // goldmark only fails on writer errors
	}
	return policy().Sanitize(buf.String())
}

// PlainText returns the text a reader sees in an article's Markdown,
// without markup: what search indexes and snippets quote.
func PlainText(md string) string {
	var buf bytes.Buffer
	if err := markdown.Convert([]byte(md), &buf); err != nil {
		return md
	}
	// Block ends become spaces so that words of two paragraphs never run
	// together once the tags are gone.
	s := strings.NewReplacer("</p>", " </p>", "</li>", " </li>", "</h1>", " </h1>", "</h2>", " </h2>", "</h3>", " </h3>",
		"</td>", " </td>", "</th>", " </th>", "<br>", " ", "<br />", " ").Replace(buf.String())
	s = html.UnescapeString(strip().Sanitize(s))
	return strings.Join(strings.Fields(s), " ")
}
