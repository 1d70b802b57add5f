package api

import "testing"

// A bulk reply-and-solve over the API: each ticket done or said why not,
// in the caller's language; an invalid change is refused whole.
func TestBulkUpdateTickets(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *env) {
		ids := []int64{e.f.Ticket["L1"].ID, e.f.Ticket["L3"].ID}
		var out struct {
			Data []struct {
				TicketID int64 `json:"ticket_id"`
				OK       bool
				Error    *struct{ Code, Message string }
			}
		}
		before := e.rowCounts()
		e.must(e.do(req{who: "agentL1", method: "POST", path: Prefix + "/bulk/tickets", header: map[string]string{"Accept-Language": "fr"},
			body: map[string]any{"ticket_ids": ids, "status": "solved", "reply": "La panne est réparée."}}), 200, &out)
		if len(out.Data) != 2 || !out.Data[0].OK || out.Data[1].OK || out.Data[1].Error == nil || out.Data[1].Error.Code != "ticket_not_found" ||
			out.Data[1].Error.Message != "Ticket introuvable." {
			t.Fatalf("results = %+v", out.Data)
		}
		if got := e.rowCounts()["events"] - before["events"]; got != 2 {
			t.Errorf("%d events written, want 2 (the reply and the status of the one ticket)", got)
		}
		before = e.rowCounts()
		for _, body := range []map[string]any{
			{"ticket_ids": ids, "status": "finished"},
			{"ticket_ids": ids},
			{"ticket_ids": []int64{}, "reply": "x"},
		} {
			a := e.send("agentL1", "POST", Prefix+"/bulk/tickets", body)
			if a.status != 422 {
				t.Errorf("%v: %s, want 422", body, a)
			}
		}
		if !equalCounts(before, e.rowCounts()) {
			t.Error("a refused bulk call wrote")
		}
	})
}
