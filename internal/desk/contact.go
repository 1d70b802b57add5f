package desk

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/palier/palier/internal/auth"
	"github.com/palier/palier/internal/customer"
	"github.com/palier/palier/internal/escalation"
	"github.com/palier/palier/internal/i18n"
	"github.com/palier/palier/internal/kb"
	"github.com/palier/palier/internal/problem"
	"github.com/palier/palier/internal/routing"
	"github.com/palier/palier/internal/store"
	"github.com/palier/palier/internal/ticket"
	"github.com/palier/palier/internal/workspace"
)

// The Level 0 contact form (/help/contact): a visitor with no account
// writes to the workspace. As they type, the best articles are suggested
// (the help centre's ranking); "this solved it" ends their journey as a
// deflection with no ticket. Otherwise the form opens a ticket through
// CreateTicket, like the API and the agents' form, on channel web, routed
// by the routing rules, with the journey attached. The form asks for what
// the request type's escalation procedure will need at its first step, so
// a hand-off has it from the start.

// ContactForm is a submitted contact form.
type ContactForm struct {
	Name        string
	Email       string
	RequestType string // key; "" when the visitor did not choose
	Subject     string
	Description string
	// Fields are the request type's procedure fields, by custom field key.
	Fields   map[string]string
	Language string
	Journey  string // the visitor's journey token
	// Anti-abuse: Honeypot is a field people never see (bots fill it);
	// Stamp is the signed time the form was served (ContactStamp);
	// Address is the client address for the per-address limit.
	Honeypot string
	Stamp    string
	Address  string
}

// ContactField is a field the form asks for on behalf of the request
// type's escalation procedure: a custom field of the workspace.
type ContactField struct {
	Item  escalation.Item
	Field workspace.CustomField
}

// Anti-abuse settings of the public contact form.
var (
	// ContactMinFill is the shortest time a person takes to fill the
	// form; ContactMaxAge the longest a served form stays valid.
	ContactMinFill = 2 * time.Second
	ContactMaxAge  = 24 * time.Hour
	// ContactPerAddress and ContactPerWorkspace are the rate limits.
	ContactPerAddress   = Limit{Max: 5, Window: 10 * time.Minute}
	ContactPerWorkspace = Limit{Max: 300, Window: time.Hour}
)

// Limit is a rate: Max per Window.
type Limit struct {
	Max    int
	Window time.Duration
}

var (
	errContactRefused = problem.New(problem.BadRequest, "contact_refused", "the form could not be accepted")
	errContactTooFast = problem.New(problem.Invalid, "contact_too_fast", "the form was sent too fast")
	errContactExpired = problem.New(problem.Invalid, "contact_expired", "the form is too old")
)

func (d *Service) publicDirectory(ctx context.Context, wsID int64) (Directory, error) {
	return d.Directory(ctx, auth.Actor{WorkspaceID: wsID})
}

// ContactTypes returns the request types a visitor may choose: the active
// ones.
func (d *Service) ContactTypes(ctx context.Context, wsID int64) ([]workspace.RequestType, error) {
	dir, err := d.publicDirectory(ctx, wsID)
	if err != nil {
		return nil, err
	}
	var out []workspace.RequestType
	for _, rt := range dir.RequestTypes {
		if rt.Active {
			out = append(out, rt)
		}
	}
	return out, nil
}

// ContactFields returns what the form asks for a request type: the
// checklist items of its escalation procedure's first step that a custom
// field holds (a custom-field item, or an answer item with a text field of
// the same key, which the hand-off reads as its answer).
func (d *Service) ContactFields(ctx context.Context, wsID int64, typeKey string) ([]ContactField, error) {
	dir, err := d.publicDirectory(ctx, wsID)
	if err != nil {
		return nil, err
	}
	return d.contactFields(ctx, dir, typeKey)
}

func (d *Service) contactFields(ctx context.Context, dir Directory, typeKey string) ([]ContactField, error) {
	rt := dir.RequestTypeByKey(typeKey)
	if typeKey == "" || rt.ID == 0 || !rt.Active {
		return nil, nil
	}
	procs, err := d.store.EscalationProcedures(ctx, dir.Workspace.ID)
	if err != nil {
		return nil, err
	}
	p, ok := escalation.Select(procs, rt.ID)
	if !ok {
		p = escalation.DefaultProcedure(dir.Workspace.DefaultLanguage)
	}
	if len(p.Steps) == 0 {
		return nil, nil
	}
	step, ok := p.StepFrom("L1")
	if !ok {
		step = p.Steps[0]
	}
	var out []ContactField
	for _, it := range step.Required {
		cf, ok := dir.CustomField(it.Key)
		if !ok || it.Kind == escalation.KindAnswer && cf.Kind != workspace.Text || it.Kind == escalation.KindAttachment {
			continue
		}
		if !slices.ContainsFunc(out, func(c ContactField) bool { return c.Field.Key == cf.Key }) {
			out = append(out, ContactField{Item: it, Field: cf})
		}
	}
	return out, nil
}

// RequiresHuman reports whether routing would keep such a request from
// self-service (a rule with "require a human" matches it: complaints,
// fraud, personal data…): the form then suggests no articles.
func (d *Service) RequiresHuman(ctx context.Context, wsID int64, typeKey, subject, description, lang string) (bool, error) {
	dir, err := d.publicDirectory(ctx, wsID)
	if err != nil {
		return false, err
	}
	return d.requiresHuman(ctx, dir, typeKey, subject, description, lang)
}

func (d *Service) requiresHuman(ctx context.Context, dir Directory, typeKey, subject, description, lang string) (bool, error) {
	eng, err := d.engine(ctx, dir)
	if err != nil {
		return false, err
	}
	dec := eng.Route(routing.Ticket{Channel: "web", RequestType: typeKey, Subject: subject, Body: description, Language: lang,
		Priority: ticket.Normal.String(), CreatedAt: d.store.Now()})
	return dec.Actions.RequireHuman, nil
}

// ContactSuggestions returns the articles that may answer what the
// visitor is typing, best first, with the help centre's ranking
// (PublicSearch), and records the best one as shown in their journey.
// human is true, with no suggestions, when routing keeps such a request
// from self-service.
func (d *Service) ContactSuggestions(ctx context.Context, wsID int64, lang, typeKey, subject, description, token string) (hits []kb.Hit, human bool, err error) {
	dir, err := d.publicDirectory(ctx, wsID)
	if err != nil {
		return nil, false, err
	}
	if human, err := d.requiresHuman(ctx, dir, typeKey, subject, description, lang); err != nil || human {
		return nil, human, err
	}
	q := clipRunes(strings.TrimSpace(strings.TrimSpace(subject)+" "+strings.TrimSpace(description)), MaxSearchQuery)
	if q == "" {
		return nil, false, nil
	}
	if hits, err = d.PublicSearch(ctx, wsID, lang, q, 5); err != nil {
		return nil, false, err
	}
	if len(hits) > 0 && ValidJourneyToken(token) {
		if err := d.RecordJourneyStep(ctx, wsID, token, JourneyStep{Kind: StepSuggestionShown, ArticleID: hits[0].ID, Detail: hits[0].Title, Hits: len(hits)}); err != nil {
			return nil, false, err
		}
	}
	return hits, false, nil
}

// ContactSolved records that an article answered the visitor ("this solved
// it"): their journey ends satisfied, as a deflection, and no ticket is
// opened.
func (d *Service) ContactSolved(ctx context.Context, wsID int64, token string, articleID int64) error {
	if _, err := d.readableArticle(ctx, wsID, kb.Customer, articleID); err != nil {
		return err
	}
	return d.RecordJourneyStep(ctx, wsID, token, JourneyStep{Kind: StepSolved, ArticleID: articleID})
}

// ContactStamp signs the time a form is served; SubmitContact refuses a
// form sent back sooner than ContactMinFill (a script) or later than
// ContactMaxAge.
func (d *Service) ContactStamp(ctx context.Context, wsID int64) (string, error) {
	key, err := d.store.ContactFormKey(ctx, wsID)
	if err != nil {
		return "", err
	}
	at := strconv.FormatInt(d.store.Now().UnixMilli(), 10)
	return at + "." + stampMAC(key, wsID, at), nil
}

func stampMAC(key string, wsID int64, at string) string {
	m := hmac.New(sha256.New, []byte(key))
	m.Write([]byte("contact:" + strconv.FormatInt(wsID, 10) + ":" + at))
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil))
}

// refuseBots refuses a public form a bot filled in: its hidden field
// holds text, or its signed stamp does not hold (see checkStamp).
func (d *Service) refuseBots(ctx context.Context, wsID int64, honeypot, stamp string) error {
	if strings.TrimSpace(honeypot) != "" {
		return errContactRefused
	}
	return d.checkStamp(ctx, wsID, stamp)
}

func (d *Service) checkStamp(ctx context.Context, wsID int64, stamp string) error {
	at, mac, ok := strings.Cut(stamp, ".")
	if !ok || len(stamp) > 100 {
		return errContactRefused
	}
	key, err := d.store.ContactFormKey(ctx, wsID)
	if err != nil {
		return err
	}
	if !hmac.Equal([]byte(mac), []byte(stampMAC(key, wsID, at))) {
		return errContactRefused
	}
	v, err := strconv.ParseInt(at, 10, 64)
	if err != nil {
		return errContactRefused
	}
	age := d.store.Now().Sub(time.UnixMilli(v))
	switch {
	case age < ContactMinFill:
		return errContactTooFast
	case age > ContactMaxAge:
		return errContactExpired
	}
	return nil
}

// SubmitContact opens a ticket from the contact form. In order, each
// refusal writing nothing: the honeypot and the signed stamp (bots), every
// field (all faults at once, by field), the rate limits per address and
// per workspace (429 with retry_after). The ticket is created by
// CreateTicket on channel web, routed, with the journey attached in its
// transaction.
func (d *Service) SubmitContact(ctx context.Context, wsID int64, in ContactForm) (ticket.Ticket, error) {
	if err := d.refuseBots(ctx, wsID, in.Honeypot, in.Stamp); err != nil {
		return ticket.Ticket{}, err
	}
	dir, err := d.publicDirectory(ctx, wsID)
	if err != nil {
		return ticket.Ticket{}, err
	}
	f := problem.Fields{}
	in.Email = strings.ToLower(strings.TrimSpace(in.Email))
	in.Name = strings.TrimSpace(in.Name)
	if err := (customer.Customer{Name: in.Name, Email: in.Email}).Validate(); err != nil {
		if p, ok := problem.As(err); ok {
			for k, v := range p.Fields {
				f[k] = v
			}
		}
	}
	ticket.CheckSubject(f, "subject", in.Subject)
	ticket.CheckBody(f, "description", in.Description)
	if in.RequestType != "" {
		if rt := dir.RequestTypeByKey(in.RequestType); rt.ID == 0 || !rt.Active {
			f.Add("request_type", "unknown_value", "unknown request type", "value", clipRunes(in.RequestType, 40))
		}
	}
	lang := i18n.Lang(in.Language)
	fields, err := d.contactFields(ctx, dir, in.RequestType)
	if err != nil {
		return ticket.Ticket{}, err
	}
	values := map[string]string{}
	for k, v := range in.Fields {
		v = strings.TrimSpace(v)
		switch {
		case !slices.ContainsFunc(fields, func(c ContactField) bool { return c.Field.Key == k }):
			f.Add("custom_fields."+clipRunes(k, 40), "unknown_field", "unknown custom field")
		case utf8.RuneCountInString(v) > 4000:
			f.Add("custom_fields."+k, "too_long", "is too long")
		case v != "":
			values[k] = v
		}
	}
	values = checkCustomFields(f, dir, values)
	if err := f.Err(); err != nil {
		return ticket.Ticket{}, err
	}
	if err := d.reserveContact(ctx, wsID, in.Address); err != nil {
		return ticket.Ticket{}, err
	}
	token := in.Journey
	if !ValidJourneyToken(token) {
		token = NewJourneyToken()
	}
	return d.createTicket(ctx, auth.Actor{WorkspaceID: wsID}, NewTicket{Subject: in.Subject, Body: in.Description, CustomerEmail: in.Email,
		CustomerName: in.Name, RequestType: in.RequestType, Channel: "web", Language: lang, CustomFields: values},
		intake{fromCustomer: true, inTx: func(ctx context.Context, tx *store.Tx, t ticket.Ticket, _ []ticket.Event) error {
			return d.store.AttachJourney(ctx, tx, wsID, t.ID, token)
		}})
}

// ContactSettings returns the contact form's last rung (phone, hours).
func (d *Service) ContactSettings(ctx context.Context, wsID int64) (store.ContactSettings, error) {
	return d.store.ContactSettings(ctx, wsID)
}

// SaveContactSettings sets the phone number and hours the contact form
// shows (admins).
func (d *Service) SaveContactSettings(ctx context.Context, a auth.Actor, c store.ContactSettings) error {
	if err := requireAdmin(a); err != nil {
		return err
	}
	c.Phone, c.Hours = strings.TrimSpace(c.Phone), strings.TrimSpace(c.Hours)
	f := problem.Fields{}
	if utf8.RuneCountInString(c.Phone) > 40 || strings.ContainsAny(c.Phone, "\r\n") {
		f.Add("phone", "too_long", "is too long", "max", "40")
	}
	if utf8.RuneCountInString(c.Hours) > 200 {
		f.Add("hours", "too_long", "is too long", "max", "200")
	}
	if err := f.Err(); err != nil {
		return err
	}
	return d.store.SetContactSettings(ctx, a.WorkspaceID, a.AgentID, c)
}
