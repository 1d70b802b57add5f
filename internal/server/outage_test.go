package server_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/palier/palier/internal/desk"
	"github.com/palier/palier/internal/pgtest"
	"github.com/palier/palier/internal/server"
	"github.com/palier/palier/internal/store"
	"github.com/palier/palier/internal/store/storetest"
)

// While PostgreSQL cannot be reached, every request is answered 503 with
// Retry-After and the stable code "unavailable" (not 500), and the outage
// is logged once, not once or twice per request. The database sits behind
// a TCP proxy the test cuts.
func TestDatabaseOutageAnswers503(t *testing.T) {
	bp := serveBehindProxy(t)
	srv, p, f, token, logs := bp.srv, bp.proxy, bp.f, bp.token, bp.logs
	get := func(path string) (*http.Response, string) {
		req, _ := http.NewRequest("GET", srv.URL+path, nil)
		req.Header.Set("Authorization", "Bearer "+token)
		req.Header.Set("Accept-Language", "fr")
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		b, _ := io.ReadAll(res.Body)
		return res, string(b)
	}
	if res, body := get("/api/v1/tickets"); res.StatusCode != 200 {
		t.Fatalf("before the outage: %d %s", res.StatusCode, body)
	}

	p.cut()
	// A server keeps a live token's member for up to a second (README): past
	// it, authenticating the token needs the database too, so /api/v1/me,
	// which reads nothing else, must be refused as well.
	time.Sleep(1100 * time.Millisecond)
	for i := range 20 {
		path := []string{"/api/v1/tickets", "/api/v1/me", "/api/v1/customers?q=x"}[i%3]
		res, body := get(path)
		var e struct {
			Error struct{ Code, Message string }
		}
		_ = json.Unmarshal([]byte(body), &e)
		if res.StatusCode != 503 || res.Header.Get("Retry-After") == "" || e.Error.Code != "unavailable" ||
			!strings.Contains(e.Error.Message, "momentanément indisponible") {
			t.Fatalf("%s during the outage: %d Retry-After=%q %s", path, res.StatusCode, res.Header.Get("Retry-After"), body)
		}
	}
	// The pages too, signing in included: a visitor is told to come back
	// shortly, never shown "something went wrong".
	form := url.Values{"email": {f.AgentL1.Email}, "password": {"whatever-it-is"}}
	req, _ := http.NewRequest("POST", srv.URL+"/login", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Accept-Language", "fr")
	if res, err := http.DefaultClient.Do(req); err != nil {
		t.Fatal(err)
	} else {
		b, _ := io.ReadAll(res.Body)
		res.Body.Close()
		if res.StatusCode != 503 || res.Header.Get("Retry-After") == "" || !strings.Contains(string(b), "momentanément indisponible") {
			t.Errorf("signing in during the outage: %d Retry-After=%q", res.StatusCode, res.Header.Get("Retry-After"))
		}
	}
	if res, _ := get("/readyz"); res.StatusCode != 503 {
		t.Errorf("/readyz during the outage: %d", res.StatusCode)
	}
	if n := logs.errors(); n != 1 {
		t.Errorf("%d error lines for one outage of 20 requests, want 1:\n%s", n, strings.Join(logs.lines(), "\n"))
	}
}

// behindProxy is a server whose store reaches a new seeded PostgreSQL
// database through a proxy the test can cut, with an admin's API token;
// direct reaches the same database without the proxy.
type behindProxy struct {
	srv    *httptest.Server
	proxy  *proxy
	direct *store.Store
	f      storetest.Fixture
	token  string
	logs   *countingHandler
}

func serveBehindProxy(t *testing.T) behindProxy {
	t.Helper()
	dbURL := pgtest.NewDatabase(t)
	ctx := context.Background()
	b := behindProxy{direct: storetest.OpenURL(t, dbURL), logs: &countingHandler{}}
	b.f = storetest.Seed(t, b.direct)
	b.proxy = newProxy(t, dbURL)
	s, err := store.Open(ctx, b.proxy.url, "")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = s.Close() })
	d := desk.New(s, slog.New(b.logs))
	if b.token, err = d.CreateToken(ctx, storetest.Actor(t, s, b.f.Admin), b.f.Admin.ID, "test"); err != nil {
		t.Fatal(err)
	}
	h, err := server.New(d, server.Config{Version: "test", Log: slog.New(b.logs)})
	if err != nil {
		t.Fatal(err)
	}
	b.srv = httptest.NewServer(h)
	t.Cleanup(b.srv.Close)
	return b
}

// proxy forwards TCP connections to a PostgreSQL server until cut.
type proxy struct {
	url    string
	ln     net.Listener
	mu     sync.Mutex
	cs     []net.Conn
	marker []byte // see cutAfterCommitOf
}

func newProxy(t *testing.T, dbURL string) *proxy {
	u, err := url.Parse(dbURL)
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	target := u.Host
	u.Host = ln.Addr().String()
	p := &proxy{url: u.String(), ln: ln}
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			up, err := net.Dial("tcp", target)
			if err != nil {
				c.Close()
				continue
			}
			p.mu.Lock()
			p.cs = append(p.cs, c, up)
			p.mu.Unlock()
			go func() { p.forward(c, up); up.Close() }()
			go func() { _, _ = io.Copy(c, up); c.Close() }()
		}
	}()
	t.Cleanup(p.cut)
	return p
}

// commitQuery is the simple-protocol message pgx sends to commit a
// transaction: 'Q', its length (4 + "commit\x00"), the text.
var commitQuery = []byte("Q\x00\x00\x00\x0bcommit\x00")

// cutAfterCommitOf makes the proxy cut every connection right after it has
// passed on the commit of the transaction that sent marker: PostgreSQL
// receives the commit (and commits), its answer never reaches Palier.
func (p *proxy) cutAfterCommitOf(marker string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.marker = []byte(marker)
}

// forward copies what Palier sends to PostgreSQL, watching for the commit
// to cut after (cutAfterCommitOf). Palier's side is closed before the
// commit is passed on, so PostgreSQL's answer can never reach it.
func (p *proxy) forward(from, to net.Conn) {
	buf := make([]byte, 64<<10)
	sentMarker := false
	for {
		n, err := from.Read(buf)
		if n > 0 {
			chunk := buf[:n]
			p.mu.Lock()
			marker := p.marker
			p.mu.Unlock()
			sentMarker = sentMarker || marker != nil && bytes.Contains(chunk, marker)
			commit := sentMarker && bytes.Contains(chunk, commitQuery)
			if commit {
				from.Close()
			}
			if _, werr := to.Write(chunk); werr != nil {
				return
			}
			if commit {
				p.cut()
				return
			}
		}
		if err != nil {
			return
		}
	}
}

// cut stops accepting and drops every open connection: the database is
// gone as far as the server can tell.
func (p *proxy) cut() {
	p.ln.Close()
	p.mu.Lock()
	defer p.mu.Unlock()
	for _, c := range p.cs {
		c.Close()
	}
	p.cs = nil
}

// countingHandler keeps the log records at warning level and above.
type countingHandler struct {
	mu   sync.Mutex
	recs []slog.Record
}

func (h *countingHandler) Enabled(_ context.Context, l slog.Level) bool { return l >= slog.LevelWarn }
func (h *countingHandler) Handle(_ context.Context, r slog.Record) error {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.recs = append(h.recs, r.Clone())
	return nil
}
func (h *countingHandler) WithAttrs([]slog.Attr) slog.Handler { return h }
func (h *countingHandler) WithGroup(string) slog.Handler      { return h }

func (h *countingHandler) errors() int {
	h.mu.Lock()
	defer h.mu.Unlock()
	n := 0
	for _, r := range h.recs {
		if r.Level >= slog.LevelError {
			n++
		}
	}
	return n
}

func (h *countingHandler) lines() []string {
	h.mu.Lock()
	defer h.mu.Unlock()
	var out []string
	for _, r := range h.recs {
		line := r.Level.String() + " " + r.Message
		r.Attrs(func(a slog.Attr) bool { line += " " + a.String(); return true })
		out = append(out, line)
	}
	return out
}

// When the connection is lost after PostgreSQL received a commit, Palier
// cannot know whether the change was stored: it must not answer "nothing
// was saved" (the client would send the note again, and the customer read
// it twice). The note here is stored; the API says it may have been.
func TestLostCommitAnswersOutcomeUnknown(t *testing.T) {
	bp := serveBehindProxy(t)
	ctx, srv, p, direct, f, token := context.Background(), bp.srv, bp.proxy, bp.direct, bp.f, bp.token

	const body = "Note perdue en route: quokka 7731"
	p.cutAfterCommitOf(body)
	tk := f.Ticket["L1owned"]
	req, _ := http.NewRequest("POST", fmt.Sprintf("%s/api/v1/tickets/%d/notes", srv.URL, tk.ID), strings.NewReader(`{"body":"`+body+`"}`))
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept-Language", "fr")
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(res.Body)
	res.Body.Close()
	var e struct {
		Error struct{ Code, Message string }
	}
	_ = json.Unmarshal(b, &e)
	if res.StatusCode != 500 || res.Header.Get("Retry-After") != "" || e.Error.Code != "outcome_unknown" ||
		!strings.Contains(e.Error.Message, "a peut-être été enregistrée") {
		t.Fatalf("note whose commit's answer was lost: %d Retry-After=%q %s", res.StatusCode, res.Header.Get("Retry-After"), b)
	}

	// PostgreSQL received the commit: the note is there (so "nothing was
	// saved" would have been false).
	deadline := time.Now().Add(10 * time.Second)
	for {
		var n int
		if err := direct.DB().QueryRowContext(ctx, `SELECT count(*) FROM events WHERE ticket_id = $1 AND body = $2`, tk.ID, body).Scan(&n); err != nil {
			t.Fatal(err)
		}
		if n == 1 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d notes stored after the lost commit, want 1", n)
		}
		time.Sleep(50 * time.Millisecond)
	}
}
