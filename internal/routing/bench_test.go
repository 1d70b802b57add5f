package routing

import (
	"fmt"
	"math/rand/v2"
	"strconv"
	"strings"
	"testing"
	"time"
)

// ruleWords are what realistic rules look for; none of them occurs in
// benchTicket, so that the benchmark ticket walks through every rule.
var ruleWords = strings.Fields(`remboursement résiliation livraison colis retard connexion identifiant
	bug erreur plantage carte garantie panne réseau installation sécurité fraude données RGPD contrat
	devis tarif promotion export import webhook intégration synchronisation notification
	invoice refund login outage crash shipping delivery cancel subscription upgrade downgrade
	trial license quota latency timeout certificate domain migration backup restore invitation
	avoir relance impayé litige chargeback coupon parrainage fidélité retour échange
	assurance sinistre dossier expertise franchise résilier suspendre bloquer débloquer
	désinscription spam phishing piratage vol usurpation doublon fusion suppression archivage`)

// benchRules builds n rules shaped like a real workspace's: channel and
// segment filters, word and phrase tests, business hours, thresholds,
// custom fields and negations. Only the last rule matches benchTicket.
func benchRules(n int) RuleSet {
	rs := RuleSet{Fallback: Actions{Tier: "L1", Team: "Front"}}
	w := func(i int) string { return ruleWords[i%len(ruleWords)] }
	for i := range n - 1 {
		var when Condition
		switch i % 6 {
		case 0:
			when = allOf(in("channel", "email", "chat"), leaf("subject", "contains_any_word", w(i)+" "+w(i+1)), notOf(leaf("segment", "is", "internal")))
		case 1:
			when = allOf(leaf("text", "contains_words", w(i)+" "+w(i+7)), in("priority", "high", "urgent"))
		case 2:
			when = anyOf(leaf("body", "contains_phrase", w(i)+" de "+w(i+3)), leaf("custom_field:product", "is", "product-"+strconv.Itoa(i)))
		case 3:
			when = allOf(leaf("request_type", "is", "billing"), leaf("business_hours", "is", "outside"), leaf("open_tickets", "gt", "5"))
		case 4:
			when = allOf(leaf("language", "is", "fr"), leaf("text", "contains_any_word", w(i)+" "+w(i+2)+" "+w(i+5)), notOf(leaf("sensitive", "is", "true")))
		case 5:
			when = allOf(in("segment", "vip", "b2b"), anyOf(leaf("subject", "contains_words", w(i)), leaf("custom_field:amount", "gt", "10000")))
		}
		rs.Rules = append(rs.Rules, Rule{ID: int64(i + 1), Name: fmt.Sprintf("Règle %d", i+1), Enabled: true, When: when,
			Then: Actions{Tier: "L2", Team: "Team " + strconv.Itoa(i%12), AddTags: []string{"auto"}}})
	}
	rs.Rules = append(rs.Rules, Rule{ID: int64(n), Name: "Facturation en double", Enabled: true,
		When: allOf(leaf("channel", "is", "email"), leaf("subject", "contains_words", "facturé"), leaf("body", "contains_phrase", "deux fois")),
		Then: Actions{Tier: "L2", Team: "Billing", Priority: "high"}})
	return rs
}

var benchTicket = Ticket{
	Channel: "email", RequestType: "billing", Segment: "vip", Language: "fr", Priority: "normal",
	OpenTickets: 2, CreatedAt: mondayMorning,
	CustomFields: map[string]string{"product": "palier-cloud", "amount": "129,90"},
	Subject:      "Facture de mars prélevée deux fois",
	Body: `Bonjour, je constate sur mon relevé bancaire que la facture du mois de mars a été prélevée
	deux fois sur mon compte professionnel. Le premier prélèvement date du 3 et le second du 5.
	Pourriez-vous vérifier de votre côté et me confirmer la date à laquelle la somme sera reversée ?
	Je joins une capture de mon relevé ainsi que le numéro de la facture concernée.
	Par ailleurs, l'adresse de facturation indiquée n'est plus la bonne depuis notre déménagement
	en janvier : merci de la mettre à jour pour les prochaines échéances. Cordialement, Amélie.`,
}

func BenchmarkRoute200Rules(b *testing.B) {
	e := mustCompile(b, benchRules(200), Env{BusinessHours: officeHours(b)})
	miss := benchTicket
	miss.Subject = "Question sur mon compte"
	for _, bc := range []struct {
		name   string
		ticket Ticket
		rule   int64
	}{{"match_last", benchTicket, 200}, {"no_match", miss, 0}} {
		b.Run(bc.name, func(b *testing.B) {
			if d := e.Route(bc.ticket); d.RuleID != bc.rule {
				b.Fatalf("routed to rule %d (%s), want %d", d.RuleID, d.RuleName, bc.rule)
			}
			b.ReportAllocs()
			for b.Loop() {
				e.Route(bc.ticket)
			}
		})
	}
}

// benchTickets makes n varied tickets: some match an early or a middle
// rule, most fall through to the last rule or the fallback.
func benchTickets(n int) []Ticket {
	rng := rand.New(rand.NewPCG(1, 2))
	ts := make([]Ticket, n)
	for i := range ts {
		t := benchTicket
		switch r := rng.IntN(10); {
		case r < 2:
			t.Subject = "Problème de " + ruleWords[rng.IntN(len(ruleWords))]
		case r < 4:
			t.Channel = "chat"
		case r < 5:
			t.Language = "en"
			t.Subject = "Invoice charged twice"
		}
		t.OpenTickets = rng.IntN(10)
		t.CreatedAt = mondayMorning.Add(time.Duration(rng.IntN(7*24)) * time.Hour)
		ts[i] = t
	}
	return ts
}

func BenchmarkRouteMany100k(b *testing.B) {
	e := mustCompile(b, benchRules(200), Env{BusinessHours: officeHours(b)})
	ts := benchTickets(100_000)
	b.ReportAllocs()
	for b.Loop() {
		e.RouteMany(ts, 0)
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(len(ts)), "ns/ticket")
}

func BenchmarkCompile200Rules(b *testing.B) {
	rs := benchRules(200)
	env := Env{BusinessHours: officeHours(b)}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Compile(rs, env); err != nil {
			b.Fatal(err)
		}
	}
}
