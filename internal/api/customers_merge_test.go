package api

import (
	"context"
	"maps"
	"strings"
	"sync"
	"testing"

	"github.com/palier/palier/internal/customer"
	"github.com/palier/palier/internal/desk"
	"github.com/palier/palier/internal/store/storetest"
)

// pair adds two customers of one person (a duplicate record), named after
// tag, and returns the one to keep and the duplicate.
func (e *env) pair(tag string) (keep, dup customer.Customer) {
	e.t.Helper()
	ctx := context.Background()
	var err error
	keep, err = e.s.CreateCustomer(ctx, e.f.WS.ID, customer.Customer{Name: "Zélie " + tag, Email: "zelie." + tag + "@example.fr", Language: "fr"})
	if err != nil {
		e.t.Fatal(err)
	}
	dup, err = e.s.CreateCustomer(ctx, e.f.WS.ID, customer.Customer{Name: "Zélie " + tag, Email: "z." + tag + "@perso.example", Language: "fr"})
	if err != nil {
		e.t.Fatal(err)
	}
	return keep, dup
}

func customerPath(id int64) string { return Prefix + "/customers/" + itoa(id) }

// POST /customers/{id}/merge for every role: leads and admins merge,
// agents are refused 403, nothing is written by a refusal; then what a
// merged record becomes (404 customer_merged with its pointer, out of
// lists and search), what cannot happen twice, and that its address now
// belongs to the kept customer (409 on creating or taking it).
func TestMergeCustomersOverTheAPI(t *testing.T) {
	roles := []struct {
		who  string
		want int
	}{
		{"admin", 200}, {"lead", 200}, {"agentL1", 403}, {"agentL2", 403}, {"agentL3", 403}, {"other", 403},
	}
	eachEnv(t, func(t *testing.T, e *env) {
		for _, r := range roles {
			t.Run(r.who, func(t *testing.T) {
				e := e.on(t)
				keep, dup := e.pair(r.who)
				before := e.rowCounts()
				a := e.send(r.who, "POST", customerPath(keep.ID)+"/merge", map[string]any{"from": dup.ID})
				if a.status != r.want {
					t.Fatalf("%s merges: %s, want %d", r.who, a, r.want)
				}
				if r.want != 200 {
					if after := e.rowCounts(); !maps.Equal(before, after) {
						t.Errorf("a refused merge wrote rows: %v → %v", before, after)
					}
					return
				}
				var out customerMergeJSON
				e.must(a, 200, &out)
				if out.Customer.ID != keep.ID || out.EmailKept != dup.Email {
					t.Errorf("merge answered %+v", out)
				}
			})
		}

		keep, dup := e.pair("suite")
		if _, err := e.d.CreateTicket(context.Background(), storetest.Actor(t, e.s, e.f.Admin), desk.NewTicket{Subject: "Ma commande", Body: "Où en est-elle ?",
			CustomerID: dup.ID, RequestType: "billing", TierID: e.f.Tier["L1"].ID, TeamID: e.f.Team["L1"].ID}); err != nil {
			t.Fatal(err)
		}
		bad := []struct {
			name string
			path string
			body any
			want int
			code string
		}{
			{"into themselves", customerPath(keep.ID) + "/merge", map[string]any{"from": keep.ID}, 422, "validation_failed"},
			{"no from", customerPath(keep.ID) + "/merge", map[string]any{}, 422, "validation_failed"},
			{"an unknown field", customerPath(keep.ID) + "/merge", map[string]any{"from": dup.ID, "into": keep.ID}, 400, "unknown_json_field"},
			{"an unknown duplicate", customerPath(keep.ID) + "/merge", map[string]any{"from": 1 << 40}, 404, "customer_not_found"},
			{"into an unknown customer", customerPath(1<<40) + "/merge", map[string]any{"from": dup.ID}, 404, "customer_not_found"},
			{"another workspace's customer", customerPath(keep.ID) + "/merge", map[string]any{"from": e.f.Other.Customer.ID}, 404, "customer_not_found"},
		}
		before := e.rowCounts()
		for _, b := range bad {
			if a := e.send("lead", "POST", b.path, b.body); a.status != b.want || a.errorCode() != b.code {
				t.Errorf("%s: %s, want %d %s", b.name, a, b.want, b.code)
			}
		}
		if after := e.rowCounts(); !maps.Equal(before, after) {
			t.Errorf("refused merges wrote rows: %v → %v", before, after)
		}

		var out customerMergeJSON
		e.must(e.send("lead", "POST", customerPath(keep.ID)+"/merge", map[string]any{"from": dup.ID}), 200, &out)
		if out.TicketsMoved != 1 {
			t.Errorf("merge moved %d tickets, want 1", out.TicketsMoved)
		}

		// The emptied record: a pointer, and nowhere in lists or search.
		a := e.get("lead", customerPath(dup.ID))
		if a.status != 404 || a.errorCode() != "customer_merged" || a.errorBody().Params["merged_into"] != itoa(keep.ID) {
			t.Errorf("GET of the merged record: %s, want 404 customer_merged pointing at %d", a, keep.ID)
		}
		if a := e.send("lead", "PATCH", customerPath(dup.ID), map[string]any{"name": "Zombie"}); a.status != 404 {
			t.Errorf("PATCH of the merged record: %s, want 404", a)
		}
		for _, q := range []string{"", "?q=zelie+suite", "?q=" + dup.Email} {
			list := e.get("lead", Prefix+"/customers"+q)
			var page struct{ Data []customerJSON }
			e.must(list, 200, &page)
			for _, c := range page.Data {
				if c.ID == dup.ID {
					t.Errorf("GET /customers%s lists the merged record", q)
				}
			}
			if q == "?q=zelie+suite" && (len(page.Data) != 1 || page.Data[0].ID != keep.ID) {
				t.Errorf("searching the name finds %+v, want the kept record only", page.Data)
			}
		}

		// Twice, or into the emptied record: 409, nothing written.
		before = e.rowCounts()
		for _, p := range []struct{ into, from int64 }{{keep.ID, dup.ID}, {dup.ID, keep.ID}} {
			a := e.send("admin", "POST", customerPath(p.into)+"/merge", map[string]any{"from": p.from})
			if a.status != 409 || a.errorCode() != "customer_merged" {
				t.Errorf("merge %d into %d again: %s, want 409 customer_merged", p.from, p.into, a)
			}
		}
		// Its address is the kept customer's now.
		a = e.send("lead", "POST", Prefix+"/customers", map[string]any{"name": "Zélie bis", "email": strings.ToUpper(dup.Email)})
		if a.status != 409 || a.errorCode() != "email_kept_by_customer" || a.errorBody().Params["customer_id"] != itoa(keep.ID) {
			t.Errorf("creating a customer with the kept address: %s, want 409 email_kept_by_customer naming %d", a, keep.ID)
		}
		a = e.send("lead", "PATCH", customerPath(e.f.Customer["bob"].ID), map[string]any{"email": dup.Email})
		if a.status != 409 || a.errorCode() != "email_kept_by_customer" {
			t.Errorf("taking the kept address for bob: %s, want 409", a)
		}
		if after := e.rowCounts(); !maps.Equal(before, after) {
			t.Errorf("refusals wrote rows: %v → %v", before, after)
		}
		// The kept customer may take it back as their main address.
		if a := e.send("lead", "PATCH", customerPath(keep.ID), map[string]any{"email": dup.Email}); a.status != 200 {
			t.Errorf("the kept customer takes their extra address as main: %s", a)
		}
	})
}

// Two leads merge two records into each other at once: one merge wins,
// the other is refused, and the records do not end up merged into each
// other (both emptied, the tickets lost).
func TestCrossedCustomerMergesOneWins(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *env) {
		for round := range 5 {
			x, y := e.pair("duel" + itoa(int64(round)))
			var wg sync.WaitGroup
			answers := make([]answer, 2)
			for i, p := range []struct {
				who      string
				into, fr int64
			}{{"lead", x.ID, y.ID}, {"admin", y.ID, x.ID}} {
				wg.Go(func() {
					answers[i] = e.send(p.who, "POST", customerPath(p.into)+"/merge", map[string]any{"from": p.fr})
				})
			}
			wg.Wait()
			ok := 0
			for _, a := range answers {
				switch {
				case a.status == 200:
					ok++
				case a.status == 409 && a.errorCode() == "customer_merged":
				default:
					t.Errorf("round %d: crossed merge answered %s", round, a)
				}
			}
			var merged int
			if err := e.s.DB().QueryRow(`SELECT count(*) FROM customers WHERE id IN ($1, $2) AND merged_into_id IS NOT NULL`, x.ID, y.ID).Scan(&merged); err != nil {
				t.Fatal(err)
			}
			if ok != 1 || merged != 1 {
				t.Errorf("round %d: %d merges succeeded, %d records merged; want 1 and 1", round, ok, merged)
			}
		}
	})
}
