package store_test

import (
	"bufio"
	"context"
	"database/sql"
	"fmt"
	"io"
	"os"
	"runtime"
	"slices"
	"strconv"
	"strings"

	"github.com/palier/palier/internal/store"
)

// memoryReport prints what the process holds: its resident size, the
// anonymous part of it (the Go heap and SQLite's own allocations: its page
// caches and prepared statements; the mapped database file is not
// anonymous), the Go heap after a collection, and the statements the read
// pool's cache keeps. (sqlite3_memory_used reads 0: this build of SQLite
// keeps no count.)
func memoryReport(w io.Writer, s *store.Store, when string) {
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	n, text := store.ReadStatements(s)
	fmt.Fprintf(w, "memory %s: VmRSS %s, RssAnon %s, Go heap in use %.1f MiB; read cache %d statements, %.1f KiB of text\n",
		when, procStatus("VmRSS"), procStatus("RssAnon"), float64(m.HeapInuse)/(1<<20), n, float64(text)/(1<<10))
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
func listTexts(w io.Writer, db *benchDB, combos []listCombo) []string {
	seen := map[string]bool{}
	var texts []string
	sum, longest := 0, 0
	for _, c := range combos {
		q, _, err := c.filter.ListQuery(db.s.Dialect(), db.f.WS.ID, c.cursor, 50)
		if err != nil || seen[q] {
			continue
		}
		seen[q] = true
		texts = append(texts, q)
		sum += len(q)
		longest = max(longest, len(q))
	}
	fmt.Fprintf(w, "list texts: %d combinations, %d distinct texts, %.1f KiB summed, longest %d bytes\n",
		len(combos), len(seen), float64(sum)/(1<<10), longest)
	return texts
}

// statementMemory prepares each text once on a connection of its own to
// the SQLite file, longest first, and prints the anonymous memory and Go
// heap each group of statements added: what one read connection pays to
// keep the matrix's statements prepared (the pool pays it per connection).
func statementMemory(w io.Writer, path string, texts []string) error {
	ctx := context.Background()
	db, err := sql.Open("sqlite", "file:"+path+"?mode=ro")
	if err != nil {
		return err
	}
	defer db.Close()
	conn, err := db.Conn(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	if err := conn.PingContext(ctx); err != nil {
		return err
	}
	slices.SortFunc(texts, func(a, b string) int { return len(b) - len(a) })
	var kept []*sql.Stmt
	defer func() {
		for _, st := range kept {
			st.Close()
		}
	}()
	for _, over := range []int{8 << 10, 4 << 10, 0} {
		anon, heap := anonKB(), heapKB()
		n, text := 0, 0
		for len(kept) < len(texts) && len(texts[len(kept)]) > over {
			st, err := conn.PrepareContext(ctx, texts[len(kept)])
			if err != nil {
				return fmt.Errorf("prepare: %w", err)
			}
			text += len(texts[len(kept)])
			kept = append(kept, st)
			n++
		}
		if n == 0 {
			continue
		}
		da, dh := anonKB()-anon, heapKB()-heap
		fmt.Fprintf(w, "prepared on one connection, texts over %d bytes: %d statements (%.0f KiB of text): +%d KiB anonymous (%.1f KiB each), +%d KiB Go heap\n",
			over, n, float64(text)/(1<<10), da, float64(da)/float64(n), dh)
	}
	return nil
}

func anonKB() int {
	kb, _ := strconv.Atoi(strings.TrimSuffix(procStatus("RssAnon"), " kB"))
	return kb
}

func heapKB() int {
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return int(m.HeapInuse >> 10)
}
