package demo

import (
	"context"
	"io/fs"
	"strings"
	"testing"

	"github.com/palier/palier/internal/auth"
	"github.com/palier/palier/internal/workspace"
)

// Every embedded content file loads strictly, and none is left without a
// decoder (a file nobody reads would be content silently missing).
func TestContentFiles(t *testing.T) {
	entries, err := fs.ReadDir(contentFiles, "content")
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	for _, e := range entries {
		seen[e.Name()] = true
		decode, ok := contentDecoders[e.Name()]
		if !ok {
			t.Errorf("content/%s: no decoder reads it", e.Name())
			continue
		}
		data, err := contentFiles.ReadFile("content/" + e.Name())
		if err != nil {
			t.Fatal(err)
		}
		if err := decode(e.Name(), data); err != nil {
			t.Errorf("content/%s: %v", e.Name(), err)
		}
	}
	for name := range contentDecoders {
		if !seen[name] {
			t.Errorf("content/%s: decoder without a file", name)
		}
	}
}

// A typo in a content file is an error naming the file, never a field
// silently left empty.
func TestDecodeContentRefusesBadFiles(t *testing.T) {
	for _, tc := range []struct {
		name, data, want string
	}{
		{"unknown field", `[{"lang":"fr","type":"billing","subject":"s","body":"b","tags":[],"priority":"low","sujet":"x"}]`, `unknown field "sujet"`},
		{"unknown priority", `[{"lang":"fr","type":"billing","subject":"s","body":"b","tags":[],"priority":"whenever"}]`, "whenever"},
		{"malformed", `[{"lang":"fr",`, "unexpected EOF"},
		{"trailing data", `[] []`, "after the document"},
		{"wrong type", `{"lang":"fr"}`, "cannot unmarshal"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := decodeContent[[]message]("openings.json", []byte(tc.data))
			if err == nil || !strings.Contains(err.Error(), "openings.json") || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error = %v, want one naming openings.json and saying %q", err, tc.want)
			}
		})
	}
	for _, tc := range []struct{ file, data string }{
		{"double_debits.json", `[{"lang":"fr","subject":"s","body":"b","priority":"low","tags":[]}]`},
		{"handoffs.json", `{"fr":{"tried":{},"reason_l5":"x"}}`},
		{"customers.json", `{"organisations":[{"key":"k","name":"n","segment":"b2b","domain":"d","plan":"pro","size":3}]}`},
		{"customers.json", `{"customers":[{"name":"n","lang":"fr","email":"x"}]}`},
		{"visits.json", `[{"lang":"fr","searches":[],"days_ago":1,"daysAgo":2}]`},
		{"people_notes.json", `[{"by":"sophie","customer":"Élise Moreau","body":"b","author":"x"}]`},
		{"macros.json", `[{"by":"sophie","name":"n","scope":"shared","actions":{"status":"pending","tag":"x"}}]`},
		{"replies.json", `{"fr":{"hello":"Bonjour %s,","helo":"x"}}`},
		{"kb.json", `{"articles":[{"key":"k","category":"compte","fr":{"title":"t","body":"b","tags":[],"tgs":[]}}]}`},
		{"kb.json", `{"categories":[{"slug":"compte","fr":"Compte","en":"Account","de":"Konto"}]}`},
	} {
		t.Run("unknown field in "+tc.file, func(t *testing.T) {
			err := contentDecoders[tc.file](tc.file, []byte(tc.data))
			if err == nil || !strings.Contains(err.Error(), tc.file) || !strings.Contains(err.Error(), "unknown field") {
				t.Errorf("error = %v, want an unknown field in %s", err, tc.file)
			}
		})
	}
}

// A macro's keys resolve to the workspace's ids, its articles in each
// body's language; a key the demo does not have is an error.
func TestResolveMacro(t *testing.T) {
	b := &builder{ctx: context.Background(), actors: map[string]auth.Actor{"sophie": {AgentID: 1}},
		teams: map[string]workspace.Team{"billing": {ID: 7}}, kb: map[string]KBArticleIDs{"password": {FR: 11, EN: 12}}}
	good := macroSpec{By: "sophie", Team: "billing", Name: "n", Scope: "team",
		BodyFR: "Guide : {{article:password}}", BodyEN: "Guide: {{article:password}} {{customer_first_name}}"}
	by, m, err := b.resolveMacro(good)
	if err != nil || by.AgentID != 1 || m.TeamID != 7 || m.BodyFR != "Guide : {{article:11}}" || m.BodyEN != "Guide: {{article:12}} {{customer_first_name}}" {
		t.Errorf("resolveMacro = %v, %+v, %v", by, m, err)
	}
	for name, spoil := range map[string]func(*macroSpec){
		"unknown member":  func(s *macroSpec) { s.By = "zoe" },
		"unknown team":    func(s *macroSpec) { s.Team = "sales" },
		"unknown scope":   func(s *macroSpec) { s.Scope = "everyone" },
		"unknown article": func(s *macroSpec) { s.BodyEN = "{{article:nope}}" },
	} {
		t.Run(name, func(t *testing.T) {
			spec := good
			spoil(&spec)
			if _, _, err := b.resolveMacro(spec); err == nil {
				t.Error("accepted")
			}
		})
	}
}
