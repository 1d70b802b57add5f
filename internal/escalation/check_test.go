package escalation

import (
	"errors"
	"strings"
	"testing"
	"time"
)

// missingKeys lists "kind:key" of missing items, in order.
func missingKeys(ms []Missing) string {
	var out []string
	for _, m := range ms {
		out = append(out, string(m.Kind)+":"+m.Key)
	}
	return strings.Join(out, ",")
}

func TestCheck(t *testing.T) {
	def := DefaultProcedure("en")
	def.Steps[1].TeamID = 23 // L2 → L3 goes to a named team
	withAttachments := Procedure{Name: "bug", Steps: []Step{{
		FromTier: "L1", ToTier: "L2",
		Required: []Item{
			{Key: "screenshot", Kind: KindAttachment, LabelEN: "Screenshot"},
			{Key: "contract", Kind: KindCustomField, LabelEN: "Contract"},
			{Key: "log", Kind: KindAttachment, LabelEN: "Log file"},
		},
	}}}
	skipping := Procedure{Name: "dev", Steps: []Step{{FromTier: "L1", ToTier: "L3"}}}
	full := map[string]string{KeyStepsTried: "Reset password", KeyErrorMessage: "ERR_42"}

	tests := []struct {
		name     string
		proc     Procedure
		req      Request
		from, to string
		team     int64
		missing  string // missingKeys
		err      string // "path code"
	}{
		{name: "nothing collected yet", proc: def, req: Request{TicketTier: "L1"},
			from: "L1", to: "L2", missing: "answer:steps_tried,answer:error_message,reason:reason"},
		{name: "whitespace is not an answer", proc: def,
			req:  Request{TicketTier: "L1", Reason: " \t", Answers: map[string]string{KeyStepsTried: "  \n ", KeyErrorMessage: "none"}},
			from: "L1", to: "L2", missing: "answer:steps_tried,reason:reason"},
		{name: "ready", proc: def, req: Request{TicketTier: "L1", Direction: Up, Reason: "Needs a refund", Answers: full},
			from: "L1", to: "L2"},
		{name: "next step and its team", proc: def, req: Request{TicketTier: "L2", Reason: "bug", Answers: map[string]string{KeyReproductionSteps: "1. open", KeyImpact: "all users"}},
			from: "L2", to: "L3", team: 23},
		{name: "custom field from the ticket, attachments counted", proc: withAttachments,
			req:  Request{TicketTier: "L1", Reason: "r", CustomFields: map[string]string{"contract": "gold"}, AttachmentCount: 1},
			from: "L1", to: "L2", missing: "attachment:log"},
		{name: "blank custom field, no attachment", proc: withAttachments,
			req:  Request{TicketTier: "L1", Reason: "r", CustomFields: map[string]string{"contract": " "}, Answers: map[string]string{"contract": "gold"}},
			from: "L1", to: "L2", missing: "attachment:screenshot,custom_field:contract,attachment:log"},
		{name: "enough attachments", proc: withAttachments,
			req:  Request{TicketTier: "L1", Reason: "r", CustomFields: map[string]string{"contract": "gold"}, AttachmentCount: 3},
			from: "L1", to: "L2"},
		{name: "skipping a tier collects every checklist on the way", proc: def,
			req:  Request{TicketTier: "L1", TargetTier: "L3", Reason: "r", Answers: full},
			from: "L1", to: "L3", team: 23, missing: "answer:reproduction_steps,answer:impact"},
		{name: "explicit next tier", proc: def, req: Request{TicketTier: "L3", TargetTier: "L4", Reason: "r", Answers: map[string]string{KeyVendorContext: "case 981"}},
			from: "L3", to: "L4"},
		{name: "procedure jumps a tier", proc: skipping, req: Request{TicketTier: "L1", Reason: "r"}, from: "L1", to: "L3"},
		{name: "target the procedure does not lead to", proc: skipping, req: Request{TicketTier: "L1", TargetTier: "L2"},
			err: "target_tier target_not_reachable"},
		{name: "target beyond the last step", proc: skipping, req: Request{TicketTier: "L1", TargetTier: "L4"},
			err: "target_tier target_not_reachable"},
		{name: "no step from the tier", proc: skipping, req: Request{TicketTier: "L3"}, err: "ticket_tier no_step"},
		{name: "no step towards an explicit target", proc: skipping, req: Request{TicketTier: "L2", TargetTier: "L4"}, err: "ticket_tier no_step"},
		{name: "a wrong target is reported before a missing step", proc: skipping, req: Request{TicketTier: "L3", TargetTier: "L2"},
			err: "target_tier target_not_above"},
		{name: "target below when escalating", proc: def, req: Request{TicketTier: "L2", TargetTier: "L1"}, err: "target_tier target_not_above"},
		{name: "target same tier when escalating", proc: def, req: Request{TicketTier: "L2", TargetTier: "L2"}, err: "target_tier target_not_above"},
		{name: "L0 target", proc: def, req: Request{TicketTier: "L2", TargetTier: "L0", Direction: Down}, err: "target_tier self_service_tier"},
		{name: "bad target", proc: def, req: Request{TicketTier: "L1", TargetTier: "level 2"}, err: "target_tier bad_tier"},
		{name: "ticket in self-service", proc: def, req: Request{TicketTier: "L0"}, err: "ticket_tier self_service_tier"},
		{name: "ticket without tier", proc: def, req: Request{}, err: "ticket_tier missing_tier"},
		{name: "unknown direction", proc: def, req: Request{TicketTier: "L1", Direction: "sideways"}, err: "direction unknown_direction"},

		{name: "de-escalation needs only a reason", proc: def, req: Request{TicketTier: "L2", Direction: Down},
			from: "L2", to: "L1", missing: "reason:reason"},
		{name: "de-escalation with a known fix", proc: def, req: Request{TicketTier: "L3", TargetTier: "L1", Direction: Down, Reason: "Known fix: clear the cache"},
			from: "L3", to: "L1"},
		{name: "de-escalation goes where tickets come from", proc: skipping, req: Request{TicketTier: "L3", Direction: Down, Reason: "r"},
			from: "L3", to: "L1"},
		{name: "de-escalation target above", proc: def, req: Request{TicketTier: "L2", TargetTier: "L3", Direction: Down}, err: "target_tier target_not_below"},
		{name: "nothing below L1", proc: def, req: Request{TicketTier: "L1", Direction: Down}, err: "ticket_tier no_lower_tier"},

		{name: "return down", proc: def, req: Request{TicketTier: "L2", TargetTier: "L1", Direction: Return}, from: "L2", to: "L1", missing: "reason:reason"},
		{name: "return up skips the checklist", proc: def, req: Request{TicketTier: "L1", TargetTier: "L2", Direction: Return, Reason: "Fix did not work"},
			from: "L1", to: "L2"},
		{name: "return needs its target", proc: def, req: Request{TicketTier: "L2", Direction: Return}, err: "target_tier missing_target"},
		{name: "return to the same tier", proc: def, req: Request{TicketTier: "L2", TargetTier: "L2", Direction: Return}, err: "target_tier same_tier"},
		{name: "return to L0", proc: def, req: Request{TicketTier: "L2", TargetTier: "L0", Direction: Return}, err: "target_tier self_service_tier"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			step, ms, err := Check(tt.proc, tt.req)
			if got := strings.Join(codes(t, err), ";"); got != tt.err {
				t.Fatalf("error = %q (%v), want %q", got, err, tt.err)
			}
			if err != nil {
				if ms != nil || step.ToTier != "" {
					t.Errorf("an error came with step %+v and missing %v", step, ms)
				}
				return
			}
			if step.FromTier != tt.from || step.ToTier != tt.to || step.TeamID != tt.team {
				t.Errorf("step %s → %s team %d, want %s → %s team %d", step.FromTier, step.ToTier, step.TeamID, tt.from, tt.to, tt.team)
			}
			if got := missingKeys(ms); got != tt.missing {
				t.Errorf("missing = %q, want %q", got, tt.missing)
			}
		})
	}
}

func TestCheckMergedStep(t *testing.T) {
	p := DefaultProcedure("en")
	p.Steps[1].Required = append(p.Steps[1].Required, p.Steps[0].Required[0]) // asked twice on the way
	step, _, err := Check(p, Request{TicketTier: "L1", TargetTier: "L3"})
	if err != nil {
		t.Fatal(err)
	}
	want := []string{KeyStepsTried, KeyErrorMessage, KeyReproductionSteps, KeyImpact}
	if got := itemKeys(step.Required); strings.Join(got, ",") != strings.Join(want, ",") {
		t.Errorf("merged checklist = %v, want %v", got, want)
	}
	if step.GuidanceEN != p.Steps[0].GuidanceEN {
		t.Errorf("merged guidance = %q, want the first step's", step.GuidanceEN)
	}
}

func TestCheckDoesNotShareTheProcedure(t *testing.T) {
	p := DefaultProcedure("en")
	step, _, err := Check(p, Request{TicketTier: "L1"})
	if err != nil {
		t.Fatal(err)
	}
	step.Required[0].Key = "changed"
	if p.Steps[0].Required[0].Key != KeyStepsTried {
		t.Error("changing the returned step changed the procedure")
	}
}

func TestCheckUnvalidatedProcedureEnds(t *testing.T) {
	// A loop L1 → L2 → L1 and a step to a bad tier must not hang nor
	// panic: each move is refused as unreachable, quickly.
	p := Procedure{Steps: []Step{{FromTier: "L1", ToTier: "L2"}, {FromTier: "L2", ToTier: "L1"}, {FromTier: "L3", ToTier: "bad"}}}
	for _, r := range []Request{{TicketTier: "L1", TargetTier: "L3"}, {TicketTier: "L3", TargetTier: "L4"}, {TicketTier: "L2", TargetTier: "L4"}} {
		done := make(chan error, 1)
		go func() {
			_, _, err := Check(p, r)
			done <- err
		}()
		var err error
		select {
		case err = <-done:
		case <-time.After(5 * time.Second):
			// The goroutine is left behind: the test binary ends soon.
			t.Fatalf("Check(%+v) still running after 5s: the walk up the procedure loops", r)
		}
		var errs ValidationErrors
		if !errors.As(err, &errs) || len(errs) != 1 {
			t.Errorf("Check(%+v) = %v, want one validation error", r, err)
			continue
		}
		if e := errs[0]; e.Code != "target_not_reachable" || e.Path != "target_tier" ||
			e.Params["from"] != r.TicketTier || e.Params["to"] != r.TargetTier {
			t.Errorf("Check(%+v) = %+v, want target_not_reachable on target_tier from %s to %s", r, e, r.TicketTier, r.TargetTier)
		}
	}
}

func TestMissingText(t *testing.T) {
	_, ms, err := Check(DefaultProcedure("en"), Request{TicketTier: "L1", Answers: map[string]string{KeyErrorMessage: "ERR_42"}})
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct{ lang, want string }{
		{"en", "Before handing the ticket over, provide: Steps already tried; Reason."},
		{"fr", "Avant de transmettre le ticket, renseignez : Étapes déjà essayées ; Motif."},
	}
	for _, tt := range tests {
		if got := MissingText(tt.lang, ms); got != tt.want {
			t.Errorf("%s: %q, want %q", tt.lang, got, tt.want)
		}
	}
	if got := MissingText("en", nil); got != "" {
		t.Errorf("nothing missing: %q", got)
	}
	unlabelled := []Missing{{Key: "order_number", Kind: KindCustomField}}
	if got := MissingText("fr", unlabelled); !strings.Contains(got, "order_number") {
		t.Errorf("an unlabelled item must still be named: %q", got)
	}
}
