package store

import (
	"encoding/base64"
	"fmt"
	"math/rand/v2"
	"reflect"
	"testing"

	"github.com/palier/palier/internal/auth"
	"github.com/palier/palier/internal/ticket"
	"github.com/palier/palier/internal/workspace"
)

// TestTicketListShapeCacheBuildsEachCallsQuery checks that a page's query
// read from the cache of shapes is, text and parameters, the one built for
// the call itself, over random filters whose ids are drawn from a few
// values, so that calls of one shape with other values, and calls that
// differ only in which ids are equal (the owner filter is the viewer, a
// filtered tier is the viewer's, a tier named twice) or zero, follow one
// another in the cache.
func TestTicketListShapeCacheBuildsEachCallsQuery(t *testing.T) {
	listShapes.Lock()
	clear(listShapes.m)
	listShapes.text = 0
	listShapes.Unlock()
	rng := rand.New(rand.NewPCG(9, 11))
	pool := make([]listCall, 400)
	for i := range pool {
		pool[i] = randomListCall(rng)
	}
	hits := 0
	for i := range 8000 {
		c := pool[rng.IntN(len(pool))]
		switch rng.IntN(4) {
		case 0, 1:
			c = c.renamed(rng) // the same shape, other values
		case 2:
			c = c.varied(rng) // a shape one step away
		}
		f, ws, cursor, limit := c.f, c.ws, c.cursor, c.limit
		if shapeCached(f, ws, cursor) {
			hits++
		}
		want, wantErr := f.sqlitePage(ws, cursor, limit)
		got, gotErr := f.shapedPage(ws, cursor, limit)
		call := fmt.Sprintf("call %d: ws %d, cursor %q, limit %d, filter %+v, viewer %+v", i, ws, cursor, limit, f, f.Viewer)
		if fmt.Sprint(gotErr) != fmt.Sprint(wantErr) {
			t.Fatalf("%s: error %v, want %v", call, gotErr, wantErr)
		}
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("%s: page\n%+v\nwant\n%+v", call, got, want)
		}
	}
	t.Logf("%d calls of 8000 found their shape cached", hits)
	// The draw must revisit shapes, or the cache was never read.
	if hits < 4000 {
		t.Fatalf("%d calls of 8000 found their shape cached: the test no longer exercises the cache", hits)
	}
}

// shapeCached tells whether a call's shape is in the cache.
func shapeCached(f Filter, ws int64, cursor string) bool {
	var r shapeRenamer
	r.filter(f, ws)
	listShapes.RLock()
	defer listShapes.RUnlock()
	return listShapes.m[r.key(SQLite, f, cursor != "")] != nil
}

type listCall struct {
	f      Filter
	ws     int64
	cursor string
	limit  int
}

// randomListCall draws a list call whose ids come from {0, 1, 2, 3}.
func randomListCall(rng *rand.Rand) listCall {
	id := func() int64 { return rng.Int64N(4) }
	some := func() int64 {
		if rng.IntN(3) > 0 {
			return 0
		}
		return id()
	}
	ids := func() []int64 {
		if rng.IntN(2) == 0 {
			return nil
		}
		out := make([]int64, 1+rng.IntN(3))
		for i := range out {
			out[i] = 1 + rng.Int64N(3)
		}
		return out
	}
	f := Filter{TierIDs: ids(), TeamID: some(), OwnerID: some(), Unassigned: rng.IntN(6) == 0,
		CollaboratorID: some(), HandedOffBy: some(), ActiveOnly: rng.IntN(6) == 0,
		RequestTypeID: some(), CustomerID: some(), Sort: append(Sorts, "")[rng.IntN(len(Sorts)+1)]}
	for _, st := range ticket.Statuses {
		if rng.IntN(4) == 0 {
			f.Statuses = append(f.Statuses, st)
		}
	}
	if rng.IntN(5) > 0 {
		f.Viewer = &auth.Actor{AgentID: 1 + rng.Int64N(3), Role: workspace.Roles[rng.IntN(len(workspace.Roles))],
			TierIDs: ids(), TeamIDs: ids()}
	}
	c := listCall{f: f, ws: 1 + rng.Int64N(2), limit: clampLimit([]int{0, 1, 50, 200, 500}[rng.IntN(5)])}
	if rng.IntN(2) == 0 {
		c.cursor = randomCursor(rng, f.Sort)
	}
	return c
}

func randomCursor(rng *rand.Rand, sort string) string {
	if sort == "" {
		sort = "newest"
	}
	return base64.RawURLEncoding.EncodeToString(fmt.Appendf(nil, "%s:%d:%d", sort, rng.Int64N(4), 1+rng.Int64N(1000)))
}

// renamed is the call with its ids mapped one to one onto others (the
// same zeros, the same equalities: the same shape), another cursor
// position and limit.
func (c listCall) renamed(rng *rand.Rand) listCall {
	to := map[int64]int64{0: 0}
	for _, v := range rng.Perm(9) {
		to[int64(len(to))] = int64(v + 10)
	}
	ids := func(vs []int64) []int64 {
		if vs == nil {
			return nil
		}
		out := make([]int64, len(vs))
		for i, v := range vs {
			out[i] = to[v]
		}
		return out
	}
	f := c.f
	f.TierIDs, f.TeamID, f.OwnerID = ids(f.TierIDs), to[f.TeamID], to[f.OwnerID]
	f.CollaboratorID, f.HandedOffBy, f.RequestTypeID, f.CustomerID = to[f.CollaboratorID], to[f.HandedOffBy], to[f.RequestTypeID], to[f.CustomerID]
	if f.Viewer != nil {
		v := *f.Viewer
		v.AgentID, v.TierIDs, v.TeamIDs = to[v.AgentID], ids(v.TierIDs), ids(v.TeamIDs)
		f.Viewer = &v
	}
	out := listCall{f: f, ws: to[c.ws], limit: clampLimit(rng.IntN(300))}
	if c.cursor != "" {
		out.cursor = randomCursor(rng, f.Sort)
	}
	return out
}

// varied is the call changed in one thing the query's text may depend
// on, the rest kept: the viewer's role, whether the owner filter is the
// viewer, whether a filtered tier is one of the viewer's or named twice,
// a flag, the statuses, the sort, the cursor.
func (c listCall) varied(rng *rand.Rand) listCall {
	f := c.f
	if f.Viewer != nil {
		v := *f.Viewer
		f.Viewer = &v
	}
	f.TierIDs = append([]int64(nil), f.TierIDs...)
	switch rng.IntN(9) {
	case 0:
		if f.Viewer != nil {
			f.Viewer.Role = workspace.Roles[rng.IntN(len(workspace.Roles))]
		}
	case 1:
		if f.Viewer != nil {
			f.OwnerID = f.Viewer.AgentID
		}
	case 2:
		if f.Viewer != nil && len(f.Viewer.TierIDs) > 0 {
			f.TierIDs = append(f.TierIDs, f.Viewer.TierIDs[rng.IntN(len(f.Viewer.TierIDs))])
		}
	case 3:
		if len(f.TierIDs) > 0 {
			f.TierIDs = append(f.TierIDs, f.TierIDs[0])
		}
	case 4:
		f.Unassigned = !f.Unassigned
	case 5:
		f.ActiveOnly = !f.ActiveOnly
	case 6:
		f.Statuses = []ticket.Status{ticket.Statuses[rng.IntN(len(ticket.Statuses))]}
	case 7:
		f.Sort = Sorts[rng.IntN(len(Sorts))]
		c.cursor = ""
	case 8:
		if f.Viewer != nil {
			f.HandedOffBy = f.Viewer.AgentID
		}
	}
	if c.cursor != "" || rng.IntN(4) == 0 {
		c.cursor = randomCursor(rng, f.Sort)
	}
	c.f = f
	return c
}

// TestTicketListShapeKeyCoversEveryField pins the fields of Filter and of
// its viewer (auth.Actor) that the shape key was written for. A field added
// to either may change the query's text (a new filter, a new rule of
// access): served from a shape that ignores it, one viewer's query would
// answer another's. Add it to shapeRenamer (renamed if it is an id, spelled
// in key otherwise, or noted here as not read by the list), then here.
func TestTicketListShapeKeyCoversEveryField(t *testing.T) {
	for _, c := range []struct {
		typ  reflect.Type
		want []string
	}{
		{reflect.TypeFor[Filter](), []string{"Viewer", "TierIDs", "TeamID", "OwnerID", "Unassigned", "CollaboratorID", "HandedOffBy", "Statuses", "ActiveOnly", "RequestTypeID", "CustomerID", "Sort"}},
		// Name, Email, Language and Timezone are not read by the list.
		{reflect.TypeFor[auth.Actor](), []string{"AgentID", "WorkspaceID", "Name", "Email", "Role", "Language", "Timezone", "TierIDs", "TeamIDs"}},
	} {
		var got []string
		for f := range c.typ.Fields() {
			got = append(got, f.Name)
		}
		if !reflect.DeepEqual(got, c.want) {
			t.Errorf("%s has fields %v; the list's shape key was written for %v: see tickets_list_shape.go", c.typ, got, c.want)
		}
	}
}
