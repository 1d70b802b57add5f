package web_test

import (
	"context"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"github.com/palier/palier/internal/desk"
	"github.com/palier/palier/internal/store/storetest"
)

// A customer's mail shows what they wrote; the history their client
// quoted under it is folded away, kept whole behind "Quoted history".
func TestTimelineFoldsQuotedHistory(t *testing.T) {
	e, s := sqliteEnv(t)
	body := "Merci, cela fonctionne de nouveau.\n\nLe 2 mars 2026 à 10:02, Support Nuagique <support@nuagique.example> a écrit :\n> Nous avons réinitialisé votre accès."
	tk, err := e.d.CreateTicket(context.Background(), storetest.Actor(t, s, e.f.Admin), desk.NewTicket{Subject: "Accès", Body: body,
		RequestType: "access", CustomerID: e.f.Customer["alice"].ID})
	if err != nil {
		t.Fatal(err)
	}
	res, page := e.login(t, "admin@acme.test").get("/tickets/" + strconv.FormatInt(tk.ID, 10))
	expectStatus(t, res, page, http.StatusOK)
	contains(t, page, `<div class="event-body">Merci, cela fonctionne de nouveau.</div>`,
		`<details class="event-quoted"><summary>Historique cité et signature</summary>`, "&gt; Nous avons réinitialisé votre accès.")
	if strings.Count(page, "Nous avons réinitialisé") != 1 {
		t.Error("the quoted history should show once, folded")
	}
}
