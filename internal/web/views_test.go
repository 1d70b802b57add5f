package web_test

import (
	"context"
	"encoding/json"
	"html"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/palier/palier/internal/desk"
	"github.com/palier/palier/internal/store"
	"github.com/palier/palier/internal/store/storetest"
	"github.com/palier/palier/internal/ticket"
)

func savedViewCount(t *testing.T, s *store.Store) int {
	t.Helper()
	return count(t, s, `SELECT count(*) FROM saved_views`)
}

var saveQuery = regexp.MustCompile(`name="query" form="save-view-form" value="([^"]*)"`)

// "Save this view" from a filtered list: the form carries the list as
// filtered, the new view opens with its columns and sits in the sidebar
// with its count; bad fields come back named, with nothing written.
func TestSaveAViewFromAFilteredList(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *env, s *store.Store) {
		luc := e.login(t, "l1@acme.test")
		_, page := luc.get("/views/tier-" + id(e.f.Tier["L1"].ID) + "?type=billing&sort=oldest")
		m := saveQuery.FindStringSubmatch(page)
		if m == nil {
			t.Fatalf("no query for the save form\n%s", excerpt(page))
		}
		q := html.UnescapeString(m[1])
		for _, want := range []string{"type=billing", "sort=oldest", "tier=" + id(e.f.Tier["L1"].ID), "status=open"} {
			if !strings.Contains(q, want) {
				t.Errorf("save query %q lacks %s", q, want)
			}
		}
		form := url.Values{"name": {"Factures L1"}, "scope": {"personal"}, "query": {q}, "columns": {"number", "subject", "created"}}
		res, body := luc.post("/views", form, false)
		expectStatus(t, res, body, http.StatusSeeOther)
		loc := res.Header.Get("Location")
		if !strings.HasPrefix(loc, "/views/saved-") {
			t.Fatalf("to %q", loc)
		}
		_, page = luc.get(loc)
		key := strings.TrimPrefix(loc, "/views/")
		contains(t, page, `data-view="`+key+`" aria-current="page"><span class="view-label">Factures L1</span><span class="count">1</span>`,
			`<h1 id="list-title">Factures L1</h1>`, `class="col-created"`, e.f.Ticket["L1"].Reference)
		lacks(t, page, `class="col-customer"`, `class="col-owner"`)
		// Nobody else has it.
		_, other := e.login(t, "lead@acme.test").get("/")
		lacks(t, other, "Factures L1")

		before := savedViewCount(t, s)
		for _, c := range []struct {
			name   string
			form   url.Values
			status int
			says   string
		}{
			{"no name", url.Values{"name": {" "}, "scope": {"personal"}, "query": {q}, "columns": {"subject"}}, http.StatusUnprocessableEntity, "Ce champ est obligatoire."},
			{"no column", url.Values{"name": {"X"}, "scope": {"personal"}, "query": {q}}, http.StatusUnprocessableEntity, `id="err-columns"`},
			{"an unknown filter", url.Values{"name": {"X"}, "scope": {"personal"}, "query": {"colour=red"}, "columns": {"subject"}}, http.StatusUnprocessableEntity, "query.colour"},
			{"an agent shares", url.Values{"name": {"X"}, "scope": {"shared"}, "query": {q}, "columns": {"subject"}}, http.StatusForbidden, "Seul son propriétaire"},
		} {
			res, body := luc.post("/views", c.form, false)
			if res.StatusCode != c.status || !strings.Contains(body, c.says) {
				t.Errorf("%s: %d, want %d saying %q\n%s", c.name, res.StatusCode, c.status, c.says, excerpt(body))
			}
		}
		if n := savedViewCount(t, s); n != before {
			t.Errorf("refusals wrote %d views", n-before)
		}
	})
}

// Every role on every route of saved views: a personal view is its
// owner's (others get not found); a shared one is read by all staff and
// changed by leads and admins; a collaborator has none. Refusals change
// nothing.
func TestSavedViewRoutesForEveryRole(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *env, s *store.Store) {
		ctx := context.Background()
		admin := storetest.Actor(t, s, e.f.Admin)
		e.collaborator(t)
		mine, err := e.d.CreateSavedView(ctx, storetest.Actor(t, s, e.f.AgentL1), desk.ViewInput{Name: "Perso de Luc", Scope: store.ViewPersonal,
			Query: url.Values{"owner": {"me"}}, Columns: desk.DefaultViewColumns()})
		if err != nil {
			t.Fatal(err)
		}
		shared, err := e.d.CreateSavedView(ctx, storetest.Actor(t, s, e.f.Lead), desk.ViewInput{Name: "Partagée", Scope: store.ViewShared,
			Query: url.Values{"type": {"billing"}}, Columns: desk.DefaultViewColumns()})
		if err != nil {
			t.Fatal(err)
		}
		// want: status of GET page, GET edit, POST edit, POST delete, GET ids.
		type want struct{ page, edit, save, del, ids int }
		const ok, see, no, gone = 200, 303, 403, 404
		cases := map[string]map[int64]want{
			"l1@acme.test":    {mine.ID: {ok, ok, see, see, ok}, shared.ID: {ok, no, no, no, ok}},
			"l2@acme.test":    {mine.ID: {gone, gone, gone, gone, gone}, shared.ID: {ok, no, no, no, ok}},
			"l3@acme.test":    {mine.ID: {gone, gone, gone, gone, gone}, shared.ID: {ok, no, no, no, ok}},
			"lead@acme.test":  {mine.ID: {gone, gone, gone, gone, gone}, shared.ID: {ok, ok, see, see, ok}},
			"admin@acme.test": {mine.ID: {gone, gone, gone, gone, gone}, shared.ID: {ok, ok, see, see, ok}},
			"ext@vendor.test": {mine.ID: {gone, gone, gone, gone, gone}, shared.ID: {gone, gone, gone, gone, gone}},
		}
		for _, who := range []string{"ext@vendor.test", "l2@acme.test", "l3@acme.test", "lead@acme.test", "l1@acme.test", "admin@acme.test"} {
			c := e.login(t, who)
			for vid, w := range cases[who] {
				v, _ := e.d.SavedView(ctx, admin, vid)
				if vid == mine.ID {
					v, _ = e.d.SavedView(ctx, storetest.Actor(t, s, e.f.AgentL1), vid)
				}
				if v.ID == 0 {
					continue // deleted by a previous role
				}
				path := "/views/saved-" + id(vid)
				check := func(what string, res *http.Response, body string, status int) {
					t.Helper()
					if res.StatusCode != status {
						t.Errorf("%s %s %s: %d, want %d\n%s", who, what, path, res.StatusCode, status, excerpt(body))
					}
				}
				res, body := c.get(path)
				check("GET", res, body, w.page)
				res, body = c.get(path + "/edit")
				check("GET edit", res, body, w.edit)
				res, body = c.get(path + "/ids")
				check("GET ids", res, body, w.ids)
				before := savedViewCount(t, s)
				res, body = c.post(path+"/edit", url.Values{"name": {"Renommée"}, "scope": {v.Scope}, "query": {v.Query.Encode()}, "columns": {"subject"}}, false)
				check("POST edit", res, body, w.save)
				after, _ := e.d.SavedView(ctx, admin, vid)
				if vid == mine.ID {
					after, _ = e.d.SavedView(ctx, storetest.Actor(t, s, e.f.AgentL1), vid)
				}
				if w.save != see && after.Name != v.Name {
					t.Errorf("%s: a refused edit renamed the view to %q", who, after.Name)
				}
				res, body = c.post(path+"/delete", nil, false)
				check("POST delete", res, body, w.del)
				if n := savedViewCount(t, s); (w.del == see) != (n == before-1) {
					t.Errorf("%s delete: %d views → %d", who, before, n)
				}
			}
		}
	})
}

// A view naming a team that is gone still opens, says so and lists
// nothing; "select all" refuses it; its sidebar entry is marked.
func TestStaleViewSaysSo(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *env, s *store.Store) {
		v, err := s.CreateSavedView(context.Background(), e.f.Lead.ID, store.SavedView{WorkspaceID: e.f.WS.ID, Name: "Ancienne équipe", Scope: store.ViewShared,
			OwnerID: e.f.Lead.ID, Query: "team=999999", Columns: desk.DefaultViewColumns()})
		if err != nil {
			t.Fatal(err)
		}
		lead := e.login(t, "lead@acme.test")
		res, page := lead.get("/views/saved-" + id(v.ID))
		expectStatus(t, res, page, http.StatusOK)
		contains(t, page, "Cette vue fait référence à quelque chose qui n&#39;existe plus (une équipe)", `href="/views/saved-`+id(v.ID)+`/edit"`,
			`<span class="count count-stale">!</span>`)
		res, body := lead.get("/views/saved-" + id(v.ID) + "/ids")
		expectStatus(t, res, body, http.StatusConflict)
	})
}

// "Select all in view" gives the ids of the whole list as filtered, up to
// one bulk run, and its count.
func TestSelectAllInView(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *env, s *store.Store) {
		ids := openTickets(t, e, s, 205)
		luc := e.login(t, "l1@acme.test")
		_, page := luc.get("/views/tier-" + id(e.f.Tier["L1"].ID))
		contains(t, page, "Sélectionner les 200 premiers des 207 tickets de cette vue (200 par passage)")
		_, page = luc.get("/views/tier-" + id(e.f.Tier["L1"].ID) + "?owner=none&sort=oldest")
		contains(t, page, `data-url="/views/tier-`+id(e.f.Tier["L1"].ID)+`/ids?owner=none&amp;sort=oldest"`)
		res, body := luc.get("/views/tier-" + id(e.f.Tier["L1"].ID) + "/ids")
		expectStatus(t, res, body, http.StatusOK)
		var out struct {
			IDs   []int64 `json:"ids"`
			Total int     `json:"total"`
		}
		if err := json.Unmarshal([]byte(body), &out); err != nil {
			t.Fatal(err)
		}
		if len(out.IDs) != desk.MaxBulk || out.Total != 207 || out.IDs[0] != ids[204] {
			t.Errorf("ids %d (first %d), total %d", len(out.IDs), out.IDs[0], out.Total)
		}
		// Filtered: only the billing ones (the fixture's #1000).
		_, body = luc.get("/views/tier-" + id(e.f.Tier["L1"].ID) + "/ids?type=billing")
		if err := json.Unmarshal([]byte(body), &out); err != nil {
			t.Fatal(err)
		}
		if len(out.IDs) != 1 || out.IDs[0] != e.f.Ticket["L1"].ID {
			t.Errorf("billing ids %v", out.IDs)
		}
	})
}

// waitLong waits for a condition that takes a whole bulk run (many
// requests on a loaded machine), with a deadline rather than a sleep.
func waitLong(t *testing.T, ctx context.Context, step, js string) {
	t.Helper()
	wctx, cancel := context.WithTimeout(ctx, 3*time.Minute)
	defer cancel()
	if err := chromedp.Do(wctx, waitTrue(js)); err != nil {
		shoot(t, ctx, "failed")
		t.Fatalf("%s: %v", step, err)
	}
}

func signInLuc(url string) []chromedp.Action[chromedp.Void] {
	return []chromedp.Action[chromedp.Void]{
		chromedp.Navigate(url),
		chromedp.WaitVisible(chromedp.CSS("#email")),
		chromedp.SendKeys(chromedp.CSS("#email"), "l1@acme.test"),
		chromedp.SendKeys(chromedp.CSS("#password"), storetest.Password),
		clickAndLoad(`form[action="/login"] button[type=submit]`),
	}
}

// TestBrowserBulkOverAView: Luc's view holds 200 tickets; he ticks the
// page, then "select all 200 tickets in this view", sets them pending,
// and the progress bar follows all 200 to the end; every one changed.
func TestBrowserBulkOverAView(t *testing.T) {
	ctx, e, s := browserEnv(t)
	ids := openTickets(t, e, s, 200)
	luc := storetest.Actor(t, s, e.f.AgentL1)
	v, err := e.d.CreateSavedView(context.Background(), luc, desk.ViewInput{Name: "Accès à prendre", Scope: store.ViewPersonal,
		Query: url.Values{"type": {"access"}, "owner": {"none"}}, Columns: desk.DefaultViewColumns()})
	if err != nil {
		t.Fatal(err)
	}
	f, err := e.d.ViewFilter(context.Background(), luc, v)
	if err != nil {
		t.Fatal(err)
	}
	if n, err := e.d.CountTickets(context.Background(), luc, f, desk.CountCap); err != nil || n != 200 {
		t.Fatalf("the view holds %d tickets (%v), want 200", n, err)
	}
	run(t, ctx, "sign in to the view", append(signInLuc(e.srv.URL+"/views/"+v.Key()),
		waitTrue(`document.querySelectorAll('input.row-select').length === 50`))...)
	run(t, ctx, "select the page, then the whole view",
		chromedp.Click(chromedp.CSS("#select-all")),
		waitTrue(`!document.querySelector('.select-view').hidden && document.querySelector('.select-view-all').textContent === 'Sélectionner les 200 tickets de cette vue'`),
		chromedp.Click(chromedp.CSS(".select-view-all")),
		waitTrue(`document.querySelector('.bulk-count').textContent === '(200)' && !document.querySelector('.select-view-done').hidden`),
		waitTrue(`document.querySelector('.select-view-done').textContent === 'Les 200 tickets de cette vue sont sélectionnés.'`),
	)
	run(t, ctx, "set them pending",
		chromedp.SetValue(chromedp.CSS(`#bulk-form select[name=status]`), "pending"),
		chromedp.Click(chromedp.CSS("#bulk-form button.bulk-apply")),
		waitTrue(`document.querySelector('#bulk-form progress').max === 200`),
	)
	waitLong(t, ctx, "the run ends", `!document.querySelector('.bulk-summary').hidden`)
	run(t, ctx, "all done",
		waitTrue(`document.querySelector('.bulk-summary').textContent === 'Faits : 200. Non faits : 0.'`),
		waitTrue(`document.querySelector('#bulk-form progress').value === 200`),
	)
	for _, id := range ids {
		tk, err := e.d.Ticket(context.Background(), luc, id)
		if err != nil || tk.Status != ticket.Pending {
			t.Fatalf("ticket %d is %s (%v)", id, tk.Status, err)
		}
	}
}

// TestBrowserSaveAView: Luc narrows his tier's queue to billing without a
// reload, saves it as a view, lands on it and reads its count in the
// sidebar.
func TestBrowserSaveAView(t *testing.T) {
	ctx, e, _ := browserEnv(t)
	run(t, ctx, "sign in to his tier's queue", append(signInLuc(e.srv.URL+"/views/tier-"+id(e.f.Tier["L1"].ID)),
		chromedp.WaitVisible(chromedp.CSS("#ticket-list")),
		waitTrue(`document.querySelector('.filters form')['htmx-internal-data'] !== undefined`))...)
	run(t, ctx, "filter on billing",
		chromedp.SetValue(chromedp.CSS("#f-type"), "billing"),
		chromedp.Evaluate[chromedp.Void](`document.querySelector('#f-type').dispatchEvent(new Event('change', {bubbles: true}))`),
		waitTrue(`document.querySelector('input[name=query][form=save-view-form]').value.includes('type=billing')`),
	)
	run(t, ctx, "save it",
		chromedp.Click(chromedp.CSS("details.save-view summary")),
		chromedp.WaitVisible(chromedp.CSS("#sv-name")),
		chromedp.SendKeys(chromedp.CSS("#sv-name"), "Factures du niveau 1"),
		clickAndLoad(`#save-view-form button[type=submit]:not(.update-view)`),
		waitTrue(`location.pathname.startsWith('/views/saved-')`),
	)
	run(t, ctx, "its count in the sidebar",
		chromedp.WaitVisible(chromedp.CSS(`#sidebar a[aria-current=page]`)),
		waitTrue(`document.querySelector('#sidebar a[aria-current=page] .view-label').textContent === 'Factures du niveau 1'`),
		waitTrue(`document.querySelector('#sidebar a[aria-current=page] .count').textContent === '1'`),
		waitTrue(`document.querySelector('#list-title').textContent === 'Factures du niveau 1' && document.querySelectorAll('tr.ticket-row').length === 1`),
	)
}
