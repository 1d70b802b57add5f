package assistant

import (
	"strings"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/extension"
	"github.com/yuin/goldmark/text"
)

// parser reads Markdown the way kb.Render does (CommonMark with GitHub's
// extensions), so a passage is a block the reader sees on the article page.
var parser = goldmark.New(goldmark.WithExtensions(extension.GFM)).Parser()

// block is one passage of an article before it is scored: a paragraph, or
// one list item, with the heading it sits under.
type block struct {
	markdown string // the block's Markdown source
	text     string // the words a reader sees in it
	heading  string // plain text of the nearest heading above it, if any
}

// Split cuts an article's Markdown into the blocks a reader sees as one
// unit: top-level paragraphs (and those in block quotes) and list items,
// each item apart (a nested list's items are passages of their own).
// Headings are not passages: they give context to the blocks below them.
// Code blocks and tables are left out: they illustrate a passage rather
// than answer a question in words.
func Split(md string) []string {
	var out []string
	for _, b := range split(md) {
		out = append(out, b.markdown)
	}
	return out
}

func split(md string) []block {
	src := []byte(md)
	doc := parser.Parse(text.NewReader(src))
	var out []block
	heading := ""
	items := map[ast.Node]int{} // list item → its index in out
	_ = ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if !entering {
			return ast.WalkContinue, nil
		}
		switch n := n.(type) {
		case *ast.Heading:
			heading = plainText(src, n)
			return ast.WalkSkipChildren, nil
		case *ast.ListItem:
			items[n] = len(out)
			out = append(out, block{heading: heading})
		case *ast.Paragraph, *ast.TextBlock:
			md := source(src, n)
			if strings.TrimSpace(md) == "" {
				return ast.WalkSkipChildren, nil
			}
			text := plainText(src, n)
			if i, ok := items[n.Parent()]; ok {
				if out[i].markdown != "" {
					out[i].markdown += "\n\n"
					out[i].text += " "
				}
				out[i].markdown += md
				out[i].text += text
			} else {
				out = append(out, block{markdown: md, text: text, heading: heading})
			}
			return ast.WalkSkipChildren, nil
		case *ast.FencedCodeBlock, *ast.CodeBlock, *ast.HTMLBlock:
			return ast.WalkSkipChildren, nil
		}
		if n.Kind().String() == "Table" {
			return ast.WalkSkipChildren, nil
		}
		return ast.WalkContinue, nil
	})
	// An item holding only a nested list has no words of its own.
	kept := out[:0]
	for _, b := range out {
		if strings.TrimSpace(b.markdown) != "" {
			kept = append(kept, b)
		}
	}
	return kept
}

// plainText is the text a reader sees in a block: its inline text without
// markup (what kb.PlainText gives for a whole article), read from the
// parsed tree rather than rendered and stripped again.
func plainText(src []byte, n ast.Node) string {
	var b strings.Builder
	_ = ast.Walk(n, func(c ast.Node, entering bool) (ast.WalkStatus, error) {
		if !entering {
			return ast.WalkContinue, nil
		}
		switch c := c.(type) {
		case *ast.Text:
			b.Write(c.Segment.Value(src))
			if c.SoftLineBreak() || c.HardLineBreak() {
				b.WriteByte(' ')
			}
		case *ast.String:
			b.Write(c.Value)
		case *ast.RawHTML, *ast.AutoLink:
			// Raw HTML is escaped on the page, not read; an autolink's
			// address is not words.
			return ast.WalkSkipChildren, nil
		}
		return ast.WalkContinue, nil
	})
	return strings.TrimSpace(b.String())
}

// source is the Markdown source of a block's lines.
func source(src []byte, n ast.Node) string {
	lines := n.Lines()
	if lines.Len() == 0 {
		return ""
	}
	var b strings.Builder
	for i := range lines.Len() {
		seg := lines.At(i)
		b.Write(seg.Value(src))
	}
	return strings.TrimSpace(b.String())
}
