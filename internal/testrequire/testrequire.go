// Package testrequire decides what a test does when the machine lacks
// something it needs (PostgreSQL, a browser): it skips, saying what to
// install, unless PALIER_TEST_REQUIRE names that dependency, as CI does,
// in which case it fails. pgtest and browsertest share this one reading of
// the variable.
package testrequire

import (
	"fmt"
	"os"
	"slices"
	"strings"
	"testing"
)

// Env names the variable listing the dependencies whose absence fails
// tests instead of skipping them, separated by commas or spaces:
// PALIER_TEST_REQUIRE=postgres,browser.
const Env = "PALIER_TEST_REQUIRE"

// Dependency is something tests need from the machine.
type Dependency struct {
	Name    string   // how messages name it: "PostgreSQL"
	Keys    []string // values of Env that require it, first the documented one: "postgres", "postgresql"
	Package string   // the package to install: "postgresql"
}

// Required reports whether an Env value names the dependency, in any case.
func (d Dependency) Required(value string) bool {
	for _, f := range strings.FieldsFunc(value, func(r rune) bool { return r == ',' || r == ' ' }) {
		if slices.Contains(d.Keys, strings.ToLower(strings.TrimSpace(f))) {
			return true
		}
	}
	return false
}

// Unavailable skips the test because the dependency is missing (reason
// says how it was looked for), or fails it when Env requires it.
func (d Dependency) Unavailable(t testing.TB, reason string) {
	t.Helper()
	if v := os.Getenv(Env); d.Required(v) {
		t.Fatalf("%s is required (%s=%s) but not found (install the %s package): %s", d.Name, Env, v, d.Package, reason)
		return
	}
	t.Skipf("%s not found (install the %s package): %s; set %s=%s to fail instead of skipping", d.Name, d.Package, reason, Env, d.Keys[0])
}

// Recorder is a testing.TB that notes Skipf and Fatalf instead of stopping
// the goroutine, so that a test can check the decision Unavailable made
// for its dependency.
type Recorder struct {
	testing.TB
	SkipMsg, FatalMsg string
}

// Helper does nothing: a Recorder has no output to attribute.
func (r *Recorder) Helper() {}

// Skipf records the skip message.
func (r *Recorder) Skipf(f string, args ...any) { r.SkipMsg = fmt.Sprintf(f, args...) }

// Fatalf records the failure message.
func (r *Recorder) Fatalf(f string, args ...any) { r.FatalMsg = fmt.Sprintf(f, args...) }

// CheckSkipsUnlessRequired is the test a package with a dependency runs on
// its own way of meeting its absence (meet, called with a Recorder while
// the dependency is missing): with Env set to without, which names only
// other dependencies, meet must skip and say which package (pkg) to
// install; with Env set to with, which names this one, it must fail.
func CheckSkipsUnlessRequired(t *testing.T, pkg, without, with string, meet func(testing.TB)) {
	t.Helper()
	t.Setenv(Env, without)
	r := &Recorder{}
	meet(r)
	if r.SkipMsg == "" || r.FatalMsg != "" {
		t.Errorf("without the requirement: skipped=%q fatal=%q, want a skip", r.SkipMsg, r.FatalMsg)
	}
	if !strings.Contains(r.SkipMsg, "install the "+pkg+" package") {
		t.Errorf("skip message %q does not say what to install", r.SkipMsg)
	}

	t.Setenv(Env, with)
	r = &Recorder{}
	meet(r)
	if r.FatalMsg == "" || r.SkipMsg != "" {
		t.Errorf("with the requirement: skipped=%q fatal=%q, want a failure", r.SkipMsg, r.FatalMsg)
	}
}

// CheckAvailableAgrees is the test that a package's Available and its
// opener agree: Available always gives its reason, and when it says yes
// the opener works rather than skips (opened reports that it gave back a
// usable value: a URL, a browser context).
func CheckAvailableAgrees(t *testing.T, available func() (bool, string), opened func(t *testing.T) bool) {
	t.Helper()
	ok, reason := available()
	if reason == "" {
		t.Error("Available gave no reason")
	}
	if !ok {
		t.Skipf("not available here: %s", reason)
	}
	if !opened(t) {
		t.Error("Available said yes but the opener gave nothing back")
	}
}
