package api

import (
	"bytes"
	"encoding/json"
	"maps"
	"net/http"
	"slices"
	"sync"
	"testing"

	"github.com/palier/palier/internal/ticket"
)

// l1Answers completes the default procedure's checklist from L1.
var l1Answers = map[string]string{"steps_tried": "Lien renvoyé", "error_message": "Lien expiré"}

// newL1Ticket opens an L1 ticket owned by the L1 agent (access requests
// follow the default procedure).
func (e *env) newL1Ticket(more map[string]any) ticket.Ticket {
	e.t.Helper()
	body := map[string]any{"subject": "Connexion impossible", "body": "Je ne peux plus me connecter.",
		"customer_id": e.f.Customer["bob"].ID, "request_type": "access", "owner_id": e.f.AgentL1.ID}
	maps.Copy(body, more)
	var tk ticket.Ticket
	e.must(e.send("agentL1", "POST", Prefix+"/tickets", body), 201, &tk)
	return tk
}

// countEvents counts a ticket's events of a kind, as an admin reads them.
func (e *env) countEvents(ticketID int64, kind ticket.EventKind) int {
	e.t.Helper()
	var p page[servedEvent]
	e.must(e.get("admin", ticketPath(ticketID)+"/events?limit=500"), 200, &p)
	n := 0
	for _, ev := range p.Data {
		if ev.Kind == kind {
			n++
		}
	}
	return n
}

// A return goes down, or back up only to a tier the ticket was at: "return
// to L4" from a new L1 ticket used to skip the whole procedure.
func TestReturnCannotSkipTheProcedure(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *env) {
		tk := e.newL1Ticket(nil)
		path := ticketPath(tk.ID)
		for _, target := range []string{"L4", "L3", "L2"} {
			t.Run("return from L1 to "+target, func(t *testing.T) {
				e := e.on(t)
				before := e.rowCounts()
				a := e.do(req{who: "agentL1", method: "POST", path: path + "/escalate", header: inFrench,
					body: map[string]any{"direction": "return", "target_tier": target, "reason": "Retour", "from_tier": "L1"}})
				got := a.errorBody()
				if a.status != 422 || got.Code != "escalation_not_possible" || got.Fields["target_tier"].Code != "return_not_visited" ||
					got.Fields["target_tier"].Message != "Le ticket n'a jamais été en "+target+" : pour le faire monter, escaladez-le." {
					t.Fatalf("got %s, want 422 return_not_visited", a)
				}
				if !maps.Equal(before, e.rowCounts()) {
					t.Error("a refused return wrote rows")
				}
			})
		}
		// Up through the procedure, down with a known fix, then back up to
		// L2, where it was: that return needs no checklist. L3 it never saw.
		e.must(e.send("agentL1", "POST", path+"/escalate", map[string]any{"reason": "Besoin du niveau 2", "answers": l1Answers, "from_tier": "L1"}), 200, nil)
		e.must(e.send("agentL2", "POST", path+"/escalate", map[string]any{"direction": "down", "reason": "Correctif connu", "from_tier": "L2"}), 200, nil)
		if a := e.send("agentL1", "POST", path+"/escalate", map[string]any{"direction": "return", "target_tier": "L3", "reason": "x"}); a.status != 422 {
			t.Errorf("a return to L3, never visited: %s", a)
		}
		var back ticket.Ticket
		e.must(e.send("agentL1", "POST", path+"/escalate", map[string]any{"direction": "return", "target_tier": "L2", "reason": "Le correctif ne marche pas", "from_tier": "L1"}), 200, &back)
		if back.TierID != e.f.Tier["L2"].ID {
			t.Errorf("after the return: tier %d", back.TierID)
		}
		// Going down by return is always possible.
		e.must(e.send("agentL2", "POST", path+"/escalate", map[string]any{"direction": "return", "target_tier": "L1", "reason": "À vous", "from_tier": "L2"}), 200, nil)
	})
}

// from_tier turns a repeated hand-off into a 409: sent twice in a row, or
// twice at the same moment, the ticket moves once and one escalation is
// recorded.
func TestDuplicateEscalationIsAConflict(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *env) {
		body := map[string]any{"reason": "Besoin du niveau 2", "answers": l1Answers, "from_tier": "L1"}

		tk := e.newL1Ticket(nil)
		e.must(e.send("agentL1", "POST", ticketPath(tk.ID)+"/escalate", body), 200, nil)
		before := e.rowCounts()
		a := e.send("agentL1", "POST", ticketPath(tk.ID)+"/escalate", body)
		if got := a.errorBody(); a.status != 409 || got.Code != "tier_changed" || got.Params["tier"] != "L2" {
			t.Errorf("the same escalation again: %s, want 409 tier_changed at L2", a)
		}
		if !maps.Equal(before, e.rowCounts()) {
			t.Error("a refused duplicate wrote rows")
		}
		if a := e.send("agentL1", "POST", ticketPath(tk.ID)+"/escalate", map[string]any{"reason": "x", "from_tier": "L9"}); a.status != 422 {
			t.Errorf("an unknown from_tier: %s", a)
		}

		// Two identical submits at once, on several tickets: the barrier
		// releases both requests together.
		for round := range 4 {
			tk := e.newL1Ticket(nil)
			raw, _ := json.Marshal(body)
			statuses := make([]int, 2)
			codes := make([]string, 2)
			var ready, done sync.WaitGroup
			start := make(chan struct{})
			for i := range 2 {
				ready.Add(1)
				done.Add(1)
				go func() {
					defer done.Done()
					hr, _ := http.NewRequest("POST", e.srv.URL+ticketPath(tk.ID)+"/escalate", bytes.NewReader(raw))
					hr.Header.Set("Content-Type", "application/json")
					hr.Header.Set("Authorization", "Bearer "+e.tokens["agentL1"])
					ready.Done()
					<-start
					res, err := e.srv.Client().Do(hr)
					if err != nil {
						t.Errorf("round %d: %v", round, err)
						return
					}
					defer res.Body.Close()
					var b errorBody
					_ = json.NewDecoder(res.Body).Decode(&b)
					statuses[i], codes[i] = res.StatusCode, b.Error.Code
				}()
			}
			ready.Wait()
			close(start)
			done.Wait()
			slices.Sort(statuses)
			if !slices.Equal(statuses, []int{200, 409}) || !slices.Contains(codes, "tier_changed") {
				t.Errorf("round %d: statuses %v codes %v, want one 200 and one 409 tier_changed", round, statuses, codes)
			}
			var now ticket.Ticket
			e.must(e.get("admin", ticketPath(tk.ID)), 200, &now)
			if n := e.countEvents(tk.ID, ticket.Escalated); n != 1 || now.EscalationCount != 1 || now.TierID != e.f.Tier["L2"].ID {
				t.Errorf("round %d: %d escalated events, count %d, tier %d; want one escalation to L2", round, n, now.EscalationCount, now.TierID)
			}
		}
	})
}

// Whoever hands a ticket off follows it: it is listed with
// handed_off_by=me, with its current tier and status, until it is solved
// and after; a sensitive ticket stays with its assignees and leads.
func TestHandedOffTicketsStayInSight(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *env) {
		plain := e.newL1Ticket(nil)
		secret := e.newL1Ticket(map[string]any{"sensitive": true})
		for _, tk := range []ticket.Ticket{plain, secret} {
			e.must(e.send("agentL1", "POST", ticketPath(tk.ID)+"/escalate", map[string]any{"reason": "Niveau 2", "answers": l1Answers, "from_tier": "L1"}), 200, nil)
		}
		handedOff := func(who string) []int64 {
			var p page[ticket.Ticket]
			e.must(e.get(who, Prefix+"/tickets?handed_off_by=me"), 200, &p)
			var ids []int64
			for _, tk := range p.Data {
				ids = append(ids, tk.ID)
			}
			return ids
		}
		if got := handedOff("agentL1"); !slices.Equal(got, []int64{plain.ID}) {
			t.Errorf("handed off by the L1 agent: %v, want only %d (the sensitive one stays with L2's leads)", got, plain.ID)
		}
		if a := e.get("agentL1", ticketPath(secret.ID)); a.status != 404 {
			t.Errorf("the sensitive ticket after the hand-off: %s", a)
		}
		if got := handedOff("agentL2"); len(got) != 0 {
			t.Errorf("the L2 agent handed off nothing, lists %v", got)
		}
		// L2 solves it: the L1 agent reads that it is solved.
		e.must(e.send("agentL2", "POST", ticketPath(plain.ID)+"/replies", map[string]any{"body": "Réglé.", "status": "solved"}), 201, nil)
		var now ticket.Ticket
		e.must(e.get("agentL1", ticketPath(plain.ID)), 200, &now)
		if now.Status != ticket.Solved || !slices.Equal(handedOff("agentL1"), []int64{plain.ID}) {
			t.Errorf("after L2 solved it, the L1 agent reads %s and lists %v", now.Status, handedOff("agentL1"))
		}
	})
}

// Opening a ticket that routing places in another tier does not make its
// creator the owner: it waits for that tier, and the creator follows it.
func TestIntakeRoutedToAnotherTier(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *env) {
		e.must(e.send("admin", "PUT", Prefix+"/routing/rules", map[string]any{
			"rules": []map[string]any{{"id": 1, "name": "Anomalies au niveau 2", "enabled": true,
				"when": map[string]any{"field": "request_type", "op": "is", "value": "bug"}, "then": map[string]any{"tier": "L2"}}},
			"fallback": map[string]any{"tier": "L1"},
		}), 200, nil)
		bug := map[string]any{"subject": "L'export plante", "body": "Erreur 500.", "customer_id": e.f.Customer["alice"].ID, "request_type": "bug", "channel": "phone"}
		var tk ticket.Ticket
		e.must(e.send("agentL1", "POST", Prefix+"/tickets", bug), 201, &tk)
		if tk.TierID != e.f.Tier["L2"].ID || tk.OwnerID != 0 {
			t.Fatalf("created: tier %d owner %d, want L2 and unassigned", tk.TierID, tk.OwnerID)
		}
		path := ticketPath(tk.ID)
		got := []int{
			e.get("agentL1", path).status,
			e.send("agentL1", "POST", path+"/notes", map[string]any{"body": "Client très pressé."}).status,
			e.send("agentL1", "POST", path+"/replies", map[string]any{"body": "Bonjour"}).status,
			e.send("agentL1", "POST", path+"/assign", map[string]any{"owner_id": e.f.AgentL1.ID}).status,
		}
		if want := []int{200, 201, 403, 403}; !slices.Equal(got, want) {
			t.Errorf("the creator's get, note, reply, take = %v, want %v", got, want)
		}
		// Naming themselves owner does not get round it.
		before := e.rowCounts()
		bug["owner_id"] = e.f.AgentL1.ID
		if a := e.send("agentL1", "POST", Prefix+"/tickets", bug); a.status != 403 || a.errorBody().Fields["owner_id"].Code != "owner_out_of_scope" {
			t.Errorf("creating an L2 ticket owned by the L1 agent: %s", a)
		}
		if !maps.Equal(before, e.rowCounts()) {
			t.Error("a refused creation wrote rows")
		}
		// Routed to their own tier, the creator is not made owner either:
		// it waits in their tier's queue, as before.
		var own ticket.Ticket
		e.must(e.send("agentL1", "POST", Prefix+"/tickets", map[string]any{"subject": "Facture", "body": "Où est ma facture ?",
			"customer_id": e.f.Customer["bob"].ID, "request_type": "billing"}), 201, &own)
		if own.TierID != e.f.Tier["L1"].ID || own.OwnerID != 0 {
			t.Errorf("an L1 ticket: tier %d owner %d", own.TierID, own.OwnerID)
		}
	})
}
