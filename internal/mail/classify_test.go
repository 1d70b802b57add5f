package mail_test

import (
	"fmt"
	"testing"

	"github.com/palier/palier/internal/mail"
)

func TestClassify(t *testing.T) {
	person := mail.Address{Email: "client@example.fr"}
	cases := []struct {
		name string
		m    mail.Message
		want mail.Kind
	}{
		{"plain message", mail.Message{From: person, Subject: "Facture"}, mail.Person},
		{"Auto-Submitted: no is a person", mail.Message{From: person, Headers: map[string]string{"auto-submitted": "no"}}, mail.Person},
		{"Auto-Submitted: auto-generated", mail.Message{From: person, Headers: map[string]string{"auto-submitted": "auto-generated"}}, mail.AutoReply},
		{"X-Autoreply", mail.Message{From: person, Headers: map[string]string{"x-autoreply": "yes"}}, mail.AutoReply},
		{"Precedence bulk", mail.Message{From: person, Headers: map[string]string{"precedence": "bulk"}}, mail.AutoReply},
		{"Precedence auto_reply", mail.Message{From: person, Headers: map[string]string{"precedence": "auto_reply"}}, mail.AutoReply},
		{"Precedence list", mail.Message{From: person, Headers: map[string]string{"precedence": "list"}}, mail.AutoReply},
		{"Outlook French OOF", mail.Message{From: person, Subject: "Réponse automatique : Re: [#1042] Accès"}, mail.AutoReply},
		{"Outlook English OOF", mail.Message{From: person, Subject: "Automatic reply: Invoice"}, mail.AutoReply},
		{"Out of office", mail.Message{From: person, Subject: "Out of Office: back on Monday"}, mail.AutoReply},
		{"a customer writing about an absence", mail.Message{From: person, Subject: "Question sur l'absence de facture"}, mail.Person},
		{"null return path", mail.Message{From: person, Headers: map[string]string{"return-path": "<>"}}, mail.AutoReply},
		{"X-Failed-Recipients", mail.Message{From: person, Headers: map[string]string{"x-failed-recipients": "a@b.example"}}, mail.Bounce},
		{"mailer-daemon notice", mail.Message{From: mail.Address{Email: "mailer-daemon@mx.example"}, Subject: "Mail delivery failed: returning message to sender"}, mail.Bounce},
		{"Exchange French NDR", mail.Message{From: mail.Address{Email: "postmaster@outlook.example"}, Subject: "Non remis : Re: [#1042] Accès"}, mail.Bounce},
		{"report content type", mail.Message{From: person, Headers: map[string]string{"content-type": "multipart/report; report-type=delivery-status; boundary=x"}}, mail.Bounce},
		{"postmaster writing normally", mail.Message{From: mail.Address{Email: "postmaster@client.example"}, Subject: "Question"}, mail.Person},
	}
	for _, c := range cases {
		if got := mail.Classify(c.m); got.Kind != c.want {
			t.Errorf("%s: %s (%s), want %s", c.name, got.Kind, got.Reason, c.want)
		}
	}
}

func TestThreadKeys(t *testing.T) {
	m := mail.Message{Subject: "RE: TR: [#1042] Accès", InReplyTo: []string{"b@x"}, References: []string{"a@x", "b@x", "c@x"}}
	k := mail.Thread(m)
	if fmt.Sprint(k.MessageIDs) != "[b@x c@x a@x]" || k.TicketNumber != 1042 {
		t.Errorf("keys = %+v; want In-Reply-To first, then References newest first, and ticket 1042", k)
	}
	for subject, want := range map[string]int64{"[#7] x": 7, "Re: [#0] x": 0, "#1042 sans crochets": 0, "[#12a]": 0, "": 0} {
		if n, _ := mail.SubjectRef(subject); n != want {
			t.Errorf("SubjectRef(%q) = %d, want %d", subject, n, want)
		}
	}
	for in, want := range map[string]string{
		"Accès bloqué":                 "Re: [#1042] Accès bloqué",
		"RE: Re: [#1042] Accès bloqué": "Re: [#1042] Accès bloqué",
		"TR : Fwd: Accès   bloqué":     "Re: [#1042] Accès bloqué",
	} {
		if got := mail.ReplySubject(1042, in); got != want {
			t.Errorf("ReplySubject(%q) = %q, want %q", in, got, want)
		}
	}
}
