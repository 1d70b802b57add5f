package kb

import (
	"strings"

	"github.com/palier/palier/internal/textsearch"
)

// Indexed is what search stores for an article: its analysed terms, title
// and body apart so that a match in the title ranks higher, and the plain
// text snippets quote.
type Indexed struct {
	TitleTerms string // space-separated terms
	BodyTerms  string // body and tags
	Text       string // plain text of the body
}

// Index analyses an article for search with the same analysis queries get
// (textsearch), in the article's language.
func Index(a Article) Indexed {
	text := PlainText(a.Body)
	body := textsearch.Terms(a.Language, text)
	for _, t := range a.Tags {
		body = textsearch.AppendTerms(body, a.Language, t)
	}
	return Indexed{
		TitleTerms: strings.Join(textsearch.Terms(a.Language, a.Title), " "),
		BodyTerms:  strings.Join(body, " "),
		Text:       text,
	}
}

// Query is an analysed search, ready for the store.
type Query struct {
	Language string // "fr", "en", or "" for both
	Words    []textsearch.QueryWord
	Reader   Reader
	Limit    int
}

// Match is one word of a query as the store resolved it against the
// workspace's vocabulary: the terms it matches exactly (its own stem, and
// the known terms one typo away when its stem is unknown) and the prefixes
// it matches while being typed.
type Match struct {
	Terms    []string
	Prefixes []string
	// PrefixTerms holds, for each of Prefixes, the vocabulary's terms it
	// begins when there are at most MaxPrefixTerms of them (nil when more,
	// or not looked up). A database may then look up those exact terms
	// instead of the prefix: the same articles match, and an exact term
	// is one posting list where a prefix is a walk of every term it
	// begins.
	PrefixTerms [][]string
}

// MaxPrefixTerms is how many vocabulary terms a typed prefix may begin and
// still be looked up as those terms (see Match.PrefixTerms).
const MaxPrefixTerms = 32

// MinBodyPrefix is the length from which a word being typed matches the
// terms it begins anywhere in an article; a shorter one ("fa", "pré")
// matches them in titles only. Two or three letters begin a large part
// of a knowledge base's vocabulary: looking them up in every body costs
// more than the rest of a search, and says little about what the
// customer wants, which the next keystroke will tell. The word's own
// stem still matches anywhere.
const MinBodyPrefix = 4

// Hit is one search result.
type Hit struct {
	ID       int64
	Language string
	Title    string
	Snippet  string // HTML-escaped text with the matches in <mark>
	Score    float64
	Helpful  int64
	Views    int64
}
