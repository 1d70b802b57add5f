package desk_test

import (
	"maps"
	"strings"
	"testing"

	"github.com/palier/palier/internal/desk"
	"github.com/palier/palier/internal/i18n"
	"github.com/palier/palier/internal/problem"
)

// A callback entered for a customer takes a name of at most 200
// characters, as the public forms do (the help box's callback, the
// chat): a longer one is refused with the field named, its limit given
// for the message in either language, and nothing written; exactly 200
// is accepted.
func TestCallbackNameIsLimitedLikeThePublicForms(t *testing.T) {
	eachDesk(t, func(t *testing.T, env deskTest) {
		in := desk.Callback{Email: "zoe.rappel@example.test", Number: "06 12 34 56 78", Reason: "Question sur ma facture"}
		in.Name = strings.Repeat("é", 201)
		before := rowCounts(t, env.s, "tickets", "customers", "events")
		_, err := env.d.RequestCallback(env.ctx, env.l1, in)
		p, ok := problem.As(err)
		if !ok || p.Fields["name"].Code != "too_long" || p.Fields["name"].Params["max"] != "200" {
			t.Fatalf("a 201-character name = %v, want name too_long with max 200", err)
		}
		for lang, want := range map[string]string{"en": "maximum 200", "fr": "maximum 200"} {
			if got := i18n.T(lang, "field."+p.Fields["name"].Code, "max", p.Fields["name"].Params["max"]); !strings.Contains(got, want) {
				t.Errorf("the refusal in %s reads %q, want it to say %q", lang, got, want)
			}
		}
		if after := rowCounts(t, env.s, "tickets", "customers", "events"); !maps.Equal(before, after) {
			t.Fatalf("a refused callback wrote something: %v → %v", before, after)
		}
		in.Name = strings.Repeat("é", 200)
		if _, err := env.d.RequestCallback(env.ctx, env.l1, in); err != nil {
			t.Fatalf("a 200-character name: %v", err)
		}
	})
}
