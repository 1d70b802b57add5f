package store_test

import (
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/palier/palier/internal/desk"
	"github.com/palier/palier/internal/store/storetest"
)

// BenchmarkKBSearchRanks writes the top ten article ids of every
// keystroke of BenchmarkKBSearchAsYouType, one line per keystroke, to the
// file PALIER_BENCH_RANKS names, on the same (kept) database: a change to
// how the search finds its candidates must leave these lines unchanged
// (compare the files of two builds with diff). It measures nothing.
//
//	PALIER_BENCH_RANKS=/tmp/ranks.before PALIER_BENCH_POSTGRES_URL=… /tmp/store.test -test.run '^$' -test.bench 'KBSearchRanks/postgres' -test.benchtime 1x
func BenchmarkKBSearchRanks(b *testing.B) {
	path := os.Getenv("PALIER_BENCH_RANKS")
	if path == "" {
		b.Skip("PALIER_BENCH_RANKS names no file")
	}
	for _, d := range storetest.Dialects {
		b.Run(string(d), func(b *testing.B) {
			s, ws := kbBenchStore(b, d, benchArticleCount(b))
			svc := desk.New(s, nil)
			var out strings.Builder
			for _, q := range typedQueries {
				r := []rune(q.q)
				for j := 3; j <= len(r); j++ {
					hits, err := svc.PublicSearch(b.Context(), ws, q.lang, string(r[:j]), 10)
					if err != nil {
						b.Fatal(err)
					}
					fmt.Fprintf(&out, "%s %q", q.lang, string(r[:j]))
					for _, h := range hits {
						fmt.Fprintf(&out, " %d", h.ID)
					}
					out.WriteString("\n")
				}
			}
			if err := os.WriteFile(path+"."+string(d), []byte(out.String()), 0o644); err != nil {
				b.Fatal(err)
			}
		})
	}
}
