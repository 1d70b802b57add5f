package web_test

import (
	"fmt"
	"testing"

	"github.com/chromedp/chromedp"
)

// TestBrowserCustomerPortal is Alice following her request in a real
// browser, under the production CSP: from the help centre she asks for a
// sign-in link, opens it (from the log, as in the demo), sees « Mes
// demandes », opens her request and answers; the agent who owns the
// ticket then finds her answer on his ticket page.
func TestBrowserCustomerPortal(t *testing.T) {
	ctx, s := browserStore(t)
	e, logs := portalEnv(t, s)
	alice := e.f.Customer["alice"]
	tk := e.f.Ticket["L2"]
	reply := fmt.Sprintf("Le fichier est toujours vide ce matin (%d).", tk.Number)

	run(t, ctx, "ask for a sign-in link",
		chromedp.Navigate(e.srv.URL+"/help?lang=fr"),
		chromedp.WaitVisible(chromedp.CSS("#portal-link")),
		clickAndLoad("#portal-link"),
		chromedp.WaitVisible(chromedp.CSS("#portal-email")),
		chromedp.SendKeys(chromedp.CSS("#portal-email"), alice.Email),
		clickAndLoad(`#portal-sign-in button[type=submit]`),
		chromedp.WaitVisible(chromedp.CSS("#link-sent")),
	)
	run(t, ctx, "open the link and sign in",
		chromedp.Navigate(logs.last(t, alice.Email)),
		chromedp.WaitVisible(chromedp.CSS("#portal-confirm")),
		clickAndLoad(`#portal-confirm button[type=submit]`),
		chromedp.WaitVisible(chromedp.CSS(fmt.Sprintf(`tr[data-number="%d"]`, tk.Number))),
	)
	expectText(t, ctx, "h1", "Mes demandes")
	run(t, ctx, "open the request and reply",
		clickAndLoad(fmt.Sprintf(`tr[data-number="%d"] a`, tk.Number)),
		chromedp.WaitVisible(chromedp.CSS("#portal-body")),
		chromedp.SendKeys(chromedp.CSS("#portal-body"), reply),
		clickAndLoad(`#portal-reply button[type=submit]`),
		chromedp.WaitVisible(chromedp.CSS("#notice")),
	)
	expectText(t, ctx, "#portal-timeline .portal-customer:last-child", reply)

	signInAt(t, ctx, e, fmt.Sprintf("/tickets/%d", tk.ID), e.f.AgentL2.Email, "#timeline")
	expectText(t, ctx, "#timeline", reply)
	expectText(t, ctx, "#timeline", alice.Name)
}
