package web

import "github.com/palier/palier/internal/ticket"

// emailDetail says what became of a reply's email: queued, sent, or not
// delivered with the mail server's answer ("" when it was not emailed).
func emailDetail(l *locale, e ticket.Event) string {
	if e.Email == nil {
		return ""
	}
	prefix := "mail.state."
	if e.Email.Via == "webhook" { // a connector's reply: same states, its own words
		prefix = "connector.state."
	}
	switch e.Email.State {
	case "queued":
		if a := e.Email.Answer; a != "" { // a temporary failure: it will be retried
			return l.T(prefix+"retrying", "answer", a)
		}
		return l.T(prefix + "queued")
	case "sent":
		return l.T(prefix + "sent")
	case "failed":
		return l.T(prefix+"failed", "answer", e.Email.Answer)
	}
	return ""
}
