package text

import (
	"strings"
	"testing"
)

func TestSplitQuoted(t *testing.T) {
	cases := []struct {
		name, body, visible string
		folded              bool
	}{
		{"nothing quoted", "Bonjour,\nMon accès est bloqué.\nMerci", "Bonjour,\nMon accès est bloqué.\nMerci", false},
		{"French attribution (Apple Mail, Gmail)", "Merci, ça marche.\n\nLe 2 mars 2026 à 10:02, Support Nuagique <support@nuagique.example> a écrit :\n> Bonjour,\n> Nous avons réinitialisé votre accès.",
			"Merci, ça marche.", true},
		{"attribution wrapped over two lines", "Parfait.\n\nLe lun. 2 mars 2026 à 10:02, Support Nuagique <support@nuagique.example>\na écrit :\n> Bonjour",
			"Parfait.", true},
		{"English attribution", "Thanks!\n\nOn Mon, 2 Mar 2026 at 10:02, Support <support@example.com> wrote:\n> Hello", "Thanks!", true},
		{"French Outlook header block", "Merci, cela fonctionne.\n\nDe : Support Nuagique <support@nuagique.example>\nEnvoyé : lundi 2 mars 2026 10:02\nObjet : Re: [#1042]\n\nBonjour,",
			"Merci, cela fonctionne.", true},
		{"English Outlook separator", "See below.\n\n-----Original Message-----\nFrom: Support\nSent: Monday", "See below.", true},
		{"signature", "Le service est revenu.\n\n-- \nMarc Dubois\nGlobex", "Le service est revenu.", true},
		{"trailing quote run", "D'accord.\n\n> Pouvez-vous confirmer ?\n>\n> Merci", "D'accord.", true},
		{"answer written between quotes stays whole", "> Votre numéro ?\n0612345678\n> Votre ville ?\nLyon", "> Votre numéro ?\n0612345678\n> Votre ville ?\nLyon", false},
		{"only a quote: nothing would be left, shown whole", "> Bonjour\n> Merci", "> Bonjour\n> Merci", false},
		{"a sentence starting with Le is not an attribution", "Le serveur a écrit une erreur dans le journal hier soir, voici le message.\nMerci",
			"Le serveur a écrit une erreur dans le journal hier soir, voici le message.\nMerci", false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			visible, rest := SplitQuoted(c.body)
			if visible != c.visible || (rest != "") != c.folded {
				t.Errorf("SplitQuoted = %q / %q; want %q, folded %v", visible, rest, c.visible, c.folded)
			}
			// Nothing is lost: the folded part is the end of the message.
			if !strings.HasSuffix(c.body, rest) || !strings.HasPrefix(c.body, visible) {
				t.Errorf("the parts %q / %q are not the message", visible, rest)
			}
		})
	}
}
