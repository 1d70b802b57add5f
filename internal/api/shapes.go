package api

import (
	"context"

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

// byID calls the desk on the resource at the path's id (a read, a
// revocation…) and renders what it answers.
func byID[T, U any](c *call, call func(context.Context, auth.Actor, int64) (T, error), out func(T) U) (any, error) {
	id, err := c.id("id")
	if err != nil {
		return nil, err
	}
	return render(out)(call(c.r.Context(), c.actor, id))
}

// withBody reads the path's id and the JSON body, hands both to the desk
// and renders its answer.
func withBody[B, T, U any](c *call, call func(ctx context.Context, a auth.Actor, id int64, in B) (T, error), out func(T) U) (any, error) {
	id, err := c.id("id")
	if err != nil {
		return nil, err
	}
	var in B
	if err := c.decode(&in); err != nil {
		return nil, err
	}
	return render(out)(call(c.r.Context(), c.actor, id, in))
}

// create decodes the body over in (which holds the defaults), has the desk
// create the resource, and answers 201 with it, at the location at names
// ("" for none).
func create[B, T, U any](c *call, in B, call func(ctx context.Context, a auth.Actor, in B) (T, error), out func(T) U, at func(U) string) (any, error) {
	if err := c.decode(&in); err != nil {
		return nil, err
	}
	v, err := call(c.r.Context(), c.actor, in)
	if err != nil {
		return nil, err
	}
	res := out(v)
	c.created(at(res))
	return res, nil
}

// noLocation is for create: resources listed as one page have no URL of
// their own.
func noLocation[U any](U) string { return "" }
