package web_test

import (
	"context"
	"html"
	"net/http"
	"regexp"
	"slices"
	"testing"
	"time"

	"github.com/palier/palier/internal/store"
)

var ticketLinks = regexp.MustCompile(`href="/tickets/\d+"`)

var pagerLink = regexp.MustCompile(`<a class="button" href="([^"]+)" rel="(prev|next)">`)

func pagerLinks(body string) map[string]string {
	out := map[string]string{}
	for _, m := range pagerLink.FindAllStringSubmatch(body, -1) {
		out[m[2]] = html.UnescapeString(m[1])
	}
	return out
}

// TestInboxPaging is issue 8.10: Ada pages through a big view forward and
// back, and each page says where it stands, in French, with a capped
// count for views too big to count.
func TestInboxPaging(t *testing.T) {
	e, s := sqliteEnv(t)
	if _, err := s.BulkLoad(context.Background(), e.f.WS.ID, store.BulkSpec{Tickets: 1100, Seed: 3,
		End: time.Now().Add(-time.Hour), Span: 10 * 24 * time.Hour}); err != nil {
		t.Fatal(err)
	}
	c := e.login(t, "admin@acme.test")
	res, body := c.get("/views/all")
	expectStatus(t, res, body, http.StatusOK)
	contains(t, html.UnescapeString(body), "1–50 sur 999+")
	if l := pagerLinks(body); l["prev"] != "" || l["next"] == "" {
		t.Fatalf("first page links: %v", l)
	}
	_, body = c.get(pagerLinks(body)["next"])
	contains(t, html.UnescapeString(body), "51–100 sur 999+")
	page2 := body
	_, body = c.get(pagerLinks(body)["next"])
	contains(t, html.UnescapeString(body), "101–150 sur 999+")
	_, body = c.get(pagerLinks(body)["prev"])
	contains(t, html.UnescapeString(body), "51–100 sur 999+")
	if rows := ticketLinks.FindAllString(body, -1); len(rows) == 0 || !slices.Equal(rows, ticketLinks.FindAllString(page2, -1)) {
		t.Error("Previous from page 3 does not show page 2 again")
	}
	_, body = c.get(pagerLinks(body)["prev"])
	contains(t, html.UnescapeString(body), "1–50 sur 999+")
	if l := pagerLinks(body); l["prev"] != "" {
		t.Errorf("back on the first page, Previous still leads to %q", l["prev"])
	}
	// A small view counts exactly.
	_, body = c.get("/views/all?status=solved")
	if !regexp.MustCompile(`\d+–\d+ sur \d+<`).MatchString(body) {
		t.Error("the solved tickets' page shows no exact range")
	}
	// A forged cursor is refused.
	res, body = c.get("/views/all?cursor=x")
	expectStatus(t, res, body, http.StatusBadRequest)
	res, body = c.get("/views/all?trail=.&cursor=not!a!cursor")
	expectStatus(t, res, body, http.StatusBadRequest)
}
