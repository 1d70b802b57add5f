package web_test

import (
	"testing"

	"github.com/chromedp/chromedp"
)

// TestBrowserRoutingRules is Marc reordering two rules in a real browser
// under the production CSP: the move happens in the page (htmx), is saved
// as a whole, and is still there after a reload. On the way, the dry run
// answers in place and the editor narrows a row's tests to its field.
func TestBrowserRoutingRules(t *testing.T) {
	ctx, e, s := browserEnv(t)
	saveTestRules(t, e, s)

	signInAt(t, ctx, e, "/admin/routing", "admin@acme.test", "#routing")
	expectText(t, ctx, "#rule-0 .rule-name", "Double facturation")
	run(t, ctx, "move the first rule down",
		swapped(`true`),
		chromedp.Click(chromedp.CSS(`#rule-0 button[value="down:0"]`)),
		// The new list is in place and htmx has wired it: clicking the
		// swapped form earlier would post it as a plain form.
		swapped(`document.querySelector('#rule-0 .rule-name').textContent === 'Anomalies vers L3'`),
		chromedp.WaitVisible(chromedp.CSS(`.draft-bar button[value="save"]`)),
	)
	run(t, ctx, "try the working copy on past tickets",
		chromedp.Click(chromedp.CSS(`#routing button[value="dry_run"]`)),
		swapped(`document.querySelector('#dry-moved') !== null`),
	)
	expectTrue(t, ctx, "the dry run answered in place", `location.pathname === '/admin/routing'`)
	expectText(t, ctx, "#dry-total", "7")
	expectText(t, ctx, "#dry-moved", "2")
	expectText(t, ctx, "#dry-run-result tr.zero-hit", "Jamais")
	shoot(t, ctx, "routing-dry-run")
	run(t, ctx, "save the rules",
		chromedp.Click(chromedp.CSS(`.draft-bar button[value="save"]`)),
		swapped(`document.querySelector('#routing .saved') !== null`),
	)
	run(t, ctx, "reload", chromedp.Reload(), swapped(`document.querySelector('#rule-1') !== null`))
	expectText(t, ctx, "#rule-0 .rule-name", "Anomalies vers L3")
	expectText(t, ctx, "#rule-1 .rule-name", "Double facturation")
	expectTrue(t, ctx, "no unsaved changes after a reload", `document.querySelector('.draft-bar') === null`)

	run(t, ctx, "open the editor and pick a numeric field",
		chromedp.Click(chromedp.CSS(`#rule-1 button[value="edit:1"]`)),
		swapped(`document.querySelector('#c1-field') !== null`),
		chromedp.SetValue(chromedp.CSS("#c1-field"), "open_tickets"),
		script(`document.querySelector('#c1-field').dispatchEvent(new Event('change', {bubbles: true}))`),
		chromedp.Poll[chromedp.Void](`document.querySelector('#c1-op').value === 'eq'`),
	)
	expectTrue(t, ctx, "only number tests for a count",
		`[...document.querySelectorAll('#c1-op option')].map(o => o.value).join() === 'eq,gt,gte,lt,lte'`)
	shoot(t, ctx, "routing-editor")
}

// TestBrowserProcedures is Marc customising the built-in procedure: a
// step is added in place (htmx, under the CSP), and a wrong step is
// refused with the error beside its input.
func TestBrowserProcedures(t *testing.T) {
	ctx, e, _ := browserEnv(t)
	signInAt(t, ctx, e, "/admin/procedures", "admin@acme.test", "table.procedures")
	shoot(t, ctx, "procedures-list")
	run(t, ctx, "customise the built-in procedure",
		clickAndLoad(`tr.builtin a`),
		chromedp.WaitVisible(chromedp.CSS("#step-2")),
		chromedp.SendKeys(chromedp.CSS("#p-name"), "Procédure par défaut"),
		chromedp.Click(chromedp.CSS(`button[value="remove_step:2"]`)),
		chromedp.Poll[chromedp.Void](`document.querySelector('#step-2') === null`),
		chromedp.Click(chromedp.CSS(`button[value="add_step"]`)),
		chromedp.WaitVisible(chromedp.CSS("#step-2")),
	)
	expectTrue(t, ctx, "the new step goes one tier up from the last",
		`document.querySelector('#p-s2-from').value === 'L3' && document.querySelector('#p-s2-to').value === 'L4'`)
	expectTrue(t, ctx, "what was typed is kept", `document.querySelector('#p-name').value === 'Procédure par défaut'`)
	run(t, ctx, "a step down is refused beside its input",
		chromedp.SetValue(chromedp.CSS("#p-s2-to"), "L2"),
		chromedp.Click(chromedp.CSS(`.procedure-form .row-actions button[value="save"]`)),
		chromedp.WaitVisible(chromedp.CSS("#p-s2-to-err")),
	)
	expectText(t, ctx, "#p-s2-to-err", "Une étape doit monter : L2 n'est pas au-dessus de L3.")
	shoot(t, ctx, "procedure-error")
	run(t, ctx, "fix and save",
		chromedp.SetValue(chromedp.CSS("#p-s2-to"), "L4"),
		loads(chromedp.Click(chromedp.CSS(`.procedure-form .row-actions button[value="save"]`))),
		chromedp.WaitVisible(chromedp.CSS("#main .saved")),
	)
	expectText(t, ctx, "table.procedures", "L1 → L2 → L3 → L4")
}
