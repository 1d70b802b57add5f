package chat

import (
	"strings"
	"testing"
	"time"

	"github.com/palier/palier/internal/problem"
)

func TestNext(t *testing.T) {
	t0 := time.Date(2026, 12, 3, 10, 0, 0, 0, time.UTC)
	wait := 2 * time.Minute
	waiting := Conversation{ID: 1, State: Waiting, WaitingSince: t0}
	accepted := Conversation{ID: 1, State: Accepted, AgentID: 7, WaitingSince: t0}
	missed := Conversation{ID: 1, State: Missed, WaitingSince: t0}
	ended := Conversation{ID: 1, State: Ended, WaitingSince: t0}
	cases := []struct {
		name       string
		c          Conversation
		act        Action
		agent      int64
		at         time.Time
		state      State
		agentAfter int64
		code       string // refusal code; "" = allowed
	}{
		{"an agent accepts a waiting chat", waiting, Accept, 7, t0, Accepted, 7, ""},
		{"a second agent is told it is taken", accepted, Accept, 8, t0, Accepted, 7, "chat_taken"},
		{"a missed chat cannot be accepted", missed, Accept, 7, t0, Missed, 0, "chat_missed"},
		{"an ended chat cannot be accepted", ended, Accept, 7, t0, Ended, 0, "chat_ended"},
		{"the holder transfers", accepted, Transfer, 7, t0.Add(time.Minute), Waiting, 0, ""},
		{"another agent cannot transfer", accepted, Transfer, 8, t0, Accepted, 7, "chat_not_yours"},
		{"a waiting chat cannot be transferred", waiting, Transfer, 7, t0, Waiting, 0, "chat_waiting"},
		{"not missed before the wait", waiting, Timeout, 0, t0.Add(wait - time.Millisecond), Waiting, 0, "chat_not_due"},
		{"missed at the wait", waiting, Timeout, 0, t0.Add(wait), Missed, 0, ""},
		{"an accepted chat is never missed", accepted, Timeout, 0, t0.Add(time.Hour), Accepted, 7, "chat_not_due"},
		{"a missed customer leaves a message", missed, LeaveMessage, 0, t0, Ended, 0, ""},
		{"no message while still waiting", waiting, LeaveMessage, 0, t0, Waiting, 0, "chat_not_missed"},
		{"the customer ends a waiting chat", waiting, End, 0, t0, Ended, 0, ""},
		{"the customer ends an accepted chat", accepted, End, 0, t0, Ended, 7, ""},
		{"the holder ends", accepted, End, 7, t0, Ended, 7, ""},
		{"another agent cannot end an accepted chat", accepted, End, 8, t0, Accepted, 7, "chat_not_yours"},
		{"an agent ends an abandoned waiting chat", waiting, End, 8, t0, Ended, 0, ""},
		{"an agent ends a missed chat", missed, End, 8, t0, Ended, 0, ""},
		{"ending twice is refused", ended, End, 0, t0, Ended, 0, "chat_ended"},
		{"the customer writes while waiting", waiting, CustomerSays, 0, t0, Waiting, 0, ""},
		{"the customer writes to the agent", accepted, CustomerSays, 0, t0, Accepted, 7, ""},
		{"no line once missed", missed, CustomerSays, 0, t0, Missed, 0, "chat_missed"},
		{"no line once ended", ended, CustomerSays, 0, t0, Ended, 0, "chat_ended"},
		{"the holder answers", accepted, AgentSays, 7, t0, Accepted, 7, ""},
		{"another agent cannot answer", accepted, AgentSays, 8, t0, Accepted, 7, "chat_not_yours"},
		{"nobody answers before accepting", waiting, AgentSays, 7, t0, Waiting, 0, "chat_waiting"},
		{"an accepted chat returns to the queue", accepted, Return, 0, t0.Add(time.Minute), Waiting, 0, ""},
		{"a waiting chat has nowhere to return from", waiting, Return, 0, t0, Waiting, 0, "chat_waiting"},
		{"an ended chat does not return", ended, Return, 0, t0, Ended, 0, "chat_ended"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, err := Next(tc.c, tc.act, tc.agent, tc.at, wait)
			if tc.code == "" && err != nil {
				t.Fatalf("refused: %v", err)
			}
			if tc.code != "" {
				p, ok := problem.As(err)
				if !ok || p.Code != tc.code {
					t.Fatalf("err = %v, want code %s", err, tc.code)
				}
				if got != tc.c {
					t.Fatalf("a refusal changed the conversation: %+v", got)
				}
				return
			}
			if got.State != tc.state || got.AgentID != tc.agentAfter {
				t.Fatalf("state %s agent %d, want %s agent %d", got.State, got.AgentID, tc.state, tc.agentAfter)
			}
			if (tc.act == Transfer || tc.act == Return) && !got.WaitingSince.Equal(tc.at) {
				t.Fatalf("%s waits from %v, want %v", tc.act, got.WaitingSince, tc.at)
			}
			if tc.act == Return && got.ReturnedFrom != tc.c.AgentID {
				t.Fatalf("returned from agent %d, want the holder %d", got.ReturnedFrom, tc.c.AgentID)
			}
			if got.State == Ended && (got.EndedAt != tc.at || got.EndReason == "") {
				t.Fatalf("ended without time or reason: %+v", got)
			}
		})
	}
}

func TestCheckLine(t *testing.T) {
	cases := []struct {
		in, want, code string
	}{
		{"  bonjour  ", "bonjour", ""},
		{"", "", "required"},
		{"   ", "", "required"},
		{"ligne\nsuivante", "ligne\nsuivante", ""},
		{"a\x00b", "", "bad_text"},
		{"\xff", "", "bad_utf8"},
		{strings.Repeat("é", MaxLineBytes/2), strings.Repeat("é", MaxLineBytes/2), ""},
		{strings.Repeat("é", MaxLineBytes/2+1), "", "too_long"},
	}
	for _, tc := range cases {
		f := problem.Fields{}
		got := CheckLine(f, "text", tc.in)
		if tc.code == "" {
			if len(f) != 0 || got != tc.want {
				t.Errorf("CheckLine(%q) = %q, %v", tc.in, got, f)
			}
			continue
		}
		if f["text"].Code != tc.code {
			t.Errorf("CheckLine(%q) code %q, want %q", tc.in, f["text"].Code, tc.code)
		}
	}
}

func TestLimiterLetsABurstThenOneASecond(t *testing.T) {
	t0 := time.Date(2026, 12, 3, 10, 0, 0, 0, time.UTC)
	var l Limiter
	for i := range Burst {
		if !l.Allow(t0) {
			t.Fatalf("line %d of the burst refused", i+1)
		}
	}
	if l.Allow(t0) {
		t.Fatal("a line past the burst was allowed")
	}
	if l.Allow(t0.Add(Every / 2)) {
		t.Fatal("allowed before a token came back")
	}
	if !l.Allow(t0.Add(Every)) {
		t.Fatal("refused once a token came back")
	}
	if l.Allow(t0.Add(Every)) {
		t.Fatal("one token came back, two lines passed")
	}
	if !l.Allow(t0.Add(time.Hour)) {
		t.Fatal("refused after a long pause")
	}
	// A clock going backwards does not mint tokens.
	var b Limiter
	for range Burst {
		b.Allow(t0)
	}
	if b.Allow(t0.Add(-time.Hour)) {
		t.Fatal("a clock going back refilled the bucket")
	}
}

func TestCheckWait(t *testing.T) {
	for _, tc := range []struct {
		d  time.Duration
		ok bool
	}{{DefaultWait, true}, {MinWait, true}, {MaxWait, true}, {MinWait - time.Second, false}, {MaxWait + time.Second, false}, {0, false}} {
		f := problem.Fields{}
		CheckWait(f, "wait", tc.d)
		if (len(f) == 0) != tc.ok {
			t.Errorf("CheckWait(%v) = %v", tc.d, f)
		}
	}
}
