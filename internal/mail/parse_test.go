package mail_test

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/palier/palier/internal/mail"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// golden is what a testdata message must parse to: the message, its
// classification and its threading keys.
type golden struct {
	Message mail.Message `json:"message"`
	Kind    mail.Kind    `json:"kind"`
	Thread  mail.Keys    `json:"thread"`
}

// TestGoldenMessages parses every testdata/*.eml and compares the result
// with its .golden.json (go test -run Golden -update rewrites them; read
// the diff before committing it).
func TestGoldenMessages(t *testing.T) {
	files, _ := filepath.Glob("testdata/*.eml")
	if len(files) < 10 {
		t.Fatalf("only %d golden messages", len(files))
	}
	for _, f := range files {
		t.Run(strings.TrimSuffix(filepath.Base(f), ".eml"), func(t *testing.T) {
			raw, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			m, err := mail.Parse(raw)
			if err != nil {
				t.Fatalf("parse: %v", err)
			}
			var buf bytes.Buffer
			enc := json.NewEncoder(&buf)
			enc.SetEscapeHTML(false) // goldens are read by people
			enc.SetIndent("", "  ")
			if err := enc.Encode(golden{Message: m, Kind: mail.Classify(m).Kind, Thread: mail.Thread(m)}); err != nil {
				t.Fatal(err)
			}
			got := buf.Bytes()
			path := strings.TrimSuffix(f, ".eml") + ".golden.json"
			if *update {
				if err := os.WriteFile(path, got, 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("%v (run with -update to create it)", err)
			}
			if !bytes.Equal(got, want) {
				t.Errorf("%s differs from %s:\n%s", f, path, got)
			}
		})
	}
}

func parseFile(t *testing.T, name string) mail.Message {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	m, err := mail.Parse(raw)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// TestWhatAgentsRead states, beside the golden files, the facts about each
// sample that matter to the person reading the ticket.
func TestWhatAgentsRead(t *testing.T) {
	cases := []struct {
		file        string
		from        string
		subject     string
		contains    []string
		notContains []string
	}{
		{"windows1252_qp.eml", "elodie.marchand@boulangerie-marchand.example", "Facture de février – montant prélevé incorrect",
			[]string{"n’a toujours pas été envoyée…", "120 €", "« Cœur »", "Élodie Marchand"}, nil},
		{"latin1_base64.eml", "francois.perez@example.fr", "Accès refusé à l'espace client",
			[]string{"Je n’arrive plus à me connecter", "« accès refusé »", "François Pérez"}, nil},
		{"html_only_script.eml", "camille.roussel@example.com", "Commande n°48213 jamais arrivée",
			[]string{"Bonjour l’équipe,", "Ma commande n°48213 n'est jamais arrivée.\nLe suivi", "- Article : imprimante laser",
				"suivi du colis (https://suivi.transporteur.example/48213)"},
			[]string{"document.cookie", "color:red", "Commande\n"}},
		{"nested_rfc2231.eml", "jerome.lefevre@example.net", "Relevé de compte et capture d'écran",
			[]string{"mon relevé et la capture d’écran"}, []string{"<p>"}},
		{"outlook_reply.eml", "marc.dubois@globex.example", "RE: Re: [#1042] Accès bloqué au tableau de bord",
			[]string{"Merci, cela fonctionne de nouveau.", "Envoyé : lundi 2 mars"}, []string{"MsoNormal"}},
		{"apple_mail_reply.eml", "claire.vasseur@exemple.fr", "Re: [#1057] Facture de mars introuvable",
			[]string{"j’ai bien retrouvé la facture dans Documents > Factures", "89,90 €", "vous pouvez clôturer la demande"}, []string{"<blockquote"}},
		{"malformed_headers.eml", "helene.durand@exemple.fr", "=?utf-8?Q?Probl=C3=A8me_de_connexion_urgent",
			[]string{"je n'arrive plus"}, nil},
	}
	for _, c := range cases {
		t.Run(c.file, func(t *testing.T) {
			m := parseFile(t, c.file)
			if m.From.Email != c.from {
				t.Errorf("from %q, want %q", m.From.Email, c.from)
			}
			if m.Subject != c.subject {
				t.Errorf("subject %q, want %q", m.Subject, c.subject)
			}
			for _, s := range c.contains {
				if !strings.Contains(m.Text, s) {
					t.Errorf("text lacks %q:\n%s", s, m.Text)
				}
			}
			for _, s := range c.notContains {
				if strings.Contains(m.Text, s) {
					t.Errorf("text has %q:\n%s", s, m.Text)
				}
			}
			if !utf8.ValidString(m.Text) || !utf8.ValidString(m.Subject) {
				t.Error("invalid UTF-8 in the parsed message")
			}
		})
	}
}

func TestHTMLIsSanitised(t *testing.T) {
	m := parseFile(t, "html_only_script.eml")
	for _, bad := range []string{"<script", "onload", "onclick", "onerror", "javascript:", "<iframe", "<style", "document.cookie"} {
		if strings.Contains(strings.ToLower(m.HTML), bad) {
			t.Errorf("sanitised HTML still has %q:\n%s", bad, m.HTML)
		}
	}
	if !strings.Contains(m.HTML, `href="https://suivi.transporteur.example/48213"`) || !strings.Contains(m.HTML, "<b>n°48213</b>") {
		t.Errorf("sanitising removed what the customer wrote:\n%s", m.HTML)
	}
}

func TestAttachmentsAreListedWithSniffedTypes(t *testing.T) {
	m := parseFile(t, "nested_rfc2231.eml")
	want := []struct{ name, typ, declared string }{
		{"capture.png", "image/png", "image/png"},
		{"Relevé de compte – mars 2026.pdf", "application/pdf", "application/pdf"},
		{"écran d'erreur à l'ouverture.png", "image/png", "application/octet-stream"},
		{"photo.jpg", "application/pdf", "image/jpeg"}, // a PDF posing as a photo; no path kept
	}
	if len(m.Attachments) != len(want) {
		t.Fatalf("%d attachments, want %d: %+v", len(m.Attachments), len(want), m.Attachments)
	}
	for i, w := range want {
		a := m.Attachments[i]
		if a.Filename != w.name || a.ContentType != w.typ || a.DeclaredType != w.declared || a.Size == 0 {
			t.Errorf("attachment %d = %+v, want %s sniffed %s declared %s", i, a, w.name, w.typ, w.declared)
		}
	}
	if !m.Attachments[0].Inline || m.Attachments[0].ContentID != "capture@jl" {
		t.Errorf("inline image not recognised: %+v", m.Attachments[0])
	}
	if !strings.Contains(m.HTML, `src="cid:capture@jl"`) {
		t.Errorf("inline image reference lost from the HTML: %s", m.HTML)
	}
}

func TestDeliveryReportNamesTheBouncedMessage(t *testing.T) {
	m := parseFile(t, "dsn.eml")
	r := m.Report
	if r == nil {
		t.Fatal("no report")
	}
	if r.OriginalMessageID != "palier.1051.80.q8w7e6@nuagique.example" || r.Action != "failed" || r.Status != "5.1.1" ||
		r.Recipient != "ancien.client@disparu.example" || !strings.Contains(r.Diagnostic, "User unknown") {
		t.Errorf("report = %+v", *r)
	}
}

func TestNotMail(t *testing.T) {
	for _, raw := range []string{"", "\r\n\r\nhello", "garbage without any header\n"} {
		if _, err := mail.Parse([]byte(raw)); err == nil {
			t.Errorf("Parse(%q) accepted it", raw)
		}
	}
}

// FuzzParse checks that no input makes Parse panic, hang or return
// invalid UTF-8. Its seed corpus is every golden message, so a plain
// go test runs them too.
func FuzzParse(f *testing.F) {
	files, _ := filepath.Glob("testdata/*.eml")
	for _, p := range files {
		raw, _ := os.ReadFile(p)
		f.Add(raw)
	}
	f.Add([]byte("Content-Type: multipart/mixed; boundary=x\r\n\r\n--x\r\nContent-Type: multipart/mixed; boundary=x\r\n\r\n--x\r\n"))
	f.Fuzz(func(t *testing.T, raw []byte) {
		m, err := mail.Parse(raw)
		if err != nil {
			return
		}
		for _, s := range append([]string{m.Text, m.HTML, m.Subject, m.From.Name, m.From.Email, m.MessageID}, m.References...) {
			if !utf8.ValidString(s) {
				t.Fatalf("invalid UTF-8 %q", s)
			}
		}
		_ = mail.Classify(m)
		_ = mail.Thread(m)
	})
}
