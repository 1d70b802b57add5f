package web_test

import (
	"context"
	"net/http"
	"strconv"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/palier/palier/internal/attachment"
	"github.com/palier/palier/internal/store"
	"github.com/palier/palier/internal/store/storetest"
)

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
