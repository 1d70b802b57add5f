package web

import "github.com/palier/palier/internal/ticket"

// emailDetail says what became of a reply's email: queued, sent, or not
// delivered with the mail server's answer ("" when it was not emailed).
func emailDetail(l *locale, e ticket.Event) string {
	if e.Email == nil {
		return ""
	}
	switch e.Email.State {
	case "queued":
		if a := e.Email.Answer; a != "" { // a temporary failure: it will be retried
			return l.T("mail.state.retrying", "answer", a)
		}
		return l.T("mail.state.queued")
	case "sent":
		return l.T("mail.state.sent")
	case "failed":
		return l.T("mail.state.failed", "answer", e.Email.Answer)
	}
	return ""
}
