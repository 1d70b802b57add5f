package mail

import (
	"regexp"
	"strings"

	"github.com/microcosm-cc/bluemonday"
	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// policy is the allow-list customer HTML is reduced to: formatting, links
// and tables, no scripts, styles, event handlers, forms or frames. Links
// open outside the desk and tell the target nothing about it.
var policy = func() *bluemonday.Policy {
	p := bluemonday.UGCPolicy()
	p.RequireNoReferrerOnLinks(true)
	p.AddTargetBlankToFullyQualifiedLinks(true)
	p.AllowURLSchemes("http", "https", "mailto", "cid")
	return p
}()

// Sanitize returns customer HTML reduced to the safe allow-list.
func Sanitize(h string) string { return strings.TrimSpace(policy.Sanitize(h)) }

// HTMLToText renders HTML as readable plain text: paragraphs and line
// breaks kept, lists bulleted, links followed by their address, scripts,
// styles and the head dropped.
func HTMLToText(h string) string {
	doc, err := html.Parse(strings.NewReader(h))
	if err != nil {
		return ""
	}
	var b textBuilder
	b.node(doc)
	return b.String()
}

type textBuilder struct {
	strings.Builder
	newlines int  // trailing newlines written, to collapse blank lines
	last     byte // the last byte written
}

var spaces = regexp.MustCompile(`\s+`)

// text writes a text node with HTML's whitespace rules: runs of spaces and
// newlines are one space, and none starts a line.
func (b *textBuilder) text(s string) {
	s = spaces.ReplaceAllString(s, " ")
	if b.Len() == 0 || b.newlines > 0 || b.last == ' ' {
		s = strings.TrimLeft(s, " ")
	}
	if s == "" {
		return
	}
	b.WriteString(s)
	b.last = s[len(s)-1]
	b.newlines = 0
}

func (b *textBuilder) breakLine(n int) {
	if b.Len() == 0 {
		return
	}
	for b.newlines < n {
		b.WriteByte('\n')
		b.last = '\n'
		b.newlines++
	}
}

func (b *textBuilder) node(n *html.Node) {
	switch n.Type {
	case html.TextNode:
		b.text(n.Data)
		return
	case html.ElementNode:
		switch n.DataAtom {
		case atom.Script, atom.Style, atom.Head, atom.Title, atom.Noscript, atom.Template, atom.Iframe, atom.Object:
			return
		case atom.Br:
			b.WriteByte('\n')
			b.last = '\n'
			b.newlines++
			return
		case atom.Img:
			if alt := attr(n, "alt"); alt != "" {
				b.text("[" + alt + "]")
			}
			return
		}
	}
	block := n.Type == html.ElementNode && isBlock(n.DataAtom)
	if block {
		b.breakLine(paragraphGap(n.DataAtom))
	}
	if n.DataAtom == atom.Li {
		b.WriteString("- ")
		b.last = ' '
		b.newlines = 0
	}
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		b.node(c)
	}
	if n.DataAtom == atom.A {
		if href := attr(n, "href"); strings.HasPrefix(href, "http") && !strings.Contains(textOf(n), href) {
			b.text(" (" + href + ")")
		}
	}
	if block {
		b.breakLine(paragraphGap(n.DataAtom))
	}
}

// String is the text with the spaces that ended lines removed.
func (b *textBuilder) String() string {
	lines := strings.Split(b.Builder.String(), "\n")
	for i, l := range lines {
		lines[i] = strings.TrimRight(l, " ")
	}
	return strings.TrimSpace(strings.Join(lines, "\n"))
}

func isBlock(a atom.Atom) bool {
	switch a {
	case atom.P, atom.Div, atom.Li, atom.Ul, atom.Ol, atom.Tr, atom.Table, atom.Blockquote, atom.H1, atom.H2, atom.H3,
		atom.H4, atom.H5, atom.H6, atom.Pre, atom.Hr, atom.Section, atom.Article, atom.Header, atom.Footer, atom.Body:
		return true
	}
	return false
}

func paragraphGap(a atom.Atom) int {
	switch a {
	case atom.P, atom.H1, atom.H2, atom.H3, atom.H4, atom.H5, atom.H6, atom.Blockquote, atom.Table, atom.Ul, atom.Ol:
		return 2
	}
	return 1
}

func attr(n *html.Node, key string) string {
	for _, a := range n.Attr {
		if a.Key == key {
			return a.Val
		}
	}
	return ""
}

func textOf(n *html.Node) string {
	var s strings.Builder
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.TextNode {
			s.WriteString(n.Data)
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(n)
	return s.String()
}
