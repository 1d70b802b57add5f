package textsearch

import (
	"reflect"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

func TestNormalize(t *testing.T) {
	tests := []struct{ in, want string }{
		{"", ""},
		{"facture", "facture"},
		{"Facturé", "facture"},
		{"FACTURÉE", "facturee"},
		{"Prélèvement à l’échéance", "prelevement a l'echeance"},
		{"  cœur   et\tÆther\n", "coeur et aether"},
		{"Straße", "strasse"},
		{"Ça coûte où ?", "ca coute ou ?"},
		{"e\u0301te\u0301", "ete"}, // already decomposed input
		{"Øresund Łódź", "oresund lodz"},
		{"l‘avis ʼx", "l'avis 'x"},
		{"naïve résumé", "naive resume"},
		{"日本語", "日本語"},
		{"ÉLÈVE", "eleve"},
	}
	for _, tt := range tests {
		if got := Normalize(tt.in); got != tt.want {
			t.Errorf("Normalize(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestNormalizeIsIdempotent(t *testing.T) {
	for _, s := range []string{"Prélèvement à l’échéance", " Œuvre  ", "mixed CASE text", "ß"} {
		once := Normalize(s)
		if twice := Normalize(once); twice != once {
			t.Errorf("Normalize(Normalize(%q)) = %q, want %q", s, twice, once)
		}
	}
}

func TestNormalizeFoldedInputIsNotCopied(t *testing.T) {
	allocs := testing.AllocsPerRun(100, func() { _ = Normalize("email already folded") })
	if allocs != 0 {
		t.Errorf("Normalize of folded text allocated %v times, want 0", allocs)
	}
}

func TestTokens(t *testing.T) {
	tests := []struct {
		in   string
		want []string
	}{
		{"", nil},
		{"  ,;! ", nil},
		{"Facture impayée", []string{"Facture", "impayée"}},
		{"l'abonnement", []string{"abonnement"}},
		{"L’abonnement", []string{"abonnement"}},
		{"d'une facture, qu'il m'envoie", []string{"une", "facture", "il", "envoie"}},
		{"jusqu'à demain, lorsqu'on paie", []string{"à", "demain", "on", "paie"}},
		{"j'ai n'est s'il c'est t'as", []string{"ai", "est", "il", "est", "as"}},
		{"don't it's", []string{"don", "t", "it", "s"}},
		{"aujourd'hui", []string{"aujourd", "hui"}},
		{"le mot l' seul", []string{"le", "mot", "l", "seul"}},
		{"'quoted' word", []string{"quoted", "word"}},
		{"mot-de-passe e-mail", []string{"mot", "de", "passe", "e", "mail"}},
		{"commande n°12345 du 03/02", []string{"commande", "n", "12345", "du", "03", "02"}},
		{"e\u0301te\u0301 ok", []string{"e\u0301te\u0301", "ok"}},
		{"fin", []string{"fin"}},
	}
	for _, tt := range tests {
		if got := Tokens(tt.in); !reflect.DeepEqual(got, tt.want) {
			t.Errorf("Tokens(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestTokensSeq(t *testing.T) {
	const s = "L’offre d'essai, puis l'abonnement"
	var got []string
	for tok := range TokensSeq(s) {
		got = append(got, tok)
	}
	if want := Tokens(s); !reflect.DeepEqual(got, want) {
		t.Errorf("TokensSeq = %q, want %q", got, want)
	}
	got = got[:0]
	for tok := range TokensSeq(s) {
		got = append(got, tok)
		if len(got) == 2 {
			break
		}
	}
	if want := []string{"offre", "essai"}; !reflect.DeepEqual(got, want) {
		t.Errorf("TokensSeq with break = %q, want %q", got, want)
	}
}

func TestBaseLang(t *testing.T) {
	tests := []struct{ in, want string }{
		{"fr", "fr"}, {"FR", "fr"}, {"fr-CA", "fr"}, {"fr_BE", "fr"}, {"fra", "fr"}, {"fre", "fr"},
		{"en", "en"}, {"en-GB", "en"}, {"eng", "en"},
		{"", ""}, {"de", ""}, {"french", ""},
	}
	for _, tt := range tests {
		if got := BaseLang(tt.in); got != tt.want {
			t.Errorf("BaseLang(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

// TestStemGroups checks what users need from the stemmer: every word of a
// group (inflections, conjugations, the same word typed without accents)
// shares one stem, and different groups of one language stay apart. It
// does not pin the stems themselves: they are the Snowball algorithms'.
func TestStemGroups(t *testing.T) {
	tests := []struct {
		lang  string
		words []string
	}{
		{"fr", []string{"facture", "factures", "facturé", "facturée", "facturées", "facturés", "facturer", "facturez", "facturait", "facturaient", "facturation", "facturations", "FACTURÉ", "facturee", "facturais", "facturerons"}},
		{"fr", []string{"prélèvement", "prélèvements", "prélevé", "prélever", "prélevée", "prelevement", "preleve", "prélevait"}},
		{"fr", []string{"remboursé", "rembourser", "remboursement", "remboursements", "remboursée", "rembourse", "remboursez"}},
		{"fr", []string{"abonnement", "abonnements", "abonné", "abonnée", "abonnes"}},
		{"fr", []string{"client", "clients", "cliente", "clientes"}},
		{"fr", []string{"urgent", "urgente", "urgents"}},
		{"fr", []string{"bureau", "bureaux"}},
		{"fr", []string{"créé", "créée", "créer", "cree", "creee", "creer"}},
		{"fr", []string{"bouton", "boutons"}},
		{"fr", []string{"question", "questions"}},
		{"fr", []string{"adresse", "adresses"}},
		{"fr", []string{"électricité", "electricite", "Électricité", "ELECTRICITE"}},
		{"fr", []string{"réinitialiser", "reinitialiser", "réinitialisé", "réinitialisez", "réinitialisation"}},
		{"fr", []string{"télécharger", "telecharger", "téléchargé", "téléchargement", "téléchargez"}},
		{"fr", []string{"supprimer", "supprimé", "supprimez", "supprimée"}},
		{"fr", []string{"connecter", "connecté", "connectée", "connectez"}},
		{"fr", []string{"payé", "payée", "payés"}},
		{"fr", []string{"compte", "comptes"}},
		{"en", []string{"invoice", "invoices", "invoiced", "invoicing", "Invoiced"}},
		{"en", []string{"refund", "refunds", "refunded", "refunding"}},
		{"en", []string{"company", "companies"}},
		{"en", []string{"reply", "replies", "replied"}},
		{"en", []string{"stop", "stops", "stopped", "stopping"}},
		{"en", []string{"bill", "bills", "billed", "billing"}},
		{"en", []string{"address", "addresses"}},
		{"en", []string{"charge", "charges", "charged", "charging"}},
		{"en", []string{"connect", "connects", "connected", "connecting", "connection"}},
		{"en", []string{"cancel", "cancels", "cancelled", "cancelling"}},
		{"", []string{"facture", "factures", "facturé", "facturer", "facturation"}},
		{"", []string{"prélèvement", "prélèvements", "prélevé"}},
		{"", []string{"remboursé", "rembourser", "remboursement"}},
		{"", []string{"invoice", "invoices", "invoiced", "invoicing"}},
		{"", []string{"company", "companies"}},
		{"", []string{"reply", "replies", "replied"}},
		{"", []string{"série", "séries"}},
		{"", []string{"order", "orders", "ordered", "ordering"}},
		{"de", []string{"facturé", "factures"}}, // unknown language → combined rule
	}
	stemOf := map[string]map[string][]string{} // lang → stem → first word of each group
	for _, tt := range tests {
		want := Stem(tt.lang, tt.words[0])
		for _, w := range tt.words[1:] {
			if got := Stem(tt.lang, w); got != want {
				t.Errorf("Stem(%q, %q) = %q, but Stem(%q) = %q", tt.lang, w, got, tt.words[0], want)
			}
		}
		lang := tt.lang
		if stemOf[lang] == nil {
			stemOf[lang] = map[string][]string{}
		}
		stemOf[lang][want] = append(stemOf[lang][want], tt.words[0])
	}
	for lang, stems := range stemOf {
		for stem, firsts := range stems {
			if len(firsts) > 1 {
				t.Errorf("language %q: groups %q meet on the stem %q", lang, firsts, stem)
			}
		}
	}
}

func TestStemLeavesShortAndSpecialWordsAlone(t *testing.T) {
	tests := []struct{ lang, in, want string }{
		{"fr", "les", "les"},
		{"fr", "bus", "bus"},
		{"fr", "agent", "agent"},     // -ent would leave "ag"
		{"fr", "element", "element"}, // -ement decides and would leave "el"
		{"fr", "vente", "vent"},      // -e removed, then -ent would leave "v"
		{"fr", "prix", "prix"},       // -x only after u
		{"fr", "station", "station"},
		{"fr", "classe", "class"},
		{"fr", "mp3s", "mp3s"}, // digits: never stemmed
		{"en", "status", "status"},
		{"en", "analysis", "analysi"},
		{"en", "thing", "thing"},
		{"en", "need", "need"},
		{"en", "play", "play"},
		{"en", "day", "day"},
		{"fr", "", ""},
	}
	for _, tt := range tests {
		if got := Stem(tt.lang, tt.in); got != tt.want {
			t.Errorf("Stem(%q, %q) = %q, want %q", tt.lang, tt.in, got, tt.want)
		}
	}
}

func TestStemDistinctWordsStayApart(t *testing.T) {
	pairs := []struct{ lang, a, b string }{
		{"fr", "facture", "fracture"},
		{"fr", "compte", "comte"},
		{"fr", "carte", "carton"},
		{"en", "invoice", "voice"},
	}
	for _, p := range pairs {
		if Stem(p.lang, p.a) == Stem(p.lang, p.b) {
			t.Errorf("Stem(%q) puts %q and %q together (%q)", p.lang, p.a, p.b, Stem(p.lang, p.a))
		}
	}
}

func TestTerms(t *testing.T) {
	tests := []struct {
		lang, in string
		want     []string
	}{
		{"fr", "Ma facture a été prélevée deux fois !", []string{"ma", "factur", "a", "ete", "prelev", "deux", "fois"}},
		{"fr", "L’abonnement n'est pas remboursé", []string{"abon", "est", "pas", "rembours"}},
		{"en", "Invoices were charged twice", []string{"invoic", "were", "charg", "twice"}},
		{"", "Facturé twice", []string{"factur", "twic"}},
		{"fr", "", nil},
	}
	for _, tt := range tests {
		if got := Terms(tt.lang, tt.in); !reflect.DeepEqual(got, tt.want) {
			t.Errorf("Terms(%q, %q) = %q, want %q", tt.lang, tt.in, got, tt.want)
		}
	}
}

// TestTermsMatchesPerTokenAnalysis holds AppendTerms' shortcut (fold the
// whole text, then split) to its definition (split, fold each, stem).
func TestTermsMatchesPerTokenAnalysis(t *testing.T) {
	texts := []string{
		"Bonjour, je n’arrive pas à télécharger ma facture d’octobre.",
		"L'ÉCHÉANCE du PRÉLÈVEMENT est passée; cœur brisé.",
		"Straße e\u0301te\u0301 jusqu’à l'été",
		"Invoices: we've been charged twice since the 3rd!",
	}
	for _, lang := range []string{"fr", "en", ""} {
		for _, s := range texts {
			var want []string
			for _, tok := range Tokens(s) {
				want = append(want, Stem(lang, tok))
			}
			if got := Terms(lang, s); !reflect.DeepEqual(got, want) {
				t.Errorf("Terms(%q, %q) = %q, per-token analysis gives %q", lang, s, got, want)
			}
		}
	}
}

func BenchmarkTerms(b *testing.B) {
	text := strings.Repeat("Bonjour, ma facture d’octobre a été prélevée deux fois sur mon compte. ", 10)
	b.ReportAllocs()
	var buf []string
	for b.Loop() {
		buf = AppendTerms(buf[:0], "fr", text)
	}
}

// TestNormalizeLatinTable checks the precomputed Latin folds against a
// plain NFD-and-strip reference built from the standard library.
func TestNormalizeLatinTable(t *testing.T) {
	special := map[rune]string{'Œ': "oe", 'œ': "oe", 'Æ': "ae", 'æ': "ae", 'ß': "ss", 'Ø': "o", 'ø': "o", 'Ł': "l", 'ł': "l", 'Đ': "d", 'đ': "d"}
	for r := rune(latinFirst); r <= latinLast; r++ {
		want, ok := special[r]
		if !ok {
			var b strings.Builder
			for _, d := range norm.NFD.String(string(r)) {
				if !unicode.Is(unicode.Mn, d) {
					b.WriteRune(unicode.ToLower(d))
				}
			}
			want = b.String()
		}
		if got := Normalize(string(r)); got != want {
			t.Errorf("Normalize(%q U+%04X) = %q, want %q", r, r, got, want)
		}
	}
}

func FuzzNormalizeAndTerms(f *testing.F) {
	for _, s := range []string{"", "Facturée", "L’abonnement  n'est\tpas", "e\u0301\u0301", "\xff\xfe", "Œuvre ß ﬁ İ"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		n := Normalize(s)
		if Normalize(n) != n {
			t.Errorf("Normalize is not idempotent on %q: %q then %q", s, n, Normalize(n))
		}
		for _, lang := range []string{"fr", "en", ""} {
			for _, term := range Terms(lang, s) {
				if term == "" {
					t.Errorf("Terms(%q, %q) has an empty term", lang, s)
				}
			}
		}
	})
}

func TestParseQuery(t *testing.T) {
	tests := []struct {
		lang, q string
		want    []QueryWord
	}{
		{"fr", "réinit", []QueryWord{{Folded: "reinit", Term: Stem("fr", "reinit"), Prefix: true, Fuzzy: true}}},
		{"fr", "Comment réinitialiser mon mot de passe ", []QueryWord{
			{Folded: "reinitialiser", Term: Stem("fr", "réinitialiser"), Fuzzy: true},
			{Folded: "mot", Term: "mot"},
			{Folded: "passe", Term: Stem("fr", "passe"), Fuzzy: true},
		}},
		{"en", "the invoice, the invoice?", []QueryWord{{Folded: "invoice", Term: "invoic", Fuzzy: true}}},
		{"fr", "le", []QueryWord{{Folded: "le", Term: "le", Prefix: true}}},
		{"fr", "l", nil},
		{"fr", "  ", nil},
		{"fr", "facture f", []QueryWord{{Folded: "facture", Term: "factur", Fuzzy: true}}}, // one letter typed: not yet
		{"fr", "f", nil},
	}
	for _, tt := range tests {
		if got := ParseQuery(tt.lang, tt.q); !(len(got) == 0 && len(tt.want) == 0) && !reflect.DeepEqual(got, tt.want) {
			t.Errorf("ParseQuery(%q, %q) = %+v, want %+v", tt.lang, tt.q, got, tt.want)
		}
	}
}

func TestWithin1(t *testing.T) {
	tests := []struct {
		a, b string
		want bool
	}{
		{"factur", "factur", true},
		{"factur", "factru", true},    // swap
		{"factur", "facxur", true},    // replace
		{"factur", "factu", true},     // delete
		{"factur", "facteur", true},   // insert
		{"factur", "fractur", true},   // insert
		{"factur", "fatcru", false},   // two swaps
		{"factur", "facturat", false}, // two inserts
		{"électr", "electr", true},
		{"", "a", true},
		{"ab", "ba", true},
		{"abc", "cab", false},
	}
	for _, tt := range tests {
		if got := Within1(tt.a, tt.b); got != tt.want {
			t.Errorf("Within1(%q, %q) = %v, want %v", tt.a, tt.b, got, tt.want)
		}
		if got := Within1(tt.b, tt.a); got != tt.want {
			t.Errorf("Within1(%q, %q) = %v, want %v", tt.b, tt.a, got, tt.want)
		}
	}
}

func TestStemWithin1(t *testing.T) {
	tests := []struct {
		stem, word string
		want       bool
	}{
		{"comptabl", "comptabilte", true}, // extra letter inside the stem
		{"remind", "reminedrs", true},
		{"factur", "factrue", true},
		{"compt", "comptabilte", false}, // too much left over
		{"webhook", "webhok", true},
		{"mandat", "maison", false},
	}
	for _, tt := range tests {
		if got := StemWithin1(tt.stem, tt.word, 4); got != tt.want {
			t.Errorf("StemWithin1(%q, %q) = %v, want %v", tt.stem, tt.word, got, tt.want)
		}
	}
}

// TestStemCacheAgrees holds remembered stems to the stemmer, also when
// many goroutines stem at once (run with -race) and the cache is cleared.
func TestStemCacheAgrees(t *testing.T) {
	words := Tokens("Bonjour, ma facture d’octobre a été prélevée deux fois; invoices were charged twice, réinitialiser électricité")
	done := make(chan bool)
	for g := range 4 {
		go func() {
			defer func() { done <- true }()
			for i := range 200 {
				for _, lang := range []string{"fr", "en", ""} {
					w := Normalize(words[(i+g)%len(words)])
					if got, want := Stem(lang, w), stemUncached(BaseLang(lang), w); utf8.RuneCountInString(w) > minStem && got != want {
						t.Errorf("Stem(%q, %q) = %q, uncached %q", lang, w, got, want)
					}
				}
			}
		}()
	}
	for range 4 {
		<-done
	}
}
