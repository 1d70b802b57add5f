package store_test

import (
	"cmp"
	"database/sql"
	"fmt"
	"maps"
	"math/rand/v2"
	"os"
	"runtime"
	"runtime/pprof"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
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
//	go test -c -o /tmp/store.test ./internal/store
//	cd internal/store && /tmp/store.test -test.run '^$' -test.bench KBSearchAsYouType -test.benchtime 2000x -test.timeout 0 -test.v
//	PALIER_BENCH_ARTICLES=20000 /tmp/store.test -test.run '^$' -test.bench 'KBSearchAsYouType/sqlite' -test.benchtime 1000x
//	PALIER_BENCH_POSTGRES_URL=postgres://…/kb100k /tmp/store.test -test.run '^$' -test.bench 'KBSearchAsYouType/postgres/clients=1' -test.benchtime 2000x -test.v
//
// With PALIER_BENCH_POSTGRES_URL the PostgreSQL articles are loaded once
// into that (empty) database and reused by later runs (kbBenchStore); with
// -test.v each run also logs the costliest keystrokes.
// Each database gets PALIER_BENCH_ARTICLES articles (default 100,000), one
// in five in English, of text with a Zipf-distributed vocabulary mixed
// with real support words, loaded by one import (which compacts the index
// after it, as a production import does). Then customers type real
// queries one keystroke at a time from the third letter; every keystroke
// is one search through desk.PublicSearch (analysis, vocabulary look-ups,
// full-text query, ranking, titles and snippets), in-process. Two
// sub-benchmarks share the loaded database: one customer typing, and
// eight typing at once. Each reports this process's CPU time per
// keystroke (cpu-ms/op, from getrusage: on a shared machine wall-clock
// percentiles mostly measure waiting for a core), on PostgreSQL the
// server's CPU time per keystroke too (server-cpu-ms/op, from /proc), and
// p50/p95/p99/max wall-clock per keystroke, and
// logs p50/p95/p99 per typed query.

const envBenchArticles = "PALIER_BENCH_ARTICLES"

// benchWords are real words customers search for; they are mixed with
// generated filler words so the vocabulary is large and skewed like real
// text.
var benchWords = map[string][]string{
	"fr": strings.Fields(`facture factures facturé facturation paiement payer prélèvement prélevé remboursement rembourser
	abonnement résilier résiliation compte connexion mot passe réinitialiser sécurité authentification carte bancaire expirée
	virement banque rapprochement relance impayée échéance retard avoir erreur client clients import export csv comptabilité
	logiciel synchronisation intégration stripe paypal webhook clé api limite requêtes électricité consommation compteur
	modèle logo mentions légales équipe collaborateur rôle invitation e-mail adresse supprimer données archive mandat sepa
	refusé autorisation téléphone application code secours formule tarif remise devis acompte échéancier tva siret`),
	"en": strings.Fields(`invoice invoices invoiced billing payment pay direct debit refund refunded subscription cancel
	account login password reset security authentication card expired declined transfer bank reconciliation reminder overdue
	due date late credit note error customer customers import export csv accounting software sync integration stripe paypal
	webhook key api limit requests electricity usage meter template logo legal team member role invitation email address
	delete data archive mandate authorisation phone app backup code plan price discount quote deposit schedule vat`),
}

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
	word := func(lang string) string {
		if rng.IntN(6) == 0 {
			return benchWords[lang][rng.IntN(len(benchWords[lang]))]
		}
		return filler[zipf.Uint64()]
	}
	sentence := func(lang string, n int) string {
		w := make([]string, n)
		for i := range w {
			w[i] = word(lang)
		}
		return strings.Join(w, " ")
	}
	arts := make([]kb.Article, n)
	for i := range arts {
		lang := "fr"
		if i%5 == 4 {
			lang = "en"
		}
		arts[i] = kb.Article{Language: lang, Title: sentence(lang, 4+rng.IntN(5)),
			Body:       sentence(lang, 40+rng.IntN(40)) + ".\n\n" + sentence(lang, 20+rng.IntN(30)) + ".",
			Visibility: kb.Public, Status: kb.Published, Helpful: int64(rng.IntN(30)), Views: int64(rng.IntN(2000))}
	}
	return arts
}

// kbBenchStore returns a database of dialect d holding n generated
// articles in workspace ws. On PostgreSQL with PALIER_BENCH_POSTGRES_URL
// set, the articles are kept in that database between runs: an empty
// database is seeded and loaded, one holding n articles is reused (at
// 100,000 articles loading takes minutes, and a measurement right after
// it also measures autovacuum catching up).
func kbBenchStore(b *testing.B, d store.Dialect, n int) (*store.Store, int64) {
	url := os.Getenv(envBenchPostgresURL)
	if d != store.Postgres || url == "" {
		s := storetest.Open(b, d)
		ws := storetest.Seed(b, s).WS.ID
		loadBenchArticles(b, s, ws, n)
		return s, ws
	}
	s := openKept(b, url)
	var ws int64
	var have int
	err := s.DB().QueryRowContext(b.Context(), `SELECT workspace_id, count(*) FROM kb_articles
		GROUP BY workspace_id ORDER BY count(*) DESC LIMIT 1`).Scan(&ws, &have)
	switch {
	case err == sql.ErrNoRows:
		ws = storetest.Seed(b, s).WS.ID
		loadBenchArticles(b, s, ws, n)
		// What autovacuum would do in the minutes after a production import.
		if _, err := s.DB().ExecContext(b.Context(), `VACUUM ANALYZE kb_articles`); err != nil {
			b.Fatal(err)
		}
	case err != nil:
		b.Fatalf("count the kept articles: %v", err)
	case have != n:
		b.Fatalf("kept database %s holds %d articles, want %d (%s)", url, have, n, envBenchArticles)
	default:
		b.Logf("postgres: reusing %d articles in %s", have, url)
	}
	return s, ws
}

// loadBenchArticles imports n generated articles into ws in one import,
// as a production import does (the index is compacted after it).
func loadBenchArticles(b *testing.B, s *store.Store, ws int64, n int) {
	start := time.Now()
	if err := s.ImportKBArticles(b.Context(), ws, benchArticles(n, rand.New(rand.NewPCG(1, 2)))); err != nil {
		b.Fatal(err)
	}
	if s.Dialect() == store.Postgres {
		// The statistics autovacuum keeps.
		for _, table := range []string{"kb_articles", "kb_terms"} {
			if _, err := s.DB().ExecContext(b.Context(), `ANALYZE `+table); err != nil {
				b.Fatal(err)
			}
		}
	}
	b.Logf("%s: %d articles loaded in %v", s.Dialect(), n, time.Since(start).Round(time.Second))
}

// typedQueries are what customers type, keystroke by keystroke, in the
// help centre's language.
var typedQueries = []struct{ lang, q string }{
	{"fr", "réinitialiser mot de passe"}, {"fr", "facture"}, {"fr", "export csv"}, {"fr", "facturé deux fois"},
	{"fr", "prélèvement sepa refusé"}, {"fr", "electricite compteur"}, {"fr", "remboursment"}, {"fr", "clé api limite"},
	{"en", "reset password"}, {"en", "invoice"}, {"en", "export csv"}, {"en", "refund for a declined card"},
}

// keystroke is one search as typed: the query so far and which typed
// query it belongs to.
type keystroke struct {
	lang, q string
	query   int
}

// benchArticleCount is PALIER_BENCH_ARTICLES, 100,000 by default.
func benchArticleCount(b *testing.B) int {
	n := 100_000
	if v := os.Getenv(envBenchArticles); v != "" {
		var err error
		if n, err = strconv.Atoi(v); err != nil {
			b.Fatal(err)
		}
	}
	return n
}

func BenchmarkKBSearchAsYouType(b *testing.B) {
	n := benchArticleCount(b)
	var keys []keystroke
	for i, q := range typedQueries {
		// PALIER_BENCH_ONLY keeps the typed queries containing it (one
		// query's keystrokes, to compare two builds on it).
		if only := os.Getenv("PALIER_BENCH_ONLY"); only != "" && !strings.Contains(q.q, only) {
			continue
		}
		r := []rune(q.q)
		for j := 3; j <= len(r); j++ {
			keys = append(keys, keystroke{q.lang, string(r[:j]), i})
		}
	}
	for _, d := range storetest.Dialects {
		b.Run(string(d), func(b *testing.B) {
			s, ws := kbBenchStore(b, d, n)
			svc := desk.New(s, nil)
			for _, clients := range []int{1, 8} {
				b.Run("clients="+strconv.Itoa(clients), func(b *testing.B) {
					var server, backends func() time.Duration
					if d == store.Postgres {
						server, backends = pgServerCPU(s.DB()), pgBackendsCPU(s.DB())
					}
					benchTyping(b, svc, ws, keys, clients, string(d), server, backends)
				})
			}
		})
	}
}

// benchTyping runs b.N keystrokes, spread over clients customers typing
// at once, and reports CPU time and wall-clock percentiles per keystroke.
//
// With one customer it also measures each keystroke's CPU time: the
// searching thread's own (the goroutine is locked to it; SQLite runs
// there) plus, on PostgreSQL, the server processes' (backends). Their
// percentiles (cpu-p50-ms…) are the latency of a search on an idle core,
// which wall time cannot show on a machine shared by busy neighbours.
func benchTyping(b *testing.B, svc *desk.Service, ws int64, keys []keystroke, clients int, name string, server, backends func() time.Duration) {
	took := make([]time.Duration, b.N)
	spent := make([]time.Duration, b.N) // one customer: CPU per keystroke
	typed := make([]int, b.N)           // which typed query each keystroke belongs to
	var next atomic.Int64
	if path := os.Getenv("PALIER_BENCH_CPUPROFILE"); path != "" {
		// The searches only, not the loading (-cpuprofile would profile
		// both).
		f, err := os.Create(path + "." + name + "." + strconv.Itoa(clients))
		if err != nil {
			b.Fatal(err)
		}
		if err := pprof.StartCPUProfile(f); err != nil {
			b.Fatal(err)
		}
		defer pprof.StopCPUProfile()
	}
	var server0 time.Duration
	if server != nil {
		server0 = server()
	}
	b.ResetTimer()
	cpu0 := cpuTime()
	var wg sync.WaitGroup
	errs := make(chan error, clients)
	for c := range clients {
		wg.Go(func() {
			if clients == 1 {
				runtime.LockOSThread()
				defer runtime.UnlockOSThread()
			}
			// Each customer starts at another query.
			for {
				i := int(next.Add(1)) - 1
				if i >= b.N {
					return
				}
				k := keys[(i+c*len(keys)/clients)%len(keys)]
				typed[i] = k.query
				var c0, s0 time.Duration
				if clients == 1 {
					c0 = threadCPU()
					if backends != nil {
						s0 = backends()
					}
				}
				t0 := time.Now()
				if _, err := svc.PublicSearch(b.Context(), ws, k.lang, k.q, 8); err != nil {
					errs <- err
					return
				}
				took[i] = time.Since(t0)
				if clients == 1 {
					spent[i] = threadCPU() - c0
					if backends != nil {
						spent[i] += backends() - s0
					}
				}
			}
		})
	}
	wg.Wait()
	cpu := cpuTime() - cpu0
	b.StopTimer()
	if server != nil {
		b.ReportMetric(ms(server()-server0)/float64(b.N), "server-cpu-ms/op")
	}
	close(errs)
	if err := <-errs; err != nil {
		b.Fatal(err)
	}
	b.ReportMetric(ms(cpu)/float64(b.N), "cpu-ms/op")
	byQuery := make([][]time.Duration, len(typedQueries))
	cpuByQuery := make([][]time.Duration, len(typedQueries))
	for i, t := range took {
		byQuery[typed[i]] = append(byQuery[typed[i]], t)
		cpuByQuery[typed[i]] = append(cpuByQuery[typed[i]], spent[i])
	}
	p := percentiles(took)
	b.ReportMetric(p[0], "p50-ms")
	b.ReportMetric(p[1], "p95-ms")
	b.ReportMetric(p[2], "p99-ms")
	b.ReportMetric(p[3], "max-ms")
	if clients == 1 {
		p := percentiles(spent)
		b.ReportMetric(p[0], "cpu-p50-ms")
		b.ReportMetric(p[1], "cpu-p95-ms")
		b.ReportMetric(p[2], "cpu-p99-ms")
	}
	if b.N < 10*len(keys) {
		return
	}
	if clients == 1 {
		logCostliestKeystrokes(b, name, keys, spent)
	}
	for i, q := range typedQueries {
		p := percentiles(byQuery[i])
		line := fmt.Sprintf("%s clients=%d %s %-28q wall p50 %6.2f p95 %6.2f p99 %6.2f", name, clients, q.lang, q.q, p[0], p[1], p[2])
		if clients == 1 {
			c := percentiles(cpuByQuery[i])
			line += fmt.Sprintf(" · cpu p50 %5.2f p95 %5.2f p99 %5.2f", c[0], c[1], c[2])
		}
		// Logged lines beyond ten are cut from a benchmark's output
		// unless -test.v is given.
		b.Logf("%s ms (%d keystrokes)", line, len(byQuery[i]))
	}
}

// logCostliestKeystrokes logs the keystrokes of one customer that took the
// most CPU time (their worst run), where a tail comes from.
func logCostliestKeystrokes(b *testing.B, name string, keys []keystroke, spent []time.Duration) {
	worst := map[keystroke]time.Duration{}
	for i, d := range spent {
		k := keys[i%len(keys)]
		worst[k] = max(worst[k], d)
	}
	order := slices.SortedFunc(maps.Keys(worst), func(x, y keystroke) int { return cmp.Compare(worst[y], worst[x]) })
	for _, k := range order[:min(len(order), 10)] {
		b.Logf("%s costliest keystroke %s %-28q cpu %6.2f ms", name, k.lang, k.q, ms(worst[k]))
	}
}

// percentiles returns p50, p95, p99 and the maximum of ts, in ms.
func percentiles(ts []time.Duration) [4]float64 {
	if len(ts) == 0 {
		return [4]float64{}
	}
	ts = slices.Clone(ts)
	slices.Sort(ts)
	at := func(p int) float64 { return ms(ts[min(len(ts)-1, len(ts)*p/100)]) }
	return [4]float64{at(50), at(95), at(99), ms(ts[len(ts)-1])}
}

// cpuTime is the user and system CPU time this process has used.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
