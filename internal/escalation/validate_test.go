package escalation

import (
	"errors"
	"strings"
	"testing"

	"github.com/palier/palier/internal/i18n"
)

var allTiers = []string{"L0", "L1", "L2", "L3", "L4"}

// sample is a valid procedure using every item kind; each test case
// changes one thing.
func sample() Procedure {
	return Procedure{
		ID: 7, RequestTypeID: 3, Name: "Facturation",
		Steps: []Step{{
			FromTier: "L1", ToTier: "L2", TeamID: 12,
			GuidanceFR: "Remboursement au-delà de 100 €.", GuidanceEN: "Refund above €100.",
			Required: []Item{
				{Key: "steps_tried", Kind: KindAnswer, LabelFR: "Étapes déjà essayées", LabelEN: "Steps already tried"},
				{Key: "contract", Kind: KindCustomField, LabelFR: "Contrat", LabelEN: "Contract"},
				{Key: "invoice", Kind: KindAttachment, LabelFR: "Facture", LabelEN: "Invoice"},
			},
		}, {
			FromTier: "L2", ToTier: "L4", VendorEmail: "support@payments.example",
			Required: []Item{{Key: "vendor_case", Kind: KindAnswer, LabelEN: "Vendor case"}},
		}},
	}
}

func TestValidate(t *testing.T) {
	fields := []string{"contract", "order_number"}
	tests := []struct {
		name      string
		change    func(*Procedure)
		tiers     []string
		unchecked bool     // validate against nil lists
		want      []string // "path code", in order
	}{
		{name: "valid", change: func(*Procedure) {}},
		{name: "nil lists are not checked", change: func(p *Procedure) { p.Steps[0].Required[1].Key = "anything"; p.Steps[1].ToTier = "L4" }, unchecked: true},
		{name: "missing name", change: func(p *Procedure) { p.Name = "  " }, want: []string{"name missing_name"}},
		{name: "long name", change: func(p *Procedure) { p.Name = strings.Repeat("é", MaxName+1) }, want: []string{"name too_long"}},
		{name: "negative ids", change: func(p *Procedure) { p.ID, p.RequestTypeID = -1, -2 },
			want: []string{"id invalid_id", "request_type_id invalid_id"}},
		{name: "no steps", change: func(p *Procedure) { p.Steps = nil }, want: []string{"steps no_steps"}},
		{name: "missing tier", change: func(p *Procedure) { p.Steps[0].FromTier = "" }, want: []string{"steps[0].from_tier missing_tier"}},
		{name: "bad tiers", change: func(p *Procedure) { p.Steps[0].ToTier = "L5"; p.Steps[1].FromTier = "l2" },
			want: []string{"steps[0].to_tier bad_tier", "steps[1].from_tier bad_tier"}},
		{name: "tier not in workspace", change: func(*Procedure) {}, tiers: []string{"L0", "L1", "L2", "L3"},
			want: []string{"steps[1].to_tier unknown_tier"}},
		{name: "L0 target", change: func(p *Procedure) { p.Steps[0].ToTier = "L0" }, want: []string{"steps[0].to_tier self_service_tier"}},
		{name: "L0 source", change: func(p *Procedure) { p.Steps[0].FromTier = "L0" }, want: []string{"steps[0].from_tier self_service_tier"}},
		{name: "step going down", change: func(p *Procedure) { p.Steps[1].ToTier = "L1"; p.Steps[1].VendorEmail = "" }, want: []string{"steps[1].to_tier not_ascending"}},
		{name: "step to its own tier", change: func(p *Procedure) { p.Steps[1].ToTier = "L2"; p.Steps[1].VendorEmail = "" },
			want: []string{"steps[1].to_tier not_ascending"}},
		{name: "steps not ascending", change: func(p *Procedure) { p.Steps[0], p.Steps[1] = p.Steps[1], p.Steps[0] },
			want: []string{"steps[1].from_tier steps_out_of_order"}},
		{name: "two steps from one tier", change: func(p *Procedure) { p.Steps[1].FromTier = "L1" },
			want: []string{"steps[1].from_tier duplicate_step"}},
		{name: "negative team", change: func(p *Procedure) { p.Steps[0].TeamID = -4 }, want: []string{"steps[0].team_id invalid_team_id"}},
		{name: "vendor email below L4", change: func(p *Procedure) { p.Steps[0].VendorEmail = "a@b.example" },
			want: []string{"steps[0].vendor_email vendor_email_not_l4"}},
		{name: "bad vendor email", change: func(p *Procedure) { p.Steps[1].VendorEmail = "support.example" },
			want: []string{"steps[1].vendor_email bad_email"}},
		{name: "bad guidance text", change: func(p *Procedure) { p.Steps[0].GuidanceFR = "\xff" }, want: []string{"steps[0].guidance_fr bad_utf8"}},
		{name: "duplicate key", change: func(p *Procedure) { p.Steps[0].Required[2].Key = "steps_tried" },
			want: []string{"steps[0].required[2].key duplicate_key"}},
		{name: "same key in another step is fine", change: func(p *Procedure) { p.Steps[1].Required[0].Key = "steps_tried" }},
		{name: "unknown custom field", change: func(p *Procedure) { p.Steps[0].Required[1].Key = "contrat" },
			want: []string{"steps[0].required[1].key unknown_custom_field"}},
		{name: "answer keys are not custom fields", change: func(p *Procedure) { p.Steps[0].Required[0].Key = "free_text" }},
		{name: "missing key", change: func(p *Procedure) { p.Steps[0].Required[0].Key = "" }, want: []string{"steps[0].required[0].key missing_key"}},
		{name: "bad key", change: func(p *Procedure) { p.Steps[0].Required[0].Key = "Steps tried" }, want: []string{"steps[0].required[0].key bad_key"}},
		{name: "unknown kind", change: func(p *Procedure) { p.Steps[0].Required[0].Kind = "file" }, want: []string{"steps[0].required[0].kind unknown_kind"}},
		{name: "reason is not an item kind", change: func(p *Procedure) { p.Steps[0].Required[0].Kind = KindReason },
			want: []string{"steps[0].required[0].kind unknown_kind"}},
		{name: "missing label", change: func(p *Procedure) { p.Steps[0].Required[0].LabelFR, p.Steps[0].Required[0].LabelEN = "", " " },
			want: []string{"steps[0].required[0].label_en missing_label"}},
		{name: "one language is enough", change: func(p *Procedure) { p.Steps[0].Required[0].LabelEN = "" }},
		{name: "long help", change: func(p *Procedure) { p.Steps[0].Required[0].HelpEN = strings.Repeat("x", MaxHelp+1) },
			want: []string{"steps[0].required[0].help_en too_long"}},
		{name: "too many items", change: func(p *Procedure) {
			for i := range MaxItems {
				p.Steps[1].Required = append(p.Steps[1].Required, Item{Key: "k" + string(rune('a'+i%26)) + string(rune('a'+i/26)), Kind: KindAnswer, LabelEN: "x"})
			}
		}, want: []string{"steps[1].required too_many_items"}},
		{name: "everything at once", change: func(p *Procedure) {
			p.Name = ""
			p.Steps[0].ToTier = "L0"
			p.Steps[0].Required[1].Key = "nope"
			p.Steps[1].FromTier = "L9"
		}, want: []string{
			"name missing_name", "steps[0].to_tier self_service_tier", "steps[0].required[1].key unknown_custom_field", "steps[1].from_tier bad_tier",
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := sample()
			tt.change(&p)
			tiers, fl := allTiers, fields
			if tt.tiers != nil {
				tiers = tt.tiers
			}
			if tt.unchecked {
				tiers, fl = nil, nil
			}
			got := codes(t, p.Validate(tiers, fl))
			if strings.Join(got, "\n") != strings.Join(tt.want, "\n") {
				t.Errorf("errors:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(tt.want, "\n"))
			}
		})
	}
}

// codes flattens an error into "path code" lines, and checks on the way
// that each message exists in both languages with its placeholders filled.
func codes(t *testing.T, err error) []string {
	t.Helper()
	if err == nil {
		return nil
	}
	var es ValidationErrors
	if !errors.As(err, &es) {
		t.Fatalf("error %v is a %T, want ValidationErrors", err, err)
	}
	var out []string
	for _, e := range es {
		out = append(out, e.Path+" "+e.Code)
		if !i18n.Has(textPrefix + e.Code) {
			t.Errorf("code %q has no message", e.Code)
		}
		for _, lang := range []string{"en", "fr"} {
			if txt := e.Text(lang); strings.Contains(txt, "{") || txt == "" {
				t.Errorf("%s text %q is incomplete", lang, txt)
			}
		}
		if e.Message != e.Text("en") || e.Text("fr") == e.Message {
			t.Errorf("message %q / fr %q: want English in Message and a French text", e.Message, e.Text("fr"))
		}
	}
	return out
}

func TestMessagesBilingual(t *testing.T) {
	for code, m := range messages {
		if m[0] == "" || m[1] == "" || m[0] == m[1] {
			t.Errorf("code %q: en %q, fr %q", code, m[0], m[1])
		}
	}
}

func TestValidationErrorsError(t *testing.T) {
	es := ValidationErrors{newError("name", "missing_name", nil), newError("steps", "no_steps", nil)}
	want := "escalation: 2 errors: name: The procedure has no name.; steps: The procedure has no step."
	if es.Error() != want {
		t.Errorf("Error() = %q, want %q", es.Error(), want)
	}
}

func TestValidationErrorsErrorIsBounded(t *testing.T) {
	var es ValidationErrors
	for range 7 {
		es = append(es, newError("steps", "no_steps", nil))
	}
	if got := es.Error(); !strings.HasPrefix(got, "escalation: 7 errors: ") || !strings.HasSuffix(got, "; and 2 more") {
		t.Errorf("Error() = %q", got)
	}
}

func TestSelect(t *testing.T) {
	def := Procedure{ID: 1, Name: "default"}
	billing := Procedure{ID: 2, RequestTypeID: 10, Name: "billing"}
	bug := Procedure{ID: 3, RequestTypeID: 20, Name: "bug"}
	tests := []struct {
		name   string
		procs  []Procedure
		typeID int64
		wantID int64
		wantOK bool
	}{
		{"own procedure", []Procedure{def, billing, bug}, 20, 3, true},
		{"own procedure listed before the default", []Procedure{billing, def}, 10, 2, true},
		{"falls back to the default", []Procedure{billing, def, bug}, 30, 1, true},
		{"no request type uses the default", []Procedure{billing, def}, 0, 1, true},
		{"no default", []Procedure{billing, bug}, 30, 0, false},
		{"nothing", nil, 10, 0, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, ok := Select(tt.procs, tt.typeID)
			if p.ID != tt.wantID || ok != tt.wantOK {
				t.Errorf("Select = %d, %v; want %d, %v", p.ID, ok, tt.wantID, tt.wantOK)
			}
		})
	}
}

func TestStepFrom(t *testing.T) {
	p := sample()
	for _, tt := range []struct {
		tier, to string
		ok       bool
	}{{"L1", "L2", true}, {"L2", "L4", true}, {"L3", "", false}, {"L0", "", false}, {"", "", false}} {
		s, ok := p.StepFrom(tt.tier)
		if s.ToTier != tt.to || ok != tt.ok {
			t.Errorf("StepFrom(%q) = %q, %v; want %q, %v", tt.tier, s.ToTier, ok, tt.to, tt.ok)
		}
	}
}

func TestDefaultProcedure(t *testing.T) {
	for _, lang := range []string{"fr", "en"} {
		p := DefaultProcedure(lang)
		if err := p.Validate(allTiers, []string{}); err != nil {
			t.Errorf("%s: default procedure is invalid: %v", lang, err)
		}
		if p.RequestTypeID != 0 {
			t.Errorf("%s: default procedure has request type %d", lang, p.RequestTypeID)
		}
		for i, s := range p.Steps {
			if s.GuidanceFR == "" || s.GuidanceEN == "" {
				t.Errorf("%s: step %d lacks guidance in a language", lang, i)
			}
			for _, it := range s.Required {
				if it.LabelFR == "" || it.LabelEN == "" || it.HelpFR == "" || it.HelpEN == "" {
					t.Errorf("%s: item %q lacks a text in a language", lang, it.Key)
				}
			}
		}
	}
	if fr, en := DefaultProcedure("fr").Name, DefaultProcedure("en").Name; fr != "Procédure par défaut" || en != "Default procedure" {
		t.Errorf("names = %q, %q", fr, en)
	}
	want := map[string][]string{
		"L1": {KeyStepsTried, KeyErrorMessage},
		"L2": {KeyReproductionSteps, KeyImpact},
		"L3": {KeyVendorContext},
	}
	p := DefaultProcedure("en")
	for from, keys := range want {
		s, ok := p.StepFrom(from)
		if !ok || strings.Join(itemKeys(s.Required), ",") != strings.Join(keys, ",") {
			t.Errorf("step from %s requires %v, want %v", from, itemKeys(s.Required), keys)
		}
	}
	// Each call is independent: changing one default must not change the next.
	p.Steps[0].Required[0].LabelEN = "changed"
	if DefaultProcedure("en").Steps[0].Required[0].LabelEN == "changed" {
		t.Error("DefaultProcedure shares its items between calls")
	}
}

func itemKeys(items []Item) []string {
	var out []string
	for _, it := range items {
		out = append(out, it.Key)
	}
	return out
}

func TestGuidance(t *testing.T) {
	s := DefaultProcedure("en").Steps[0]
	if s.Guidance("fr") != s.GuidanceFR || s.Guidance("en") != s.GuidanceEN {
		t.Error("Guidance does not pick the language")
	}
	if got := (Step{GuidanceFR: "Seulement en français"}).Guidance("en"); got != "Seulement en français" {
		t.Errorf("Guidance falls back to %q", got)
	}
}

func TestLabelsFallBack(t *testing.T) {
	tests := []struct {
		it       Item
		fr, en   string
		helpFrEn [2]string
	}{
		{Item{Key: "k", LabelFR: "Contrat", LabelEN: "Contract", HelpFR: "Aide", HelpEN: "Help"}, "Contrat", "Contract", [2]string{"Aide", "Help"}},
		{Item{Key: "k", LabelFR: "Contrat", HelpEN: "Help"}, "Contrat", "Contrat", [2]string{"Help", "Help"}},
		{Item{Key: "k", LabelEN: "Contract"}, "Contract", "Contract", [2]string{"", ""}},
		{Item{Key: "order_number"}, "order_number", "order_number", [2]string{"", ""}},
	}
	for _, tt := range tests {
		if fr, en := tt.it.Label("fr"), tt.it.Label("en"); fr != tt.fr || en != tt.en {
			t.Errorf("%+v: labels %q, %q; want %q, %q", tt.it, fr, en, tt.fr, tt.en)
		}
		if fr, en := tt.it.Help("fr"), tt.it.Help("en"); fr != tt.helpFrEn[0] || en != tt.helpFrEn[1] {
			t.Errorf("%+v: help %q, %q; want %q", tt.it, fr, en, tt.helpFrEn)
		}
	}
}
