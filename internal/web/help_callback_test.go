package web_test

import (
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/palier/palier/internal/desk"
	"github.com/palier/palier/internal/event"
	"github.com/palier/palier/internal/store"
	"github.com/palier/palier/internal/store/storetest"
	"github.com/palier/palier/internal/ticket"
)

func callbackValues(stamp, j string) url.Values {
	return url.Values{"name": {"Chloé Martin"}, "email": {"chloe@example.fr"}, "number": {"+33 6 12 34 56 78"},
		"window": {"en semaine 14 h – 17 h"}, "ts": {stamp}, "j": {j}, "website": {""}}
}

func callbackRows(t *testing.T, s *store.Store) int {
	t.Helper()
	return count(t, s, `SELECT count(*) FROM callbacks`)
}

// The contact form's last rung: offered once the admin turns it on; a
// visitor leaves a number and a time window (from the help box here); it
// becomes a routed phone ticket with a callback_requested event and the
// journey, waits in the Callbacks queue of the routed tier (L1 sees it,
// L2 does not), and logging the call on it takes it off the queue.
func TestCallbackRequest(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		e, clk := contactEnv(t, s)
		c, j, st := boxVisitor(t, e, s)
		res, body := c.get("/help/box/contact?" + st)
		expectStatus(t, res, body, http.StatusOK)
		if strings.Contains(body, `id="callback-form"`) {
			t.Error("callback offered before the admin turned it on")
		}
		stamp := stampRe.FindStringSubmatch(body)[1]
		clk.Add(5 * time.Second)
		before := tableCounts(t, s)
		res, body = c.post("/help/box/callback?"+st, callbackValues(stamp, j), false)
		expectStatus(t, res, body, http.StatusNotFound)
		sameRows(t, "a callback while off", before, tableCounts(t, s))

		admin := e.login(t, "admin@acme.test")
		res, body = admin.get("/admin/contact")
		expectStatus(t, res, body, http.StatusOK)
		contains(t, body, `name="callbacks"`)
		res, body = admin.post("/admin/contact", url.Values{"phone": {"01 23 45 67 89"}, "hours": {"9 h – 18 h"}, "callbacks": {"on"}}, false)
		expectStatus(t, res, body, http.StatusSeeOther)

		res, body = c.get("/help/box/contact?" + st)
		expectStatus(t, res, body, http.StatusOK)
		contains(t, body, `id="callback-form"`, `action="/help/box/callback?`)
		_, body = e.anon(t, "fr").get("/help/contact")
		contains(t, body, `id="callback-form"`, `action="/help/contact/callback"`)

		// Every fault at once, nothing written.
		before = tableCounts(t, s)
		bad := callbackValues(stamp, j)
		bad.Set("number", "appelez-moi")
		bad.Set("window", "")
		res, body = c.post("/help/box/callback?"+st, bad, false)
		expectStatus(t, res, body, http.StatusUnprocessableEntity)
		contains(t, body, `id="err-cb-number"`, `id="err-cb-window"`, "Ce n&#39;est pas un numéro de téléphone.")
		sameRows(t, "a refused callback", before, tableCounts(t, s))

		res, body = c.post("/help/box/callback?"+st, callbackValues(stamp, j), false)
		if res.StatusCode != http.StatusSeeOther {
			t.Fatalf("status %d\n%s", res.StatusCode, excerpt(body))
		}
		ref := locationRef.FindStringSubmatch(res.Header.Get("Location"))
		if ref == nil {
			t.Fatalf("redirected to %q", res.Header.Get("Location"))
		}
		_, body = c.get(res.Header.Get("Location"))
		contains(t, body, `id="callback-sent"`)
		jr, ok, err := e.d.Journey(t.Context(), e.f.WS.ID, j)
		if err != nil || !ok || jr.TicketID == 0 {
			t.Fatalf("journey not attached: %+v %v %v", jr, ok, err)
		}
		tk, err := s.Ticket(t.Context(), e.f.WS.ID, jr.TicketID)
		if err != nil {
			t.Fatal(err)
		}
		if tk.Channel != "phone" || strconv.FormatInt(tk.Number, 10) != ref[1] || tk.TierID != e.f.Tier["L1"].ID {
			t.Errorf("ticket %+v: want channel phone, #%s, routed to L1", tk, ref[1])
		}
		events, err := s.Events(t.Context(), e.f.WS.ID, tk.ID, 0, 100)
		if err != nil {
			t.Fatal(err)
		}
		var asked []event.CallbackRequested
		for _, ev := range events {
			if d, ok := event.As[event.CallbackRequested](ev); ok && ev.Kind == ticket.CallbackRequested {
				asked = append(asked, d)
			}
		}
		if len(asked) != 1 || asked[0].Number != "+33 6 12 34 56 78" || asked[0].Window != "en semaine 14 h – 17 h" {
			t.Errorf("callback events %+v", asked)
		}

		l1, l2 := e.login(t, "l1@acme.test"), e.login(t, "l2@acme.test")
		res, body = l1.get("/chats")
		expectStatus(t, res, body, http.StatusOK)
		contains(t, body, `id="callbacks"`, `data-ticket="`+id(tk.ID)+`"`, "&#43;33 6 12 34 56 78", "en semaine 14 h – 17 h")
		_, body = l2.get("/chats")
		if strings.Contains(body, `data-ticket="`+id(tk.ID)+`"`) {
			t.Error("L2 sees a callback routed to L1")
		}
		_, body = l1.get("/tickets/" + id(tk.ID))
		contains(t, body, "demande à être rappelé au &#43;33 6 12 34 56 78, en semaine 14 h – 17 h")

		res, body = l1.post("/tickets/"+id(tk.ID)+"/calls", url.Values{"direction": {"outbound"}, "number": {"+33 6 12 34 56 78"}, "minutes": {"4"}}, false)
		expectStatus(t, res, body, http.StatusSeeOther)
		_, body = l1.get("/chats")
		contains(t, body, `id="no-callbacks"`)
		if n := callbackRows(t, s); n != 1 {
			t.Errorf("%d callback rows, want 1 (done, kept)", n)
		}
	})
}

// Public rate limits: per client address, the assistant answers
// PublicLimits[ask].PerAddress.Max questions per window, even in a
// concurrent burst; the rest get 429 with Retry-After in the reader's
// language. The box's JSON says the same in its structured error, and
// votes have theirs.
func TestPublicRateLimits(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		e, _ := contactEnv(t, s)
		key := boxKey(t, e, s)
		burst := func(n int, do func() (int, string, http.Header)) (ok, limited int, lastBody string) {
			var mu sync.Mutex
			var wg sync.WaitGroup
			for range n {
				wg.Go(func() {
					status, body, h := do()
					mu.Lock()
					defer mu.Unlock()
					switch status {
					case http.StatusOK, http.StatusSeeOther:
						ok++
					case http.StatusTooManyRequests:
						limited++
						lastBody = body
						if ra, err := strconv.Atoi(h.Get("Retry-After")); err != nil || ra <= 0 {
							t.Errorf("429 with Retry-After %q", h.Get("Retry-After"))
						}
					default:
						t.Errorf("status %d", status)
					}
				})
			}
			wg.Wait()
			return ok, limited, lastBody
		}
		get := func(path, lang string) func() (int, string, http.Header) {
			return func() (int, string, http.Header) {
				req, _ := http.NewRequest(http.MethodGet, e.srv.URL+path, nil)
				req.Header.Set("Accept-Language", lang)
				req.Header.Set("Origin", "https://shop.example")
				res, err := http.DefaultClient.Do(req)
				if err != nil {
					t.Error(err)
					return 0, "", nil
				}
				defer res.Body.Close()
				b, _ := io.ReadAll(res.Body)
				return res.StatusCode, string(b), res.Header
			}
		}

		max := desk.PublicLimits[desk.PublicAsk].PerAddress.Max
		ok, limited, body := burst(max+8, get("/help/ask?q="+url.QueryEscape("Comment résilier mon abonnement ?"), "fr"))
		if ok != max || limited != 8 {
			t.Errorf("assistant: %d answered, %d limited; want %d and 8", ok, limited, max)
		}
		contains(t, body, "Trop de requêtes")
		status, body, _ := get("/help/ask?q=facture", "en")()
		if status != http.StatusTooManyRequests || !strings.Contains(body, "Too many requests") {
			t.Errorf("English refusal: %d %s", status, excerpt(body))
		}

		max = desk.PublicLimits[desk.PublicBox].PerAddress.Max
		ok, limited, body = burst(max+5, get("/help/box/config?lang=fr&key="+key, "fr"))
		if ok != max || limited != 5 {
			t.Errorf("box: %d served, %d limited; want %d and 5", ok, limited, max)
		}
		contains(t, body, `"code":"rate_limited"`, `"retry_after":`)
		// The box's pages share the limit.
		status, _, _ = get("/help/box?lang=fr&key="+key, "fr")()
		if status != http.StatusTooManyRequests {
			t.Errorf("box page after the limit: %d", status)
		}

		max = desk.PublicLimits[desk.PublicVote].PerAddress.Max
		artID := firstPublicArticle(t, e, s)
		votesBefore := count(t, s, `SELECT count(*) FROM journey_steps WHERE kind = 'vote'`)
		ok, limited, _ = burst(max+4, func() (int, string, http.Header) {
			res, err := http.Post(e.srv.URL+"/help/articles/"+id(artID)+"/vote", "application/x-www-form-urlencoded", strings.NewReader("helpful=yes"))
			if err != nil {
				t.Error(err)
				return 0, "", nil
			}
			res.Body.Close()
			return res.StatusCode, "", res.Header
		})
		if ok != max || limited != 4 {
			t.Errorf("votes: %d counted, %d limited; want %d and 4", ok, limited, max)
		}
		votesAfter := count(t, s, `SELECT count(*) FROM journey_steps WHERE kind = 'vote'`)
		if votesAfter-votesBefore != max {
			t.Errorf("%d votes recorded, want %d", votesAfter-votesBefore, max)
		}
	})
}

func firstPublicArticle(t *testing.T, e *env, s *store.Store) int64 {
	t.Helper()
	arts, err := e.d.PublicArticles(t.Context(), e.f.WS.ID, "fr")
	if err != nil || len(arts) == 0 {
		t.Fatalf("no public article: %v", err)
	}
	return arts[0].ID
}
