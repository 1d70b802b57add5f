package mail

import "github.com/emersion/go-imap/v2"

// FailAcknowledgements makes the poller's acknowledgement step fail while
// fail returns an error: a crash between storing a message and flagging
// or moving it.
func FailAcknowledgements(p *Poller, fail func() error) {
	p.beforeAck = func(imap.UID) error { return fail() }
}
