package api

import (
	"maps"
	"net/url"
	"strings"
	"testing"
)

// A multi-value filter takes at most MaxListValues values, repeated and
// comma-separated alike, on every list route that has one; beyond, a 400
// that names the parameter and the limit, in the caller's language.
func TestListFiltersAreCapped(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *env) {
		repeat := func(name, v string, n int) string {
			q := url.Values{}
			for range n {
				q.Add(name, v)
			}
			return q.Encode()
		}
		e.must(e.get("admin", Prefix+"/tickets?"+repeat("status", "open", MaxListValues)), 200, nil)
		e.must(e.get("admin", Prefix+"/tickets?tier="+strings.Repeat("L1,", MaxListValues-1)+"L1"), 200, nil)
		before := e.rowCounts()
		for _, rt := range e.api.routes {
			for _, p := range rt.Query {
				if !p.Repeat {
					continue
				}
				v := "x"
				if len(p.Enum) > 0 {
					v = p.Enum[0]
				}
				for name, query := range map[string]string{
					"repeated":        repeat(p.Name, v, MaxListValues+1),
					"comma-separated": p.Name + "=" + url.QueryEscape(strings.Repeat(v+",", MaxListValues)+v),
					"mixed":           repeat(p.Name, v+","+v, MaxListValues/2+1),
					"40,000 repeats":  repeat(p.Name, v, 40000),
				} {
					a := e.do(req{who: "admin", method: rt.Method, path: rt.Path + "?" + query, header: map[string]string{"Accept-Language": "fr"}})
					b := a.errorBody()
					if a.status != 400 || b.Code != "too_many_values" || b.Params["max"] != "100" || b.Params["name"] != p.Name ||
						!strings.Contains(b.Message, "Trop de valeurs pour "+p.Name+" (maximum 100)") {
						t.Errorf("%s %s %s: %s", rt.ID, p.Name, name, a)
					}
				}
			}
		}
		if after := e.rowCounts(); !maps.Equal(before, after) {
			t.Errorf("wrote something: %v → %v", before, after)
		}
		a := e.do(req{who: "admin", method: "GET", path: Prefix + "/tickets?" + repeat("status", "open", 101)})
		if !strings.Contains(a.errorBody().Message, "Too many values for status (maximum 100)") {
			t.Errorf("English: %s", a)
		}
	})
}
