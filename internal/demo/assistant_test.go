package demo

import (
	"strings"
	"testing"

	"github.com/palier/palier/internal/assistant"
	"github.com/palier/palier/internal/desk"
	"github.com/palier/palier/internal/store"
	"github.com/palier/palier/internal/store/storetest"
)

// assistantCase is a question a customer asks in a sentence, the article
// whose passage must come first, and words that passage must hold (so the
// right paragraph of the article answers, not only the right article).
type assistantCase struct {
	lang, q string
	want    string // article key; "" when there must be no good answer
	says    string
}

var assistantCases = []assistantCase{
	{"fr", "Combien de temps le lien de réinitialisation du mot de passe est-il valable ?", "password", "30 minutes"},
	{"fr", "J'ai été prélevé deux fois ce mois-ci, que faire ?", "charged-twice", "autorisation temporaire"},
	{"fr", "Comment résilier mon abonnement ?", "plan", "Résilier l'abonnement"},
	{"fr", "Ma carte bancaire a expiré, comment la remplacer ?", "card", "Remplacer la carte"},
	{"fr", "Où trouver les factures de mon abonnement ?", "subscription-invoices", "Historique"},
	{"fr", "Comment faire apparaître mon numéro de TVA sur les factures ?", "subscription-invoices", "TVA intracommunautaire"},
	{"fr", "Comment corriger une facture déjà envoyée ?", "create-invoice", "corrigez-la par un avoir"},
	{"fr", "Que fait un avoir sur une facture ?", "credit-note", "Créer un avoir"},
	{"fr", "Combien de requêtes par minute l'API accepte-t-elle ?", "rate-limit", "100 requêtes"},
	{"fr", "Pendant combien de temps un client peut-il contester un prélèvement SEPA ?", "sepa", "huit semaines"},
	{"fr", "Sous combien de jours le remboursement arrive-t-il sur ma carte ?", "refund", "5 à 10 jours"},
	{"fr", "comment activer la double authentification", "2fa", "code QR"},
	{"fr", "Je voudrais ajouter mon logo sur mes factures", "template", "logo"},
	{"en", "How long is the password reset link valid?", "password", "30 minutes"},
	{"en", "How do I cancel my subscription?", "plan", "Cancel subscription"},
	{"en", "Why was my card charged twice this month?", "charged-twice", "temporary authorisation"},
	{"en", "How do I add my logo to my invoices?", "template", "logo"},
	{"en", "What happens when I send too many requests to the API?", "rate-limit", "429"},
	{"en", "How often must the bank authorisation be renewed?", "bank", "180 days"},
	{"en", "Is a refund possible after my first subscription?", "refund", "full refund"},
	{"en", "How do I verify the signature of a webhook call?", "webhooks", "signature"},
	{"en", "how do i reset my pasword", "password", "Forgot password"},
	{"en", "Can my customer try again after a declined payment?", "declined", "try again"},
	// No good answer: the assistant must say so rather than guess.
	{"fr", "Quelle est la météo à Paris demain ?", "", ""},
	{"fr", "Pouvez-vous me recommander un bon restaurant ?", "", ""},
	{"fr", "Bonjour, j'ai besoin d'aide", "", ""},
	{"fr", "Puis-je payer mon abonnement en bitcoins ?", "", ""},
	{"en", "Can I pay with bitcoin?", "", ""},
	{"en", "Do you have an office in Tokyo?", "", ""},
	{"en", "how do I", "", ""},
	{"en", "", "", ""},
}

// TestAssistantAnswersFromTheDemoHelpCentre asks the demo help centre's
// questions through the one desk function every surface uses, on both
// databases.
func TestAssistantAnswersFromTheDemoHelpCentre(t *testing.T) {
	answered := 0
	for _, c := range assistantCases {
		if c.want != "" {
			answered++
		}
	}
	if answered < 12 || len(assistantCases)-answered < 4 {
		t.Fatalf("%d answered and %d unanswered cases", answered, len(assistantCases)-answered)
	}
	eachHelpCentre(t, func(t *testing.T, s *store.Store, ws int64, d *desk.Service, ids map[string]KBArticleIDs) {
		for _, c := range assistantCases {
			r, err := d.Answer(t.Context(), ws, c.lang, c.q)
			if err != nil {
				t.Fatalf("%q: %v", c.q, err)
			}
			if c.want == "" {
				if r.Answered() {
					t.Errorf("%s %q: want no good answer, got %s", c.lang, c.q, passages(r))
				}
				continue
			}
			want := articleIn(ids, c.want, c.lang)
			switch {
			case !r.Answered():
				t.Errorf("%s %q: no answer, want %s", c.lang, c.q, c.want)
			case r.Language != c.lang:
				t.Errorf("%s %q: answered in %s", c.lang, c.q, r.Language)
			case r.Passages[0].ArticleID != want:
				t.Errorf("%s %q: first passage from %q, want %s; got %s", c.lang, c.q, r.Passages[0].ArticleTitle, c.want, passages(r))
			case !strings.Contains(r.Passages[0].Markdown, c.says):
				t.Errorf("%s %q: first passage lacks %q; got %s", c.lang, c.q, c.says, passages(r))
			}
			if len(r.Passages) > assistant.MaxPassages {
				t.Errorf("%s %q: %d passages", c.lang, c.q, len(r.Passages))
			}
		}

		// A question typed in French on an English page is answered from
		// the French articles, and says so.
		r, err := d.Answer(t.Context(), ws, "en", "Comment résilier mon abonnement ?")
		if err != nil {
			t.Fatal(err)
		}
		if !r.Answered() || r.Language != "fr" || r.Passages[0].ArticleID != ids["plan"].FR {
			t.Errorf("French question on an English page: %s in %q", passages(r), r.Language)
		}
		// Internal articles never answer a customer.
		r, _ = d.Answer(t.Context(), ws, "fr", "procédure interne en cas de double prélèvement")
		for _, p := range r.Passages {
			if p.ArticleID == ids["internal-double-debit"].FR {
				t.Errorf("the internal procedure answered a customer")
			}
		}
		// Asking does not count as reading: no view is added.
		a, err := s.KBArticle(t.Context(), ws, ids["plan"].FR)
		if err != nil {
			t.Fatal(err)
		}
		if a.Views != 900 {
			t.Errorf("views %d after questions, want 900", a.Views)
		}
		// Bad input is refused with the field named.
		if _, err := d.Answer(t.Context(), ws, "de", "Wie kündige ich?"); err == nil || !strings.Contains(err.Error(), "language") {
			t.Errorf("language de: %v", err)
		}
		if _, err := d.Answer(t.Context(), ws, "fr", strings.Repeat("mot ", 60)); err == nil {
			t.Errorf("a 240-rune question was accepted")
		}
	})
}

func passages(r assistant.Reply) string {
	var b strings.Builder
	for _, p := range r.Passages {
		b.WriteString("[" + p.ArticleTitle + ": " + firstWords(p.Markdown) + "] ")
	}
	return b.String()
}

func firstWords(s string) string {
	if len(s) > 70 {
		return s[:70] + "…"
	}
	return s
}

// demoArticles are the demo help centre's published public articles in a
// language, as the assistant reads them.
func demoArticles(lang string) []assistant.Article {
	var out []assistant.Article
	for i, spec := range kbArticles {
		t := spec.fr
		if lang == "en" {
			t = spec.en
		}
		if spec.internal || t.title == "" {
			continue
		}
		out = append(out, assistant.Article{ID: int64(i + 1), Title: t.title, Body: t.body})
	}
	return out
}

// BenchmarkAssistantAnswer measures the assistant's own work on the five
// articles it reads per question: splitting, analysing and scoring.
func BenchmarkAssistantAnswer(b *testing.B) {
	arts := demoArticles("fr")[:5]
	b.ReportAllocs()
	for b.Loop() {
		assistant.Answer("fr", "Combien de temps le lien de réinitialisation du mot de passe est-il valable ?", arts)
	}
}

// BenchmarkDeskAnswer measures a question end to end on SQLite: search,
// reading the articles, the assistant.
func BenchmarkDeskAnswer(b *testing.B) {
	s := storetest.Open(b, store.SQLite)
	f := storetest.Seed(b, s)
	if _, err := LoadKnowledgeBase(b.Context(), s, f.WS.ID, f.Admin.ID); err != nil {
		b.Fatal(err)
	}
	d := desk.New(s, nil)
	qs := []string{"Comment résilier mon abonnement ?", "J'ai été prélevé deux fois ce mois-ci, que faire ?", "Quelle est la météo à Paris demain ?"}
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		if _, err := d.Answer(b.Context(), f.WS.ID, "fr", qs[i%len(qs)]); err != nil {
			b.Fatal(err)
		}
		i++
	}
}
