package server_test

import (
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/palier/palier/internal/desk"
	"github.com/palier/palier/internal/server"
	"github.com/palier/palier/internal/store"
	"github.com/palier/palier/internal/store/storetest"
)

// A request whose database connection never comes ends once the server's
// request budget is spent: answered 503 "unavailable" with Retry-After,
// in the API's JSON and as the page's message, and logged as an error,
// instead of staying in the server for as long as the client waits. The
// test holds the store's only writer (SQLite's one connection; on
// PostgreSQL the write pool is shrunk to the one held), which is what a request
// waiting for a free connection meets when every connection is taken for
// good. The client gives up after clientWait: without the budget, that is
// how the test ends.
func TestStarvedDatabaseAnswers503(t *testing.T) {
	const budget, clientWait = time.Second, 15 * time.Second
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := t.Context()
		f := storetest.Seed(t, s)
		logs := &countingHandler{}
		d := desk.New(s, slog.New(logs))
		token, err := d.CreateToken(ctx, storetest.Actor(t, s, f.Admin), f.Admin.ID, "test")
		if err != nil {
			t.Fatal(err)
		}
		unused, err := d.CreateToken(ctx, storetest.Actor(t, s, f.Admin), f.Admin.ID, "never used yet")
		if err != nil {
			t.Fatal(err)
		}
		h, err := server.New(d, server.Config{Version: "test", Log: slog.New(logs), RequestBudget: budget})
		if err != nil {
			t.Fatal(err)
		}
		srv := httptest.NewServer(h)
		defer srv.Close()
		client := &http.Client{Timeout: clientWait}
		send := func(req *http.Request) (*http.Response, string, time.Duration) {
			t.Helper()
			req.Header.Set("Accept-Language", "fr")
			start := time.Now()
			res, err := client.Do(req)
			if err != nil {
				t.Fatalf("%s %s: no answer within %s: %v", req.Method, req.URL.Path, clientWait, err)
			}
			defer res.Body.Close()
			b, _ := io.ReadAll(res.Body)
			return res, string(b), time.Since(start)
		}
		newCustomer := func() *http.Request {
			req, _ := http.NewRequest("POST", srv.URL+"/api/v1/customers", strings.NewReader(`{"name": "Zélie Martin", "email": "zelie@example.fr"}`))
			req.Header.Set("Authorization", "Bearer "+token)
			req.Header.Set("Content-Type", "application/json")
			return req
		}
		// The token is read and its use noted before the writer is taken.
		me, _ := http.NewRequest("GET", srv.URL+"/api/v1/me", nil)
		me.Header.Set("Authorization", "Bearer "+token)
		if res, body, _ := send(me); res.StatusCode != 200 {
			t.Fatalf("before: %d %s", res.StatusCode, body)
		}

		db := s.DB()
		db.SetMaxOpenConns(1)
		held, err := db.Conn(ctx)
		if err != nil {
			t.Fatal(err)
		}
		defer held.Close()

		// A token's first use is noted on a context that outlives the
		// request, out of the budget's reach: that note gives up on its
		// own (5 s), and the request is answered 200, as it reads the
		// token from the read pool, not the held writer.
		first, _ := http.NewRequest("GET", srv.URL+"/api/v1/me", nil)
		first.Header.Set("Authorization", "Bearer "+unused)
		if res, body, _ := send(first); res.StatusCode != 200 {
			t.Errorf("a token's first use with no connection to be had: %d %s", res.StatusCode, body)
		}

		res, body, took := send(newCustomer())
		var e struct {
			Error struct{ Code, Message string }
		}
		_ = json.Unmarshal([]byte(body), &e)
		if res.StatusCode != 503 || res.Header.Get("Retry-After") == "" || e.Error.Code != "unavailable" {
			t.Errorf("API write with no connection to be had: %d Retry-After=%q %s", res.StatusCode, res.Header.Get("Retry-After"), body)
		}
		if took < budget {
			t.Errorf("answered after %s, before the budget of %s was spent", took, budget)
		}
		form := url.Values{"email": {f.AgentL1.Email}, "password": {"whatever-it-is"}}
		req, _ := http.NewRequest("POST", srv.URL+"/login", strings.NewReader(form.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		res, body, _ = send(req)
		if res.StatusCode != 503 || res.Header.Get("Retry-After") == "" || !strings.Contains(body, "momentanément indisponible") {
			t.Errorf("signing in with no connection to be had: %d Retry-After=%q", res.StatusCode, res.Header.Get("Retry-After"))
		}
		if n := logs.errors(); n < 2 {
			t.Errorf("%d error lines for two requests out of time, want one each:\n%s", n, strings.Join(logs.lines(), "\n"))
		}

		// Once the connection is free again, the same write goes through.
		held.Close()
		if res, body, _ := send(newCustomer()); res.StatusCode != 201 {
			t.Errorf("after: %d %s", res.StatusCode, body)
		}
	})
}
