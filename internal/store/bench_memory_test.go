package store_test

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"runtime"
	"strings"

	"modernc.org/libc"
	sqlite3 "modernc.org/sqlite/lib"

	"github.com/palier/palier/internal/store"
)

// memoryReport prints what the process holds: its resident size, the
// anonymous part of it (the Go heap and SQLite's own allocations: its page
// caches and prepared statements; the mapped database file is not
// anonymous), the Go heap after a collection, and the statements the read
// pool's cache keeps, and the memory SQLite itself says it holds (every
// connection's page cache and prepared statements; sqlite3_memory_used).
// Run after a matrix, it shows what the cached list statements cost.
func memoryReport(w io.Writer, s *store.Store, when string) {
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	n, text := store.ReadStatements(s)
	tls := libc.NewTLS()
	defer tls.Close()
	fmt.Fprintf(w, "memory %s: VmRSS %s, RssAnon %s, Go heap in use %.1f MiB, SQLite %.1f MiB; read cache %d statements, %.1f KiB of text\n",
		when, procStatus("VmRSS"), procStatus("RssAnon"), float64(m.HeapInuse)/(1<<20),
		float64(sqlite3.Xsqlite3_memory_used(tls))/(1<<20), n, float64(text)/(1<<10))
}

// procStatus reads one field of /proc/self/status ("123456 kB"), or "?".
func procStatus(field string) string {
	f, err := os.Open("/proc/self/status")
	if err != nil {
		return "?"
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), field+":"); ok {
			return strings.TrimSpace(v)
		}
	}
	return "?"
}

// listTexts counts the distinct query texts a matrix's combinations run,
// their summed and largest length: what the statement cache must hold to
// prepare each once per connection.
func listTexts(w io.Writer, db *benchDB, combos []listCombo) {
	seen := map[string]bool{}
	sum, longest := 0, 0
	for _, c := range combos {
		q, _, err := c.filter.ListQuery(db.s.Dialect(), db.f.WS.ID, c.cursor, 50)
		if err != nil || seen[q] {
			continue
		}
		seen[q] = true
		sum += len(q)
		longest = max(longest, len(q))
	}
	fmt.Fprintf(w, "list texts: %d combinations, %d distinct texts, %.1f KiB summed, longest %d bytes\n",
		len(combos), len(seen), float64(sum)/(1<<10), longest)
}
