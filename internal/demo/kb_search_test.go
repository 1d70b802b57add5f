package demo

import (
	"fmt"
	"strings"
	"testing"

	"github.com/palier/palier/internal/desk"
	"github.com/palier/palier/internal/kb"
	"github.com/palier/palier/internal/store"
	"github.com/palier/palier/internal/store/storetest"
)

// searchCase is one query a customer types and the article that must come
// back at rank 1 (top 1) or within the first three (top 3).
type searchCase struct {
	lang, q string
	want    string // article key (kbArticles)
	top     int
	why     string
}

var searchCases = []searchCase{
	// Accents folded.
	{"fr", "electricite", "metered", 1, "accents"},
	{"fr", "facture reglee par virement", "transfer-pending", 1, "accents"},
	{"fr", "prelevement sepa", "sepa", 1, "accents"},
	{"fr", "securite du compte", "2fa", 3, "accents"},
	{"fr", "resilier", "plan", 1, "accents"},
	{"fr", "parametres equipe roles", "invite", 1, "accents"},
	// Plurals and feminines.
	{"fr", "factures impayées", "reminders", 1, "plural"},
	{"fr", "mentions légales", "template", 1, "plural"},
	{"fr", "webhooks événements", "webhooks", 1, "plural"},
	{"fr", "avoirs", "credit-note", 1, "plural"},
	{"en", "invoices", "create-invoice", 3, "plural"},
	{"en", "reminders overdue invoices", "reminders", 1, "plural"},
	// Conjugations and derivations.
	{"fr", "j'ai été facturé deux fois", "charged-twice", 1, "conjugation"},
	{"fr", "on m'a prélevé deux fois", "charged-twice", 1, "conjugation"},
	{"fr", "comment rembourser", "refund", 3, "conjugation"},
	{"fr", "je veux résilier mon abonnement", "plan", 1, "conjugation"},
	{"fr", "personnaliser la facture", "template", 1, "conjugation"},
	{"fr", "supprimer mon compte", "delete", 1, "conjugation"},
	{"fr", "importer des clients", "import-customers", 1, "conjugation"},
	{"en", "charged twice", "charged-twice", 1, "conjugation"},
	{"en", "cancelling my subscription", "plan", 1, "conjugation"},
	{"en", "payment was declined", "declined", 1, "conjugation"},
	{"en", "importing customers", "import-customers", 1, "conjugation"},
	// Typos (one per word of five letters or more).
	{"fr", "remboursment", "refund", 3, "typo"},
	{"fr", "factrue impayée", "reminders", 3, "typo"},
	{"fr", "prélèvemnet", "sepa", 3, "typo"},
	{"fr", "webhok", "webhooks", 1, "typo"},
	{"en", "pasword reset", "password", 1, "typo"},
	{"en", "acounting software", "accounting", 1, "typo"},
	{"en", "webhoks", "webhooks", 1, "typo"},
	{"fr", "relnace", "reminders", 1, "typo"},
	{"fr", "mandta", "sepa", 1, "typo"},
	{"fr", "comptabilte", "accounting", 1, "typo"},
	{"fr", "authentifcation", "2fa", 1, "typo"},
	{"en", "pasword", "password", 1, "typo"},
	{"en", "acounting", "accounting", 3, "typo"}, // Snowball: accounting and account share a stem
	{"en", "reminedrs", "reminders", 1, "typo"},
	// Prefixes while typing.
	{"fr", "réinit", "password", 1, "prefix"},
	{"fr", "mot de pa", "password", 1, "prefix"},
	{"fr", "double authen", "2fa", 1, "prefix"},
	{"fr", "logiciel compta", "accounting", 1, "prefix"},
	{"fr", "strip", "stripe", 1, "prefix"},
	{"fr", "clé ap", "api-key", 1, "prefix"},
	{"en", "two-factor auth", "2fa", 1, "prefix"},
	{"en", "credit no", "credit-note", 1, "prefix"},
	{"en", "direct deb", "sepa", 1, "prefix"},
	{"fr", "authen", "2fa", 1, "prefix"},
	{"fr", "compta", "accounting", 1, "prefix"},
	{"fr", "mand", "sepa", 1, "prefix"},
	{"fr", "webh", "webhooks", 1, "prefix"},
	{"fr", "rapproch", "bank", 3, "prefix"},
	{"en", "reconcil", "bank", 3, "prefix"},
	{"en", "authenticat", "2fa", 3, "prefix"},
	// English queries on English articles.
	{"en", "forgot my password", "password", 1, "english"},
	{"en", "how do I get a refund", "refund", 1, "english"},
	{"en", "change my email address", "email", 1, "english"},
	{"en", "too many requests 429", "rate-limit", 1, "english"},
	{"en", "connect my bank account", "bank", 1, "english"},
	{"en", "electricity meter", "metered", 1, "english"},
	{"en", "invoice still pending after bank transfer", "transfer-pending", 1, "english"},
	// Questions typed as sentences, with words the article lacks.
	{"fr", "Facturé deux fois ?", "charged-twice", 1, "title"},
	{"fr", "ma carte bancaire a expiré", "card", 3, "sentence"},
	{"fr", "comment ajouter mon logo sur les factures", "template", 1, "sentence"},
	{"en", "where are my subscription invoices", "subscription-invoices", 1, "sentence"},
}

// TestKnowledgeBaseSearchQuality runs the queries customers type against
// the demo help centre, on both databases, through the one search every
// consumer uses (desk.PublicSearch).
func TestKnowledgeBaseSearchQuality(t *testing.T) {
	if len(searchCases) < 40 {
		t.Fatalf("only %d search cases", len(searchCases))
	}
	eachHelpCentre(t, func(t *testing.T, s *store.Store, ws int64, d *desk.Service, ids map[string]KBArticleIDs) {
		for _, c := range searchCases {
			want := articleIn(ids, c.want, c.lang)
			hits, err := d.PublicSearch(t.Context(), ws, c.lang, c.q, 10)
			if err != nil {
				t.Fatalf("%q: %v", c.q, err)
			}
			rank := -1
			for i, h := range hits {
				if h.ID == want {
					rank = i + 1
					break
				}
			}
			if rank < 1 || rank > c.top {
				t.Errorf("%s %s %q: %q at rank %d, want top %d; got %s", c.why, c.lang, c.q, c.want, rank, c.top, titles(hits))
			}
		}
		// Internal articles never reach customers.
		hits, _ := d.PublicSearch(t.Context(), ws, "fr", "procédure interne double prélèvement", 10)
		for _, h := range hits {
			if h.ID == ids["internal-double-debit"].FR {
				t.Errorf("the internal procedure reached a customer search")
			}
		}
	})
}

// eachHelpCentre runs test on both databases against the demo help centre
// loaded into the fixture's workspace ws, with the service every surface
// asks and the articles' ids by key.
func eachHelpCentre(t *testing.T, test func(t *testing.T, s *store.Store, ws int64, d *desk.Service, ids map[string]KBArticleIDs)) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		f := storetest.Seed(t, s)
		ids, err := LoadKnowledgeBase(t.Context(), s, f.WS.ID, f.Admin.ID)
		if err != nil {
			t.Fatal(err)
		}
		test(t, s, f.WS.ID, desk.New(s, nil), ids)
	})
}

// articleIn is the id of article key's version in lang.
func articleIn(ids map[string]KBArticleIDs, key, lang string) int64 {
	if lang == "en" {
		return ids[key].EN
	}
	return ids[key].FR
}

func titles(hits []kb.Hit) string {
	var b strings.Builder
	for i, h := range hits {
		if i == 5 {
			break
		}
		fmt.Fprintf(&b, "[%d %s] ", i+1, h.Title)
	}
	return b.String()
}
