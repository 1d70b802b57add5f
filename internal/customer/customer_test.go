package customer

import (
	"strings"
	"testing"

	"github.com/palier/palier/internal/problem"
)

// fieldCodes is the field → code map of a validation error (nil for none).
func fieldCodes(t *testing.T, err error) map[string]string {
	t.Helper()
	if err == nil {
		return nil
	}
	p, ok := problem.As(err)
	if !ok || p.Kind != problem.Invalid || p.Code != "validation_failed" {
		t.Fatalf("error %v is not a validation problem", err)
	}
	out := map[string]string{}
	for name, f := range p.Fields {
		out[name] = f.Code
	}
	return out
}

// validationCase edits a valid value; want is the field → code map its
// Validate must then report (nil for none).
type validationCase[T any] struct {
	name string
	edit func(*T)
	want map[string]string
}

// checkValidation runs each case on its own copy of ok.
func checkValidation[T any](t *testing.T, ok T, validate func(T) error, tests []validationCase[T]) {
	t.Helper()
	for _, tc := range tests {
		v := ok
		tc.edit(&v)
		if got := fieldCodes(t, validate(v)); !sameCodes(got, tc.want) {
			t.Errorf("%s: fields %v, want %v", tc.name, got, tc.want)
		}
	}
}

func sameCodes(a, b map[string]string) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return true
}

func TestCustomerValidate(t *testing.T) {
	ok := Customer{Name: "Léa Martin", Email: "lea@example.fr", Language: "fr", Segment: "vip", Phone: "+33 1 23 45 67 89"}
	checkValidation(t, ok, Customer.Validate, []validationCase[Customer]{
		{"valid", func(*Customer) {}, nil},
		{"no language or segment", func(c *Customer) { c.Language, c.Segment = "", "" }, nil},
		{"no name", func(c *Customer) { c.Name = "  " }, map[string]string{"name": "required"}},
		{"name too long", func(c *Customer) { c.Name = strings.Repeat("é", 201) }, map[string]string{"name": "too_long"}},
		{"name of 200 letters", func(c *Customer) { c.Name = strings.Repeat("é", 200) }, nil},
		{"name not UTF-8", func(c *Customer) { c.Name = "L\xffa" }, map[string]string{"name": "too_long"}},
		{"no email", func(c *Customer) { c.Email = "" }, map[string]string{"email": "required"}},
		{"bad email", func(c *Customer) { c.Email = "lea.example.fr" }, map[string]string{"email": "bad_email"}},
		{"unsupported language", func(c *Customer) { c.Language = "de" }, map[string]string{"language": "unknown_value"}},
		{"unknown segment", func(c *Customer) { c.Segment = "gold" }, map[string]string{"segment": "unknown_value"}},
		{"phone too long", func(c *Customer) { c.Phone = strings.Repeat("1", 41) }, map[string]string{"phone": "too_long"}},
		{"every field at once", func(c *Customer) { *c = Customer{Language: "xx", Segment: "gold", Phone: "\xff"} },
			map[string]string{"name": "required", "email": "required", "language": "unknown_value", "segment": "unknown_value", "phone": "too_long"}},
	})
}

func TestOrganisationValidate(t *testing.T) {
	ok := Organisation{Name: "Boulangerie Dupont", Segment: "b2b", Domain: "dupont.fr"}
	checkValidation(t, ok, Organisation.Validate, []validationCase[Organisation]{
		{"valid", func(*Organisation) {}, nil},
		{"no domain or segment", func(o *Organisation) { o.Domain, o.Segment = "", "" }, nil},
		{"no name", func(o *Organisation) { o.Name = "" }, map[string]string{"name": "required"}},
		{"name too long", func(o *Organisation) { o.Name = strings.Repeat("a", 201) }, map[string]string{"name": "too_long"}},
		{"unknown segment", func(o *Organisation) { o.Segment = "B2B" }, map[string]string{"segment": "unknown_value"}},
		{"domain with a path", func(o *Organisation) { o.Domain = "dupont.fr/contact" }, map[string]string{"domain": "bad_domain"}},
		{"an email for a domain", func(o *Organisation) { o.Domain = "contact@dupont.fr" }, map[string]string{"domain": "bad_domain"}},
		{"domain too long", func(o *Organisation) { o.Domain = strings.Repeat("a", 254) }, map[string]string{"domain": "bad_domain"}},
	})
	for _, s := range Segments {
		if err := (Organisation{Name: "X", Segment: s}).Validate(); err != nil {
			t.Errorf("segment %s refused: %v", s, err)
		}
	}
}

// TestTooLongSaysTheLimit: a too-long field carries its limit, which the
// message ("This is too long (maximum {max}).") shows; without it the
// customer read "{max}".
func TestTooLongSaysTheLimit(t *testing.T) {
	long := strings.Repeat("é", 201)
	for name, err := range map[string]error{
		"customer name":     Customer{Name: long, Email: "a@b.fr"}.Validate(),
		"customer phone":    Customer{Name: "A", Email: "a@b.fr", Phone: strings.Repeat("1", 41)}.Validate(),
		"organisation name": Organisation{Name: long}.Validate(),
	} {
		p, ok := problem.As(err)
		if !ok {
			t.Fatalf("%s: %v", name, err)
		}
		for field, f := range p.Fields {
			if f.Code == "too_long" && f.Params["max"] == "" {
				t.Errorf("%s: %s is too long without its limit", name, field)
			}
		}
	}
}
