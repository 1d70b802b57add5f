// Package kb holds the knowledge base's rules: what an article is, what
// makes one valid, who may see it, how its Markdown becomes safe HTML and
// plain text, how it is analysed for search, and how search results are
// highlighted. It is pure: storage lives in store, access checks are
// applied by desk.
package kb

import (
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/palier/palier/internal/i18n"
	"github.com/palier/palier/internal/problem"
)

// Status is where an article is in its life.
type Status string

// The statuses. Only published articles are searched by customers.
const (
	Draft     Status = "draft"
	Published Status = "published"
	Archived  Status = "archived"
)

// Visibility says who may read an article.
type Visibility string

// The visibilities.
const (
	Public   Visibility = "public"   // customers, the help centre, everyone
	Internal Visibility = "internal" // support members only
)

// Languages an article may be written in.
var Languages = []string{"fr", "en"}

// Limits on what an article holds.
const (
	MaxTitle = 200     // runes
	MaxBody  = 100_000 // bytes of Markdown
	MaxTags  = 20
	MaxTag   = 40 // runes
)

// Article is one knowledge-base article in one language. The French and
// English variants of one article share a Group (the id of the first).
type Article struct {
	ID          int64
	Group       int64
	Language    string
	Title       string
	Body        string // Markdown
	CategoryID  int64  // 0: uncategorised
	Tags        []string
	Visibility  Visibility
	Status      Status
	Helpful     int64 // "Was this helpful?" yes
	NotHelpful  int64
	Views       int64
	Revision    int   // 1 for a new article, +1 per saved change
	AuthorID    int64 // who last changed it
	CreatedAt   time.Time
	UpdatedAt   time.Time
	PublishedAt *time.Time
}

// Revision is one saved state of an article: who saved it and when, with
// its title and body, so any two can be compared (Diff).
type Revision struct {
	Number   int
	AuthorID int64
	At       time.Time
	Title    string
	Body     string
}

// Category is a node of the category tree.
type Category struct {
	ID       int64
	ParentID int64 // 0: top level
	Slug     string
	NameFR   string
	NameEN   string
	Position int
}

// Name returns the category's name in a language, else in the other one
// (the English name is optional).
func (c Category) Name(lang string) string { return i18n.Either(lang, c.NameEN, c.NameFR) }

// Validate checks an article, reporting every bad field at once. It also
// tidies what it may: the title is trimmed and tags are folded, trimmed
// and deduplicated.
func (a *Article) Validate() error {
	f := problem.Fields{}
	a.Title = strings.TrimSpace(a.Title)
	switch n := utf8.RuneCountInString(a.Title); {
	case n == 0:
		f.Required("title")
	case n > MaxTitle:
		f.Add("title", "too_long", "is too long", "max", itoa(MaxTitle))
	}
	if strings.TrimSpace(a.Body) == "" {
		f.Required("body")
	} else if len(a.Body) > MaxBody {
		f.Add("body", "too_long", "is too long", "max", itoa(MaxBody))
	}
	if !slices.Contains(Languages, a.Language) {
		f.Add("language", "unknown_value", "must be fr or en", "allowed", "fr, en")
	}
	switch a.Visibility {
	case Public, Internal:
	default:
		f.Add("visibility", "unknown_value", "must be public or internal", "allowed", "public, internal")
	}
	switch a.Status {
	case Draft, Published, Archived:
	default:
		f.Add("status", "unknown_value", "must be draft, published or archived", "allowed", "draft, published, archived")
	}
	if len(a.Tags) > MaxTags {
		f.Add("tags", "too_many", "has too many tags", "max", itoa(MaxTags))
	}
	var tags []string
	for _, t := range a.Tags {
		t = strings.Join(strings.Fields(strings.ToLower(t)), " ")
		switch {
		case t == "":
			f.Add("tags", "required", "has an empty tag")
		case utf8.RuneCountInString(t) > MaxTag:
			f.Add("tags", "too_long", "has a tag that is too long", "max", itoa(MaxTag))
		case !slices.Contains(tags, t):
			tags = append(tags, t)
		}
	}
	a.Tags = tags
	return f.Err()
}

// ValidStatus reports whether s names a status.
func ValidStatus(s Status) bool { return s == Draft || s == Published || s == Archived }

// ValidVisibility reports whether v names a visibility.
func ValidVisibility(v Visibility) bool { return v == Public || v == Internal }

func itoa(n int) string {
	if n == 0 {
		return "0"
	}
	var b [20]byte
	i := len(b)
	for n > 0 {
		i--
		b[i] = byte('0' + n%10)
		n /= 10
	}
	return string(b[i:])
}

// Reader says what a reader of the knowledge base may see.
type Reader int

// The readers, from least to most trusted.
const (
	Customer Reader = iota // anyone: the help centre, the help box
	Member                 // a signed-in member who does not work tickets (collaborator)
	Agent                  // agents, leads and admins: everything, drafts included
)

// CanRead reports whether a reader may see an article.
func CanRead(r Reader, a Article) bool {
	switch r {
	case Agent:
		return true
	default:
		return a.Status == Published && a.Visibility == Public
	}
}

// Filter selects articles in a list: what a reader asks for (the API's
// query, the editor's list), which the desk narrows to what the reader
// may see before the store reads it.
type Filter struct {
	Language   string
	Status     Status
	Visibility Visibility
	CategoryID int64
	Before     int64 // cursor: ids below this one
	Limit      int
}
