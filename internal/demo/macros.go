package demo

import (
	"fmt"
	"regexp"
	"strconv"

	"github.com/palier/palier/internal/auth"
	"github.com/palier/palier/internal/macro"
)

// macroSpec is a macro in content/macros.json: written by the member keyed
// By, for the team keyed Team when its scope is team. Its bodies name
// help-centre articles by key, {{article:KEY}}, resolved to the article in
// the body's language.
type macroSpec struct {
	By      string        `json:"by"`
	Team    string        `json:"team,omitempty"`
	Name    string        `json:"name"`
	Scope   macro.Scope   `json:"scope"`
	BodyFR  string        `json:"body_fr"`
	BodyEN  string        `json:"body_en"`
	Actions macro.Actions `json:"actions"`
}

// macroSpecs are the demo's macros: a shared answer to the commonest
// question with its article, the billing team's refund answer, and one
// agent's personal follow-up.
var macroSpecs = mustLoadContent[[]macroSpec]("macros.json")

// createMacros writes the macros through the service as a lead and an
// agent would.
func (b *builder) createMacros() error {
	for _, spec := range macroSpecs {
		by, m, err := b.resolveMacro(spec)
		if err != nil {
			return fmt.Errorf("macro %q: %w", spec.Name, err)
		}
		if _, err := b.svc.CreateMacro(b.ctx, by, m); err != nil {
			return fmt.Errorf("macro %q: %w", spec.Name, err)
		}
	}
	return nil
}

// resolveMacro turns a spec's keys into the workspace's ids; an unknown
// member, team, scope or article is an error.
func (b *builder) resolveMacro(spec macroSpec) (auth.Actor, macro.Macro, error) {
	m := macro.Macro{Name: spec.Name, Scope: spec.Scope, Actions: spec.Actions}
	by, ok := b.actors[spec.By]
	if !ok {
		return by, m, fmt.Errorf("no member %q", spec.By)
	}
	if !spec.Scope.Valid() {
		return by, m, fmt.Errorf("no scope %q", spec.Scope)
	}
	if spec.Team != "" {
		team, ok := b.teams[spec.Team]
		if !ok {
			return by, m, fmt.Errorf("no team %q", spec.Team)
		}
		m.TeamID = team.ID
	}
	var err error
	if m.BodyFR, err = b.articleLinks(spec.BodyFR, func(ids KBArticleIDs) int64 { return ids.FR }); err != nil {
		return by, m, err
	}
	m.BodyEN, err = b.articleLinks(spec.BodyEN, func(ids KBArticleIDs) int64 { return ids.EN })
	return by, m, err
}

var articleKeyRef = regexp.MustCompile(`\{\{article:([a-z0-9-]+)\}\}`)

// articleLinks replaces {{article:KEY}} with the macro placeholder for the
// article's id in one language.
func (b *builder) articleLinks(body string, id func(KBArticleIDs) int64) (string, error) {
	var missing string
	out := articleKeyRef.ReplaceAllStringFunc(body, func(ref string) string {
		key := articleKeyRef.FindStringSubmatch(ref)[1]
		ids, ok := b.kb[key]
		if !ok {
			missing = key
			return ref
		}
		return "{{article:" + strconv.FormatInt(id(ids), 10) + "}}"
	})
	if missing != "" {
		return "", fmt.Errorf("no help-centre article %q", missing)
	}
	return out, nil
}
