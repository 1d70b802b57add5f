// Package mail is Palier's email channel. Inbound mail goes through a
// pipeline of pure stages — Parse (MIME to a Message), Classify (a person,
// an auto-reply or a bounce), Thread (which ticket it answers) — before the
// desk stores it; the SMTP receiver acknowledges a message only after that
// commit. Outbound mail (agent replies) is sent by the outbox job through
// an SMTP relay.
package mail

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/mail"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/emersion/go-message"
	"github.com/emersion/go-message/charset"
	gomail "github.com/emersion/go-message/mail"
	"golang.org/x/text/encoding/charmap"
)

func init() {
	// Mail labelled ISO-8859-1 is nearly always written on Windows and
	// uses Windows-1252's extra characters (’ € œ …) in the range
	// ISO-8859-1 reserves for control codes; browsers read it the same way.
	for _, name := range []string{"iso-8859-1", "iso_8859-1", "latin1", "l1", "iso8859-1", "us-ascii", "ascii"} {
		charset.RegisterEncoding(name, charmap.Windows1252)
	}
}

// Limits of what Parse keeps from one message.
const (
	// MaxMessageBytes is the largest message accepted (the receiver
	// refuses bigger ones at DATA).
	MaxMessageBytes = 30 << 20
	maxTextBytes    = 256 << 10 // a body longer than this is cut
	maxParts        = 200
	maxDepth        = 10
)

// Address is one mailbox of a header.
type Address struct {
	Name  string `json:"name,omitempty"`
	Email string `json:"email"`
}

// Attachment is a file carried by a message. Its content type is sniffed
// from its bytes; the sender's declared type is kept apart and never
// trusted.
type Attachment struct {
	Filename     string `json:"filename"`
	ContentType  string `json:"content_type"`
	DeclaredType string `json:"declared_type"`
	Size         int64  `json:"size"`
	Inline       bool   `json:"inline,omitempty"`
	ContentID    string `json:"content_id,omitempty"`
	// Data is the decoded file, which the desk stores.
	Data []byte `json:"-"`
}

// Report is what a delivery status notification (a bounce) says.
type Report struct {
	// OriginalMessageID is the Message-ID of the message that bounced,
	// when the report includes its headers.
	OriginalMessageID string `json:"original_message_id,omitempty"`
	Action            string `json:"action,omitempty"` // failed, delayed, delivered…
	Status            string `json:"status,omitempty"` // 5.1.1
	Recipient         string `json:"recipient,omitempty"`
	Diagnostic        string `json:"diagnostic,omitempty"`
}

// Message is a parsed email: what the desk needs, decoded to UTF-8.
type Message struct {
	MessageID  string    `json:"message_id"` // without angle brackets
	InReplyTo  []string  `json:"in_reply_to,omitempty"`
	References []string  `json:"references,omitempty"`
	From       Address   `json:"from"`
	ReplyTo    []Address `json:"reply_to,omitempty"`
	To         []Address `json:"to,omitempty"`
	Cc         []Address `json:"cc,omitempty"`
	Subject    string    `json:"subject"`
	Date       time.Time `json:"date"`
	// Text is the message as plain text: the text part, or the HTML part
	// turned into text when the message has no text part.
	Text string `json:"text"`
	// HTML is the HTML part, sanitised (no scripts, styles, handlers or
	// remote frames); empty when the message had none.
	HTML        string       `json:"html,omitempty"`
	Attachments []Attachment `json:"attachments,omitempty"`
	// Headers holds the few headers the classifier reads, by lower-case
	// name.
	Headers map[string]string `json:"headers,omitempty"`
	// Report is set for a delivery status notification.
	Report *Report `json:"report,omitempty"`
}

// classifierHeaders are the headers kept in Message.Headers.
var classifierHeaders = []string{"auto-submitted", "x-autoreply", "x-autorespond", "x-auto-response-suppress", "precedence",
	"return-path", "x-failed-recipients", "list-id", "list-unsubscribe", "content-type", "x-loop"}

// ErrNotMail is returned for input that has no usable header at all.
var ErrNotMail = errors.New("mail: not an email message")

// Parse reads a raw RFC 5322 message. It is forgiving where real mail is
// sloppy (unknown charsets, broken encoded words, bad dates, truncated
// multiparts) and returns an error only when nothing usable is there.
func Parse(raw []byte) (Message, error) {
	var m Message
	e, err := message.Read(bytes.NewReader(raw))
	if err != nil && e == nil {
		// A header line without a colon stops the strict reader: drop the
		// bad lines and try once more, as most mail clients would.
		e, err = message.Read(bytes.NewReader(repairHeader(raw)))
		if err != nil && e == nil {
			return m, fmt.Errorf("%w: %v", ErrNotMail, err)
		}
	}
	h := gomail.Header{Header: e.Header}
	m.Headers = map[string]string{}
	for _, k := range classifierHeaders {
		if v := strings.TrimSpace(e.Header.Get(k)); v != "" {
			m.Headers[k] = v
		}
	}
	m.MessageID = messageID(h)
	m.InReplyTo = idList(h, "In-Reply-To")
	m.References = idList(h, "References")
	m.From = firstAddress(addresses(h, "From"))
	m.ReplyTo = addresses(h, "Reply-To")
	m.To = addresses(h, "To")
	m.Cc = addresses(h, "Cc")
	m.Subject = headerText(h, "Subject")
	if d, err := h.Date(); err == nil {
		m.Date = d.UTC()
	}
	if m.From.Email == "" && len(e.Header.Get("From")) == 0 && m.MessageID == "" && m.Subject == "" {
		return m, ErrNotMail
	}
	m.cleanUTF8()
	w := walker{m: &m}
	w.walk(e, 0)
	m.Text = clipText(strings.TrimSpace(joinParts(w.texts)))
	if html := strings.Join(w.htmls, "\n"); strings.TrimSpace(html) != "" {
		m.HTML = Sanitize(html)
		if m.Text == "" {
			m.Text = clipText(HTMLToText(html))
		}
	}
	return m, nil
}

// walker collects a message's parts.
type walker struct {
	m      *Message
	texts  []string
	htmls  []string
	parts  int
	report bool
}

func (w *walker) walk(e *message.Entity, depth int) {
	w.parts++
	if w.parts > maxParts || depth > maxDepth {
		return
	}
	ct, params, err := e.Header.ContentType()
	if err != nil || ct == "" {
		ct, params = "text/plain", map[string]string{}
	}
	disp, dparams, _ := e.Header.ContentDisposition()
	if mr := e.MultipartReader(); mr != nil {
		if ct == "multipart/report" {
			w.report = true
		}
		if ct == "multipart/alternative" {
			w.alternative(mr, depth)
			return
		}
		for {
			// A part with an unknown charset comes with an error but is
			// readable; nil means the end, or a truncated multipart whose
			// earlier parts are kept.
			p, err := mr.NextPart()
			if p == nil || w.parts > maxParts || (err != nil && !message.IsUnknownCharset(err) && !message.IsUnknownEncoding(err)) {
				return
			}
			w.walk(p, depth+1)
		}
	}
	filename := attachmentName(e, dparams, params)
	switch {
	case w.report && (ct == "message/delivery-status" || ct == "message/global-delivery-status"):
		w.deliveryStatus(e)
	case w.report && (ct == "message/rfc822" || ct == "text/rfc822-headers" || ct == "message/rfc822-headers"):
		w.originalHeaders(e)
	case disp == "attachment" || filename != "" || !strings.HasPrefix(ct, "text/"):
		w.attachment(e, ct, disp, filename)
	case ct == "text/html":
		w.htmls = append(w.htmls, readText(e))
	default: // text/plain and any other text/* shown inline
		w.texts = append(w.texts, readText(e))
	}
}

// alternative keeps the plain text and the HTML versions of one content.
func (w *walker) alternative(mr message.MultipartReader, depth int) {
	var sub walker
	sub.m = w.m
	sub.parts = w.parts
	for {
		p, err := mr.NextPart()
		if p == nil || sub.parts > maxParts || (err != nil && !message.IsUnknownCharset(err) && !message.IsUnknownEncoding(err)) {
			break
		}
		sub.walk(p, depth+1)
	}
	w.parts = sub.parts
	if len(sub.texts) > 0 {
		w.texts = append(w.texts, joinParts(sub.texts))
	} else if len(sub.htmls) > 0 {
		w.texts = append(w.texts, HTMLToText(strings.Join(sub.htmls, "\n")))
	}
	w.htmls = append(w.htmls, sub.htmls...)
}

func (w *walker) attachment(e *message.Entity, ct, disp, filename string) {
	data, _ := io.ReadAll(io.LimitReader(e.Body, MaxMessageBytes))
	a := Attachment{Filename: filename, DeclaredType: ct, Size: int64(len(data)), Inline: disp == "inline",
		ContentType: sniff(data[:min(len(data), 512)]), Data: data}
	if cid := strings.Trim(strings.TrimSpace(e.Header.Get("Content-Id")), "<>"); cid != "" {
		a.ContentID = cid
	}
	w.m.Attachments = append(w.m.Attachments, a)
}

// sniff names the content type from the bytes; http.DetectContentType does
// not know office documents, which are ZIP (or OLE) files underneath.
func sniff(head []byte) string {
	t := http.DetectContentType(head)
	if t, _, err := mime.ParseMediaType(t); err == nil {
		return t
	}
	return "application/octet-stream"
}

func (w *walker) deliveryStatus(e *message.Entity) {
	r := w.ensureReport()
	body, _ := io.ReadAll(io.LimitReader(e.Body, 64<<10))
	// A delivery-status body is header blocks: one per message, then one
	// per recipient. Unfold lines and read the fields we need.
	for _, line := range unfold(string(body)) {
		k, v, ok := strings.Cut(line, ":")
		if !ok {
			continue
		}
		v = strings.TrimSpace(v)
		switch strings.ToLower(strings.TrimSpace(k)) {
		case "action":
			r.Action = strings.ToLower(v)
		case "status":
			r.Status = v
		case "final-recipient", "original-recipient":
			if r.Recipient == "" {
				_, addr, _ := strings.Cut(v, ";")
				r.Recipient = strings.TrimSpace(addr)
			}
		case "diagnostic-code":
			r.Diagnostic = v
		}
	}
}

func (w *walker) originalHeaders(e *message.Entity) {
	r := w.ensureReport()
	orig, err := message.Read(io.LimitReader(e.Body, 256<<10))
	if orig == nil && err != nil {
		return
	}
	r.OriginalMessageID = messageID(gomail.Header{Header: orig.Header})
}

func (w *walker) ensureReport() *Report {
	if w.m.Report == nil {
		w.m.Report = &Report{}
	}
	return w.m.Report
}

func unfold(s string) []string {
	var out []string
	for _, l := range strings.Split(strings.ReplaceAll(s, "\r\n", "\n"), "\n") {
		if (strings.HasPrefix(l, " ") || strings.HasPrefix(l, "\t")) && len(out) > 0 {
			out[len(out)-1] += " " + strings.TrimSpace(l)
			continue
		}
		out = append(out, l)
	}
	return out
}

func attachmentName(e *message.Entity, dparams, params map[string]string) string {
	// go-message decodes RFC 2231 parameters (filename*=UTF-8''…) and
	// continuations; RFC 2047 words inside a quoted name are a common
	// violation that Outlook writes, so decode those too.
	name := rfc2231Param(e.Header.Get("Content-Disposition"), "filename")
	if name == "" {
		name = dparams["filename"]
	}
	if name == "" {
		name = rfc2231Param(e.Header.Get("Content-Type"), "name")
	}
	if name == "" {
		name = params["name"]
	}
	if strings.Contains(name, "=?") {
		if d, err := wordDecoder.DecodeHeader(name); err == nil {
			name = d
		}
	}
	name = strings.ToValidUTF8(name, "\uFFFD")
	// Only the base name: a path in a filename is never meant for us.
	if i := strings.LastIndexAny(name, `/\`); i >= 0 {
		name = name[i+1:]
	}
	return strings.TrimSpace(name)
}

var wordDecoder = &mime.WordDecoder{CharsetReader: func(cs string, r io.Reader) (io.Reader, error) { return charset.Reader(cs, r) }}

func readText(e *message.Entity) string {
	b, _ := io.ReadAll(io.LimitReader(e.Body, maxTextBytes+1))
	s := strings.ToValidUTF8(string(b), "\uFFFD")
	return strings.ReplaceAll(s, "\r\n", "\n")
}

func joinParts(parts []string) string {
	var b strings.Builder
	for _, p := range parts {
		p = strings.TrimSpace(p)
		if p == "" {
			continue
		}
		if b.Len() > 0 {
			b.WriteString("\n\n")
		}
		b.WriteString(p)
	}
	return b.String()
}

func clipText(s string) string {
	if len(s) <= maxTextBytes {
		return s
	}
	s = s[:maxTextBytes]
	for !utf8.ValidString(s) {
		s = s[:len(s)-1]
	}
	return s
}

// headerText decodes a header's RFC 2047 words; a word that does not decode
// is kept as written rather than losing the whole header.
func headerText(h gomail.Header, key string) string {
	raw := h.Get(key)
	if v, err := h.Text(key); err == nil {
		raw = v
	} else if v, err := wordDecoder.DecodeHeader(raw); err == nil {
		raw = v
	}
	raw = strings.ToValidUTF8(raw, "\uFFFD")
	return strings.Join(strings.Fields(raw), " ")
}

var angleID = regexp.MustCompile(`<([^<>\s]+)>`)

func messageID(h gomail.Header) string {
	if id, err := h.MessageID(); err == nil && id != "" {
		return id
	}
	raw := strings.TrimSpace(h.Get("Message-Id"))
	if m := angleID.FindStringSubmatch(raw); m != nil {
		return m[1]
	}
	return strings.Trim(raw, "<> ")
}

func idList(h gomail.Header, key string) []string {
	if ids, err := h.MsgIDList(key); err == nil {
		return ids
	}
	// Lenient: whatever looks like <id> in the header, in order.
	var out []string
	for _, m := range angleID.FindAllStringSubmatch(h.Get(key), -1) {
		out = append(out, m[1])
	}
	return out
}

func addresses(h gomail.Header, key string) []Address {
	list, err := h.AddressList(key)
	if err == nil {
		out := make([]Address, 0, len(list))
		for _, a := range list {
			out = append(out, Address{Name: a.Name, Email: strings.ToLower(a.Address)})
		}
		return out
	}
	// Lenient: a From the strict parser refuses (unquoted accents, a
	// stray comma) usually still holds one address.
	raw := h.Get(key)
	if dec, err := wordDecoder.DecodeHeader(raw); err == nil {
		raw = dec
	}
	if a, err := mail.ParseAddress(raw); err == nil {
		return []Address{{Name: a.Name, Email: strings.ToLower(a.Address)}}
	}
	if m := looseAddr.FindStringSubmatch(raw); m != nil {
		name := strings.Trim(strings.TrimSpace(raw[:strings.Index(raw, m[0])]), `"<> `)
		return []Address{{Name: name, Email: strings.ToLower(m[1])}}
	}
	return nil
}

var looseAddr = regexp.MustCompile(`<?([A-Za-z0-9._%+\-=']+@[A-Za-z0-9.\-]+\.[A-Za-z]{2,})>?`)

func firstAddress(list []Address) Address {
	if len(list) == 0 {
		return Address{}
	}
	return list[0]
}

// repairHeader drops header lines that are neither "Name: value" nor a
// continuation, up to the blank line that ends the header.
func repairHeader(raw []byte) []byte {
	var out bytes.Buffer
	sc := bufio.NewScanner(bytes.NewReader(raw))
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	inHeader := true
	for sc.Scan() {
		line := sc.Text()
		if inHeader {
			trimmed := strings.TrimRight(line, "\r")
			if trimmed == "" {
				inHeader = false
			} else if !strings.HasPrefix(trimmed, " ") && !strings.HasPrefix(trimmed, "\t") {
				name, _, ok := strings.Cut(trimmed, ":")
				if !ok || name == "" || strings.ContainsAny(name, " \t") {
					continue
				}
			}
		}
		out.WriteString(line)
		out.WriteString("\r\n")
	}
	return out.Bytes()
}

var paramSegment = regexp.MustCompile(`(?i)(?:^|;)\s*([a-z0-9_-]+)\*(\d+)?(\*)?\s*=\s*("(?:[^"\\]|\\.)*"|[^;]*)`)

// rfc2231Param decodes an RFC 2231 extended parameter (name*=charset”…,
// or name*0*=…; name*1*=… continuations) in any charset. The standard
// library decodes only UTF-8 and US-ASCII ones and drops the rest, yet
// French mail clients write ISO-8859-1 and Windows-1252 names. It returns
// "" when the parameter is not written in the extended form.
func rfc2231Param(header, key string) string {
	type seg struct {
		n       int
		encoded bool
		value   string
	}
	var segs []seg
	for _, m := range paramSegment.FindAllStringSubmatch(header, -1) {
		if !strings.EqualFold(m[1], key) {
			continue
		}
		n := 0
		if m[2] != "" {
			n, _ = strconv.Atoi(m[2])
		}
		v := strings.TrimSpace(m[4])
		if strings.HasPrefix(v, `"`) {
			v = strings.ReplaceAll(strings.Trim(v, `"`), `\"`, `"`)
		}
		segs = append(segs, seg{n, m[3] == "*" || m[2] == "", v}) // name*= alone is encoded
	}
	if len(segs) == 0 || len(segs) > 100 {
		return ""
	}
	slices.SortFunc(segs, func(a, b seg) int { return a.n - b.n })
	cs := "utf-8"
	var raw []byte
	for i, s := range segs {
		v := s.value
		if s.encoded {
			if i == 0 {
				parts := strings.SplitN(v, "'", 3)
				if len(parts) == 3 {
					cs, v = parts[0], parts[2]
				}
			}
			dec, err := url.PathUnescape(v)
			if err != nil {
				return ""
			}
			v = dec
		}
		raw = append(raw, v...)
	}
	if cs == "" || strings.EqualFold(cs, "utf-8") || strings.EqualFold(cs, "us-ascii") {
		return strings.ToValidUTF8(string(raw), "\uFFFD")
	}
	r, err := charset.Reader(cs, bytes.NewReader(raw))
	if err != nil {
		return strings.ToValidUTF8(string(raw), "\uFFFD")
	}
	out, _ := io.ReadAll(r)
	return string(out)
}

// cleanUTF8 replaces invalid bytes in the header fields: raw 8-bit
// headers in an unknown charset reach here undecoded.
func (m *Message) cleanUTF8() {
	v := func(s string) string { return strings.ToValidUTF8(s, "\uFFFD") }
	m.MessageID = v(m.MessageID)
	for _, l := range [][]string{m.InReplyTo, m.References} {
		for i := range l {
			l[i] = v(l[i])
		}
	}
	m.From.Name, m.From.Email = v(m.From.Name), v(m.From.Email)
	for _, l := range [][]Address{m.ReplyTo, m.To, m.Cc} {
		for i := range l {
			l[i].Name, l[i].Email = v(l[i].Name), v(l[i].Email)
		}
	}
	for k, h := range m.Headers {
		m.Headers[k] = v(h)
	}
}
