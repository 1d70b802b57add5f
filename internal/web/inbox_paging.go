package web

import (
	"context"
	"net/url"
	"strings"

	"github.com/palier/palier/internal/desk"
	"github.com/palier/palier/internal/store"
)

// Inbox paging (issue 8.10): Previous as well as Next, and where the page
// stands ("51–100 of 312"). Pages are keyset cursors, which only go
// forward; the address keeps the cursors of the pages before this one
// (trail), so Previous is a link like Next and a reload or a shared link
// shows the same page. The count is capped like the sidebar's, so a huge
// view costs a bounded count ("of 999+").

// trailSep joins cursors in the trail; cursors are base64url, without dots.
const trailSep = "."

// maxTrail bounds the trail (and so the address) a client may send.
const maxTrail = 200

type inboxPager struct {
	PrevURL, NextURL string
	Range            string // "51–100 of 312", "" for an empty list
	Total            int    // the count, capped at desk.CountCap
}

// pageTrail reads the trail of the request, refusing what is not one.
func pageTrail(q url.Values) ([]string, error) {
	t := q.Get("trail")
	if t == "" {
		return nil, nil
	}
	parts := strings.Split(t, trailSep)
	if len(parts) > maxTrail {
		return nil, badParameter("trail")
	}
	return parts, nil
}

// pager builds the links and the range of a page of n rows.
func (s *server) pager(ctx context.Context, rq *request, key string, q url.Values, f store.Filter, trail []string, n int, next string) (inboxPager, error) {
	var p inboxPager
	link := func(cursor string, trail []string) string {
		nq := url.Values{}
		for k, v := range q {
			if k != "cursor" && k != "trail" {
				nq[k] = v
			}
		}
		if cursor != "" {
			nq.Set("cursor", cursor)
		}
		if len(trail) > 0 {
			nq.Set("trail", strings.Join(trail, trailSep))
		}
		if len(nq) == 0 {
			return "/views/" + key
		}
		return "/views/" + key + "?" + nq.Encode()
	}
	cursor := q.Get("cursor")
	if next != "" {
		p.NextURL = link(next, append(append([]string(nil), trail...), cursor))
	}
	if cursor != "" {
		prev := ""
		if len(trail) > 0 {
			prev = trail[len(trail)-1]
		}
		p.PrevURL = link(prev, trail[:max(len(trail)-1, 0)])
	}
	if n == 0 {
		return p, nil
	}
	total, err := s.d.CountTickets(ctx, rq.actor, f, desk.CountCap)
	if err != nil {
		return p, err
	}
	p.Total = total
	first := 1
	if cursor != "" {
		first = (len(trail)+1)*pageSize + 1
	}
	last := first + n - 1
	p.Range = rq.loc.T("inbox.range", "first", rq.loc.Num(first), "last", rq.loc.Num(last), "total", rq.loc.Count(max(total, last), desk.CountCap))
	return p, nil
}
