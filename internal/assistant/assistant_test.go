package assistant

import (
	"slices"
	"strings"
	"testing"
)

func TestSplit(t *testing.T) {
	cases := []struct {
		name, md string
		want     []string
	}{
		{"paragraphs", "First **one**.\n\nSecond\nline.", []string{"First **one**.", "Second\nline."}},
		{"tight list", "Steps:\n\n- Open *Settings*\n- Click **Save**\n", []string{"Steps:", "Open *Settings*", "Click **Save**"}},
		{"loose item with two paragraphs", "1. Open it.\n\n   Then wait.\n\n2. Done.\n", []string{"Open it.\n\nThen wait.", "Done."}},
		{"nested list", "- Parent\n  - Child\n", []string{"Parent", "Child"}},
		{"headings give context, code is left out", "# Title\n\nText.\n\n```\ncode\n```\n\n## Next\n\nMore.", []string{"Text.", "More."}},
		{"quote", "> Quoted words.", []string{"Quoted words."}},
		{"table left out", "| a | b |\n|---|---|\n| 1 | 2 |\n\nAfter.", []string{"After."}},
		{"empty", "", nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := Split(c.md); !slices.Equal(got, c.want) {
				t.Errorf("Split(%q) = %q, want %q", c.md, got, c.want)
			}
		})
	}
	if b := split("# Billing\n\nPay by card."); len(b) != 1 || b[0].heading != "Billing" {
		t.Errorf("heading context: %+v", b)
	}
}

var articles = []Article{
	{ID: 1, Title: "Reset your password", Body: "Forgot your password? Click **Forgot password** on the sign-in page. The link is valid for 30 minutes.\n\nAfter three attempts, resetting is locked for an hour."},
	{ID: 2, Title: "Cancel your subscription", Body: "Open **Subscription › Plan** to change plan.\n\nTo cancel, click **Cancel subscription**: your account stays usable until the end of the paid period."},
	{ID: 3, Title: "Réinitialiser votre mot de passe", Body: "Cliquez sur **Mot de passe oublié**. Le lien est valable 30 minutes.\n\n## Blocage\n\nAprès trois tentatives, la réinitialisation est bloquée une heure."},
}

func TestAnswer(t *testing.T) {
	cases := []struct {
		lang, q string
		arts    []Article
		want    string // words of the first passage; "" for no good answer
	}{
		{"en", "How long is the reset link valid?", articles[:2], "valid for 30 minutes"},
		{"en", "how do I cancel my subscription", articles[:2], "To cancel"},
		{"en", "How do I cancel my subscribtion?", articles[:2], "To cancel"}, // one typo
		{"en", "why is resetting locked", articles[:2], "three attempts"},
		{"fr", "Combien de temps le lien est-il valable ?", articles[2:], "valable 30 minutes"},
		{"fr", "reinitialisation bloquee", articles[2:], "bloquée une heure"}, // accents folded, heading context
		{"fr", "pourquoi ma réinitialisation est bloquée ?", articles[2:], "trois tentatives"},
		{"en", "Can I pay with bitcoin?", articles[:2], ""},
		{"en", "How do I?", articles[:2], ""},
		{"en", "I want help please", articles[:2], ""},
		{"en", "", articles[:2], ""},
		{"en", "cancel subscription", nil, ""},
	}
	for _, c := range cases {
		r := Answer(c.lang, c.q, c.arts)
		if c.want == "" {
			if r.Answered() {
				t.Errorf("%q: want no answer, got %q", c.q, r.Passages[0].Markdown)
			}
			continue
		}
		if !r.Answered() {
			t.Errorf("%q: no answer, want %q", c.q, c.want)
			continue
		}
		if !strings.Contains(r.Passages[0].Markdown, c.want) {
			t.Errorf("%q: first passage %q, want %q", c.q, r.Passages[0].Markdown, c.want)
		}
		if len(r.Passages) > MaxPassages || r.Language != c.lang {
			t.Errorf("%q: %d passages in %q", c.q, len(r.Passages), r.Language)
		}
		for _, p := range r.Passages {
			if p.Score < MinScore || p.ArticleTitle == "" || p.ArticleID == 0 {
				t.Errorf("%q: passage %+v", c.q, p)
			}
		}
	}
}

// A long question is cut to MaxQuestion runes rather than analysed whole.
func TestQuestionWordsAreBounded(t *testing.T) {
	q := strings.Repeat("invoice ", 100) + "zebra"
	for _, w := range questionWords("en", q) {
		if w.Folded == "zebra" {
			t.Errorf("the words past MaxQuestion were analysed")
		}
	}
}
