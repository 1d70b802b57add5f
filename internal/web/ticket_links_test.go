package web_test

import (
	"context"
	"maps"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/palier/palier/internal/attachment"
	"github.com/palier/palier/internal/desk"
	"github.com/palier/palier/internal/macro"
	"github.com/palier/palier/internal/store"
	"github.com/palier/palier/internal/store/storetest"
	"github.com/palier/palier/internal/ticket"
)

// aliceTicket opens a ticket for alice in tier L1 and returns it with its
// first customer message's id.
func aliceTicket(t *testing.T, s *store.Store, e *env, body string) (ticket.Ticket, int64) {
	t.Helper()
	ctx := context.Background()
	admin := storetest.Actor(t, s, e.f.Admin)
	tk, err := e.d.CreateTicket(ctx, admin, desk.NewTicket{Subject: "Doublon : " + body, Body: body, CustomerID: e.f.Customer["alice"].ID,
		RequestType: "billing", TierID: e.f.Tier["L1"].ID, TeamID: e.f.Team["L1"].ID})
	if err != nil {
		t.Fatal(err)
	}
	events, err := e.d.Timeline(ctx, admin, tk.ID, 0, 50)
	if err != nil {
		t.Fatal(err)
	}
	for _, ev := range events {
		if ev.Kind == ticket.CustomerMessage {
			return tk, ev.ID
		}
	}
	t.Fatal("no customer message")
	return tk, 0
}

func linkTableCounts(t *testing.T, s *store.Store) map[string]int {
	t.Helper()
	return rows(t, s, "tickets", "events", "ticket_links", "audit_log", "jobs")
}

// Every role on the ticket page's merge, split and link forms: who works
// the ticket lands on the result; others are told it does not exist, and
// nothing is written.
func TestLinkFormsForEveryRole(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *env, s *store.Store) {
		keep := e.f.Ticket["L1"]
		// A macro everyone may use: the picker shows where it may be applied.
		if _, err := e.d.CreateMacro(context.Background(), storetest.Actor(t, s, e.f.Admin),
			macro.Macro{Name: "Merci", Scope: macro.Shared, BodyFR: "Merci !"}); err != nil {
			t.Fatal(err)
		}
		for _, r := range []struct {
			email string
			may   bool
		}{
			{"admin@acme.test", true}, {"lead@acme.test", true}, {"l1@acme.test", true}, {"l2@acme.test", false}, {"l3@acme.test", false},
		} {
			t.Run(r.email, func(t *testing.T) {
				c := e.login(t, r.email)
				c.lang = "fr"
				dup, dupMsg := aliceTicket(t, s, e, "doublon "+r.email)
				two, msg := aliceTicket(t, s, e, "deux sujets "+r.email)
				res, page := c.get("/tickets/" + id(keep.ID))
				if !r.may {
					expectStatus(t, res, page, http.StatusNotFound)
				} else {
					expectStatus(t, res, page, http.StatusOK)
					contains(t, page, "Tickets liés", "Fusionner dans…", "Fusionner ce ticket dans "+dup.Reference)
				}
				posts := []struct {
					name, path string
					form       url.Values
					lands      string
				}{
					{"merge", "/tickets/" + id(dup.ID) + "/merge", url.Values{"into": {id(keep.ID)}}, "/tickets/" + id(keep.ID)},
					{"split", "/tickets/" + id(two.ID) + "/split", url.Values{"message_id": {id(msg)}}, "/tickets/"},
					{"link", "/tickets/" + id(two.ID) + "/links", url.Values{"number": {keep.Reference}, "relation": {"parent"}}, "/tickets/" + id(two.ID) + "#links"},
					{"unlink", "/tickets/" + id(two.ID) + "/links/" + id(keep.ID) + "/delete", url.Values{}, "/tickets/" + id(two.ID) + "#links"},
				}
				for _, p := range posts {
					before := linkTableCounts(t, s)
					res, body := c.post(p.path, p.form, false)
					if r.may {
						if res.StatusCode != http.StatusSeeOther || !strings.HasPrefix(res.Header.Get("Location"), p.lands) {
							t.Fatalf("%s: %d → %q, want a redirect to %s\n%s", p.name, res.StatusCode, res.Header.Get("Location"), p.lands, excerpt(body))
						}
						continue
					}
					expectStatus(t, res, body, http.StatusNotFound)
					if after := linkTableCounts(t, s); !maps.Equal(before, after) {
						t.Fatalf("%s refused to %s wrote: %v → %v", p.name, r.email, before, after)
					}
				}
				if !r.may {
					return
				}
				// The split message shows where it went; the kept ticket's
				// customer messages offer the split.
				_, page = c.get("/tickets/" + id(two.ID))
				contains(t, page, "Déplacé vers #")
				_, page = c.get("/tickets/" + id(keep.ID))
				contains(t, page, `action="/tickets/`+id(keep.ID)+`/split"`, "Séparer dans un nouveau ticket", "Écrit sur "+dup.Reference+", fusionné ici.")
				_, page = c.get("/tickets/" + id(dup.ID))
				contains(t, page, `id="merged-banner"`, "Ce ticket a été fusionné dans", `<a href="/tickets/`+id(keep.ID)+`">`+keep.Reference+`</a>`)
				lacks(t, page, "Fusionner dans…", "Séparer dans un nouveau ticket")
				// Its composer takes notes only, and says where to answer.
				contains(t, page, `id="composer-merged"`,
					`celui-ci a été fusionné : <a href="/tickets/`+id(keep.ID)+`">`+keep.Reference+`</a>`,
					`name="mode" value="note" checked`, `class="note send-note"`)
				lacks(t, page, `name="mode" value="reply"`, `class="primary send-reply"`)
				// Nor a macro picker: a macro's reply and actions would be refused.
				lacks(t, page, `id="macro-picker"`)
				_, page = c.get("/tickets/" + id(keep.ID))
				contains(t, page, `name="mode" value="reply" checked`, `class="primary send-reply"`, `id="macro-picker"`)
				lacks(t, page, `id="composer-merged"`)

				// A reply written on a page opened before the merge is not
				// sent: the page says so and where the conversation went,
				// with the text typed kept in the composer, now for a note
				// (page or htmx). Nothing is written.
				for _, htmx := range []bool{false, true} {
					typed := "Réponse tapée avant la fusion " + strconv.FormatBool(htmx)
					before := linkTableCounts(t, s)
					res, page = c.post("/tickets/"+id(dup.ID)+"/messages",
						url.Values{"mode": {"reply"}, "body": {typed}, "seen": {id(dupMsg)}}, htmx)
					expectStatus(t, res, page, http.StatusConflict)
					contains(t, page, `class="form-error composer-not-sent"`,
						`Votre réponse n&#39;a pas été envoyée : entre-temps, ce ticket a été fusionné dans <a href="/tickets/`+id(keep.ID)+`">`+keep.Reference+`</a>`,
						">"+typed+"</textarea>", `name="mode" value="note" checked`, `class="note send-note"`)
					lacks(t, page, `name="mode" value="reply"`, `class="primary send-reply"`)
					if after := linkTableCounts(t, s); !maps.Equal(before, after) {
						t.Fatalf("a reply refused on the merged ticket wrote: %v → %v", before, after)
					}
				}
				// Notes stay allowed there.
				res, page = c.post("/tickets/"+id(dup.ID)+"/messages", url.Values{"mode": {"note"}, "body": {"Note après la fusion"}}, false)
				expectStatus(t, res, page, http.StatusSeeOther)
				_, page = c.get("/tickets/" + id(dup.ID))
				contains(t, page, "Note après la fusion")
			})
		}

		// A link to a ticket an L1 agent may not read shows its number only.
		lead := e.login(t, "lead@acme.test")
		res, body := lead.post("/tickets/"+id(keep.ID)+"/links", url.Values{"number": {e.f.Ticket["L2"].Reference}, "relation": {"related"}}, false)
		if res.StatusCode != http.StatusSeeOther {
			t.Fatalf("lead links: %d %s", res.StatusCode, excerpt(body))
		}
		l1 := e.login(t, "l1@acme.test")
		l1.lang = "fr"
		_, page := l1.get("/tickets/" + id(keep.ID))
		contains(t, page, e.f.Ticket["L2"].Reference+" (accès refusé)")
		lacks(t, page, e.f.Ticket["L2"].Subject)
		_, page = lead.get("/tickets/" + id(keep.ID))
		contains(t, page, e.f.Ticket["L2"].Subject)
	})
}

// TestBrowserMerge is Luc finding that alice wrote twice about the same
// invoice: from the duplicate he opens "Merge into…", searches #1000,
// merges, and reads on #1000 the whole conversation in the order it was
// written, with the one notice alice gets; the duplicate points at #1000.
func TestBrowserMerge(t *testing.T) {
	ctx, e, s := browserEnv(t)
	keep := e.f.Ticket["L1"]
	// alice writes again, then an agent answers #1000: read in time
	// order, her second message comes before that answer (in id order,
	// which the copies would otherwise follow, it would come after).
	var mu sync.Mutex
	now := time.Now()
	s.SetClock(func() time.Time { mu.Lock(); defer mu.Unlock(); return now })
	tick := func() { mu.Lock(); now = now.Add(time.Minute); mu.Unlock() }
	dup, _ := aliceTicket(t, s, e, "Je vous réécris au sujet de la facture en double.")
	tick()
	if _, _, err := e.d.Reply(context.Background(), storetest.Actor(t, s, e.f.Admin), keep.ID, "Nous regardons votre facture.", ""); err != nil {
		t.Fatal(err)
	}
	tick()
	dupURL := e.srv.URL + "/tickets/" + strconv.FormatInt(dup.ID, 10)
	keepPath := "/tickets/" + strconv.FormatInt(keep.ID, 10)
	run(t, ctx, "sign in on the duplicate",
		chromedp.Navigate(dupURL),
		chromedp.WaitVisible(chromedp.CSS("#email")),
		chromedp.SendKeys(chromedp.CSS("#email"), "l1@acme.test"),
		chromedp.SendKeys(chromedp.CSS("#password"), storetest.Password),
		clickAndLoad(`form[action="/login"] button[type=submit]`),
		chromedp.WaitVisible(chromedp.CSS("#links")),
	)
	run(t, ctx, "search the ticket to keep",
		chromedp.Click(chromedp.CSS("#merge summary")),
		chromedp.WaitVisible(chromedp.CSS("#merge-q")),
		chromedp.SendKeys(chromedp.CSS("#merge-q"), keep.Reference),
		clickAndLoad(`.merge-search button[type=submit]`),
		chromedp.WaitVisible(chromedp.CSS(`#merge .merge-candidates`)),
		waitTrue(`document.querySelectorAll('#merge .merge-candidates li').length === 1`),
	)
	run(t, ctx, "merge into it: the kept ticket reads as one conversation",
		clickAndLoad(`button.merge-into[data-ref="`+keep.Reference+`"]`),
		waitTrue(`location.pathname === '`+keepPath+`'`),
		chromedp.WaitVisible(chromedp.CSS("#timeline")),
		waitTrue(`(() => {
			const items = [...document.querySelectorAll('#timeline .event')];
			const at = text => items.findIndex(li => li.textContent.includes(text));
			const first = at("J'ai été facturée deux fois"), copied = at('Je vous réécris au sujet de la facture en double.');
			const answer = at('Nous regardons votre facture.');
			const merged = at('a fusionné `+dup.Reference+` dans ce ticket'), notice = at('Nous poursuivons ici');
			return first >= 0 && copied > first && answer > copied && merged > answer && notice > merged &&
				items[copied].textContent.includes('Écrit sur `+dup.Reference+`, fusionné ici.');
		})()`),
	)
	run(t, ctx, "the duplicate points at the kept ticket",
		chromedp.Navigate(dupURL),
		chromedp.WaitVisible(chromedp.CSS("#merged-banner")),
		waitTrue(`document.querySelector('#merged-banner a').getAttribute('href') === '`+keepPath+`' && document.querySelector('#merged-banner').textContent.includes('`+keep.Reference+`')`),
		waitTrue(`document.querySelector('#merge') === null && document.querySelector('#ticket-header .status-closed') !== null`),
	)
}

// Luc writes a reply with a screenshot attached on alice's ticket while
// the lead merges it into #1000: the reply is refused, the composer takes
// a note with his text and says that his file is still attached; it is,
// and the note he sends carries it. Nothing he attached is lost.
func TestBrowserFilesOfAReplyRefusedByAMergeStayInTheComposer(t *testing.T) {
	ctx, e, s := browserEnv(t)
	e.attachments(t, attachment.Limits{})
	keep := e.f.Ticket["L1"]
	dup, _ := aliceTicket(t, s, e, "Je vous réécris au sujet de la facture en double.")
	signInAt(t, ctx, e, "/tickets/"+strconv.FormatInt(dup.ID, 10), "l1@acme.test", "#composer")
	run(t, ctx, "write a reply and attach a screenshot",
		chromedp.SendKeys(chromedp.CSS("#composer-body"), "Voici la capture corrigée."),
		chromedp.Evaluate[chromedp.Void](`(() => {
			const png = Uint8Array.from(atob("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR4nGP4DwAAAQEABRjYTgAAAABJRU5ErkJggg=="), c => c.charCodeAt(0));
			const dt = new DataTransfer();
			dt.items.add(new File([png], "capture.png", {type: "image/png"}));
			document.querySelector("#composer input[name=files]").files = dt.files;
		})()`),
		chromedp.Poll[chromedp.Void](`document.querySelector('#composer input[name=files]').files.length === 1`),
	)
	if _, err := e.d.MergeTickets(context.Background(), storetest.Actor(t, s, e.f.Lead), keep.ID, []int64{dup.ID}); err != nil {
		t.Fatal(err)
	}
	run(t, ctx, "send it: refused, the text and the file stay for a note",
		chromedp.Click(chromedp.CSS("#composer button.send-reply")),
		chromedp.WaitVisible(chromedp.CSS("#composer .composer-not-sent")),
		waitTrue(`document.querySelector('#composer .composer-kept-files').textContent.includes('Vos fichiers (capture.png) sont toujours joints')`),
		waitTrue(`document.querySelector('#composer-body').value === 'Voici la capture corrigée.'`),
		waitTrue(`document.querySelector('#composer input[name=mode][value=note]').checked`),
		waitTrue(`(() => { const f = document.querySelector('#composer input[name=files]').files; return f.length === 1 && f[0].name === 'capture.png'; })()`),
	)
	run(t, ctx, "send the note: it carries the file",
		chromedp.Click(chromedp.CSS("#composer button.send-note")),
		chromedp.Poll[chromedp.Void](`[...document.querySelectorAll('#timeline .event')].some(li => li.textContent.includes('Voici la capture corrigée.') &&
			[...li.querySelectorAll('.event-files img.file-preview')].some(i => i.alt === 'capture.png'))`),
	)
}

// Without the page's script (a whole page comes back), the refused reply's
// files cannot be put back in the composer: it names them, to attach
// again, and nothing of them is stored.
func TestAReplyRefusedByAMergeNamesItsFilesOnAWholePage(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *env, s *store.Store) {
		e.attachments(t, attachment.Limits{})
		keep := e.f.Ticket["L1"]
		dup, _ := aliceTicket(t, s, e, "Je vous réécris au sujet de la facture en double.")
		if _, err := e.d.MergeTickets(context.Background(), storetest.Actor(t, s, e.f.Lead), keep.ID, []int64{dup.ID}); err != nil {
			t.Fatal(err)
		}
		c := e.login(t, "l1@acme.test")
		before := count(t, s, `SELECT count(*) FROM attachments`)
		res, page := c.postFiles("/tickets/"+id(dup.ID)+"/messages", map[string]string{"mode": "reply", "body": "Voici la capture."},
			map[string][]byte{"capture.png": webPNG})
		expectStatus(t, res, page, http.StatusConflict)
		contains(t, page, `class="composer-kept-files"`, "Vos fichiers (capture.png) n&#39;ont pas été conservés : joignez-les à nouveau.",
			">Voici la capture.</textarea>")
		lacks(t, page, "data-keep-files")
		if after := count(t, s, `SELECT count(*) FROM attachments`); after != before {
			t.Fatalf("a refused reply stored %d files", after-before)
		}
	})
}
