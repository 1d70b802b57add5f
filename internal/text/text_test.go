package text

import (
	"net/url"
	"testing"
)

func TestCheck(t *testing.T) {
	tests := []struct {
		s    string
		k    Kind
		want Problem
	}{
		{"Support de niveau 1", Name, Problem{}},
		{"Émilie Noël — 日本語 🙂", Name, Problem{}},
		{"un\ndeux\r\n\ttrois", Multiline, Problem{}},
		{"a\x00b", Multiline, Problem{CodeBadChar, "U+0000"}},
		{"a\x00b", Name, Problem{CodeBadChar, "U+0000"}},
		{"bell\x07", Multiline, Problem{CodeBadChar, "U+0007"}},
		{"esc\x1b[31m", Line, Problem{CodeBadChar, "U+001B"}},
		{"del\x7f", Multiline, Problem{CodeBadChar, "U+007F"}},
		{"c1\u0085", Multiline, Problem{CodeBadChar, "U+0085"}},
		{"tab\tin a line", Line, Problem{CodeBadChar, "U+0009"}},
		{"two\nlines", Line, Problem{CodeMultiline, "U+000A"}},
		{"two\rlines", Name, Problem{CodeMultiline, "U+000D"}},
		{"bad \xff utf8", Multiline, Problem{Code: CodeBadUTF8}},
		{"real \ufffd replacement", Name, Problem{}},
		{"evil\u202egnp.exe", Name, Problem{CodeBadChar, "U+202E"}},
		{"isolate\u2067x\u2069", Name, Problem{CodeBadChar, "U+2067"}},
		{"evil\u202egnp.exe", Multiline, Problem{}}, // free text may quote Arabic or Hebrew
		{"mark\u200fok", Name, Problem{}},
	}
	for _, tt := range tests {
		if got := Check(tt.s, tt.k); got != tt.want {
			t.Errorf("Check(%q, %d) = %+v, want %+v", tt.s, tt.k, got, tt.want)
		}
	}
}

func TestCheckJSONFindsEveryString(t *testing.T) {
	raw := []byte(`{"name": "ok", "customer": {"name": "x\u0000y", "email": "a@b"},
		"body": "line one\nline two", "tags": ["fine", "bad\u0007"], "custom_fields": {"k\u0000": "v", "plan": "a\u001bb"},
		"rules": [{"name": "r1"}, {"name": "r\u202e2"}], "n": 3, "ok": true, "nothing": null}`)
	f := CheckJSON(raw)
	want := map[string]string{
		"customer.name":       CodeBadChar,
		"tags[1]":             CodeBadChar,
		"custom_fields.k\x00": CodeBadChar,
		"custom_fields.plan":  CodeBadChar,
		"rules[1].name":       CodeBadChar,
	}
	for path, code := range want {
		if f[path].Code != code {
			t.Errorf("%s: %q, want %q", path, f[path].Code, code)
		}
	}
	if len(f) != len(want) {
		t.Errorf("failures %v, want exactly %v", f, want)
	}
	if f := CheckJSON([]byte(`"top\u0000"`)); f["body"].Code != CodeBadChar {
		t.Errorf("a bare string body: %v", f)
	}
	if f := CheckJSON([]byte(`{"name": "fine", "broken`)); len(f) != 0 {
		t.Errorf("broken JSON: %v (the decoder reports it)", f)
	}
}

func TestCheckValues(t *testing.T) {
	form := url.Values{"body": {"un\ndeux"}, "name": {"Ana"}, "email": {"a\x00@b"}}
	if f := CheckValues(form, false); len(f) != 1 || f["email"].Code != CodeBadChar {
		t.Errorf("form: %v", f)
	}
	query := url.Values{"q": {"un\ndeux"}, "status": {"open"}, "x\x00": {"1"}}
	f := CheckValues(query, true)
	if f["q"].Code != CodeMultiline || f["query"].Code != CodeBadChar || len(f) != 2 {
		t.Errorf("query: %v", f)
	}
}
