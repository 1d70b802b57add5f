package mail_test

import (
	"bytes"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	netmail "net/mail"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/palier/palier/internal/store"
	"github.com/palier/palier/internal/store/storetest"
	"github.com/palier/palier/internal/web"
)

// plainText returns the text/plain part of a raw email, decoded.
func plainText(t *testing.T, raw []byte) (subject, text string) {
	t.Helper()
	m, err := netmail.ReadMessage(bytes.NewReader(raw))
	if err != nil {
		t.Fatal(err)
	}
	dec := new(mime.WordDecoder)
	subject, _ = dec.DecodeHeader(m.Header.Get("Subject"))
	_, params, err := mime.ParseMediaType(m.Header.Get("Content-Type"))
	if err != nil {
		t.Fatal(err)
	}
	mr := multipart.NewReader(m.Body, params["boundary"])
	for {
		p, err := mr.NextPart()
		if err != nil {
			t.Fatalf("no text part: %v", err)
		}
		if strings.HasPrefix(p.Header.Get("Content-Type"), "text/plain") {
			b, _ := io.ReadAll(p) // quoted-printable is decoded by the reader
			return subject, string(b)
		}
	}
}

// TestSignInLinkByEmail is the whole magic-link flow through a real SMTP
// relay: asked for on the help centre, queued in the outbox, sent to the
// sink relay, and opened from the email.
func TestSignInLinkByEmail(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		h := newHarness(t, s)
		ui, err := web.New(h.d, web.Options{PublicURL: "https://help.acme.example"})
		if err != nil {
			t.Fatal(err)
		}
		srv := httptest.NewServer(ui)
		t.Cleanup(srv.Close)
		noRedirect := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
		alice := h.f.Customer["alice"]

		ask := func(email string) (int, string) {
			res, err := noRedirect.PostForm(srv.URL+"/help/sign-in", url.Values{"email": {email}})
			if err != nil {
				t.Fatal(err)
			}
			body, _ := io.ReadAll(res.Body)
			res.Body.Close()
			return res.StatusCode, string(body)
		}
		// An unknown address gets the same answer and the same work: a job
		// queued, which then finds nobody to write to.
		unknownStatus, unknownBody := ask("nobody@nowhere.example")
		status, body := ask(alice.Email)
		if status != http.StatusOK || unknownStatus != status || unknownBody != body {
			t.Fatalf("ask for a link: %d, unknown address %d; same page: %v", status, unknownStatus, unknownBody == body)
		}
		var jobsQueued int
		if err := s.DB().QueryRow(`SELECT count(*) FROM jobs WHERE kind = 'portal.sign_in_link'`).Scan(&jobsQueued); err != nil || jobsQueued != 2 {
			t.Fatalf("%d sign-in jobs (%v), want one per request", jobsQueued, err)
		}
		subject, text := plainText(t, h.awaitSink())
		deadline := time.Now().Add(30 * time.Second)
		for {
			var pending int
			if err := s.DB().QueryRow(`SELECT count(*) FROM jobs WHERE kind = 'portal.sign_in_link' AND state <> 'done'`).Scan(&pending); err != nil {
				t.Fatal(err)
			}
			if pending == 0 {
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("%d sign-in jobs still not done", pending)
			}
			time.Sleep(10 * time.Millisecond)
		}
		h.sink.mu.Lock()
		sent := len(h.sink.messages)
		h.sink.mu.Unlock()
		if sent != 1 {
			t.Fatalf("%d emails sent, want 1 (the unknown address gets none)", sent)
		}
		if subject != "Votre lien de connexion" {
			t.Errorf("subject %q (alice reads French)", subject)
		}
		m := regexp.MustCompile(`https://help\.acme\.example/help/sign-in/([A-Z2-7]+\.[A-Z2-7]+)`).FindStringSubmatch(text)
		if m == nil {
			t.Fatalf("no link in the email:\n%s", text)
		}
		if strings.Contains(body, m[1]) {
			t.Fatal("the page shows the link")
		}
		var queued int
		if err := s.DB().QueryRow(`SELECT count(*) FROM jobs WHERE payload LIKE $1`, "%"+strings.SplitN(m[1], ".", 2)[1]+"%").Scan(&queued); err != nil || queued != 0 {
			t.Fatalf("the link's secret is in the job queue (%d, %v)", queued, err)
		}

		for i, want := range []int{http.StatusSeeOther, http.StatusUnauthorized} { // the second use is refused
			res, err := noRedirect.PostForm(srv.URL+"/help/sign-in/link", url.Values{"token": {m[1]}})
			if err != nil {
				t.Fatal(err)
			}
			res.Body.Close()
			if res.StatusCode != want {
				t.Fatalf("use %d of the link: %d, want %d", i+1, res.StatusCode, want)
			}
		}
	})
}
