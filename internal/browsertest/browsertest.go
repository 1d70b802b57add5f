// Package browsertest runs web UI tests in a real headless Chromium, driven by
// chromedp.
//
// Each test gets its own browser, with a fresh profile, a 1280x800 window and
// a time limit:
//
//	ctx := browsertest.New(t)
//	err := chromedp.Do(ctx,
//		chromedp.Navigate(srv.URL),
//		chromedp.Click(chromedp.CSS("button.escalate")),
//	)
//
// Note that in chromedp v0.23 a plain string selector is a DOM search, not a
// CSS selector: wrap CSS in chromedp.CSS.
//
// When no Chromium is installed the test is skipped with a message saying
// what to install, unless PALIER_TEST_REQUIRE names "browser" (as CI does),
// in which case it fails.
package browsertest

import (
	"bytes"
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/palier/palier/internal/testrequire"
)

// EnvRequire names the variable that turns "no browser" from a skip into a
// failure when it contains "browser".
const EnvRequire = testrequire.Env

// Timeout bounds one test's browser. A journey that needs longer is doing too
// much in one test; a hung page fails the test instead of the whole binary.
const Timeout = 90 * time.Second

// Viewport size of the page, a common laptop screen, so that layouts and
// screenshots are the same on every machine. It holds for the tab New
// returns; a tab opened from it must set its own with chromedp.EmulateViewport.
const (
	WindowWidth  = 1280
	WindowHeight = 800
)

// closeTimeout bounds the graceful close at cleanup; after it the browser is
// killed.
const closeTimeout = 10 * time.Second

// browserNames are the executables tried on PATH, in order: Debian's package
// first, then the names other distributions and Google use.
var browserNames = []string{"chromium", "chromium-browser", "google-chrome"}

// Available reports whether New can start a browser, and which one or why
// not.
func Available() (ok bool, reason string) {
	path, err := findBrowser()
	if err != nil {
		return false, err.Error()
	}
	return true, "using " + path
}

// New starts a headless Chromium for the test and returns a chromedp context
// bound to its first tab. The browser is closed at cleanup, and killed when
// the test runs longer than Timeout.
//
// If no browser is installed the test is skipped, or fails when
// PALIER_TEST_REQUIRE contains "browser".
func New(t testing.TB) context.Context {
	t.Helper()
	path, err := findBrowser()
	if err != nil {
		browser.Unavailable(t, err.Error())
		return nil
	}

	output := &limitedBuffer{max: 16 << 10}
	// The timeout is on the allocator, so it ends the browser itself: a
	// hung page cannot outlive the test.
	timeoutCtx, cancelTimeout := context.WithTimeout(context.Background(), Timeout)
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(timeoutCtx, allocatorOptions(path, output)...)
	// Errors chromedp meets in its own goroutines go to stderr, not t.Logf:
	// they can arrive after the test has finished, when t.Logf panics.
	ctx, cancelCtx := chromedp.NewContext(allocCtx)

	t.Cleanup(func() {
		closeCtx, cancel := context.WithTimeout(ctx, closeTimeout)
		defer cancel()
		// Closing gracefully lets Chromium's helper processes exit before
		// chromedp removes the profile directory.
		_ = chromedp.Cancel(closeCtx)
		cancelCtx()
		cancelAlloc()
		cancelTimeout()
	})

	// Launch now rather than in the test's first action, so that a browser
	// that cannot start is reported here, with its own output. New headless
	// Chromium counts its (invisible) toolbars in --window-size, so the page
	// would get less than the window; emulating the viewport gives pages and
	// screenshots exactly WindowWidth x WindowHeight.
	err = chromedp.Do(ctx,
		chromedp.Navigate("about:blank"),
		chromedp.EmulateViewport(WindowWidth, WindowHeight),
	)
	if err != nil {
		t.Fatalf("browsertest: start %s: %v\nbrowser output:\n%s", path, err, output.String())
	}
	return ctx
}

// allocatorOptions are chromedp's defaults (headless, no first run, no
// background networking, no sync, ...) plus what a root CI container without
// a GPU needs and what keeps tests off the network. The flags the project
// requires are restated so they do not hang on chromedp's defaults, which may
// change between versions. chromedp gives every
// browser a fresh temporary --user-data-dir and removes it afterwards.
func allocatorOptions(path string, output *limitedBuffer) []chromedp.ExecAllocatorOption {
	return append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(path),
		chromedp.Headless,
		chromedp.NoSandbox,  // CI runs as root, where the sandbox cannot start
		chromedp.DisableGPU, // there is no GPU, and software GL is enough
		chromedp.NoFirstRun,
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-quic", true),
		chromedp.WindowSize(WindowWidth, WindowHeight),
		chromedp.CombinedOutput(output),
	)
}

// Screenshot saves a PNG of the whole page (not only the window) at path,
// creating its directory. A failure marks the test failed but lets it go on,
// since a screenshot is usually taken to explain another failure.
func Screenshot(t testing.TB, ctx context.Context, path string) {
	t.Helper()
	// Quality 100 makes chromedp produce PNG rather than JPEG.
	png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	if err != nil {
		t.Errorf("browsertest: screenshot for %s: %v", path, err)
		return
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Errorf("browsertest: screenshot directory: %v", err)
		return
	}
	if err := os.WriteFile(path, png, 0o644); err != nil {
		t.Errorf("browsertest: save screenshot: %v", err)
	}
}

// findBrowser returns the path of the first known Chromium on PATH.
func findBrowser() (string, error) {
	for _, name := range browserNames {
		if path, err := exec.LookPath(name); err == nil {
			return path, nil
		}
	}
	return "", errors.New("none of " + strings.Join(browserNames, ", ") + " is on PATH")
}

// browser is what tests need of the machine, and how a missing one is
// reported.
var browser = testrequire.Dependency{Name: "Chromium", Keys: []string{"browser", "chromium"}, Package: "chromium"}

// limitedBuffer keeps the first max bytes the browser prints, which is where
// a failure to start is explained, without growing for a chatty browser.
// chromedp writes to it from its own goroutine, hence the lock.
type limitedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
	max int
}

func (b *limitedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if room := b.max - b.buf.Len(); room > 0 {
		b.buf.Write(p[:min(len(p), room)])
	}
	return len(p), nil
}

func (b *limitedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.buf.Len() == 0 {
		return "(nothing)"
	}
	return string(bytes.TrimSpace(b.buf.Bytes()))
}
