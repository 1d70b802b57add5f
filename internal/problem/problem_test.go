package problem

import (
	"errors"
	"fmt"
	"strings"
	"testing"
)

func TestKindStatus(t *testing.T) {
	for kind, want := range map[Kind]int{
		Internal: 500, Invalid: 422, BadRequest: 400, NotFound: 404, Forbidden: 403,
		Unauthorized: 401, Conflict: 409, TooLarge: 413, TooMany: 429, Kind(99): 500,
	} {
		if got := kind.Status(); got != want {
			t.Errorf("Kind(%d).Status() = %d, want %d", kind, got, want)
		}
	}
}

func TestAsAndIsFollowTheChain(t *testing.T) {
	base := NotFoundf("ticket")
	wrapped := fmt.Errorf("load: %w", base)
	tests := []struct {
		name     string
		err      error
		found    bool
		notFound bool
	}{
		{"the problem", base, true, true},
		{"wrapped", wrapped, true, true},
		{"wrapped twice", fmt.Errorf("handler: %w", wrapped), true, true},
		{"a plain error", errors.New("disk full"), false, false},
		{"nil", nil, false, false},
	}
	for _, tc := range tests {
		p, ok := As(tc.err)
		if ok != tc.found || (ok && p != base) {
			t.Errorf("%s: As = %v, %v", tc.name, p, ok)
		}
		if got := Is(tc.err, NotFound); got != tc.notFound {
			t.Errorf("%s: Is(NotFound) = %v, want %v", tc.name, got, tc.notFound)
		}
		if Is(tc.err, Forbidden) {
			t.Errorf("%s: Is(Forbidden) for a not-found error", tc.name)
		}
	}
	if base.Code != "ticket_not_found" || base.Params["object"] != "ticket" || base.Kind.Status() != 404 {
		t.Errorf("NotFoundf = %+v", base)
	}
}

func TestWithCopies(t *testing.T) {
	shared := New(TooLarge, "body_too_large", "body too large")
	a := shared.With("limit", "1 MiB")
	b := a.With("other", "x")
	if shared.Params != nil {
		t.Errorf("With changed the shared error: %v", shared.Params)
	}
	if len(a.Params) != 1 || a.Params["limit"] != "1 MiB" {
		t.Errorf("a = %v", a.Params)
	}
	if len(b.Params) != 2 || b.Code != "body_too_large" || b.Kind != TooLarge {
		t.Errorf("b = %+v", b)
	}
}

func TestFields(t *testing.T) {
	f := Fields{}
	if err := f.Err(); err != nil {
		t.Fatalf("no failure: Err() = %v, want nil", err)
	}
	f.Required("name")
	f.Add("name", "too_long", "is too long") // the first failure of a field wins
	f.Add("email", "bad_email", "is not an email address")
	f.Add("segment", "unknown_value", "unknown segment", "value", "gold", "dangling")
	err := f.Err()
	p, ok := As(err)
	if !ok || p.Kind != Invalid || p.Code != "validation_failed" {
		t.Fatalf("Err() = %v", err)
	}
	tests := []struct {
		field, code string
		params      map[string]string
	}{
		{"name", "required", nil},
		{"email", "bad_email", nil},
		{"segment", "unknown_value", map[string]string{"value": "gold"}},
	}
	for _, tc := range tests {
		got := p.Fields[tc.field]
		if got.Code != tc.code || len(got.Params) != len(tc.params) || got.Params["value"] != tc.params["value"] {
			t.Errorf("%s: %+v, want code %s params %v", tc.field, got, tc.code, tc.params)
		}
	}
	// The English text lists every field, in a stable order, for logs.
	if want := "some fields are invalid; email: is not an email address; name: is required; segment: unknown segment"; err.Error() != want {
		t.Errorf("Error() = %q, want %q", err.Error(), want)
	}
}

func TestSummaryAndCount(t *testing.T) {
	msgs := func(n int) []string {
		out := make([]string, n)
		for i := range out {
			out[i] = fmt.Sprint("m", i+1)
		}
		return out
	}
	tests := []struct {
		n    int
		want string
	}{
		{1, "rules: 1 error: m1"},
		{5, "rules: 5 errors: m1; m2; m3; m4; m5"},
		{9, "rules: 9 errors: m1; m2; m3; m4; m5; and 4 more"},
	}
	for _, tc := range tests {
		if got := Summary("rules: "+Count(tc.n, "error"), msgs(tc.n)); got != tc.want {
			t.Errorf("%d messages: %q, want %q", tc.n, got, tc.want)
		}
	}
	if got := Count(0, "error"); !strings.HasPrefix(got, "0 errors") {
		t.Errorf("Count(0) = %q", got)
	}
}
