package helpbox

import (
	"slices"
	"strings"
	"testing"

	"github.com/palier/palier/internal/problem"
)

func TestMappingMatches(t *testing.T) {
	cases := []struct {
		kind    Kind
		pattern string
		page    string
		tags    string
		want    bool
	}{
		{Prefix, "/billing", "https://shop.example/billing", "", true},
		{Prefix, "/billing", "https://shop.example/billing/invoices?x=1#top", "", true},
		{Prefix, "/billing", "https://shop.example/billing-faq", "", false},
		{Prefix, "/billing/", "https://shop.example/billing/", "", true},
		{Prefix, "/", "https://shop.example/anything/at/all", "", true},
		{Prefix, "/Billing", "https://shop.example/billing", "", false}, // paths are case-sensitive
		{Prefix, "https://shop.example/billing", "https://SHOP.example:443/billing/x", "", true},
		{Prefix, "https://shop.example/billing", "http://shop.example/billing", "", false},
		{Prefix, "https://shop.example", "https://shop.example/", "", true},
		{Prefix, "https://shop.example/billing", "https://other.example/billing", "", false},
		{Prefix, "/compte/écran", "https://shop.example/compte/%C3%A9cran/2", "", true},
		{Glob, "/invoices/*/edit", "https://shop.example/invoices/42/edit", "", true},
		{Glob, "/invoices/*/edit", "https://shop.example/invoices/42/lines/edit", "", false},
		{Glob, "/docs/**", "https://shop.example/docs/api/webhooks", "", true},
		{Glob, "/docs/**/errors", "https://shop.example/docs/api/v2/errors", "", true},
		{Glob, "/invoice-??", "https://shop.example/invoice-42", "", true},
		{Glob, "/invoice-??", "https://shop.example/invoice-421", "", false},
		{Glob, "/settings", "https://shop.example/settings/team", "", false},        // a glob matches the whole path
		{Glob, "https://*.example/pay*", "https://shop.example/payment", "", false}, // origins are compared, not globbed
		{Glob, "/pay*", "https://shop.example/payment", "", true},
		{Tag, "billing", "", "checkout billing", true},
		{Tag, "billing", "https://shop.example/", "Checkout,BILLING", true},
		{Tag, "billing", "https://shop.example/billing", "checkout", false},
		{Prefix, "/billing", "javascript:alert(1)", "", false},
		{Prefix, "/billing", "", "billing", false},
	}
	for _, c := range cases {
		m := Mapping{Kind: c.kind, Pattern: c.pattern, ArticleID: 1}
		if err := m.Validate(); err != nil {
			t.Fatalf("%s %q: %v", c.kind, c.pattern, err)
		}
		if got := m.Matches(ParsePage(c.page, c.tags)); got != c.want {
			t.Errorf("%s %q on %q tags %q: %v, want %v", c.kind, c.pattern, c.page, c.tags, got, c.want)
		}
	}
}

// A visitor controls the page address: a pattern full of stars must not
// make matching explode.
func TestGlobIsLinear(t *testing.T) {
	pattern := "/" + strings.Repeat("*a", 100) + "b"
	path := "/" + strings.Repeat("a", 1900)
	if glob(pattern, path) {
		t.Errorf("matched")
	}
}

func TestSelectKeepsOrder(t *testing.T) {
	ms := []Mapping{
		{ID: 1, Kind: Tag, Pattern: "billing", ArticleID: 1},
		{ID: 2, Kind: Prefix, Pattern: "/other", ArticleID: 2},
		{ID: 3, Kind: Prefix, Pattern: "/billing", CategoryID: 3},
	}
	var ids []int64
	for _, m := range Select(ms, ParsePage("https://shop.example/billing", "billing")) {
		ids = append(ids, m.ID)
	}
	if !slices.Equal(ids, []int64{1, 3}) {
		t.Errorf("selected %v", ids)
	}
}

func TestMappingValidate(t *testing.T) {
	cases := []struct {
		m      Mapping
		fields []string
	}{
		{Mapping{Kind: Prefix, Pattern: " /billing ", ArticleID: 1}, nil},
		{Mapping{Kind: Tag, Pattern: "Billing", CategoryID: 1}, nil},
		{Mapping{Kind: "regex", Pattern: "/x", ArticleID: 1}, []string{"kind"}},
		{Mapping{Kind: Prefix, Pattern: "", ArticleID: 1}, []string{"pattern"}},
		{Mapping{Kind: Prefix, Pattern: "billing", ArticleID: 1}, []string{"pattern"}},
		{Mapping{Kind: Glob, Pattern: "/a b", ArticleID: 1}, []string{"pattern"}},
		{Mapping{Kind: Prefix, Pattern: "/" + strings.Repeat("a", MaxPattern), ArticleID: 1}, []string{"pattern"}},
		{Mapping{Kind: Tag, Pattern: "two words", ArticleID: 1}, []string{"pattern"}},
		{Mapping{Kind: Prefix, Pattern: "/x"}, []string{"target"}},
		{Mapping{Kind: Prefix, Pattern: "/x", ArticleID: 1, CategoryID: 2}, []string{"target"}},
		{Mapping{Kind: "", Pattern: "", ArticleID: 1, CategoryID: 2}, []string{"kind", "target"}},
	}
	for _, c := range cases {
		err := c.m.Validate()
		var got []string
		if p, ok := problem.As(err); ok {
			for name := range p.Fields {
				got = append(got, name)
			}
		} else if err != nil {
			t.Fatalf("%+v: %v", c.m, err)
		}
		slices.Sort(got)
		if !slices.Equal(got, c.fields) {
			t.Errorf("%+v: fields %v, want %v", c.m, got, c.fields)
		}
	}
	m := Mapping{Kind: Tag, Pattern: " Billing ", ArticleID: 1}
	if m.Validate(); m.Pattern != "billing" {
		t.Errorf("tag tidied to %q", m.Pattern)
	}
}

func TestOrigins(t *testing.T) {
	cases := []struct {
		in, want string
		ok       bool
	}{
		{"https://Shop.Example", "https://shop.example", true},
		{"https://shop.example/", "https://shop.example", true},
		{"https://shop.example:443", "https://shop.example", true},
		{"http://localhost:8080", "http://localhost:8080", true},
		{"http://127.0.0.1:80", "http://127.0.0.1", true},
		{"http://[::1]:3000", "http://[::1]:3000", true},
		{"https://shop.example/path", "", false},
		{"https://*.example", "", false},
		{"*", "", false},
		{"shop.example", "", false},
		{"ftp://shop.example", "", false},
		{"https://user@shop.example", "", false},
		{"https://shop.example:99999", "", false},
		{"https://shop.example?x=1", "", false},
		{"null", "", false},
	}
	for _, c := range cases {
		got, ok := NormalizeOrigin(c.in)
		if got != c.want || ok != c.ok {
			t.Errorf("NormalizeOrigin(%q) = %q, %v; want %q, %v", c.in, got, ok, c.want, c.ok)
		}
	}
	got, err := ParseOrigins("https://a.example\nhttps://A.example/, http://localhost:3000\n\n")
	if err != nil || !slices.Equal(got, []string{"https://a.example", "http://localhost:3000"}) {
		t.Errorf("ParseOrigins = %v, %v", got, err)
	}
	if _, err := ParseOrigins("https://a.example\nnot an origin"); err == nil {
		t.Errorf("a bad origin was accepted")
	}
	s := Settings{Origins: got}
	if !s.Allows("https://a.example") || !s.Allows("HTTPS://A.EXAMPLE:443") || s.Allows("https://b.example") || s.Allows("null") || s.Allows("") {
		t.Errorf("Allows is wrong for %v", got)
	}
	if s.FrameAncestors() != "https://a.example http://localhost:3000" || (Settings{}).FrameAncestors() != "'none'" {
		t.Errorf("frame-ancestors %q", s.FrameAncestors())
	}
}

func TestKeys(t *testing.T) {
	a, b := NewKey(), NewKey()
	if a == b || !ValidKey(a) || !ValidKey(b) {
		t.Errorf("keys %q %q", a, b)
	}
	for _, bad := range []string{"", "pk_", "pk_short", a + "x", "sk_" + a[3:], "pk_" + strings.Repeat("!", 22)} {
		if ValidKey(bad) {
			t.Errorf("ValidKey(%q)", bad)
		}
	}
}
