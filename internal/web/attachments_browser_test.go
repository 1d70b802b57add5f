package web_test

import (
	"strconv"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/palier/palier/internal/attachment"
)

// A file dropped on the composer goes with the note, and an image shows
// as a preview on the timeline.
func TestDropAFileOnTheComposer(t *testing.T) {
	ctx, e, _ := browserEnv(t)
	e.attachments(t, attachment.Limits{})
	tk := e.f.Ticket["L1owned"]
	signInAt(t, ctx, e, "/tickets/"+strconv.FormatInt(tk.ID, 10), "l1@acme.test", "#composer")
	run(t, ctx, "drop an image and send a note",
		chromedp.SendKeys(chromedp.CSS("#composer-body"), "Capture de l'erreur"),
		chromedp.Click(chromedp.CSS(`#composer input[name=mode][value=note]`)),
		chromedp.Evaluate[chromedp.Void](`(() => {
			const png = Uint8Array.from(atob("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR4nGP4DwAAAQEABRjYTgAAAABJRU5ErkJggg=="), c => c.charCodeAt(0));
			const dt = new DataTransfer();
			dt.items.add(new File([png], "capture.png", {type: "image/png"}));
			document.querySelector("#composer-body").dispatchEvent(new DragEvent("drop", {dataTransfer: dt, bubbles: true, cancelable: true}));
		})()`),
		chromedp.Poll[chromedp.Void](`document.querySelector('#composer input[name=files]').files.length === 1`),
		chromedp.Click(chromedp.CSS("#composer button.send-note")),
		chromedp.Poll[chromedp.Void](`[...document.querySelectorAll('#timeline .event-files img.file-preview')].some(i => i.alt === 'capture.png' && i.complete && i.naturalWidth === 1)`),
	)
}
