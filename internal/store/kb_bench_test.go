package store_test

import (
	"math/rand/v2"
	"os"
	"runtime/pprof"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/palier/palier/internal/desk"
	"github.com/palier/palier/internal/kb"
	"github.com/palier/palier/internal/store"
	"github.com/palier/palier/internal/store/storetest"
)

// Search-as-you-type at scale:
//
//	go test ./internal/store -run '^$' -bench KBSearch -benchtime 1x -timeout 0
//	PALIER_BENCH_ARTICLES=10000 go test ./internal/store -run '^$' -bench KBSearch -benchtime 1x
//
// Each database gets PALIER_BENCH_ARTICLES articles (default 100,000) of
// French text with a Zipf-distributed vocabulary, then a customer types
// queries one keystroke at a time from the third letter; every keystroke is
// one search through desk.PublicSearch (analysis, vocabulary look-ups,
// full-text query, snippets). The benchmark reports p50 and p99 per
// keystroke.

const envBenchArticles = "PALIER_BENCH_ARTICLES"

// benchWords are real words customers search for; they are mixed with
// generated filler words so the vocabulary is large and skewed like real
// text.
var benchWords = strings.Fields(`facture factures facturé facturation paiement payer prélèvement prélevé remboursement rembourser
	abonnement résilier résiliation compte connexion mot passe réinitialiser sécurité authentification carte bancaire expirée
	virement banque rapprochement relance impayée échéance retard avoir erreur client clients import export comptabilité
	logiciel synchronisation intégration stripe paypal webhook clé api limite requêtes électricité consommation compteur
	modèle logo mentions légales équipe collaborateur rôle invitation e-mail adresse supprimer données archive mandat sepa
	refusé autorisation téléphone application code secours formule tarif remise devis acompte échéancier tva siret`)

func benchArticles(n int, rng *rand.Rand) []kb.Article {
	syll := strings.Fields("ba ce di fo gu la me ni po ru sa te vi ro mu ca de fi go lu ma ne pi so tu va re ti")
	filler := make([]string, 6000)
	for i := range filler {
		var b strings.Builder
		for range 2 + rng.IntN(3) {
			b.WriteString(syll[rng.IntN(len(syll))])
		}
		filler[i] = b.String()
	}
	zipf := rand.NewZipf(rng, 1.1, 2, uint64(len(filler)-1))
	word := func() string {
		if rng.IntN(6) == 0 {
			return benchWords[rng.IntN(len(benchWords))]
		}
		return filler[zipf.Uint64()]
	}
	sentence := func(n int) string {
		w := make([]string, n)
		for i := range w {
			w[i] = word()
		}
		return strings.Join(w, " ")
	}
	arts := make([]kb.Article, n)
	for i := range arts {
		arts[i] = kb.Article{Language: "fr", Title: sentence(4 + rng.IntN(5)), Body: sentence(40+rng.IntN(40)) + ".\n\n" + sentence(20+rng.IntN(30)) + ".",
			Visibility: kb.Public, Status: kb.Published, Helpful: int64(rng.IntN(30)), Views: int64(rng.IntN(2000))}
	}
	return arts
}

// typedQueries are what customers type, keystroke by keystroke.
var typedQueries = []string{"réinitialiser mot de passe", "facturé deux fois", "prélèvement sepa refusé", "electricite compteur",
	"résilier abonnement", "carte bancaire expirée", "relance facture impayée", "webhook paiement", "remboursment", "clé api limite"}

func BenchmarkKBSearchAsYouType(b *testing.B) {
	n := 100_000
	if v := os.Getenv(envBenchArticles); v != "" {
		var err error
		if n, err = strconv.Atoi(v); err != nil {
			b.Fatal(err)
		}
	}
	for _, d := range storetest.Dialects {
		b.Run(string(d), func(b *testing.B) {
			s := storetest.Open(b, d)
			ws := benchKBWorkspace(b, s)
			rng := rand.New(rand.NewPCG(1, 2))
			start := time.Now()
			for done := 0; done < n; done += 5000 {
				if err := s.ImportKBArticles(b.Context(), ws, benchArticles(min(5000, n-done), rng)); err != nil {
					b.Fatal(err)
				}
			}
			if d == store.Postgres {
				// The steady state autovacuum keeps: statistics, and the GIN
				// index's pending list merged.
				if _, err := s.DB().Exec(`VACUUM ANALYZE kb_articles`); err != nil {
					b.Fatal(err)
				}
				if _, err := s.DB().Exec(`ANALYZE kb_terms`); err != nil {
					b.Fatal(err)
				}
			}
			b.Logf("%s: %d articles loaded in %v", d, n, time.Since(start).Round(time.Second))
			svc := desk.New(s, nil)
			var keystrokes []string
			for _, q := range typedQueries {
				r := []rune(q)
				for i := 3; i <= len(r); i++ {
					keystrokes = append(keystrokes, string(r[:i]))
				}
			}
			var took []time.Duration
			i := 0
			cpu0 := cpuTime()
			if path := os.Getenv("PALIER_BENCH_CPUPROFILE"); path != "" {
				// The searches only, not the loading (-cpuprofile would
				// profile both).
				f, err := os.Create(path + "." + string(d))
				if err != nil {
					b.Fatal(err)
				}
				if err := pprof.StartCPUProfile(f); err != nil {
					b.Fatal(err)
				}
				defer pprof.StopCPUProfile()
			}
			b.ResetTimer()
			for b.Loop() {
				q := keystrokes[i%len(keystrokes)]
				i++
				t0 := time.Now()
				if _, err := svc.PublicSearch(b.Context(), ws, "fr", q, 8); err != nil {
					b.Fatal(err)
				}
				took = append(took, time.Since(t0))
			}
			// CPU time of this process per search: on a shared machine the
			// wall-clock percentiles include waiting for a core. On
			// PostgreSQL it leaves out the server's own work.
			b.ReportMetric(ms(cpuTime()-cpu0)/float64(len(took)), "cpu-ms/op")
			slices.Sort(took)
			b.ReportMetric(ms(took[len(took)/2]), "p50-ms")
			b.ReportMetric(ms(took[len(took)*99/100]), "p99-ms")
			b.ReportMetric(ms(took[len(took)-1]), "max-ms")
		})
	}
}

// cpuTime is the user and system CPU time this process has used.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

func benchKBWorkspace(b *testing.B, s *store.Store) int64 {
	f := storetest.Seed(b, s)
	return f.WS.ID
}
