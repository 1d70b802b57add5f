package mail

import (
	"regexp"
	"strings"
)

// Kind is what a received message is, for the desk.
type Kind string

// Message kinds. Only Person messages become tickets or replies: answering
// an auto-reply or a bounce would start a mail loop.
const (
	Person    Kind = "person"
	AutoReply Kind = "auto_reply"
	Bounce    Kind = "bounce"
)

// Verdict is Classify's answer with the signal that decided it, for logs.
type Verdict struct {
	Kind   Kind
	Reason string
}

// vacationSubject recognises out-of-office notices that carry none of the
// standard headers (many webmails and older servers).
var vacationSubject = regexp.MustCompile(`(?i)^\s*(r[ée]ponse automatique|automatic reply|auto[- ]?reply|autoreply|auto:|out of (the )?office|absen(ce|t) du bureau|absence prolong[ée]e|abwesenheitsnotiz|automatische antwort|respuesta autom[áa]tica|risposta automatica)`)

// bounceSubject recognises non-delivery reports sent as plain messages.
var bounceSubject = regexp.MustCompile(`(?i)(undeliver(ed|able)|delivery status notification|mail delivery (failed|failure|subsystem)|returned mail|non remis|[ée]chec de (la )?(remise|distribution)|message non d[ée]livr[ée]|delivery has failed)`)

// Classify tells a person's message from automatic mail: delivery reports
// (bounces, DSNs) and auto-replies (RFC 3834 Auto-Submitted, X-Autoreply,
// Precedence bulk/junk/auto_reply/list, vacation notices).
func Classify(m Message) Verdict {
	h := m.Headers
	ct := strings.ToLower(h["content-type"])
	local, _, _ := strings.Cut(m.From.Email, "@")
	nullSender := strings.TrimSpace(h["return-path"]) == "<>"
	switch {
	case m.Report != nil:
		return Verdict{Bounce, "delivery status report"}
	case strings.HasPrefix(ct, "multipart/report") && strings.Contains(ct, "delivery-status"):
		return Verdict{Bounce, "delivery status report"}
	case h["x-failed-recipients"] != "":
		return Verdict{Bounce, "X-Failed-Recipients"}
	case (local == "mailer-daemon" || local == "postmaster" || nullSender) && bounceSubject.MatchString(m.Subject):
		return Verdict{Bounce, "non-delivery notice from " + m.From.Email}
	}
	if v := strings.ToLower(strings.TrimSpace(h["auto-submitted"])); v != "" && v != "no" {
		return Verdict{AutoReply, "Auto-Submitted: " + v}
	}
	if h["x-autoreply"] != "" || h["x-autorespond"] != "" {
		return Verdict{AutoReply, "X-Autoreply"}
	}
	switch p := strings.ToLower(strings.TrimSpace(h["precedence"])); p {
	case "bulk", "junk", "auto_reply", "list":
		return Verdict{AutoReply, "Precedence: " + p}
	}
	if vacationSubject.MatchString(m.Subject) {
		return Verdict{AutoReply, "vacation subject"}
	}
	if nullSender {
		// RFC 5321: mail with an empty reverse path must never be
		// answered; it is some kind of notification.
		return Verdict{AutoReply, "null return path"}
	}
	return Verdict{Person, ""}
}
