package mail

import (
	"fmt"
	"net/url"
	"strconv"
	"strings"

	"github.com/palier/palier/internal/desk"
)

// ParseMailboxURL reads the one mailbox of --imap / PALIER_IMAP:
//
//	imaps://user:password@host:993/INBOX?address=support@example.com&after=move:Processed
//
// imaps:// is implicit TLS (993), imap:// STARTTLS (143), and ?tls=none
// refuses encryption (a server on localhost). The path is the folder
// (INBOX when empty); after is "move:<folder>" (the default, to
// "Processed") or "flag" / "flag:<keyword>" (\Seen plus a keyword).
// address is the address the mailbox receives, which routing rules test
// (default: the user name when it is an address).
func ParseMailboxURL(s string) (desk.MailboxInput, error) {
	u, err := url.Parse(s)
	if err != nil || u.Host == "" {
		return desk.MailboxInput{}, fmt.Errorf("IMAP mailbox %q: use imaps://user:password@host:993/INBOX", redactURL(s))
	}
	in := desk.MailboxInput{Host: u.Hostname(), Enabled: true, After: "move", MoveTo: "Processed"}
	switch u.Scheme {
	case "imaps":
		in.TLS, in.Port = "tls", 993
	case "imap":
		in.TLS, in.Port = "starttls", 143
	default:
		return in, fmt.Errorf("IMAP mailbox %q: the scheme must be imaps or imap", redactURL(s))
	}
	q := u.Query()
	if t := q.Get("tls"); t != "" {
		if t != "none" && t != "starttls" && t != "tls" {
			return in, fmt.Errorf("IMAP mailbox %q: tls must be tls, starttls or none", redactURL(s))
		}
		in.TLS = t
	}
	if p := u.Port(); p != "" {
		if in.Port, err = strconv.Atoi(p); err != nil || in.Port <= 0 || in.Port > 65535 {
			return in, fmt.Errorf("IMAP mailbox %q: bad port", redactURL(s))
		}
	}
	if u.User != nil {
		in.Username = u.User.Username()
		in.Password, _ = u.User.Password()
	}
	in.Folder = strings.TrimPrefix(u.Path, "/")
	if in.Folder == "" {
		in.Folder = "INBOX"
	}
	if after := q.Get("after"); after != "" {
		kind, arg, _ := strings.Cut(after, ":")
		switch kind {
		case "move":
			if arg != "" {
				in.MoveTo = arg
			}
		case "flag":
			in.After, in.MoveTo, in.Keyword = "flag", "", arg
		default:
			return in, fmt.Errorf("IMAP mailbox %q: after must be move:<folder> or flag", redactURL(s))
		}
	}
	in.Address = q.Get("address")
	if in.Address == "" && strings.Contains(in.Username, "@") {
		in.Address = in.Username
	}
	return in, nil
}
