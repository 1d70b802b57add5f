package web_test

import (
	"net/http"
	"net/url"
	"regexp"
	"testing"

	"github.com/palier/palier/internal/store"
	"github.com/palier/palier/internal/store/storetest"
)

// TestConnectorsAdminPage: an admin declares a connector and sees its
// secret once; a refused form keeps what was typed; agents and leads are
// refused every route of the page.
func TestConnectorsAdminPage(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *env, s *store.Store) {
		admin := e.login(t, "admin@acme.test")
		for _, c := range []*client{e.login(t, "l1@acme.test"), e.login(t, "lead@acme.test")} {
			res, body := c.get("/admin/connectors")
			expectStatus(t, res, body, http.StatusForbidden)
			res, body = c.post("/admin/connectors", url.Values{"name": {"Facebook"}}, false)
			expectStatus(t, res, body, http.StatusForbidden)
			res, body = c.post("/admin/connectors/1", url.Values{"name": {"Facebook"}}, false)
			expectStatus(t, res, body, http.StatusForbidden)
		}

		res, body := admin.post("/admin/connectors", url.Values{"name": {"Facebook"}, "webhook_url": {"ftp://exemple.fr/hook"}}, false)
		expectStatus(t, res, body, http.StatusUnprocessableEntity)
		contains(t, body, "Il faut une adresse http ou https sans identifiants.", `value="ftp://exemple.fr/hook"`, `value="Facebook"`)

		res, body = admin.post("/admin/connectors", url.Values{"name": {"Page Facebook"}, "webhook_url": {"https://exemple.fr/hook"}, "public": {"on"}}, false)
		expectStatus(t, res, body, http.StatusOK)
		secret := regexp.MustCompile(`id="connector-secret">(whsec_[A-Z0-9]+)<`).FindStringSubmatch(body)
		if secret == nil || res.Header.Get("Cache-Control") != "no-store" {
			t.Fatalf("the new connector's secret is not shown once (Cache-Control %q):\n%s", res.Header.Get("Cache-Control"), excerpt(body))
		}
		res, body = admin.get("/admin/connectors")
		expectStatus(t, res, body, http.StatusOK)
		contains(t, body, "Page Facebook", "https://exemple.fr/hook", "/api/v1/channels/ch_")
		lacks(t, body, secret[1])

		list, err := e.d.Connectors(t.Context(), storetest.Actor(t, s, e.f.Admin))
		if err != nil || len(list) != 1 {
			t.Fatalf("connectors %v, %v", list, err)
		}
		res, body = admin.post("/admin/connectors/"+id(list[0].ID), url.Values{"name": {"Page Facebook"}, "webhook_url": {""}, "active": {"off"}}, false)
		expectStatus(t, res, body, http.StatusSeeOther)
		if loc := res.Header.Get("Location"); loc != "/admin/connectors?done=1" {
			t.Fatalf("saved, redirected to %q", loc)
		}
		_, body = admin.get("/admin/connectors?done=1")
		contains(t, body, "Enregistré.", "désactivé")
		list, _ = e.d.Connectors(t.Context(), storetest.Actor(t, s, e.f.Admin))
		if list[0].Active || list[0].WebhookURL != "" || list[0].Public {
			t.Fatalf("after saving: %+v", list[0])
		}
	})
}
