package api

import (
	"strings"
	"testing"

	"github.com/palier/palier/internal/notify"
	"github.com/palier/palier/internal/ticket"
)

// notifications reads who's notifications as they see them.
func (e *env) notifications(who string, header map[string]string) notificationPage {
	e.t.Helper()
	var p notificationPage
	e.must(e.do(req{who: who, method: "GET", path: Prefix + "/notifications", header: header}), 200, &p)
	return p
}

func kinds(p notificationPage) []string {
	var out []string
	for _, n := range p.Data {
		out = append(out, string(n.Kind)+" "+n.Reference)
	}
	return out
}

// The notification centre over the API: each agent reads only their own,
// about tickets they may read, marks them read, and sets how they are
// told.
func TestNotificationsOverTheAPI(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *env) {
		everyone := []string{"admin", "lead", "agentL1", "agentL2", "agentL3", "other"}
		for _, who := range everyone {
			if p := e.notifications(who, nil); len(p.Data) != 0 || p.Unread != 0 {
				t.Fatalf("%s starts with notifications: %+v", who, p)
			}
		}
		// Assigned: the lead gives #1000 to the L1 agent.
		e.must(e.send("lead", "POST", e.ticketPath("L1")+"/assign", map[string]any{"owner_id": e.f.AgentL1.ID}), 200, nil)
		// Mentioned: the L1 agent asks the lead; Dana (L2) may not read an L1
		// ticket, so her mention tells nobody.
		e.must(e.send("agentL1", "POST", e.ticketPath("L1")+"/notes", map[string]any{"body": "@Léa Lead any idea? cc @Dana"}), 201, nil)
		// Hand-off: the L1 agent escalates a ticket to L2; Dana's team
		// receives it; she solves it; the L1 agent hears it was solved.
		tk := e.newL1Ticket(nil)
		e.must(e.send("agentL1", "POST", ticketPath(tk.ID)+"/escalate", map[string]any{"reason": "Besoin du niveau 2", "answers": l1Answers, "from_tier": "L1"}), 200, nil)
		e.must(e.send("agentL2", "POST", ticketPath(tk.ID)+"/replies", map[string]any{"body": "Corrigé.", "status": "solved"}), 201, nil)
		ref := ticket.Ref(tk.Number)

		want := map[string][]string{
			"agentL1": {"handoff_solved " + ref, "assigned #1000"},
			"lead":    {"handoff_received " + ref, "mentioned #1000"},
			"agentL2": {"handoff_received " + ref},
		}
		for _, who := range everyone {
			got := kinds(e.notifications(who, nil))
			if strings.Join(got, ",") != strings.Join(want[who], ",") {
				t.Errorf("%s's notifications: %v, want %v", who, got, want[who])
			}
		}
		mine := e.notifications("agentL1", inFrench)
		if mine.Unread != 2 || mine.Data[1].Text != "Léa Lead vous a attribué #1000" || mine.Data[0].Text != ref+", que vous avez transmis, a été résolu par Dana Second" {
			t.Errorf("the L1 agent's notifications in French: %+v", mine)
		}
		assigned := mine.Data[1]

		// Nobody else marks it read: every other member, and another
		// workspace, is told it does not exist.
		for _, who := range []string{"admin", "lead", "agentL2", "agentL3", "other"} {
			if a := e.send(who, "POST", idPath("/notifications", assigned.ID)+"/read", nil); a.status != 404 || a.errorCode() != "notification_not_found" {
				t.Errorf("%s marks the L1 agent's notification read: %s, want 404", who, a)
			}
		}
		if a := e.send("agentL1", "POST", idPath("/notifications", assigned.ID+1000)+"/read", nil); a.status != 404 {
			t.Errorf("an unknown notification: %s, want 404", a)
		}
		if p := e.notifications("agentL1", nil); p.Unread != 2 {
			t.Errorf("after the others' attempts the L1 agent has %d unread, want 2", p.Unread)
		}
		var read notificationOut
		e.must(e.send("agentL1", "POST", idPath("/notifications", assigned.ID)+"/read", nil), 200, &read)
		if read.ReadAt == nil || read.ID != assigned.ID {
			t.Errorf("marked read: %+v", read)
		}
		if p := e.notifications("agentL1", nil); p.Unread != 1 {
			t.Errorf("after reading one: %d unread, want 1", p.Unread)
		}
		var all struct{ Marked int }
		e.must(e.send("agentL1", "POST", Prefix+"/notifications/read-all", nil), 200, &all)
		if p := e.notifications("agentL1", nil); all.Marked != 1 || p.Unread != 0 || len(p.Data) != 2 {
			t.Errorf("after read-all: marked %d, %d unread, %d listed", all.Marked, p.Unread, len(p.Data))
		}
		if a := e.send("agentL1", "POST", Prefix+"/notifications/read-all", map[string]any{"all": true}); a.status != 400 {
			t.Errorf("read-all with an unknown field: %s, want 400", a)
		}

		// A ticket the agent may no longer read takes its notifications
		// with it (not even its subject is shown).
		e.must(e.send("lead", "POST", e.ticketPath("L1")+"/assign", map[string]any{"owner_id": nil}), 200, nil)
		e.must(e.send("lead", "PATCH", e.ticketPath("L1"), map[string]any{"sensitive": true}), 200, nil)
		if got := kinds(e.notifications("agentL1", nil)); strings.Join(got, ",") != "handoff_solved "+ref {
			t.Errorf("after #1000 became sensitive and unassigned, the L1 agent reads %v", got)
		}
	})
}

func TestNotificationPreferencesOverTheAPI(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *env) {
		for _, who := range []string{"admin", "lead", "agentL1", "agentL2", "agentL3", "other"} {
			var p map[notify.Kind]notify.Pref
			e.must(e.get(who, Prefix+"/me/notification-preferences"), 200, &p)
			for _, k := range notify.Kinds {
				if p[k] != notify.Default(k) {
					t.Errorf("%s's default for %s: %+v", who, k, p[k])
				}
			}
		}
		var p map[notify.Kind]notify.Pref
		e.must(e.send("agentL1", "PATCH", Prefix+"/me/notification-preferences", map[string]any{"assigned": map[string]any{"in_app": false}, "mentioned": map[string]any{"email": true}}), 200, &p)
		if p[notify.Assigned] != (notify.Pref{InApp: false, Email: true}) || p[notify.Mentioned] != (notify.Pref{InApp: true, Email: true}) {
			t.Errorf("after the change: %+v", p)
		}
		// Another agent's are untouched.
		e.must(e.get("agentL2", Prefix+"/me/notification-preferences"), 200, &p)
		if p[notify.Assigned] != notify.Default(notify.Assigned) {
			t.Errorf("the L2 agent's preference moved: %+v", p[notify.Assigned])
		}
		for _, bad := range []any{map[string]any{"everything": map[string]any{"in_app": false}}, map[string]any{"assigned": map[string]any{"sms": true}},
			map[string]any{"assigned": map[string]any{"in_app": "no"}}} {
			if a := e.send("agentL1", "PATCH", Prefix+"/me/notification-preferences", bad); a.status != 400 && a.status != 422 {
				t.Errorf("PATCH %v: %s, want a refusal", bad, a)
			}
		}
		// In the app off: the assignment is not listed.
		e.must(e.send("lead", "POST", e.ticketPath("L1")+"/assign", map[string]any{"owner_id": e.f.AgentL1.ID}), 200, nil)
		if got := e.notifications("agentL1", nil); len(got.Data) != 0 {
			t.Errorf("with assigned off in the app, the L1 agent reads %v", kinds(got))
		}
	})
}
