package web_test

import (
	"net/http"
	"net/url"
	"strconv"
	"testing"

	"github.com/palier/palier/internal/store"
	"github.com/palier/palier/internal/store/storetest"
	"github.com/palier/palier/internal/ticket"
)

// The search box as Luc (tier L1) uses it: words find the tickets he may
// read with the matched words marked, never another's subject or note; a
// reference opens a ticket he may read and is "not found" otherwise; an
// address finds the customer and those of their tickets he may read.
func TestSearchPage(t *testing.T) {
	for _, d := range storetest.Dialects {
		t.Run(string(d), func(t *testing.T) {
			s := storetest.Open(t, d)
			e := newEnv(t, s)
			ctx := t.Context()
			luc := storetest.Actor(t, s, e.f.AgentL1)
			for _, tk := range e.f.Ticket {
				if _, _, err := s.AddMessage(ctx, e.f.WS.ID, tk.ID, nil, ticket.Event{Kind: ticket.InternalNote, ActorAgentID: e.f.Admin.ID,
					Body: "Le client <b>zéphyrin</b> rappelle " + tk.Reference + "."}, ""); err != nil {
					t.Fatal(err)
				}
			}
			c := e.login(t, "l1@acme.test")
			res, body := c.get("/search?q=" + url.QueryEscape("Zéphyrins"))
			expectStatus(t, res, body, http.StatusOK)
			contains(t, body, `id="top-search"`, "&lt;b&gt;<mark>zéphyrin</mark>&lt;/b&gt;")
			for key, tk := range e.f.Ticket {
				note := "rappelle " + tk.Reference + "."
				if ticket.CanView(luc, tk) {
					contains(t, body, `href="/tickets/`+strconv.FormatInt(tk.ID, 10)+`"`, note)
				} else {
					lacks(t, body, `href="/tickets/`+strconv.FormatInt(tk.ID, 10)+`"`, note)
					t.Logf("%s hidden", key)
				}
			}
			// Filtered: only solved tickets.
			res, body = c.get("/search?q=zephyrin&status=solved")
			expectStatus(t, res, body, http.StatusOK)
			for _, tk := range e.f.Ticket {
				if tk.Status != ticket.Solved {
					lacks(t, body, "rappelle "+tk.Reference+".")
				}
			}
			res, body = c.get("/search?q=zephyrin&from=not-a-date")
			expectStatus(t, res, body, http.StatusBadRequest)

			// References.
			noRedirect := *c.http
			noRedirect.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
			mine, theirs := e.f.Ticket["L1"], e.f.Ticket["L3"]
			for _, q := range []string{mine.Reference, strconv.FormatInt(mine.Number, 10)} {
				req, _ := http.NewRequest("GET", e.srv.URL+"/search?q="+url.QueryEscape(q), nil)
				res, err := noRedirect.Do(req)
				if err != nil {
					t.Fatal(err)
				}
				res.Body.Close()
				if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/tickets/"+strconv.FormatInt(mine.ID, 10) {
					t.Errorf("%q: %d to %q", q, res.StatusCode, res.Header.Get("Location"))
				}
			}
			res, body = c.get("/search?q=" + url.QueryEscape(theirs.Reference))
			expectStatus(t, res, body, http.StatusNotFound)
			res, body = c.get("/search?q=999999")
			expectStatus(t, res, body, http.StatusNotFound)

			// An address.
			bob := e.f.Customer["bob"]
			res, body = c.get("/search?q=" + url.QueryEscape("BOB@example.com"))
			expectStatus(t, res, body, http.StatusOK)
			contains(t, body, "Bob Smith")
			list, _, err := s.Tickets(ctx, e.f.WS.ID, store.Filter{CustomerID: bob.ID}, "", 100)
			if err != nil {
				t.Fatal(err)
			}
			for _, tk := range list {
				if ticket.CanView(luc, tk) {
					contains(t, body, `href="/tickets/`+strconv.FormatInt(tk.ID, 10)+`"`)
				} else {
					lacks(t, body, `href="/tickets/`+strconv.FormatInt(tk.ID, 10)+`"`)
				}
			}
			res, body = c.get("/search?q=" + url.QueryEscape("nobody@nowhere.example"))
			expectStatus(t, res, body, http.StatusOK)
			contains(t, body, "Aucun client")
		})
	}
}
