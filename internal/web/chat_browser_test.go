package web_test

import (
	"strconv"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/palier/palier/internal/browsertest"
)

// hasLine is a condition: the page's transcript shows a line of text.
func hasLine(text string) string {
	return `Array.from(document.querySelectorAll("#chat-lines .what")).some(e => e.textContent === ` + strconv.Quote(text) + `)`
}

// TestBrowserChat is a customer chatting from the help centre while Luc,
// in another browser context, sees the chat arrive in his panel without
// reloading, accepts it, answers and ends it; the ticket then shows the
// transcript.
func TestBrowserChat(t *testing.T) {
	custCtx := browsertest.New(t)
	// A second browser of its own: nothing (cookies, storage) is shared
	// with the customer's.
	agentCtx := browsertest.New(t)
	e, s := sqliteEnv(t)
	alwaysOpen(t, e, s)

	signInAt(t, agentCtx, e, "/chats", "l1@acme.test", "#chat-queue")
	run(t, agentCtx, "the panel is live",
		chromedp.WaitVisible(chromedp.CSS("#no-chats")),
		waitTrue(`document.getElementById("chat-queue").dataset.link === "open"`),
	)

	run(t, custCtx, "the customer starts a chat",
		chromedp.Navigate(e.srv.URL+"/help/chat?lang=fr"),
		chromedp.WaitVisible(chromedp.CSS("#chat-name")),
		chromedp.SendKeys(chromedp.CSS("#chat-name"), "Zoé Client"),
		chromedp.SendKeys(chromedp.CSS("#chat-email"), "zoe@example.test"),
		chromedp.SendKeys(chromedp.CSS("#chat-first"), "Bonjour, ma facture est fausse"),
		clickAndLoad("#chat-start"),
		chromedp.WaitVisible(chromedp.CSS("#chat-say")),
		waitTrue(hasLine("Bonjour, ma facture est fausse")),
		waitTrue(`document.getElementById("chat").dataset.link === "open"`),
	)
	// Its cookie is for the chat's path only and not readable by scripts.
	expectTrue(t, custCtx, "the token is not readable by scripts", `!document.cookie.includes("palier_chat")`)

	run(t, agentCtx, "the chat appears in Luc's panel; he accepts it",
		chromedp.WaitVisible(chromedp.CSS(`#chat-list button[id^="accept-"]`)),
		clickAndLoad(`#chat-list button[id^="accept-"]`),
		chromedp.WaitVisible(chromedp.CSS("#chat-say")),
		waitTrue(hasLine("Bonjour, ma facture est fausse")),
		waitTrue(`document.getElementById("chat").dataset.link === "open"`),
	)
	run(t, custCtx, "the customer is told who is with them",
		waitTrue(`document.getElementById("chat-state").textContent.includes("Luc Premier")`),
	)
	run(t, agentCtx, "Luc answers",
		chromedp.SendKeys(chromedp.CSS("#chat-text"), "Je regarde votre facture."),
		chromedp.Click(chromedp.CSS("#chat-send")),
		waitTrue(hasLine("Je regarde votre facture.")),
	)
	run(t, custCtx, "the customer reads the answer and replies",
		waitTrue(hasLine("Je regarde votre facture.")),
		chromedp.SendKeys(chromedp.CSS("#chat-text"), "Merci beaucoup"),
		chromedp.Click(chromedp.CSS("#chat-send")),
		waitTrue(hasLine("Merci beaucoup")),
	)
	run(t, custCtx, "a reload keeps the conversation",
		chromedp.Reload(),
		chromedp.WaitVisible(chromedp.CSS("#chat-say")),
		waitTrue(hasLine("Je regarde votre facture.")),
		waitTrue(`document.getElementById("chat").dataset.link === "open"`),
	)
	run(t, agentCtx, "Luc reads the reply and ends the chat",
		waitTrue(hasLine("Merci beaucoup")),
		clickAndLoad("#chat-end"),
		chromedp.WaitVisible(chromedp.CSS("#composer")),
	)
	expectTrue(t, agentCtx, "the ticket shows the transcript in order", `(() => {
		const t = document.body.innerText;
		const a = t.indexOf("Bonjour, ma facture est fausse"), b = t.indexOf("Je regarde votre facture."), c = t.indexOf("Merci beaucoup");
		return a >= 0 && a < b && b < c;
	})()`)
	run(t, custCtx, "the customer sees the chat ended",
		chromedp.WaitVisible(chromedp.CSS("#chat-again")),
		chromedp.WaitNotVisible(chromedp.CSS("#chat-say")),
	)
}
