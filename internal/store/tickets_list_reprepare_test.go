package store_test

import (
	"strconv"
	"strings"
	"testing"
	"unsafe"

	"modernc.org/libc"
	sqlite3 "modernc.org/sqlite/lib"

	"github.com/palier/palier/internal/store"
	"github.com/palier/palier/internal/store/storetest"
	"github.com/palier/palier/internal/ticket"
)

// TestTicketListStatementCompiledOnce runs an L1 agent's and an admin's
// list and count queries on one SQLite connection, as the read pool's cached
// statements are run, with their values and then with every number moved
// away from 0 and 1 and back (another workspace, tier, agent, priority key),
// and checks that SQLite never compiles a statement again (its
// SQLITE_STMTSTATUS_REPREPARE counter, which database/sql does not reach):
// written as bare parameters, each statement was compiled twice on its
// first run and again at each such change (see unplannedParams).
func TestTicketListStatementCompiledOnce(t *testing.T) {
	url := storetest.NewURL(t, store.SQLite)
	s := storetest.OpenURL(t, url)
	f := storetest.Seed(t, s)
	agent := storetest.Actor(t, s, f.AgentL1)
	admin := storetest.Actor(t, s, f.Admin)
	tls := libc.NewTLS()
	defer tls.Close()
	db := openRaw(t, tls, strings.TrimPrefix(url, "sqlite:"))
	defer sqlite3.Xsqlite3_close(tls, db)
	for _, c := range []struct {
		name   string
		filter store.Filter
		cursor string
	}{
		{"agent, all, newest", store.Filter{Viewer: &agent}, ""},
		{"agent, tier L1, priority, deep", store.Filter{Viewer: &agent, TierIDs: []int64{f.Tier["L1"].ID}, Sort: "priority"}, cursorOf("priority", 1, 3)},
		{"admin, open, updated, deep", store.Filter{Viewer: &admin, Statuses: []ticket.Status{ticket.Open}, Sort: "updated"}, cursorOf("updated", 1, 3)},
	} {
		query, args, err := c.filter.ListQuery(store.SQLite, f.WS.ID, c.cursor, 50)
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		countQuery, countArgs := c.filter.CountQuery(store.SQLite, f.WS.ID, 1000)
		for _, q := range []struct {
			what  string
			query string
			args  []any
		}{{"page", query, args}, {"count", countQuery, countArgs}} {
			st := prepareRaw(t, tls, db, q.query)
			for _, shift := range []int64{0, 100, 0} {
				runRaw(t, tls, st, q.args, shift)
			}
			if n := sqlite3.Xsqlite3_stmt_status(tls, st, sqlite3.SQLITE_STMTSTATUS_REPREPARE, 0); n != 0 {
				t.Errorf("%s, %s: SQLite compiled the statement %d more times over 3 runs", c.name, q.what, n)
			}
			sqlite3.Xsqlite3_finalize(tls, st)
		}
	}
}

func openRaw(t *testing.T, tls *libc.TLS, path string) uintptr {
	return rawHandle(t, tls, "open "+path, path, func(z, out uintptr) int32 {
		return sqlite3.Xsqlite3_open_v2(tls, z, out, sqlite3.SQLITE_OPEN_READONLY, 0)
	})
}

func prepareRaw(t *testing.T, tls *libc.TLS, db uintptr, query string) uintptr {
	return rawHandle(t, tls, "prepare", query, func(z, out uintptr) int32 {
		return sqlite3.Xsqlite3_prepare_v2(tls, db, z, -1, out, 0)
	})
}

// rawHandle calls SQLite with a C copy of s and a slot for the handle it
// makes (a database or a statement), and returns that handle.
func rawHandle(t *testing.T, tls *libc.TLS, what, s string, call func(z, out uintptr) int32) uintptr {
	z, err := libc.CString(s)
	if err != nil {
		t.Fatal(err)
	}
	defer libc.Xfree(tls, z)
	out := tls.Alloc(8)
	defer tls.Free(8)
	if rc := call(z, out); rc != sqlite3.SQLITE_OK {
		t.Fatalf("%s: %d", what, rc)
	}
	return readPointer(out)
}

// runRaw binds args as modernc's driver does (by the parameters' names,
// booleans as 0 and 1, texts unbound after the run), each number plus
// shift, and steps the statement to its end.
func runRaw(t *testing.T, tls *libc.TLS, st uintptr, args []any, shift int64) {
	var texts []uintptr
	var textParams []int32
	for i := int32(1); i <= sqlite3.Xsqlite3_bind_parameter_count(tls, st); i++ {
		name := libc.GoString(sqlite3.Xsqlite3_bind_parameter_name(tls, st, i))
		n, err := strconv.Atoi(strings.TrimPrefix(name, "$"))
		if err != nil || n < 1 || n > len(args) {
			t.Fatalf("parameter %q", name)
		}
		rc := int32(sqlite3.SQLITE_OK)
		switch v := args[n-1].(type) {
		case int64:
			rc = sqlite3.Xsqlite3_bind_int64(tls, st, i, v+shift)
		case int:
			rc = sqlite3.Xsqlite3_bind_int64(tls, st, i, int64(v)+shift)
		case bool:
			b := int64(0)
			if v {
				b = 1
			}
			rc = sqlite3.Xsqlite3_bind_int64(tls, st, i, b)
		case string:
			z, _ := libc.CString(v)
			texts, textParams = append(texts, z), append(textParams, i)
			rc = sqlite3.Xsqlite3_bind_text(tls, st, i, z, int32(len(v)), 0)
		default:
			t.Fatalf("parameter %s: %T", name, v)
		}
		if rc != sqlite3.SQLITE_OK {
			t.Fatalf("bind %s: %d", name, rc)
		}
	}
	for {
		rc := sqlite3.Xsqlite3_step(tls, st)
		if rc == sqlite3.SQLITE_DONE {
			break
		}
		if rc != sqlite3.SQLITE_ROW {
			t.Fatalf("step: %d", rc)
		}
	}
	sqlite3.Xsqlite3_reset(tls, st)
	for i, p := range textParams {
		sqlite3.Xsqlite3_bind_null(tls, st, p)
		libc.Xfree(tls, texts[i])
	}
}

// readPointer reads the pointer SQLite wrote at p, in memory libc
// allocated (tls.Alloc), which Go's collector neither moves nor frees.
func readPointer(p uintptr) uintptr {
	return *(*uintptr)(unsafe.Add(unsafe.Pointer(nil), p))
}
