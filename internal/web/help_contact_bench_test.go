package web_test

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"syscall"
	"testing"
	"time"

	"github.com/palier/palier/internal/demo"
	"github.com/palier/palier/internal/desk"
	"github.com/palier/palier/internal/store/storetest"
	"github.com/palier/palier/internal/web"
)

// BenchmarkContactSuggestions measures the contact form's suggestions end
// to end, as the browser asks for them while the customer types: the
// HTTP handler parses the request, routing decides whether a human is
// required, the knowledge base is searched (the help centre's ranking),
// the suggestion shown is recorded in the journey, and the fragment is
// rendered. Each iteration is one keystroke's request (the text typed so
// far, word prefixes included), over the demo help centre, on SQLite and
// PostgreSQL. p50/p99 are reported in ms, with this process's CPU time
// per request (cpu-ms/op, from getrusage: on a shared machine wall-clock
// percentiles mostly measure waiting for a core; on PostgreSQL it leaves
// out the server's work).
func BenchmarkContactSuggestions(b *testing.B) {
	typed := []string{"fac", "factur", "facturé deu", "facturé deux fois", "prélèvement en dou", "mot de pa", "mot de passe oubl",
		"virement en att", "carte refu", "charged tw", "export comptable"}
	for _, d := range storetest.Dialects {
		b.Run(string(d), func(b *testing.B) {
			s := storetest.Open(b, d)
			f := storetest.Seed(b, s)
			if _, err := demo.LoadKnowledgeBase(b.Context(), s, f.WS.ID, f.Admin.ID); err != nil {
				b.Fatal(err)
			}
			h, err := web.New(desk.New(s, nil), web.Options{})
			if err != nil {
				b.Fatal(err)
			}
			const tok = "BENCHJOURNEYAAAAAAAAAAAAAA"
			var took []time.Duration
			b.ResetTimer()
			cpu0 := processCPU()
			i := 0
			for b.Loop() {
				q := url.Values{"subject": {typed[i%len(typed)]}, "description": {""}, "request_type": {"billing"}, "j": {tok}}
				req := httptest.NewRequest(http.MethodGet, "/help/contact/suggest?lang=fr&"+q.Encode(), nil)
				req.Header.Set("HX-Request", "true")
				rec := httptest.NewRecorder()
				start := time.Now()
				h.ServeHTTP(rec, req)
				took = append(took, time.Since(start))
				if rec.Code != http.StatusOK {
					b.Fatalf("status %d: %s", rec.Code, rec.Body.String())
				}
				i++
			}
			b.ReportMetric(float64((processCPU()-cpu0).Microseconds())/1000/float64(len(took)), "cpu-ms/op")
			slices.Sort(took)
			b.ReportMetric(float64(took[len(took)/2].Microseconds())/1000, "p50-ms")
			b.ReportMetric(float64(took[len(took)*99/100].Microseconds())/1000, "p99-ms")
		})
	}
}

// processCPU is the user and system CPU time this process has used.
func processCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
