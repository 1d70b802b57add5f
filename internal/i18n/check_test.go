package i18n

import (
	"encoding/json"
	"io/fs"
	"strings"
	"testing"
	"testing/fstest"
)

// TestCheckRefusesBrokenTranslations proves the catalogue check can fail:
// each entry is one way a translation goes wrong.
func TestCheckRefusesBrokenTranslations(t *testing.T) {
	cases := []struct {
		name   string
		en, fr string
		want   string // in the problem reported; "" for none
	}{
		{"good", "Unknown tier {tier}.", "Niveau {tier} inconnu.", ""},
		{"reordered", "{a} before {b}", "{b} après {a}", ""},
		{"template actions kept", "Use {{ticket.subject}}.", "Utilisez {{ticket.subject}}.", ""},
		{"missing French", "Sign in", "", "missing a translation"},
		{"blank English", " ", "Connexion", "missing a translation"},
		{"translated placeholder", "Hello {name}", "Bonjour {nom}", "placeholders differ"},
		{"broken placeholder", "Hello {name}", "Bonjour {name", "placeholders differ"},
		{"dropped placeholder", "Maximum {max}.", "Trop long.", "placeholders differ"},
		{"extra placeholder", "Too long.", "Trop long ({max}).", "placeholders differ"},
		{"translated template action", "Use {{ticket.subject}}.", "Utilisez {{ticket.sujet}}.", "placeholders differ"},
		{"printf verb changed", "%[1]s agents", "%[2]s agents", "placeholders differ"},
	}
	for _, c := range cases {
		got := strings.Join(check(catalogue{"k": {en: c.en, fr: c.fr}}), "; ")
		if c.want == "" && got != "" || !strings.Contains(got, c.want) {
			t.Errorf("%s: check(%q, %q) = %q, want %q", c.name, c.en, c.fr, got, c.want)
		}
	}
}

// TestCheckRefusesBrokenFiles proves that what a translator can get wrong
// in a catalogue file is reported by Check, once, naming the file and the
// line: each case is one file registered after a good one.
func TestCheckRefusesBrokenFiles(t *testing.T) {
	earlier := fstest.MapFS{"texts/a.json": {Data: []byte(`{"taken": {"en": "Taken", "fr": "Pris"}}`)}}
	cases := []struct {
		name string
		file string // "" for no file at all
		want string // in the problems reported; "" for none
	}{
		{"good", "{\n" + `"k": {"group": "Greetings", "note": "to a customer", "en": "Hello {name}", "fr": "Bonjour {name}"}` + "\n}", ""},
		{"no such file", "", "texts/b.json"},
		{"not an object", `["k"]`, "line 1: want an object"},
		{"missing comma", "{\n" + `"k": {"en": "Hi", "fr": "Salut"}` + "\n" + `"l": {"en": "Bye", "fr": "Salut"}}`, "texts/b.json (prefix \"p.\"): line 3: invalid character"},
		{"missing comma in an entry", "{\n" + `"k": {` + "\n" + `"en": "Hi"` + "\n" + `"fr": "Salut"}}`, `line 2: "k": invalid character`},
		{"unfinished", `{"k": {"en": "Hi", "fr": "Salut"}`, "line 1: the file ends too early"},
		{"data after the object", `{"k": {"en": "Hi", "fr": "Salut"}} {}`, "unexpected data after the object"},
		{"key written twice", "{\n" + `"k": {"en": "Hi", "fr": "Salut"},` + "\n" + `"k": {"en": "Hello", "fr": "Bonjour"}}`, `line 3: "k" is written twice`},
		{"key of another file", `{"taken": {"en": "Taken again", "fr": "Repris"}}`, "p.taken: registered twice, again in texts/b.json"},
		{"entry not an object", `{"k": "Hi"}`, `"k": want {"en": …, "fr": …}`},
		{"unknown language", `{"k": {"en": "Hi", "fr": "Salut", "de": "Hallo"}}`, `unknown field "de"`},
		{"misspelt language", `{"k": {"en": "Hi", "fr ": "Salut"}}`, `unknown field "fr "`},
		{"no French", `{"k": {"en": "Hi"}}`, "p.k: missing a translation"},
		{"empty English", `{"k": {"en": "", "fr": "Salut"}}`, "p.k: missing a translation"},
		{"placeholders differ", `{"k": {"en": "Hello {name}", "fr": "Bonjour {nom}"}}`, "p.k: placeholders differ"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := registry{cat: catalogue{}}
			r.registerJSON("p.", earlier, "texts/a.json")
			fsys := fstest.MapFS{}
			if c.file != "" {
				fsys["texts/b.json"] = &fstest.MapFile{Data: []byte(c.file)}
			}
			texts := r.registerJSON("p.", fsys, "texts/b.json")
			problems := r.check()
			got := strings.Join(problems, "; ")
			if c.want == "" && got != "" || !strings.Contains(got, c.want) {
				t.Errorf("check = %q, want %q", got, c.want)
			}
			if c.want != "" && len(problems) != 1 {
				t.Errorf("check = %q, want the one problem %q", got, c.want)
			}
			if c.want == "" && (texts["k"] != [2]string{"Hello {name}", "Bonjour {name}"} || r.cat["p.k"].fr != "Bonjour {name}") {
				t.Errorf("the good file's text was not registered under its prefix: returned %q, catalogue %q", texts, r.cat)
			}
		})
	}
}

// FuzzReadTexts: whatever a file holds, reading it reports problems
// rather than panicking, and a file read without problems registers a
// text for each of its keys.
func FuzzReadTexts(f *testing.F) {
	f.Add([]byte(`{"k": {"en": "Hi {n}", "fr": "Salut {n}", "note": "x"}, "l": {"en": "a", "fr": "b"}}`))
	f.Add([]byte(`{"k": {"en": "Hi"` + "\n" + `"fr": "Salut"}}`))
	f.Add([]byte(`{"k": "Hi", "k": {"de": 1}} []`))
	f.Fuzz(func(t *testing.T, data []byte) {
		texts, problems := readTexts(data)
		if len(problems) > 0 {
			return
		}
		var keys map[string]json.RawMessage
		if err := json.Unmarshal(data, &keys); err != nil {
			t.Fatalf("read without a problem, but not a JSON object: %v", err)
		}
		for k := range keys {
			if _, ok := texts[k]; !ok {
				t.Errorf("key %q read without a problem, but not registered", k)
			}
		}
	})
}

// BenchmarkRegisterOwnTexts is what reading i18n's own files costs each
// program that imports i18n, at start-up.
func BenchmarkRegisterOwnTexts(b *testing.B) {
	names, err := fs.Glob(ownTexts, "texts/*.json")
	if err != nil || len(names) == 0 {
		b.Fatalf("no texts: %v", err)
	}
	b.ReportAllocs()
	for b.Loop() {
		r := registry{cat: catalogue{}}
		for _, name := range names {
			r.registerJSON("", ownTexts, name)
		}
	}
}
