// Package connector holds the rules of the generic inbound channel: a
// source Palier has no protocol code for (a social network's API, a
// messenger, a partner's system) posts its customers' messages to
// POST /api/v1/channels/{key}/messages, signed with the connector's
// secret, and receives the agents' replies at its webhook, signed the same
// way. One conversation of the source is one ticket.
package connector

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/palier/palier/internal/problem"
	"github.com/palier/palier/internal/workspace"
)

// Connector is one configured source.
type Connector struct {
	ID          int64     `json:"id"`
	WorkspaceID int64     `json:"workspace_id"`
	Key         string    `json:"key"`
	Name        string    `json:"name"`
	Secret      string    `json:"-"`
	WebhookURL  string    `json:"webhook_url"`
	Public      bool      `json:"public"`
	Active      bool      `json:"active"`
	CreatedAt   time.Time `json:"created_at"`
}

// SignatureHeader carries a request's signature, in both directions:
// "t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>">". Signing the time
// with the body lets the receiver refuse a replayed request.
const SignatureHeader = "X-Palier-Signature"

// Tolerance is how far a signature's time may be from the receiver's clock.
const Tolerance = 5 * time.Minute

// Sign returns the signature header value of body at time now.
func Sign(secret string, now time.Time, body []byte) string {
	t := strconv.FormatInt(now.Unix(), 10)
	return "t=" + t + ",v1=" + mac(secret, t, body)
}

func mac(secret, t string, body []byte) string {
	m := hmac.New(sha256.New, []byte(secret))
	m.Write([]byte(t))
	m.Write([]byte("."))
	m.Write(body)
	return hex.EncodeToString(m.Sum(nil))
}

// Signature failures. They say what is wrong without helping a forger:
// the comparison itself is constant-time.
var (
	ErrNoSignature  = errors.New("the request is not signed")
	ErrBadSignature = errors.New("the signature does not match the body")
	ErrStale        = errors.New("the signature's time is too far from now")
)

// Verify checks a signature header against body at time now.
func Verify(secret, header string, now time.Time, body []byte) error {
	if header == "" {
		return ErrNoSignature
	}
	var t, v1 string
	for _, part := range strings.Split(header, ",") {
		k, v, _ := strings.Cut(strings.TrimSpace(part), "=")
		switch k {
		case "t":
			t = v
		case "v1":
			v1 = v
		}
	}
	sec, err := strconv.ParseInt(t, 10, 64)
	if err != nil || v1 == "" {
		return ErrBadSignature
	}
	if d := now.Sub(time.Unix(sec, 0)); d > Tolerance || d < -Tolerance {
		return ErrStale
	}
	if !hmac.Equal([]byte(mac(secret, t, body)), []byte(v1)) {
		return ErrBadSignature
	}
	return nil
}

// NewSecret returns a fresh signing secret.
func NewSecret() string { return "whsec_" + rand.Text() }

// NewKey returns a fresh connector key: the URL's name for it, not a
// secret (the signature is what authenticates).
func NewKey() string { return "ch_" + strings.ToLower(rand.Text()[:16]) }

var keyPattern = regexp.MustCompile(`^ch_[a-z2-7]{16}$`)

// ValidKey tells whether s has the shape of a key, so a path that cannot
// name a connector is refused before any lookup.
func ValidKey(s string) bool { return keyPattern.MatchString(s) }

// Limits of an inbound message.
const (
	MaxText       = 65536
	MaxExternalID = 200
	MaxName       = 200
)

// Author is who wrote an inbound message, as the source knows them.
type Author struct {
	ID    string `json:"id"`
	Name  string `json:"name"`
	Email string `json:"email,omitempty"`
}

// Inbound is one message a source posts.
type Inbound struct {
	ConversationID string `json:"conversation_id"`
	MessageID      string `json:"message_id"`
	Author         Author `json:"author"`
	Text           string `json:"text"`
	Subject        string `json:"subject,omitempty"`
	Language       string `json:"language,omitempty"`
}

// Validate checks an inbound message, naming every bad field.
func (in Inbound) Validate() error {
	f := problem.Fields{}
	externalID(f, "conversation_id", in.ConversationID)
	externalID(f, "message_id", in.MessageID)
	externalID(f, "author.id", in.Author.ID)
	if n := strings.TrimSpace(in.Author.Name); n == "" {
		f.Required("author.name")
	} else if utf8.RuneCountInString(n) > MaxName {
		f.Add("author.name", "too_long", "is too long", "max", strconv.Itoa(MaxName))
	}
	if in.Author.Email != "" {
		workspace.CheckEmail(f, "author.email", in.Author.Email)
	}
	if strings.TrimSpace(in.Text) == "" {
		f.Required("text")
	} else if utf8.RuneCountInString(in.Text) > MaxText {
		f.Add("text", "too_long", "is too long", "max", strconv.Itoa(MaxText))
	}
	if utf8.RuneCountInString(in.Subject) > 250 {
		f.Add("subject", "too_long", "is too long", "max", "250")
	}
	if in.Language != "" && in.Language != "fr" && in.Language != "en" {
		f.Add("language", "unknown_value", "unsupported language", "value", in.Language)
	}
	return f.Err()
}

func externalID(f problem.Fields, name, v string) {
	switch {
	case strings.TrimSpace(v) == "":
		f.Required(name)
	case len(v) > MaxExternalID:
		f.Add(name, "too_long", "is too long", "max", strconv.Itoa(MaxExternalID))
	case strings.ContainsFunc(v, func(r rune) bool { return r < 0x20 || r == 0x7f }):
		f.Add(name, "bad_text", "contains control characters")
	}
}

// ContactEmail is the address the customer record of an author gets when
// the source gives none: under the reserved .invalid domain (RFC 2606), so
// nothing is ever mailed to it, and unique per connector and author so the
// same author is the same customer across conversations.
func ContactEmail(c Connector, a Author) string {
	if a.Email != "" {
		return strings.ToLower(a.Email)
	}
	h := sha256.Sum256([]byte(a.ID))
	return fmt.Sprintf("%s@%s.connector.invalid", hex.EncodeToString(h[:10]), strings.ReplaceAll(c.Key, "_", "-"))
}

// Undeliverable tells whether an address is one ContactEmail made up.
func Undeliverable(email string) bool {
	return strings.HasSuffix(strings.ToLower(email), ".invalid")
}

// CheckWebhookURL validates a webhook address: absolute http(s), no
// credentials in it. Where it may point is decided when dialling (see the
// delivery's address policy), since a name can change what it resolves to.
func CheckWebhookURL(f problem.Fields, name, raw string) {
	if raw == "" {
		return
	}
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" || u.User != nil || len(raw) > 2000 {
		f.Add(name, "bad_url", "must be an http or https address without credentials")
	}
}

// Outbound is what a webhook receives for one agent reply.
type Outbound struct {
	Connector      string    `json:"connector"`
	ConversationID string    `json:"conversation_id"`
	MessageID      string    `json:"message_id"` // Palier's id of the reply: the receiver dedups on it
	Ticket         string    `json:"ticket"`     // "#1042"
	Text           string    `json:"text"`
	Language       string    `json:"language"`
	Private        bool      `json:"private"` // true: the text only says the conversation goes on privately
	SentAt         time.Time `json:"sent_at"`
}
