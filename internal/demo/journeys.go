package demo

import (
	"fmt"
	"strconv"
	"time"

	"github.com/palier/palier/internal/desk"
	"github.com/palier/palier/internal/store"
)

// Level 0 in the demo: the contact form's last rung (a phone number and
// hours), and a fortnight of visitors' journeys through the help centre
// and the contact form, recorded through the same desk functions the
// pages call: searches (some finding nothing), articles read, suggestions,
// deflections ("this solved it"), and tickets opened from the form with
// their journey attached, so the reports and « Déjà essayé » have
// something to show.

// visit is one visitor's journey: searches, then the contact form (when
// subject is set); solved says a suggestion answered them.
type visit struct {
	Lang     string   `json:"lang"`
	Searches []string `json:"searches"`
	Form     bool     `json:"form,omitempty"`
	Subject  string   `json:"subject,omitempty"` // typed in the form; "" when they left before writing
	Body     string   `json:"body,omitempty"`
	Type     string   `json:"type,omitempty"`
	Solved   bool     `json:"solved,omitempty"` // a suggestion solved it: no ticket
	Name     string   `json:"name,omitempty"`
	Email    string   `json:"email,omitempty"`
	DaysAgo  int      `json:"days_ago"`
}

// visits are content/visits.json, oldest first.
var visits = mustLoadContent[[]visit]("visits.json")

// Contact settings of the demo workspace.
const (
	demoPhone = "+33 1 84 80 12 34"
	demoHours = "lun.–ven. 9 h – 18 h / Mon–Fri 9am–6pm (Paris)"
)

func (b *builder) createJourneys() error {
	ctx, svc, ws := b.ctx, b.svc, b.ws.ID
	admin := b.actors["marc"]
	if err := svc.SaveContactSettings(ctx, admin, store.ContactSettings{Phone: demoPhone, Hours: demoHours, Callbacks: true}); err != nil {
		return fmt.Errorf("contact settings: %w", err)
	}
	for i, v := range visits {
		// Mid-morning, a few minutes apart, on the visit's day.
		t := b.now.Add(-time.Duration(v.DaysAgo)*24*time.Hour - 6*time.Hour + time.Duration(i)*7*time.Minute)
		if t.After(b.now) {
			t = b.now.Add(-time.Hour)
		}
		step := func(st desk.JourneyStep) error {
			t = t.Add(20 * time.Second)
			b.at(t)
			return svc.RecordJourneyStep(ctx, ws, journeyToken(i), st)
		}
		for _, q := range v.Searches {
			hits, err := svc.PublicSearch(ctx, ws, v.Lang, q, 10)
			if err != nil {
				return err
			}
			if err := step(desk.JourneyStep{Kind: desk.StepSearch, Detail: q, Hits: len(hits)}); err != nil {
				return err
			}
			if len(hits) > 0 {
				if err := step(desk.JourneyStep{Kind: desk.StepArticleViewed, ArticleID: hits[0].ID}); err != nil {
					return err
				}
			}
		}
		if !v.Form {
			continue
		}
		if err := step(desk.JourneyStep{Kind: desk.StepFormStarted}); err != nil {
			return err
		}
		b.at(t)
		stamp, err := svc.ContactStamp(ctx, ws)
		if err != nil {
			return err
		}
		t = t.Add(30 * time.Second)
		b.at(t)
		hits, _, err := svc.ContactSuggestions(ctx, ws, v.Lang, v.Type, v.Subject, v.Body, journeyToken(i))
		if err != nil {
			return err
		}
		if v.Solved && len(hits) > 0 {
			if err := step(desk.JourneyStep{Kind: desk.StepSuggestionOpened, ArticleID: hits[0].ID}); err != nil {
				return err
			}
			if err := svc.ContactSolved(ctx, ws, journeyToken(i), hits[0].ID); err != nil {
				return err
			}
			continue
		}
		if v.Body == "" {
			continue
		}
		t = t.Add(2 * time.Minute)
		b.at(t)
		if _, err := svc.SubmitContact(ctx, ws, desk.ContactForm{Name: v.Name, Email: v.Email, RequestType: v.Type, Subject: v.Subject,
			Description: v.Body, Language: v.Lang, Journey: journeyToken(i), Stamp: stamp, Address: "192.0.2." + strconv.Itoa(10+i)}); err != nil {
			return fmt.Errorf("contact form %q: %w", v.Subject, err)
		}
		b.tickets++
	}
	b.at(b.now)
	return nil
}

// journeyToken is visit i's journey token: fixed, so a reloaded demo
// reads the same.
func journeyToken(i int) string { return fmt.Sprintf("DEMOJOURNEY%015d", i) }

// contactSubjects lists the subjects of the tickets the visits open, in
// order.
func contactSubjects() []string {
	var out []string
	for _, v := range visits {
		if v.Form && !v.Solved && v.Body != "" {
			out = append(out, v.Subject)
		}
	}
	return out
}
