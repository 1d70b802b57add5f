package customer

import (
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/palier/palier/internal/problem"
)

// MaxNote is the longest note about a customer or an organisation, in
// characters: a few paragraphs, not a document.
const MaxNote = 5000

// Note is an internal note agents keep about a customer or an
// organisation (exactly one of the two ids is set). Notes are for support
// only: the customer never sees them, in the portal or anywhere else.
type Note struct {
	ID             int64
	CustomerID     int64
	OrganisationID int64
	AuthorID       int64
	AuthorName     string
	Body           string
	CreatedAt      time.Time
}

// Validate checks a note's text: required, valid UTF-8, at most MaxNote
// characters.
func (n Note) Validate() error {
	f := problem.Fields{}
	switch {
	case strings.TrimSpace(n.Body) == "":
		f.Required("body")
	case !utf8.ValidString(n.Body) || utf8.RuneCountInString(n.Body) > MaxNote:
		f.Add("body", "too_long", "is too long or not valid text", "max", strconv.Itoa(MaxNote))
	}
	return f.Err()
}
