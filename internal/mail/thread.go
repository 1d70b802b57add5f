package mail

import (
	"regexp"
	"slices"
	"strconv"
	"strings"
)

// Keys are what Thread finds in a message to recognise the ticket it
// answers, in the order the desk tries them.
type Keys struct {
	// MessageIDs are the messages it answers: In-Reply-To first, then
	// References from the newest. Clients such as Apple Mail rewrite or
	// trim References, so every one is worth a look-up.
	MessageIDs []string `json:"message_ids,omitempty"`
	// TicketNumber is the [#1042] of the subject, or 0.
	TicketNumber int64 `json:"ticket_number,omitempty"`
}

// Thread reads a message's threading keys.
func Thread(m Message) Keys {
	var k Keys
	add := func(id string) {
		if id = strings.TrimSpace(id); id != "" && !slices.Contains(k.MessageIDs, id) {
			k.MessageIDs = append(k.MessageIDs, id)
		}
	}
	for _, id := range m.InReplyTo {
		add(id)
	}
	for i := len(m.References) - 1; i >= 0; i-- {
		add(m.References[i])
	}
	const maxIDs = 50 // a References header can be long; the recent ones matter
	if len(k.MessageIDs) > maxIDs {
		k.MessageIDs = k.MessageIDs[:maxIDs]
	}
	k.TicketNumber, _ = SubjectRef(m.Subject)
	return k
}

var subjectRef = regexp.MustCompile(`\[#(\d{1,18})\]`)

// SubjectRef finds a ticket reference written as [#1042] in a subject.
func SubjectRef(subject string) (int64, bool) {
	m := subjectRef.FindStringSubmatch(subject)
	if m == nil {
		return 0, false
	}
	n, err := strconv.ParseInt(m[1], 10, 64)
	return n, err == nil && n > 0
}

var replyPrefix = regexp.MustCompile(`(?i)^\s*((re|r[ée]f|tr|fw|fwd|aw|sv|antw)\s*(\[\d+\])?\s*:\s*)+`)

// ReplySubject is the subject of the desk's answer on ticket number: the
// ticket's subject with "Re: " and its [#ref], whatever prefixes it had.
func ReplySubject(number int64, subject string) string {
	s := strings.TrimSpace(subjectRef.ReplaceAllString(replyPrefix.ReplaceAllString(subject, ""), ""))
	s = strings.Join(strings.Fields(s), " ")
	return "Re: [#" + strconv.FormatInt(number, 10) + "] " + s
}
