package i18n_test

import (
	"bytes"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	// The packages that register texts of their own, so that the check
	// below covers every text Palier shows.
	_ "github.com/palier/palier/internal/escalation"
	"github.com/palier/palier/internal/i18n"
	_ "github.com/palier/palier/internal/sim"
)

// registering are the packages imported above, by directory from the
// module root, and the prefix each registers its texts under.
var registering = map[string]string{
	"internal/escalation": "escalation.",
	"internal/sim":        "sim.",
}

func TestEveryTextExistsInBothLanguages(t *testing.T) {
	for _, p := range i18n.Check() {
		t.Error(p)
	}
	prefixes := []string{"error."} // i18n's own
	for _, prefix := range registering {
		prefixes = append(prefixes, prefix)
	}
	for _, prefix := range prefixes {
		found := false
		for _, k := range i18n.Keys() {
			found = found || strings.HasPrefix(k, prefix)
		}
		if !found {
			t.Errorf("no text under %s: the check above did not see that package's texts", prefix)
		}
	}
	for _, dir := range packagesThatRegister(t) {
		if _, ok := registering[dir]; !ok {
			t.Errorf("%s registers texts: import it in this test and list it in registering, so that the check covers them", dir)
		}
	}
}

// packagesThatRegister lists the directories, from the module root, of
// the packages other than i18n whose code calls i18n.Register or
// i18n.RegisterJSON.
func packagesThatRegister(t *testing.T) []string {
	root := filepath.Join("..", "..")
	var dirs []string
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		switch {
		case err != nil:
			return err
		case d.IsDir() && path != root && strings.HasPrefix(d.Name(), "."): // .git and the like
			return filepath.SkipDir
		case d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go"):
			return nil
		}
		src, err := os.ReadFile(path)
		if err == nil && bytes.Contains(src, []byte("i18n.Register")) {
			rel, _ := filepath.Rel(root, filepath.Dir(path))
			dirs = append(dirs, filepath.ToSlash(rel))
		}
		return err
	})
	if err != nil {
		t.Fatalf("looking for the packages that register texts: %v", err)
	}
	if len(dirs) == 0 {
		t.Fatal("no package registers texts: the search is broken")
	}
	slices.Sort(dirs)
	return slices.Compact(dirs)
}

func TestNegotiate(t *testing.T) {
	cases := []struct {
		name string
		p    i18n.Prefs
		want string
	}{
		{"header prefers French", i18n.Prefs{AcceptLanguage: "fr-FR,fr;q=0.9,en;q=0.8", Workspace: "en"}, "fr"},
		{"header prefers English", i18n.Prefs{AcceptLanguage: "en-US,en;q=0.9", Workspace: "fr"}, "en"},
		{"header unsupported: workspace", i18n.Prefs{AcceptLanguage: "de-DE,de;q=0.9", Workspace: "fr"}, "fr"},
		{"highest q wins", i18n.Prefs{AcceptLanguage: "de, en;q=0.5, fr;q=0.7", Workspace: "en"}, "fr"},
		{"first among equals", i18n.Prefs{AcceptLanguage: "en, fr", Workspace: "fr"}, "en"},
		{"nothing at all: English", i18n.Prefs{}, "en"},
		{"q=0 refuses", i18n.Prefs{AcceptLanguage: "fr;q=0, en", Workspace: "fr"}, "en"},
		{"user setting first", i18n.Prefs{User: "fr", Picked: "en", Customer: "en", AcceptLanguage: "en", Workspace: "en"}, "fr"},
		{"unsupported user setting is skipped", i18n.Prefs{User: "de", AcceptLanguage: "fr"}, "fr"},
		{"picked on the login page", i18n.Prefs{Picked: "fr", AcceptLanguage: "en", Workspace: "en"}, "fr"},
		{"customer before the header", i18n.Prefs{Customer: "fr-CA", AcceptLanguage: "en", Workspace: "en"}, "fr"},
		{"workspace tag reduced", i18n.Prefs{Workspace: "fr_FR.UTF-8"}, "fr"},
		{"unsupported workspace: English", i18n.Prefs{Workspace: "de"}, "en"},
	}
	for _, c := range cases {
		if got := i18n.Negotiate(c.p); got != c.want {
			t.Errorf("%s: Negotiate(%+v) = %q, want %q", c.name, c.p, got, c.want)
		}
	}
}

func TestLang(t *testing.T) {
	for tag, want := range map[string]string{
		"fr": "fr", "FR": "fr", "fr-CA": "fr", "fr_BE": "fr", "fr_FR.UTF-8": "fr", "fra": "fr", "fre": "fr",
		"en": "en", "en-GB": "en", "eng": "en", "de": "en", "": "en", "C": "en", "frisian": "en",
	} {
		if got := i18n.Lang(tag); got != want {
			t.Errorf("Lang(%q) = %q, want %q", tag, got, want)
		}
	}
	if _, ok := i18n.Supported("de-DE"); ok {
		t.Error("German is not supported")
	}
	if got := i18n.Either("fr", "Billing", ""); got != "Billing" {
		t.Errorf("Either falls back to the other language, got %q", got)
	}
	if got := i18n.Pick("fr-CA", 1, 2); got != 2 {
		t.Errorf("Pick(fr-CA) = %d", got)
	}
}

func TestTranslateWithParameters(t *testing.T) {
	if got := i18n.T("fr", "field.too_long", "max", "250"); got != "C'est trop long (maximum 250)." {
		t.Errorf("got %q", got)
	}
	if got := i18n.T("fr_FR.UTF-8", "field.too_long", "max", "250"); got != "C'est trop long (maximum 250)." {
		t.Errorf("a French locale tag reads French, got %q", got)
	}
	if got := i18n.T("en", "no.such.key"); got != "no.such.key" {
		t.Errorf("unknown key should show itself, got %q", got)
	}
	if got := i18n.Number("fr", 1234567); got != "1\u202f234\u202f567" {
		t.Errorf("Number fr = %q", got)
	}
	if got := i18n.Number("en", -1234); got != "-1,234" {
		t.Errorf("Number en = %q", got)
	}
}
