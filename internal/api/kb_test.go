package api

import (
	"context"
	"net/url"
	"testing"

	"github.com/palier/palier/internal/store/storetest"
	"github.com/palier/palier/internal/workspace"
)

func kbCount(e *env) (n int) {
	e.t.Helper()
	if err := e.s.DB().QueryRow(`SELECT (SELECT count(*) FROM kb_articles) + (SELECT count(*) FROM kb_revisions)`).Scan(&n); err != nil {
		e.t.Fatal(err)
	}
	return n
}

// Articles over HTTP: write, link variants, edit, search as a member and
// as the public; every answer is held to the OpenAPI document.
func TestKnowledgeBaseAPI(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *env) {
		var fr articleJSON
		e.must(e.send("agentL1", "POST", Prefix+"/kb/articles", map[string]any{
			"title": "Facturé deux fois ?", "language": "fr", "status": "published", "tags": []string{"Facturation"},
			"body": "Si votre carte a été **débitée deux fois**, le second prélèvement est remboursé sous cinq jours.",
		}), 201, &fr)
		if fr.BodyHTML == "" || fr.Revision != 1 || fr.Tags[0] != "facturation" {
			t.Errorf("created %+v", fr)
		}
		var en articleJSON
		e.must(e.send("agentL1", "POST", Prefix+"/kb/articles", map[string]any{
			"title": "Charged twice?", "language": "en", "status": "published", "translation_of": fr.ID,
			"body": "If your card was charged twice, the second payment is refunded within five days.",
		}), 201, &en)
		if len(en.Translations) != 1 || en.Translations[0].ID != fr.ID {
			t.Errorf("variants of the English article: %+v", en.Translations)
		}
		var internal articleJSON
		e.must(e.send("lead", "POST", Prefix+"/kb/articles", map[string]any{
			"title": "Rembourser un double prélèvement", "language": "fr", "status": "published", "visibility": "internal",
			"body": "Console de paiement, onglet Litiges.",
		}), 201, &internal)

		// Refused writes write nothing.
		before := kbCount(e)
		for _, bad := range []map[string]any{
			{"title": "", "language": "de", "body": ""},
			{"title": "x", "language": "fr", "body": "y", "translation_of": en.ID + 1000},
			{"title": "x", "language": "fr", "body": "y", "id": 7},
		} {
			if a := e.send("agentL1", "POST", Prefix+"/kb/articles", bad); a.status/100 != 4 {
				t.Errorf("bad article %v answered %s", bad, a)
			}
		}
		if a := e.send("other", "PATCH", idPath("/kb/articles", fr.ID), map[string]any{"title": "pris"}); a.status != 404 {
			t.Errorf("another workspace's edit: %s", a)
		}
		if kbCount(e) != before {
			t.Errorf("refused writes changed the knowledge base")
		}

		var upd articleJSON
		e.must(e.send("agentL2", "PATCH", idPath("/kb/articles", fr.ID), map[string]any{"title": "Prélevé deux fois ?"}), 200, &upd)
		if upd.Revision != 2 || upd.Body != fr.Body {
			t.Errorf("updated %+v", upd)
		}

		var revs struct {
			Data []revisionJSON `json:"data"`
		}
		e.must(e.get("lead", idPath("/kb/articles", fr.ID)+"/revisions"), 200, &revs)
		if len(revs.Data) != 2 || revs.Data[0].Number != 2 || revs.Data[0].Diff[0] != (diffLine{"-", "Facturé deux fois ?"}) ||
			revs.Data[0].Diff[1] != (diffLine{"+", "Prélevé deux fois ?"}) {
			t.Errorf("revisions %+v", revs.Data)
		}
		e.must(e.get("agentL1", Prefix+"/kb/categories"), 200, nil)

		var res searchResults
		e.must(e.get("agentL1", Prefix+"/kb/search?language=fr&q="+url.QueryEscape("prelevement rembours")), 200, &res)
		if len(res.Data) != 2 || res.Data[0].ID != internal.ID || res.Data[1].ID != fr.ID {
			t.Errorf("agent search: %+v, want the internal article (both words in its title) then the public one", res.Data)
		}
		e.must(e.get("", Prefix+"/kb/public/search?workspace="+itoa(e.f.WS.ID)+"&q="+url.QueryEscape("prelevement")), 200, &res)
		if len(res.Data) != 1 || res.Data[0].ID != fr.ID {
			t.Errorf("public search: %+v (the internal article must not show)", res.Data)
		}
		e.must(e.get("", Prefix+"/kb/public/search?workspace="+itoa(e.f.WS.ID)+"&language=en&q=refund"), 200, &res)
		if len(res.Data) != 1 || res.Data[0].ID != en.ID {
			t.Errorf("public English search: %+v", res.Data)
		}
		if a := e.get("", Prefix+"/kb/search?q=x"); a.status != 401 {
			t.Errorf("member search without a token: %s", a)
		}
		if a := e.get("", Prefix+"/kb/public/search?workspace="+itoa(e.f.WS.ID)+"&language=de&q=x"); a.status != 400 {
			t.Errorf("unknown language: %s", a)
		}
		if a := e.do(req{who: "other", method: "GET", path: idPath("/kb/articles", fr.ID), header: map[string]string{"Accept-Language": "fr"}}); a.status != 404 ||
			a.errorBody().Code != "article_not_found" || a.errorBody().Message != "Article introuvable." {
			t.Errorf("another workspace read: %s", a)
		}
		// A collaborator reads published public articles only.
		var po workspace.Member
		e.must(e.send("admin", "POST", Prefix+"/agents", map[string]any{"email": "po@acme.test", "name": "Paul Produit", "role": "collaborator",
			"tier_ids": []int64{e.f.Tier["L1"].ID}}), 201, &po)
		token, err := e.d.CreateToken(context.Background(), storetest.Actor(t, e.s, po), po.ID, "test")
		if err != nil {
			t.Fatal(err)
		}
		e.tokens["collab"] = token
		var collab page[articleJSON]
		e.must(e.get("collab", Prefix+"/kb/articles?visibility=internal"), 200, &collab)
		for _, x := range collab.Data {
			if x.Visibility != "public" {
				t.Errorf("a collaborator listed %+v", x)
			}
		}
		if a := e.get("collab", idPath("/kb/articles", fr.ID)+"/revisions"); a.status != 403 {
			t.Errorf("a collaborator read revisions: %s", a)
		}
		if a := e.get("collab", idPath("/kb/articles", internal.ID)); a.status != 404 {
			t.Errorf("a collaborator read the internal article: %s", a)
		}
		if a := e.send("collab", "POST", Prefix+"/kb/articles", map[string]any{"title": "x", "language": "fr", "body": "y"}); a.status != 403 {
			t.Errorf("a collaborator wrote an article: %s", a)
		}
		var list page[articleJSON]
		e.must(e.get("agentL1", Prefix+"/kb/articles?language=fr"), 200, &list)
		if len(list.Data) != 2 {
			t.Errorf("French articles: %d", len(list.Data))
		}
	})
}
