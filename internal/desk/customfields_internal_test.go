package desk

import (
	"maps"
	"testing"

	"github.com/palier/palier/internal/problem"
	"github.com/palier/palier/internal/workspace"
)

func TestCheckCustomFields(t *testing.T) {
	dir := Directory{CustomFields: []workspace.CustomField{
		{Key: "contract", Kind: workspace.Text},
		{Key: "seats", Kind: workspace.Number},
		{Key: "plan", Kind: workspace.Select, Options: []string{"basic", "pro"}},
		{Key: "renewal", Kind: workspace.Date},
	}}
	tests := []struct {
		name     string
		values   map[string]string
		want     map[string]string
		problems map[string]string // field → code
	}{
		{name: "nothing", values: nil, want: map[string]string{}},
		{name: "every kind valid",
			values: map[string]string{"contract": "C-12", "seats": "12", "plan": "pro", "renewal": "2026-12-31"},
			want:   map[string]string{"contract": "C-12", "seats": "12", "plan": "pro", "renewal": "2026-12-31"}},
		{name: "empty clears", values: map[string]string{"plan": ""}, want: map[string]string{"plan": ""}},
		{name: "unknown field", values: map[string]string{"colour": "red", "seats": "3"}, want: map[string]string{"seats": "3"},
			problems: map[string]string{"custom_fields.colour": "unknown_field"}},
		{name: "every bad value reported",
			values:   map[string]string{"seats": "many", "plan": "gold", "renewal": "31/12/2026", "contract": "\xff"},
			want:     map[string]string{},
			problems: map[string]string{"custom_fields.seats": "not_a_number", "custom_fields.plan": "unknown_value", "custom_fields.renewal": "not_a_date", "custom_fields.contract": "too_long"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := problem.Fields{}
			got := checkCustomFields(f, dir, tt.values)
			if !maps.Equal(got, tt.want) {
				t.Errorf("values = %v, want %v", got, tt.want)
			}
			codes := map[string]string{}
			for k, v := range f {
				codes[k] = v.Code
			}
			if !maps.Equal(codes, tt.problems) {
				t.Errorf("problems = %v, want %v", codes, tt.problems)
			}
		})
	}
}
