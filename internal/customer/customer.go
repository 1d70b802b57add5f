// Package customer owns requesters and, for B2B, their organisations.
package customer

import (
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/palier/palier/internal/problem"
	"github.com/palier/palier/internal/workspace"
)

// Segments a customer or organisation may belong to. Routing rules and SLA
// policies key on them.
var Segments = []string{"b2c", "b2b", "vip", "high_touch", "low_touch"}

// Limits of a name (customer or organisation), in characters, and of a
// phone number, in bytes.
const (
	maxName  = 200
	maxPhone = 40
)

// Organisation is a customer's company (B2B).
type Organisation struct {
	ID        int64     `json:"id"`
	Name      string    `json:"name"`
	Segment   string    `json:"segment"`
	Domain    string    `json:"domain"`
	CreatedAt time.Time `json:"created_at"`
}

// Validate checks an organisation.
func (o Organisation) Validate() error {
	f := problem.Fields{}
	checkName(f, o.Name)
	checkSegment(f, o.Segment)
	if len(o.Domain) > 253 || strings.ContainsAny(o.Domain, " /@<>") {
		f.Add("domain", "bad_domain", "is not a domain name")
	}
	return f.Err()
}

// Customer is a person who asks for help.
type Customer struct {
	ID             int64     `json:"id"`
	OrganisationID int64     `json:"organisation_id,omitempty"`
	Name           string    `json:"name"`
	Email          string    `json:"email"`
	Phone          string    `json:"phone,omitempty"`
	Language       string    `json:"language"`
	Segment        string    `json:"segment"`
	CreatedAt      time.Time `json:"created_at"`
	// MergedIntoID is the customer this record was merged into (it is
	// then empty: no address, no tickets); 0 for a live record.
	MergedIntoID int64 `json:"merged_into_id,omitempty"`
}

// Validate checks a customer.
func (c Customer) Validate() error {
	f := problem.Fields{}
	checkName(f, c.Name)
	workspace.CheckEmail(f, "email", c.Email)
	if c.Language != "" && !slices.Contains(workspace.Languages, c.Language) {
		f.Add("language", "unknown_value", "unsupported language", "value", c.Language)
	}
	checkLimit(f, "phone", c.Phone, len(c.Phone), maxPhone)
	checkSegment(f, c.Segment)
	return f.Err()
}

// checkName checks the name of a customer or an organisation: required,
// and at most maxName characters.
func checkName(f problem.Fields, name string) {
	if strings.TrimSpace(name) == "" {
		f.Required("name")
		return
	}
	checkLimit(f, "name", name, utf8.RuneCountInString(name), maxName)
}

// checkLimit refuses a value whose size (characters or bytes, as the
// field counts them) is over max, saying the limit. Text that is not
// UTF-8 is refused the same way: it could not be stored as text.
func checkLimit(f problem.Fields, field, v string, size, max int) {
	if !utf8.ValidString(v) || size > max {
		f.Add(field, "too_long", "is too long or not valid text", "max", strconv.Itoa(max))
	}
}

func checkSegment(f problem.Fields, s string) {
	if s != "" && !slices.Contains(Segments, s) {
		f.Add("segment", "unknown_value", "unknown segment", "value", s)
	}
}
