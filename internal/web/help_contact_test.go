package web_test

import (
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/palier/palier/internal/demo"
	"github.com/palier/palier/internal/desk"
	"github.com/palier/palier/internal/routing"
	"github.com/palier/palier/internal/store"
	"github.com/palier/palier/internal/store/storetest"
	"github.com/palier/palier/internal/workspace"
)

// clock is a store clock the test moves (the contact form's signed
// timestamp is read by it), safe for the server's goroutines.
type clock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *clock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.now }
func (c *clock) Add(d time.Duration) {
	c.mu.Lock()
	c.now = c.now.Add(d)
	c.mu.Unlock()
}

// contactEnv is a help centre with the demo articles, a text field the
// default escalation procedure asks for (error_message), routing that
// sends billing to L2 and keeps "access" requests for a human.
func contactEnv(t *testing.T, s *store.Store) (*env, *clock) {
	t.Helper()
	e := newEnv(t, s)
	ctx := t.Context()
	clk := &clock{now: time.Now().UTC()}
	s.SetClock(clk.Now)
	if _, err := demo.LoadKnowledgeBase(ctx, s, e.f.WS.ID, e.f.Admin.ID); err != nil {
		t.Fatal(err)
	}
	admin := storetest.Actor(t, s, e.f.Admin)
	if _, err := e.d.CreateCustomField(ctx, admin, workspace.CustomField{Key: "error_message", LabelFR: "Message d'erreur", LabelEN: "Error message",
		Kind: workspace.Text, Position: 1}); err != nil {
		t.Fatal(err)
	}
	rs := routing.RuleSet{Rules: []routing.Rule{
		{ID: 1, Name: "Accès : un humain", Enabled: true, When: routing.Condition{Field: routing.FieldRequestType, Op: routing.OpIs, Value: "access"},
			Then: routing.Actions{Tier: "L1", RequireHuman: true}},
		{ID: 2, Name: "Facturation → L2", Enabled: true, When: routing.Condition{Field: routing.FieldRequestType, Op: routing.OpIs, Value: "billing"},
			Then: routing.Actions{Tier: "L2"}},
	}, Fallback: routing.Actions{Tier: "L1"}}
	if err := e.d.SaveRoutingRules(ctx, admin, rs); err != nil {
		t.Fatal(err)
	}
	return e, clk
}

var (
	stampRe   = regexp.MustCompile(`name="ts" value="([^"]+)"`)
	journeyRe = regexp.MustCompile(`id="contact-j" name="j" value="([^"]+)"`)
)

// openForm loads the contact form and returns its stamp and journey.
func openForm(t *testing.T, c *client, path string) (stamp, journey string) {
	t.Helper()
	res, body := c.get(path)
	expectStatus(t, res, body, http.StatusOK)
	m, j := stampRe.FindStringSubmatch(body), journeyRe.FindStringSubmatch(body)
	if m == nil || j == nil {
		t.Fatalf("no stamp or journey in the form\n%s", excerpt(body))
	}
	return m[1], j[1]
}

func contactValues(stamp, j string) url.Values {
	return url.Values{"name": {"Chloé Martin"}, "email": {"chloe@example.fr"}, "request_type": {"billing"},
		"subject": {"Prélevé deux fois ce mois-ci"}, "description": {"Bonjour, j'ai été prélevée deux fois pour décembre."},
		"cf_error_message": {"aucun"}, "ts": {stamp}, "j": {j}, "website": {""}}
}

func tableCounts(t *testing.T, s *store.Store) map[string]int {
	t.Helper()
	return rows(t, s, "tickets", "events", "customers", "journeys", "journey_steps")
}

// expectOneDeflection checks that the customer's journey ended deflected:
// no ticket or customer was written since before, and the lead's measures
// count one journey that reached the form and was deflected.
func expectOneDeflection(t *testing.T, e *env, s *store.Store, before map[string]int) {
	t.Helper()
	after := tableCounts(t, s)
	if after["tickets"] != before["tickets"] || after["customers"] != before["customers"] {
		t.Errorf("a deflection wrote a ticket: %v → %v", before, after)
	}
	lead := storetest.Actor(t, s, e.f.Lead)
	now := s.Now()
	m, err := e.d.SelfServiceMeasures(t.Context(), lead, now.Add(-time.Hour), now.Add(time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	if m.ReachedForm != 1 || m.DeflectedAfterForm != 1 || m.DeflectionRate != 1 || m.Tickets != 0 {
		t.Errorf("measures %+v: want one journey that reached the form and was deflected", m)
	}
}

// A customer searches, opens the form, and sends it: one ticket on channel
// web, routed by the rules, with the procedure's field, its journey
// attached and shown to the agent as « Déjà essayé ».
func TestContactFormCreatesARoutedTicketWithItsJourney(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		e, clk := contactEnv(t, s)
		c := e.anon(t, "fr")
		res, body := c.get("/help/search?q=" + url.QueryEscape("zzqx wqvv"))
		expectStatus(t, res, body, http.StatusOK)
		stamp, j := openForm(t, c, "/help/contact?type=billing")
		before := tableCounts(t, s)
		// The procedure's field is asked for billing.
		_, body = c.get("/help/contact?type=billing")
		contains(t, body, `name="cf_error_message"`, "Message d&#39;erreur")

		clk.Add(5 * time.Second)
		res, body = c.post("/help/contact", contactValues(stamp, j), false)
		expectStatus(t, res, body, http.StatusSeeOther)
		if loc := res.Header.Get("Location"); !strings.HasPrefix(loc, "/help/contact?sent=%231") {
			t.Fatalf("redirects to %q", loc)
		}
		after := tableCounts(t, s)
		if after["tickets"] != before["tickets"]+1 || after["customers"] != before["customers"]+1 {
			t.Fatalf("counts %v → %v: want one ticket and one customer more", before, after)
		}
		cust, err := s.CustomerByEmail(t.Context(), e.f.WS.ID, "chloe@example.fr")
		if err != nil || cust.Name != "Chloé Martin" {
			t.Fatalf("customer %+v, %v", cust, err)
		}
		list, _, err := s.Tickets(t.Context(), e.f.WS.ID, store.Filter{CustomerID: cust.ID}, "", 10)
		if err != nil || len(list) != 1 {
			t.Fatalf("%d tickets, %v", len(list), err)
		}
		tk := list[0]
		if tk.Channel != "web" || tk.TierID != e.f.Tier["L2"].ID || tk.CustomFields["error_message"] != "aucun" || tk.Language != "fr" {
			t.Errorf("ticket %+v: want tier L2 (billing rule), error_message, French", tk)
		}
		steps, err := s.TicketJourney(t.Context(), e.f.WS.ID, tk.ID)
		if err != nil || len(steps) < 2 || steps[0].Kind != "search" || steps[0].Hits != 0 {
			t.Fatalf("journey %+v, %v", steps, err)
		}
		res, body = c.get("/help/contact?sent=" + url.QueryEscape(tk.Reference))
		expectStatus(t, res, body, http.StatusOK)
		contains(t, body, "Votre demande est enregistrée", tk.Reference)

		agent := e.login(t, e.f.Lead.Email)
		res, body = agent.get("/tickets/" + id(tk.ID))
		expectStatus(t, res, body, http.StatusOK)
		contains(t, body, `id="already-tried"`, "Déjà essayé", "A cherché « zzqx wqvv » (0 résultats)", "A ouvert le formulaire de contact")
	})
}

// Refusals write nothing: every bad field at once, shown by field in the
// visitor's language; the honeypot; a form sent back too fast, too late
// or with a forged stamp.
func TestContactFormRefusalsWriteNothing(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		e, clk := contactEnv(t, s)
		c := e.anon(t, "fr")
		stamp, j := openForm(t, c, "/help/contact")
		before := tableCounts(t, s)

		clk.Add(5 * time.Second)
		bad := contactValues(stamp, j)
		bad.Set("email", "pas-une-adresse")
		bad.Set("subject", "")
		bad.Set("request_type", "nope")
		bad.Set("name", "<script>alert(1)</script>")
		res, body := c.post("/help/contact", bad, false)
		expectStatus(t, res, body, http.StatusUnprocessableEntity)
		contains(t, body, `id="err-email"`, `id="err-subject"`, `id="err-request_type"`, "Ce n&#39;est pas une adresse e-mail.", "&lt;script&gt;alert(1)&lt;/script&gt;")
		lacks(t, body, "<script>alert(1)")
		sameRows(t, "a refused form", before, tableCounts(t, s))

		honey := contactValues(stamp, j)
		honey.Set("website", "http://spam.example")
		res, body = c.post("/help/contact", honey, false)
		expectStatus(t, res, body, http.StatusBadRequest)
		sameRows(t, "a bot (honeypot)", before, tableCounts(t, s))

		forged := contactValues(strings.Replace(stamp, ".", "1.", 1), j)
		res, body = c.post("/help/contact", forged, false)
		expectStatus(t, res, body, http.StatusBadRequest)
		sameRows(t, "a forged stamp", before, tableCounts(t, s))

		fresh, _ := openForm(t, c, "/help/contact")
		before = tableCounts(t, s) // opening the form is a journey step
		res, body = c.post("/help/contact", contactValues(fresh, j), false)
		expectStatus(t, res, body, http.StatusUnprocessableEntity)
		contains(t, body, "C&#39;était très rapide")
		sameRows(t, "a form sent at once", before, tableCounts(t, s))

		clk.Add(25 * time.Hour)
		res, body = c.post("/help/contact", contactValues(fresh, j), false)
		expectStatus(t, res, body, http.StatusUnprocessableEntity)
		contains(t, body, "Ce formulaire est trop ancien")
		sameRows(t, "a form a day old", before, tableCounts(t, s))
	})
}

// One address gets ContactPerAddress.Max messages per window, even in a
// burst; the next is refused with 429 and Retry-After, writing no ticket.
func TestContactFormRateLimit(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		e, clk := contactEnv(t, s)
		c := e.anon(t, "en")
		stamp, j := openForm(t, c, "/help/contact")
		clk.Add(5 * time.Second)
		before := tableCounts(t, s)
		const n = 12
		statuses := atOnce(n, func(int) int {
			v := contactValues(stamp, j)
			req, _ := http.NewRequest(http.MethodPost, e.srv.URL+"/help/contact", strings.NewReader(v.Encode()))
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			res, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Error(err)
				return 0
			}
			res.Body.Close()
			if res.StatusCode == http.StatusTooManyRequests && res.Header.Get("Retry-After") == "" {
				t.Error("429 without Retry-After")
			}
			return res.StatusCode
		})
		ok, limited := 0, 0
		for _, st := range statuses {
			switch st {
			case http.StatusOK, http.StatusSeeOther:
				ok++
			case http.StatusTooManyRequests:
				limited++
			}
		}
		if max := desk.ContactPerAddress.Max; ok != max || limited != n-max {
			t.Fatalf("statuses %v: want %d accepted and %d refused", statuses, max, n-max)
		}
		if got := tableCounts(t, s)["tickets"]; got != before["tickets"]+desk.ContactPerAddress.Max {
			t.Errorf("%d tickets made, want %d", got-before["tickets"], desk.ContactPerAddress.Max)
		}
		res, body := c.post("/help/contact", contactValues(stamp, j), false)
		expectStatus(t, res, body, http.StatusTooManyRequests)
		contains(t, body, "Too many messages were sent")
	})
}

// As the customer types, the best articles appear; opening one and saying
// it solved the problem opens no ticket and counts a deflection. A request
// type routing keeps for a human gets no suggestions.
func TestContactSuggestionsAndDeflection(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		e, _ := contactEnv(t, s)
		c := e.anon(t, "fr")
		_, j := openForm(t, c, "/help/contact")
		q := url.Values{"subject": {"facturé deux fois"}, "description": {"prélèvement en double"}, "request_type": {"billing"}, "j": {j}}
		res, body := c.get("/help/contact/suggest?" + q.Encode())
		expectStatus(t, res, body, http.StatusOK)
		contains(t, body, "Ces articles vous répondent peut-être", "Facturé deux fois ?")
		m := regexp.MustCompile(`hx-get="/help/contact/suggestion/(\d+)`).FindStringSubmatch(body)
		if m == nil {
			t.Fatalf("no suggestion link\n%s", body)
		}
		before := tableCounts(t, s)
		req, _ := http.NewRequest(http.MethodGet, e.srv.URL+"/help/contact/suggestion/"+m[1]+"?j="+j, nil)
		req.Header.Set("HX-Request", "true")
		res, body = c.do(req)
		expectStatus(t, res, body, http.StatusOK)
		contains(t, body, "Cet article a-t-il résolu votre problème ?", `action="/help/contact/solved"`)
		res, _ = c.post("/help/contact/solved", url.Values{"article": {m[1]}, "j": {j}}, true)
		if res.StatusCode != http.StatusNoContent || !strings.HasPrefix(res.Header.Get("HX-Redirect"), "/help/contact?solved=1") {
			t.Fatalf("solved: %d %q", res.StatusCode, res.Header.Get("HX-Redirect"))
		}
		expectOneDeflection(t, e, s, before)

		// "access" requires a human: no suggestions, even for words that match.
		q.Set("request_type", "access")
		res, body = c.get("/help/contact/suggest?" + q.Encode())
		expectStatus(t, res, body, http.StatusOK)
		lacks(t, body, "Facturé deux fois ?", "Ces articles")
		res, body = c.get("/help/contact/fields?request_type=access")
		expectStatus(t, res, body, http.StatusOK)
		contains(t, body, `data-suggest="false"`, `id="suggestions"`)

		// An internal article cannot be "solved".
		res, _ = c.post("/help/contact/solved", url.Values{"article": {"999999"}, "j": {j}}, false)
		if res.StatusCode != http.StatusNotFound {
			t.Errorf("solved with an unknown article: %d", res.StatusCode)
		}
	})
}

// The last rung: an admin sets the phone number and hours the form shows;
// nobody else may, and a refused value is not saved.
func TestContactPhoneSettings(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		e, _ := contactEnv(t, s)
		agent := e.login(t, e.f.AgentL1.Email)
		res, body := agent.post("/admin/contact", url.Values{"phone": {"+33 1 00 00 00 00"}}, false)
		expectStatus(t, res, body, http.StatusForbidden)
		admin := e.login(t, e.f.Admin.Email)
		res, body = admin.post("/admin/contact", url.Values{"phone": {strings.Repeat("1", 41)}, "hours": {"9-18"}}, false)
		expectStatus(t, res, body, http.StatusUnprocessableEntity)
		contains(t, body, `id="err-phone"`)
		if c, _ := s.ContactSettings(t.Context(), e.f.WS.ID); c.Phone != "" || c.Hours != "" {
			t.Fatalf("refused settings saved: %+v", c)
		}
		res, body = admin.post("/admin/contact", url.Values{"phone": {"+33 1 84 80 12 34"}, "hours": {"lun.–ven. 9 h – 18 h <b>"}}, false)
		expectStatus(t, res, body, http.StatusSeeOther)
		// The contact page and the help box's contact view show the same rung.
		for _, path := range []string{"/help/contact", "/help/box/contact?lang=fr&key=" + boxKey(t, e, s)} {
			res, body = e.anon(t, "fr").get(path)
			expectStatus(t, res, body, http.StatusOK)
			contains(t, body, `id="contact-phone"`, "Appelez-nous au &#43;33 1 84 80 12 34", "Horaires : lun.–ven. 9 h – 18 h &lt;b&gt;")
		}
	})
}

// sendButtonTop is the contact form's send button's distance from the top
// of the page, in CSS pixels.
const sendButtonTop = `(document.querySelector('#suggestions').closest('form').querySelector('button[type=submit]').getBoundingClientRect().top + window.scrollY)`

// TestBrowserContactDeflection is a customer who starts writing to
// support: as she types her subject, an article appears under the form;
// she opens it in place, reads it, and answers that it solved her
// problem. No ticket is opened and her journey counts as a deflection.
func TestBrowserContactDeflection(t *testing.T) {
	ctx, s := browserStore(t)
	e, _ := contactEnv(t, s)
	before := tableCounts(t, s)
	run(t, ctx, "open the contact form in French",
		chromedp.Navigate(e.srv.URL+"/help/contact?lang=fr"),
		chromedp.WaitVisible(chromedp.CSS("#subject")),
		settled(),
		// Where the send button is before anything is suggested.
		script(`window.palierSendAt = `+sendButtonTop+`, true`),
	)
	run(t, ctx, "type the subject and see a suggestion",
		typeAndSuggest("#subject", "facturé deux fois"),
		chromedp.WaitVisible(chromedp.CSS("#suggestions a.suggestion")),
		settled(),
	)
	expectText(t, ctx, "#suggestions", "Facturé deux fois ?")
	// Suggestions arrive a moment after the last key, while the customer
	// may already be moving to "send": they must not move the button from
	// under the pointer (a click then lands on an article instead).
	expectTrue(t, ctx, "the send button stays where it was once suggestions appear",
		`Math.abs(`+sendButtonTop+` - window.palierSendAt) < 1`)
	run(t, ctx, "open the suggestion in place",
		chromedp.Click(chromedp.CSS("#suggestions a.suggestion")),
		chromedp.WaitVisible(chromedp.CSS("#contact-article .contact-did-it-help button")),
		settled(),
	)
	expectText(t, ctx, "#contact-article", "Cet article a-t-il résolu votre problème ?")
	run(t, ctx, "say it solved the problem",
		loads(chromedp.Click(chromedp.CSS("#contact-article .contact-did-it-help button"))),
		chromedp.WaitVisible(chromedp.CSS("#contact-solved")),
	)
	expectText(t, ctx, "#contact-solved", "Aucune demande n'a été envoyée")

	expectOneDeflection(t, e, s, before)
}

// TestBrowserContactTicketShowsWhatWasTried is a customer who searches the
// help centre, finds nothing, ignores the suggestions and writes: the
// ticket's page shows the agent « Déjà essayé » with her search.
func TestBrowserContactTicketShowsWhatWasTried(t *testing.T) {
	ctx, s := browserStore(t)
	e, clk := contactEnv(t, s)
	run(t, ctx, "search the help centre",
		chromedp.Navigate(e.srv.URL+"/help?lang=fr"),
		chromedp.WaitVisible(chromedp.CSS("#help-q")),
		chromedp.SendKeys(chromedp.CSS("#help-q"), "zzqx wqvv"),
		clickAndLoad(`form.help-search button[type=submit]`),
		chromedp.WaitVisible(chromedp.CSS("#no-results")),
	)
	run(t, ctx, "go to the contact form",
		clickAndLoad("#contact-link"),
		chromedp.WaitVisible(chromedp.CSS("#contact-form")),
		settled(),
	)
	run(t, ctx, "fill it in",
		chromedp.SendKeys(chromedp.CSS("#name"), "Chloé Martin"),
		chromedp.SendKeys(chromedp.CSS("#email"), "chloe@example.fr"),
		typeAndSuggest("#subject", "Mon export zzqx échoue"),
		typeAndSuggest("#description", "L'export wqvv s'arrête à la moitié."),
		settled(),
	)
	clk.Add(5 * time.Second) // a person takes longer than the 2 s a script would
	run(t, ctx, "send it",
		clickAndLoad(`#contact-form button[type=submit]`),
		chromedp.WaitVisible(chromedp.CSS("#contact-sent")),
	)
	expectText(t, ctx, "#contact-sent", "Votre demande est enregistrée")

	cust, err := s.CustomerByEmail(t.Context(), e.f.WS.ID, "chloe@example.fr")
	if err != nil {
		t.Fatal(err)
	}
	list, _, err := s.Tickets(t.Context(), e.f.WS.ID, store.Filter{CustomerID: cust.ID}, "", 10)
	if err != nil || len(list) != 1 {
		t.Fatalf("%d tickets, %v", len(list), err)
	}
	signInAt(t, ctx, e, "/tickets/"+id(list[0].ID), e.f.Lead.Email, "#ticket-header")
	expectText(t, ctx, "#already-tried", "Déjà essayé")
	expectText(t, ctx, "#already-tried", "zzqx wqvv")
	got, _ := chromedp.Run(ctx, chromedp.TextContent(chromedp.CSS("#already-tried")))
	if !strings.Contains(got, "(0 résultats)") {
		t.Errorf("« Déjà essayé » reads %q: the search with no result is not shown as such", got)
	}
}
