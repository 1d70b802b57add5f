package api

import (
	"maps"
	"net/http"
	"testing"

	"github.com/palier/palier/internal/store"
)

func TestLogCallOnATicket(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *env) {
		path := e.ticketPath("L1owned") + "/calls"
		var out struct {
			Event struct {
				Kind string `json:"kind"`
				Body string `json:"body"`
				Data struct {
					Call            string `json:"call"`
					Number          string `json:"number"`
					DurationSeconds int    `json:"duration_seconds"`
				} `json:"data"`
			} `json:"event"`
		}
		e.must(e.send("agentL1", "POST", path, map[string]any{"direction": "inbound", "number": "+33 1 23 45 67 89",
			"duration_seconds": 250, "notes": "Le client confirme le double prélèvement."}), http.StatusCreated, &out)
		if out.Event.Kind != "internal_note" || out.Event.Data.Call != "inbound" || out.Event.Data.Number != "+33 1 23 45 67 89" ||
			out.Event.Data.DurationSeconds != 250 || out.Event.Body != "Appel de +33 1 23 45 67 89, 5 min.\n\nLe client confirme le double prélèvement." {
			t.Fatalf("logged call = %+v", out.Event)
		}

		// Refusals write nothing: bad fields (each named), an agent of
		// another tier, an unknown field.
		before := e.rowCounts()
		a := e.send("agentL1", "POST", path, map[string]any{"direction": "sideways", "number": "call me", "duration_seconds": -1})
		if a.status != http.StatusUnprocessableEntity {
			t.Fatalf("bad call: %s", a)
		}
		for _, f := range []string{"direction", "number", "duration_seconds"} {
			if _, ok := a.errorBody().Fields[f]; !ok {
				t.Errorf("field %s not named: %s", f, a)
			}
		}
		if a := e.send("agentL3", "POST", path, map[string]any{"direction": "outbound", "number": "0123456789", "duration_seconds": 60}); a.status != http.StatusNotFound {
			t.Fatalf("agent of another tier: %s", a)
		}
		if a := e.send("agentL1", "POST", path, map[string]any{"direction": "outbound", "number": "0123456789", "duration_seconds": 60, "cost": 3}); a.status != http.StatusBadRequest {
			t.Fatalf("unknown field: %s", a)
		}
		if after := e.rowCounts(); !maps.Equal(before, after) {
			t.Fatalf("a refused call wrote something: %v → %v", before, after)
		}
	})
}

func TestCallbackRequestWaitsInTheRoutedTiersQueue(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *env) {
		var tk ticketJSON
		e.must(e.send("agentL1", "POST", Prefix+"/callbacks", map[string]any{"name": "Zoé Client", "email": "zoe@example.test",
			"number": "06 12 34 56 78", "reason": "Question sur ma facture"}), http.StatusCreated, &tk)
		if tk.Channel != "phone" || tk.TierID != e.f.Tier["L1"].ID || len(tk.Tags) != 1 || tk.Tags[0] != "callback" {
			t.Fatalf("callback ticket = %+v", tk)
		}
		list, _, err := e.s.Tickets(e.t.Context(), e.f.WS.ID, store.Filter{TierIDs: []int64{e.f.Tier["L1"].ID}}, "", 100)
		if err != nil {
			t.Fatal(err)
		}
		found := false
		for _, t := range list {
			found = found || t.ID == tk.ID
		}
		if !found {
			t.Fatal("the callback is not in L1's queue")
		}
		before := e.rowCounts()
		if a := e.send("agentL1", "POST", Prefix+"/callbacks", map[string]any{"name": "Zoé", "email": "pas-une-adresse", "number": "x", "reason": ""}); a.status != http.StatusUnprocessableEntity {
			t.Fatalf("bad callback: %s", a)
		}
		if after := e.rowCounts(); !maps.Equal(before, after) {
			t.Fatalf("a refused callback wrote something: %v → %v", before, after)
		}
	})
}
