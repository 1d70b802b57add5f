package workspace

import (
	"testing"

	"github.com/palier/palier/internal/problem"
)

// The workspace decides unless it is hybrid; a hybrid workspace asks the
// request type, and a type that says nothing is tiered.
func TestModelFor(t *testing.T) {
	cases := []struct {
		workspace, requestType, want SupportModel
	}{
		{Tiered, "", Tiered},
		{Tiered, Tiered, Tiered},
		{Tiered, Swarming, Tiered}, // the type's choice only counts in hybrid
		{Swarming, "", Swarming},
		{Swarming, Tiered, Swarming},
		{Swarming, Swarming, Swarming},
		{Hybrid, "", Tiered},
		{Hybrid, Tiered, Tiered},
		{Hybrid, Swarming, Swarming},
		{"", Swarming, Tiered},        // an unset workspace model keeps escalation
		{"unknown", Swarming, Tiered}, // so does one Palier does not know
	}
	for _, c := range cases {
		got := Workspace{SupportModel: c.workspace}.ModelFor(RequestType{Model: c.requestType})
		if got != c.want {
			t.Errorf("workspace %q, type %q: %q, want %q", c.workspace, c.requestType, got, c.want)
		}
	}
}

func TestRequestTypeModelValidation(t *testing.T) {
	cases := []struct {
		model SupportModel
		ok    bool
	}{
		{"", true}, {Tiered, true}, {Swarming, true},
		{Hybrid, false}, // hybrid is a choice between types, not a type's
		{"escalating", false},
	}
	for _, c := range cases {
		err := RequestType{Key: "bug", NameFR: "Anomalie", NameEN: "Bug", Model: c.model}.Validate()
		p, _ := problem.As(err)
		if got := err == nil; got != c.ok || (!c.ok && (p == nil || p.Fields["model"].Code != "unknown_value")) {
			t.Errorf("model %q: %v, want ok=%v", c.model, err, c.ok)
		}
	}
}

func TestCollaboratorIsARole(t *testing.T) {
	m := Member{Name: "Paul Produit", Email: "paul@acme.test", Role: Collaborator}
	if err := m.Validate(); err != nil {
		t.Errorf("a collaborator is a valid member: %v", err)
	}
	m.Role = "boss"
	if err := m.Validate(); err == nil {
		t.Error("an unknown role must be refused")
	}
}

// A tier or team has a name in each language; callers that know a single
// name (older API callers, a rename through Name) set it in both, and the
// reference name follows the English one.
func TestBilingualNames(t *testing.T) {
	for _, c := range []struct {
		name                    string
		in                      Team
		wantRef, wantFR, wantEN string
	}{
		{"one name", Team{Name: "Experts"}, "Experts", "Experts", "Experts"},
		{"both names", Team{NameFR: "Première ligne", NameEN: "Front line"}, "Front line", "Première ligne", "Front line"},
		{"loaded, untouched", Team{Name: "Front line", NameFR: "Première ligne", NameEN: "Front line"}, "Front line", "Première ligne", "Front line"},
		{"renamed through Name", Team{Name: "Accueil", NameFR: "Première ligne", NameEN: "Front line"}, "Accueil", "Accueil", "Accueil"},
	} {
		tm := c.in
		tm.Normalize()
		if tm.Name != c.wantRef || tm.NameFR != c.wantFR || tm.NameEN != c.wantEN {
			t.Errorf("%s: %q %q %q", c.name, tm.Name, tm.NameFR, tm.NameEN)
		}
	}
	tm := Team{Name: "Front line", NameFR: "Première ligne", NameEN: "Front line"}
	if tm.NameIn("fr") != "Première ligne" || tm.NameIn("en") != "Front line" || !tm.Named("première LIGNE") || tm.Named("Back office") {
		t.Errorf("names of %+v", tm)
	}
}
