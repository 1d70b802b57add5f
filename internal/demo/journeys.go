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
	lang     string
	searches []string
	form     bool
	subject  string // typed in the form; "" when they left before writing
	body     string
	typ      string
	solved   bool // a suggestion solved it: no ticket
	name     string
	email    string
	daysAgo  int
}

var visits = []visit{
	{lang: "fr", searches: []string{"facturé deux fois"}, form: true, subject: "Prélevé deux fois", solved: true, daysAgo: 13},
	{lang: "fr", searches: []string{"mot de passe oublié"}, daysAgo: 12},
	{lang: "en", searches: []string{"charged twice"}, form: true, subject: "Charged twice this month", solved: true, daysAgo: 12},
	{lang: "fr", searches: []string{"export comptable sage"}, form: true, subject: "Export vers Sage", typ: "data_export",
		body: "Bonjour, comment exporter mes factures vers Sage ? Je ne trouve rien dans l'aide.", name: "Hugo Bernard", email: "hugo.bernard@exemple-pme.fr", daysAgo: 11},
	{lang: "fr", searches: []string{"double authentification"}, daysAgo: 10},
	{lang: "fr", searches: []string{"virement en attente"}, form: true, subject: "Virement toujours en attente", solved: true, daysAgo: 9},
	{lang: "en", searches: []string{"api rate limit", "webhook retries"}, form: true, subject: "Webhook retries", typ: "integration",
		body: "Our webhook endpoint was down for an hour; are the events retried, and for how long?", name: "Grace Hopper", email: "grace@example-saas.com", daysAgo: 8},
	{lang: "fr", searches: []string{"export comptable sage"}, daysAgo: 7},
	{lang: "fr", searches: []string{"modèle de facture"}, form: true, subject: "Modifier le modèle de facture", solved: true, daysAgo: 6},
	{lang: "fr", searches: []string{"relance automatique"}, daysAgo: 5},
	{lang: "fr", searches: []string{"carte refusée"}, form: true, subject: "Ma carte est refusée", solved: true, daysAgo: 4},
	{lang: "fr", searches: []string{"fusionner deux comptes"}, form: true, subject: "Fusionner deux comptes", typ: "access",
		body: "J'ai deux comptes avec deux adresses et je voudrais les réunir en un seul.", name: "Léa Girard", email: "lea.girard@exemple-asso.fr", daysAgo: 3},
	{lang: "en", searches: []string{"invite a colleague"}, daysAgo: 2},
	{lang: "fr", searches: []string{"avoir facture"}, form: true, subject: "Faire un avoir", solved: true, daysAgo: 1},
	{lang: "fr", searches: []string{"prélèvement frauduleux"}, form: true, subject: "Prélèvement que je ne reconnais pas", typ: "fraud",
		body: "Un prélèvement de 89 € que je n'ai pas autorisé apparaît sur mon relevé.", name: "Paul Mercier", email: "paul.mercier@exemple.fr", daysAgo: 1},
}

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
		t := b.now.Add(-time.Duration(v.daysAgo)*24*time.Hour - 6*time.Hour + time.Duration(i)*7*time.Minute)
		if t.After(b.now) {
			t = b.now.Add(-time.Hour)
		}
		step := func(st desk.JourneyStep) error {
			t = t.Add(20 * time.Second)
			b.at(t)
			return svc.RecordJourneyStep(ctx, ws, journeyToken(i), st)
		}
		for _, q := range v.searches {
			hits, err := svc.PublicSearch(ctx, ws, v.lang, q, 10)
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
		if !v.form {
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
		hits, _, err := svc.ContactSuggestions(ctx, ws, v.lang, v.typ, v.subject, v.body, journeyToken(i))
		if err != nil {
			return err
		}
		if v.solved && len(hits) > 0 {
			if err := step(desk.JourneyStep{Kind: desk.StepSuggestionOpened, ArticleID: hits[0].ID}); err != nil {
				return err
			}
			if err := svc.ContactSolved(ctx, ws, journeyToken(i), hits[0].ID); err != nil {
				return err
			}
			continue
		}
		if v.body == "" {
			continue
		}
		t = t.Add(2 * time.Minute)
		b.at(t)
		if _, err := svc.SubmitContact(ctx, ws, desk.ContactForm{Name: v.name, Email: v.email, RequestType: v.typ, Subject: v.subject,
			Description: v.body, Language: v.lang, Journey: journeyToken(i), Stamp: stamp, Address: "192.0.2." + strconv.Itoa(10+i)}); err != nil {
			return fmt.Errorf("contact form %q: %w", v.subject, err)
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
		if v.form && !v.solved && v.body != "" {
			out = append(out, v.subject)
		}
	}
	return out
}
