package browsertest

import (
	"context"
	"fmt"
	"image/png"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/palier/palier/internal/testrequire"
)

// page is a tiny app: the button asks the server for a reply and shows it,
// so a passing test proves clicks, scripts and requests all work.
const page = `<!doctype html>
<html><head><meta charset="utf-8"><title>Help box</title></head>
<body style="margin:0">
<h1>Help box</h1>
<button id="ask" type="button">Ask</button>
<p id="answer"></p>
<div style="height:2000px">tall content, to make the full page taller than the window</div>
<script>
document.getElementById("ask").addEventListener("click", async () => {
  const r = await fetch("/answer");
  const p = document.getElementById("answer");
  p.textContent = await r.text();
  p.className = "done";
});
</script>
</body></html>`

func newServer(t *testing.T) *httptest.Server {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /{$}", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprint(w, page)
	})
	mux.HandleFunc("GET /answer", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, "Escalated to L2 — café résolu")
	})
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return srv
}

func TestClickShowsTheServersAnswer(t *testing.T) {
	srv := newServer(t)
	ctx := New(t)

	err := chromedp.Do(ctx,
		chromedp.Navigate(srv.URL),
		chromedp.Click(chromedp.CSS("#ask")),
		chromedp.WaitVisible(chromedp.CSS("#answer.done")),
	)
	if err != nil {
		t.Fatalf("click: %v", err)
	}
	got, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS("#answer")))
	if err != nil {
		t.Fatalf("read answer: %v", err)
	}
	if want := "Escalated to L2 — café résolu"; got != want {
		t.Errorf("answer = %q, want %q", got, want)
	}
}

func TestWindowIsLaptopSized(t *testing.T) {
	ctx := New(t)
	size, err := chromedp.Run(ctx, chromedp.Evaluate[[]int](`[window.innerWidth, window.innerHeight]`))
	if err != nil {
		t.Fatalf("evaluate: %v", err)
	}
	// In headless mode the window is the viewport, so no browser chrome is
	// taken off the height.
	if len(size) != 2 || size[0] != WindowWidth || size[1] != WindowHeight {
		t.Errorf("viewport = %v, want [%d %d]", size, WindowWidth, WindowHeight)
	}
}

func TestScreenshotSavesTheWholePageAsPNG(t *testing.T) {
	srv := newServer(t)
	ctx := New(t)
	if err := chromedp.Do(ctx, chromedp.Navigate(srv.URL)); err != nil {
		t.Fatalf("navigate: %v", err)
	}
	path := filepath.Join(t.TempDir(), "shots", "help-box.png")
	Screenshot(t, ctx, path)

	f, err := os.Open(path)
	if err != nil {
		t.Fatalf("open screenshot: %v", err)
	}
	defer f.Close()
	img, err := png.Decode(f)
	if err != nil {
		t.Fatalf("screenshot is not a PNG: %v", err)
	}
	b := img.Bounds()
	if b.Dx() != WindowWidth {
		t.Errorf("screenshot width = %d, want %d", b.Dx(), WindowWidth)
	}
	if b.Dy() <= WindowHeight {
		t.Errorf("screenshot height = %d, want the full page, taller than the %d px window", b.Dy(), WindowHeight)
	}
}

func TestBrowserIsClosedAfterTheTest(t *testing.T) {
	var ctx context.Context
	t.Run("user", func(t *testing.T) {
		ctx = New(t)
	})
	if ctx == nil {
		// New skipped the subtest: there is no browser to see closed.
		t.Skip("no browser: nothing to check")
	}
	select {
	case <-ctx.Done():
	default:
		t.Fatal("the browser context is still live after the test's cleanup")
	}
	if _, err := chromedp.Run(ctx, chromedp.Title()); err == nil {
		t.Error("the browser still answers after the test's cleanup")
	}
}

// cookieServer sets a lasting cookie on /set and echoes the cookies a
// browser sends on /echo.
func cookieServer(t *testing.T) *httptest.Server {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /set", func(w http.ResponseWriter, r *http.Request) {
		// A persistent cookie (Max-Age), which a shared profile would keep
		// on disk as well as in memory.
		http.SetCookie(w, &http.Cookie{Name: "probe", Value: "first-browser", Path: "/", MaxAge: 3600})
		fmt.Fprint(w, "set")
	})
	mux.HandleFunc("GET /echo", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintf(w, "cookies=[%s]", r.Header.Get("Cookie"))
	})
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return srv
}

// cookiesSent navigates to /echo and returns what the server saw.
func cookiesSent(t *testing.T, ctx context.Context, srv *httptest.Server) string {
	t.Helper()
	if err := chromedp.Do(ctx, chromedp.Navigate(srv.URL+"/echo")); err != nil {
		t.Fatalf("navigate to /echo: %v", err)
	}
	body, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.body.innerText`))
	if err != nil {
		t.Fatalf("read /echo: %v", err)
	}
	return body
}

// TestTestsGetSeparateBrowsers sets a cookie in one test's browser and
// checks that another test's browser, running at the same time or after
// it, does not send it: a shared browser or profile would.
func TestTestsGetSeparateBrowsers(t *testing.T) {
	srv := cookieServer(t)
	var first context.Context
	t.Run("first", func(t *testing.T) {
		first = New(t)
		if err := chromedp.Do(first, chromedp.Navigate(srv.URL+"/set")); err != nil {
			t.Fatalf("navigate to /set: %v", err)
		}
		// The probe works: the browser that got the cookie sends it.
		if got := cookiesSent(t, first, srv); !strings.Contains(got, "probe=first-browser") {
			t.Fatalf("the first browser does not send its own cookie: %q", got)
		}
		t.Run("alongside", func(t *testing.T) {
			if got := cookiesSent(t, New(t), srv); got != "cookies=[]" {
				t.Errorf("a browser running alongside sends %q, want no cookie", got)
			}
		})
	})
	if first == nil {
		t.Skip("no browser")
	}
	t.Run("after", func(t *testing.T) {
		if got := cookiesSent(t, New(t), srv); got != "cookies=[]" {
			t.Errorf("a later test's browser sends %q, want no cookie", got)
		}
	})
}

func TestAvailableAgreesWithNew(t *testing.T) {
	testrequire.CheckAvailableAgrees(t, Available, func(t *testing.T) bool { return New(t) != nil })
}

func TestMissingBrowserSkipsUnlessRequired(t *testing.T) {
	t.Setenv("PATH", t.TempDir())
	if ok, reason := Available(); ok || !strings.Contains(reason, "chromium") {
		t.Errorf("Available() = %v, %q with an empty PATH; want false and the names looked for", ok, reason)
	}

	testrequire.CheckSkipsUnlessRequired(t, "chromium", "postgres", "postgres,browser", func(r testing.TB) { New(r) })
}
