package i18n

import (
	"fmt"
	"maps"
	"regexp"
	"slices"
	"strings"
)

// The placeholders a text may hold; a translation must hold the same ones.
var (
	// nameRE is a {name} placeholder that T fills.
	nameRE = regexp.MustCompile(`\{([A-Za-z0-9_]+)\}`)
	// actionRE is a template action such as {{ticket.subject}}, which the
	// text shows to the reader and must keep verbatim.
	actionRE = regexp.MustCompile(`\{\{[^{}]*\}\}`)
	// verbRE is a printf verb ("%s", "%[2]d"): no catalogue text should
	// hold one, and a translation that drops or changes one is broken.
	verbRE = regexp.MustCompile(`%(\[\d+\])?[-+#0]*\d*(\.\d+)?[a-zA-Z]`)
)

// placeholders lists the distinct placeholders of a text, sorted.
func placeholders(s string) []string {
	out := nameRE.FindAllString(s, -1)
	out = append(out, actionRE.FindAllString(s, -1)...)
	out = append(out, verbRE.FindAllString(s, -1)...)
	slices.Sort(out)
	return slices.Compact(out)
}

// Check lists every problem of the catalogue: first what went wrong
// registering it ("file: line n: what" for a catalogue file that cannot be
// read, "key: registered twice"), then, as "key: what", a text missing in
// one language, placeholders that differ between the two, or a language
// that does not render its own text with every placeholder filled. The
// catalogue holds what the packages linked into the program registered,
// so a test that wants them all imports them.
func Check() []string { return registered.check() }

func (r *registry) check() []string {
	return append(slices.Clone(r.problems), check(r.cat)...)
}

func check(cat catalogue) []string {
	var out []string
	for _, key := range slices.Sorted(maps.Keys(cat)) {
		e := cat[key]
		if blank(key, e.en) || blank(key, e.fr) {
			out = append(out, fmt.Sprintf("%s: missing a translation (en %q, fr %q)", key, e.en, e.fr))
			continue
		}
		en, fr := placeholders(e.en), placeholders(e.fr)
		if !slices.Equal(en, fr) {
			out = append(out, fmt.Sprintf("%s: placeholders differ: en %v, fr %v", key, en, fr))
			continue
		}
		for _, lang := range Languages {
			if p := renders(cat, key, lang); p != "" {
				out = append(out, fmt.Sprintf("%s: %s does not render: %s", key, lang, p))
			}
		}
	}
	return out
}

// blank reports a missing text. Separators ("num.thousands") are the only
// texts made of spaces alone.
func blank(key, s string) bool {
	return s == "" || strings.TrimSpace(s) == "" && !strings.HasPrefix(key, "num.")
}

// renders fills every {name} of key with a marker through the same path
// as T and says what went wrong, if anything: the language's own text
// must come out, with each marker in place of its placeholder.
func renders(cat catalogue, key, lang string) string {
	e := cat[key]
	want := Pick(lang, e.en, e.fr)
	var params []string
	for _, m := range nameRE.FindAllStringSubmatch(want, -1) {
		params = append(params, m[1], "\x00"+m[1]+"\x00")
	}
	got := cat.t(lang, key, params)
	for i := 0; i+1 < len(params); i += 2 {
		if !strings.Contains(got, params[i+1]) {
			return fmt.Sprintf("{%s} not filled in %q", params[i], got)
		}
		want = strings.ReplaceAll(want, "{"+params[i]+"}", params[i+1])
	}
	if got != want {
		return fmt.Sprintf("got %q, want its own text %q", got, want)
	}
	return ""
}
