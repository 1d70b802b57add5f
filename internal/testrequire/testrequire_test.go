package testrequire

import (
	"strings"
	"testing"
)

var postgres = Dependency{Name: "PostgreSQL", Keys: []string{"postgres", "postgresql"}, Package: "postgresql"}

func TestRequired(t *testing.T) {
	for value, want := range map[string]bool{
		"":                    false,
		"browser":             false,
		"postgres":            true,
		"PostgreSQL":          true,
		"browser,postgres":    true,
		"browser  postgres":   true,
		" postgres , browser": true,
		"postgres15":          false,
		"nopostgres":          false,
	} {
		if got := postgres.Required(value); got != want {
			t.Errorf("Required(%q) = %v, want %v", value, got, want)
		}
	}
}

func TestUnavailableSkipsUnlessRequired(t *testing.T) {
	tests := []struct {
		env          string
		skip, failed bool
	}{
		{"", true, false},
		{"browser", true, false},
		{"browser,postgres", false, true},
	}
	for _, tc := range tests {
		t.Setenv(Env, tc.env)
		r := &Recorder{}
		postgres.Unavailable(r, "pg_ctl not on PATH")
		if (r.SkipMsg != "") != tc.skip || (r.FatalMsg != "") != tc.failed {
			t.Errorf("%s=%q: skipped %q, fatal %q", Env, tc.env, r.SkipMsg, r.FatalMsg)
		}
		msg := r.SkipMsg + r.FatalMsg
		if !strings.Contains(msg, "install the postgresql package") || !strings.Contains(msg, "pg_ctl not on PATH") {
			t.Errorf("%s=%q: message %q does not say what is missing and what to install", Env, tc.env, msg)
		}
	}
}
