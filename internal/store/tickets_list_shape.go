package store

import (
	"encoding/base64"
	"slices"
	"strconv"
	"strings"
	"sync"
)

// The list's query text, kept per shape. Building an L1 agent's page query
// (up to 13 KB of text, a union of up to 32 seeks) cost ~29 µs and ~20 KB
// in ~120 allocations a call, the same text for every call of one shape
// (bench/README.md, eleventh session, sqlists2). The text depends on the
// filter's values only through which of them are zero and which are equal
// to one another (the owner filter is the viewer, a filtered tier is one of
// the viewer's, a tier named twice): values are parameters. So a call's
// shape is its filter with each distinct id replaced by the order of its
// first appearance, and the cached entry is the query built for that
// renamed filter, with each parameter noted as one of the call's values or
// a constant of the shape (the active flags, the statuses, which the key
// spells out).

// shapeID is the renamed value of the i-th distinct id of a call: far
// above any real id, so that a renamed value found among the arguments can
// only be that id's parameter. The cursor's key and id and the limit have
// sentinels of their own.
const (
	shapeID       int64 = 1 << 53
	shapeCursorAt int64 = 1<<54 + 1 // the cursor's sort key
	shapeCursorID int64 = 1<<54 + 2 // the cursor's ticket id
	shapeLimit    int   = 1 << 30   // the page's limit (the query asks limit+1)
	// shapeMark is the decimal start of every shapeID: met in a query's
	// text, a value was written out instead of passed, and the text is
	// not the shape's.
	shapeMark = "90071992547409"
	// maxListShapeText bounds the cache by its summed query text, as the
	// statement cache is (cachedTextBudget, which holds the matrix's ~540
	// shapes, 1.3 MiB): a caller inventing shapes (long tier lists) only
	// clears it now and then.
	maxListShapeText = cachedTextBudget
)

// shapeSlot is a parameter of a cached query filled from the call: the
// index of one of its distinct ids, or one of the slots below.
type shapeSlot int

const (
	slotCursorKey shapeSlot = -1 - iota // the cursor's sort key
	slotCursorID                        // the cursor's ticket id
	slotLimit                           // the page's limit + 1
)

// listShape is a cached page (sqlitePage) whose parameters are each a
// shapeSlot or a constant of the shape.
type listShape = sqlitePage

var listShapes = struct {
	sync.RWMutex
	m    map[string]*listShape
	text int // summed length of the cached queries
}{m: map[string]*listShape{}}

// shapedPage is sqlitePage through the cache of shapes; SQLite only: on
// PostgreSQL a page's cost is its planning (bench/README.md, eleventh
// session, pggeneric), beside which building its text was not measured.
func (f Filter) shapedPage(wsID int64, cursor string, limit int) (sqlitePage, error) {
	d := SQLite
	sort := f.Sort
	if sort == "" {
		sort = "newest"
	}
	at, id, err := decodeCursor(cursor, sort)
	if err != nil {
		// sqlitePage reports it, or the error it meets first.
		return f.sqlitePage(wsID, cursor, limit)
	}
	var r shapeRenamer
	canon, ws := r.filter(f, wsID)
	key := r.key(d, f, cursor != "")
	listShapes.RLock()
	sh := listShapes.m[key]
	listShapes.RUnlock()
	if sh == nil {
		if sh = buildShape(canon, ws, sort, cursor != ""); sh == nil {
			return f.sqlitePage(wsID, cursor, limit)
		}
		listShapes.Lock()
		if listShapes.text+sh.text() > maxListShapeText {
			clear(listShapes.m)
			listShapes.text = 0
		}
		if listShapes.m[key] == nil {
			listShapes.text += sh.text()
		}
		listShapes.m[key] = sh
		listShapes.Unlock()
	}
	args := make([]any, len(sh.args))
	for i, a := range sh.args {
		s, ok := a.(shapeSlot)
		switch {
		case !ok:
			args[i] = a
		case s == slotCursorKey:
			args[i] = at
		case s == slotCursorID:
			args[i] = id
		case s == slotLimit:
			args[i] = limit + 1
		default:
			args[i] = r.ids[s]
		}
	}
	return sqlitePage{query: sh.query, seeks: sh.seeks, use: sh.use, phase: sh.phase, args: args}, nil
}

// buildShape builds the renamed filter's page and notes where each of its
// parameters comes from; nil when one is neither a renamed value nor a
// constant the key spells out (the page is then built per call).
func buildShape(canon Filter, ws int64, sort string, paged bool) *listShape {
	cursor := ""
	if paged {
		cursor = base64.RawURLEncoding.EncodeToString([]byte(sort + ":" + strconv.FormatInt(shapeCursorAt, 10) + ":" + strconv.FormatInt(shapeCursorID, 10)))
	}
	pg, err := canon.sqlitePage(ws, cursor, shapeLimit)
	if err != nil || strings.Contains(pg.query, shapeMark) || slices.ContainsFunc(pg.seeks, func(q string) bool { return strings.Contains(q, shapeMark) }) {
		return nil
	}
	args := pg.args
	for i, a := range args {
		switch v := a.(type) {
		case int64:
			switch {
			case v == shapeCursorAt:
				args[i] = slotCursorKey
			case v == shapeCursorID:
				args[i] = slotCursorID
			case v >= shapeID && v < shapeID+maxShapeIDs:
				args[i] = shapeSlot(v - shapeID)
			default:
				return nil
			}
		case int:
			if v != shapeLimit+1 {
				return nil
			}
			args[i] = slotLimit
		case bool, string:
		default:
			return nil
		}
	}
	return &pg
}

// maxShapeIDs bounds the distinct ids of one call (a renamed value past it
// would not be told from a constant).
const maxShapeIDs = 1 << 20

// shapeRenamer renames a call's ids in order of first appearance (0 stays
// 0) and spells the call's shape as a key.
type shapeRenamer struct {
	ids []int64
	b   []byte
}

// id renames one id and writes its new name to the key.
func (r *shapeRenamer) id(v int64) int64 {
	if v == 0 {
		r.b = append(r.b, '-', ',')
		return 0
	}
	i := 0
	for i < len(r.ids) && r.ids[i] != v {
		i++
	}
	if i == len(r.ids) {
		r.ids = append(r.ids, v)
	}
	r.b = strconv.AppendInt(r.b, int64(i), 10)
	r.b = append(r.b, ',')
	return shapeID + int64(i)
}

func (r *shapeRenamer) list(vs []int64) []int64 {
	if vs == nil {
		r.b = append(r.b, 'n')
		return nil
	}
	out := make([]int64, len(vs))
	r.b = append(r.b, '[')
	for i, v := range vs {
		out[i] = r.id(v)
	}
	r.b = append(r.b, ']')
	return out
}

// filter returns the filter and workspace with every id renamed; the
// viewer is copied, not changed.
func (r *shapeRenamer) filter(f Filter, wsID int64) (Filter, int64) {
	ws := r.id(wsID)
	if f.Viewer != nil {
		v := *f.Viewer
		v.AgentID = r.id(v.AgentID)
		v.WorkspaceID = 0
		v.TierIDs = r.list(v.TierIDs)
		v.TeamIDs = r.list(v.TeamIDs)
		f.Viewer = &v
	}
	f.TierIDs = r.list(f.TierIDs)
	f.TeamID = r.id(f.TeamID)
	f.OwnerID = r.id(f.OwnerID)
	f.CollaboratorID = r.id(f.CollaboratorID)
	f.HandedOffBy = r.id(f.HandedOffBy)
	f.RequestTypeID = r.id(f.RequestTypeID)
	f.CustomerID = r.id(f.CustomerID)
	return f, ws
}

// key is the shape: the renamed ids (written by filter) and everything else
// the query's text depends on.
func (r *shapeRenamer) key(d Dialect, f Filter, paged bool) string {
	r.b = append(r.b, '|')
	r.b = append(r.b, string(d)...)
	r.b = append(r.b, '|')
	r.b = append(r.b, f.Sort...)
	r.b = strconv.AppendBool(append(r.b, '|'), paged)
	r.b = strconv.AppendBool(append(r.b, '|'), f.Unassigned)
	r.b = strconv.AppendBool(append(r.b, '|'), f.ActiveOnly)
	r.b = append(r.b, '|')
	if f.Viewer != nil {
		r.b = append(r.b, string(f.Viewer.Role)...)
	} else {
		r.b = append(r.b, '*')
	}
	for _, st := range f.Statuses {
		r.b = append(append(r.b, '|'), string(st)...)
	}
	return string(r.b)
}
