package api

import (
	"context"
	"strconv"

	"github.com/palier/palier/internal/auth"
)

// The shapes handlers share: parse the request, call the desk, render its
// answer as the resource's output type. Each lives here once, so that a
// handler states only what differs (which desk call, which output type).

// render serves a desk call's answer through out: its error as it is, or
// the value as its output type. Use: render(agentOut)(a.desk.Member(…)).
func render[T, U any](out func(T) U) func(T, error) (any, error) {
	return func(v T, err error) (any, error) {
		if err != nil {
			return nil, err
		}
		return out(v), nil
	}
}

// renderWith is render for an output that takes more reads, which may
// fail (an article's translations, a ticket's links).
func renderWith[T, U any](out func(T) (U, error)) func(T, error) (any, error) {
	return func(v T, err error) (any, error) {
		if err != nil {
			return nil, err
		}
		return out(v)
	}
}

// each converts a list for output.
func each[T, U any](list []T, out func(T) U) []U {
	res := make([]U, len(list))
	for i, v := range list {
		res[i] = out(v)
	}
	return res
}

// cursorPage serves a list read newest first in pages: the cursor and
// limit of the query, limit+1 items fetched before the cursor's id (the
// extra one only says another page exists), each as its output type.
func cursorPage[T, U any](c *call, kind string, fetch func(before int64, limit int) ([]T, error), out func(T) U, id func(U) int64) (any, error) {
	before, err := parseIDCursor(kind, c.r.URL.Query().Get("cursor"))
	if err != nil {
		return nil, err
	}
	limit := int(c.integer("limit", defaultLimit))
	list, err := fetch(before, limit+1)
	if err != nil {
		return nil, err
	}
	return pageOf(each(list, out), limit, kind, id), nil
}

// patch is an update by PATCH-like PUT: the resource at the path's id read
// as the caller may see it, the body decoded over its current values (a
// field left out keeps its value), saved, and read back.
func patch[T, B, U any](c *call, get func(context.Context, auth.Actor, int64) (T, error), bodyOf func(T) B,
	save func(ctx context.Context, a auth.Actor, id int64, in B) error, out func(T) U) (any, error) {
	id, err := c.id("id")
	if err != nil {
		return nil, err
	}
	ctx := c.r.Context()
	cur, err := get(ctx, c.actor, id)
	if err != nil {
		return nil, err
	}
	in := bodyOf(cur)
	if err := c.decode(&in); err != nil {
		return nil, err
	}
	if err := save(ctx, c.actor, id, in); err != nil {
		return nil, err
	}
	return render(out)(get(ctx, c.actor, id))
}

// answerFunc renders what a desk call gave back: render for a plain answer,
// createdAt for a new resource, or a handler's own (an article with its
// translations, a message with its files).
type answerFunc[T any] = func(T, error) (any, error)

// createdAt answers a new resource: 201 Created, at the address at names
// ("" for none), as its output type.
func createdAt[T, U any](c *call, out func(T) U, at func(U) string) answerFunc[T] {
	return func(v T, err error) (any, error) {
		if err != nil {
			return nil, err
		}
		res := out(v)
		c.created(at(res))
		return res, nil
	}
}

// pathOf is the address of the object id of the collection at path (e.g.
// "/macros"): where a Location header or a link sends the client.
func pathOf(collection string, id int64) string {
	return Prefix + collection + "/" + strconv.FormatInt(id, 10)
}

// noLocation is for createdAt: resources listed as one page have no URL of
// their own.
func noLocation[U any](U) string { return "" }

// byID calls the desk on the resource at the path's id (a read, a
// revocation…) and answers what it gives back.
func byID[T any](c *call, call func(context.Context, auth.Actor, int64) (T, error), ans answerFunc[T]) (any, error) {
	id, err := c.id("id")
	if err != nil {
		return nil, err
	}
	return ans(call(c.r.Context(), c.actor, id))
}

// withBody reads the path's id and the JSON body, hands both to the desk
// and answers what it gives back.
func withBody[B, T any](c *call, call func(ctx context.Context, a auth.Actor, id int64, in B) (T, error), ans answerFunc[T]) (any, error) {
	var in B
	id, err := c.idAndBody(&in)
	if err != nil {
		return nil, err
	}
	return ans(call(c.r.Context(), c.actor, id, in))
}

// fromBody decodes the body over in (which holds the defaults), hands it to
// the desk and answers what it gives back (usually createdAt).
func fromBody[B, T any](c *call, in B, call func(ctx context.Context, a auth.Actor, in B) (T, error), ans answerFunc[T]) (any, error) {
	if err := c.decode(&in); err != nil {
		return nil, err
	}
	return ans(call(c.r.Context(), c.actor, in))
}

// idAndBody reads the path's id, then decodes the JSON body into in.
func (c *call) idAndBody(in any) (int64, error) {
	id, err := c.id("id")
	if err != nil {
		return 0, err
	}
	return id, c.decode(in)
}

// twoIDs reads the path's two ids, first then second.
func (c *call) twoIDs(first, second string) (int64, int64, error) {
	a, err := c.id(first)
	if err != nil {
		return 0, 0, err
	}
	b, err := c.id(second)
	return a, b, err
}

// idAndNoBody reads the path's id named name, on a route that takes no
// body (an empty one, or none at all, is fine).
func (c *call) idAndNoBody(name string) (int64, error) {
	id, err := c.id(name)
	if err != nil {
		return 0, err
	}
	return id, c.noBody()
}

// dataList is a list answered whole, in one piece: {"data": [...]}.
type dataList[T any] struct {
	Data []T `json:"data"`
}

// listOf converts a whole list for output.
func listOf[T, U any](out func(T) U) func([]T) dataList[U] {
	return func(list []T) dataList[U] { return dataList[U]{Data: each(list, out)} }
}

// keysetPage is a page the desk cut with its own cursor (tickets: the
// store's keyset cursor); next is "" on the last page.
func keysetPage[T, U any](list []T, next string, out func(T) U) page[U] {
	p := page[U]{Data: each(list, out)}
	if next != "" {
		p.NextCursor = &next
	}
	return p
}
