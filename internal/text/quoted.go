package text

import (
	"regexp"
	"strings"
)

// SplitQuoted separates what a message's writer wrote from what their mail
// client added below it: the quoted history of the conversation ("Le …,
// X a écrit :", "On … wrote:", Outlook's "-----Original Message-----" or
// "De : … Envoyé : …" block, a run of "> " lines) and the signature after
// "-- ". The message is kept whole; the reader sees the new part and may
// unfold the rest. rest is "" when nothing was found, and the whole body
// stays visible when nothing would be left above the fold.
func SplitQuoted(body string) (visible, rest string) {
	lines := strings.Split(body, "\n")
	for i := range lines {
		if !startsQuoted(lines, i) {
			continue
		}
		visible = strings.TrimRight(strings.Join(lines[:i], "\n"), " \t\r\n")
		if strings.TrimSpace(visible) == "" {
			return body, ""
		}
		return visible, strings.Join(lines[i:], "\n")
	}
	return body, ""
}

var (
	// Attributions of a reply, as French and English mail clients write
	// them; a long one is wrapped over two lines.
	attribution = regexp.MustCompile(`(?i)^\s*(le .{4,200} a (é|e)crit\s?:|on .{4,200} wrote:)\s*$`)
	attrStart   = regexp.MustCompile(`(?i)^\s*(le|on) .{4,200}$`)
	attrEnd     = regexp.MustCompile(`(?i)^.{0,200}(a (é|e)crit\s?:|wrote:)\s*$`)
	// Outlook's header block of the message answered.
	outlookFrom = regexp.MustCompile(`^\s*\*?(De|From)\s?:\*?\s+\S`)
	outlookNext = regexp.MustCompile(`^\s*\*?(Envoyé|Sent|Date|À|To|Objet|Subject)\s?:`)
	original    = regexp.MustCompile(`(?i)^\s*-{2,}\s*(original message|message d'origine|message original)\s*-{2,}\s*$`)
)

// startsQuoted reports whether line i opens the part a client added.
func startsQuoted(lines []string, i int) bool {
	l := lines[i]
	switch {
	case l == "-- " || l == "--":
		return true // the signature delimiter
	case attribution.MatchString(l), original.MatchString(l):
		return true
	case attrStart.MatchString(l) && i+1 < len(lines) && attrEnd.MatchString(lines[i+1]) && !attribution.MatchString(lines[i+1]):
		return true
	case outlookFrom.MatchString(l) && i+1 < len(lines) && outlookNext.MatchString(lines[i+1]):
		return true
	case strings.HasPrefix(l, ">"):
		// A run of quoted lines to the end of the message (bar blank
		// lines): a reply written under a quote keeps it visible.
		for _, rest := range lines[i:] {
			if t := strings.TrimSpace(rest); t != "" && !strings.HasPrefix(t, ">") {
				return false
			}
		}
		return true
	}
	return false
}
