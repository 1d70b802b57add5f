package api

import (
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/palier/palier/internal/ticket"
)

// A search over HTTP shows each agent exactly the tickets their list
// shows (every ticket carries the same internal note), with the matched
// words marked in an escaped passage; the other tenant's agent finds only
// their own ticket; bad parameters are refused.
func TestSearchTicketsOverHTTP(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *env) {
		for _, tk := range e.f.Ticket {
			e.must(e.send("admin", "POST", ticketPath(tk.ID)+"/notes", map[string]string{"body": "Le client <Zéphyrin> attend un geste commercial."}), 201, nil)
		}
		e.must(e.send("other", "POST", ticketPath(e.f.Other.Ticket.ID)+"/notes", map[string]string{"body": "Le client Zéphyrin attend un geste."}), 201, nil)
		type hit struct {
			ID     int64 `json:"id"`
			Search struct {
				SubjectHTML string           `json:"subject_html"`
				SnippetHTML string           `json:"snippet_html"`
				SnippetKind ticket.EventKind `json:"snippet_kind"`
			} `json:"search"`
		}
		ids := func(who, path string) ([]int64, []hit) {
			var p page[hit]
			e.must(e.get(who, path), 200, &p)
			var out []int64
			for _, x := range p.Data {
				out = append(out, x.ID)
			}
			slices.Sort(out)
			return out, p.Data
		}
		for _, who := range []string{"admin", "lead", "agentL1", "agentL2", "agentL3", "other"} {
			list, _ := ids(who, Prefix+"/tickets?limit=100")
			found, hits := ids(who, Prefix+"/tickets?limit=100&q="+url.QueryEscape("zéphyrins gest"))
			if !slices.Equal(found, list) {
				t.Errorf("%s: search finds %v, the list shows %v", who, found, list)
			}
			for _, h := range hits {
				if who == "other" {
					continue
				}
				if h.Search.SnippetKind != ticket.InternalNote || !strings.Contains(h.Search.SnippetHTML, "&lt;<mark>Zéphyrin</mark>&gt; attend un <mark>geste</mark>") {
					t.Errorf("%s: passage %q (%s)", who, h.Search.SnippetHTML, h.Search.SnippetKind)
				}
			}
			// Combined with a filter: the filtered list's tickets only.
			list, _ = ids(who, Prefix+"/tickets?limit=100&status=new,open&tier=L1")
			found, _ = ids(who, Prefix+"/tickets?limit=100&status=new,open&tier=L1&q=zephyrin")
			if !slices.Equal(found, list) {
				t.Errorf("%s: filtered search finds %v, the filtered list shows %v", who, found, list)
			}
		}
		if found, _ := ids("admin", Prefix+"/tickets?q=zephyrin&created_before=2000-01-01"); len(found) != 0 {
			t.Errorf("created before 2000: %v", found)
		}
		if found, _ := ids("admin", Prefix+"/tickets?q=ornithorynque"); len(found) != 0 {
			t.Errorf("a word nobody wrote finds %v", found)
		}
		// Paging: three by three, every match once.
		all, _ := ids("admin", Prefix+"/tickets?limit=100&q=zephyrin")
		var paged []int64
		for _, x := range allPages[hit](e, "admin", Prefix+"/tickets?limit=3&q=zephyrin", 100) {
			paged = append(paged, x.ID)
		}
		slices.Sort(paged)
		if !slices.Equal(paged, all) {
			t.Errorf("pages give %v, one page %v", paged, all)
		}
		for _, bad := range []string{"q=x&created_from=yesterday", "created_from=2026-01-01", "q=x&cursor=nope", "q=" + url.QueryEscape(strings.Repeat("mot ", 200))} {
			if a := e.get("agentL1", Prefix+"/tickets?"+bad); a.status != 400 {
				t.Errorf("%s: %s", bad, a)
			}
		}
	})
}
