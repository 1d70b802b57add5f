package demo

import (
	"fmt"
	"strings"
	"time"

	"github.com/palier/palier/internal/customer"
)

type orgSpec struct {
	key, name, segment, domain, plan string
}

// orgSpecs are Nuagique's business customers: small French companies, two
// British ones, a hotel group and a law firm that get special care.
var orgSpecs = []orgSpec{
	{"martin", "Boulangeries Martin & Fils", "b2b", "boulangeries-martin.example", "pro"},
	{"delorme", "Cabinet Delorme Avocats", "high_touch", "delorme-avocats.example", "enterprise"},
	{"azur", "Groupe Hôtelier Azur", "vip", "hotels-azur.example", "enterprise"},
	{"lumiere", "Atelier Lumière", "b2b", "atelier-lumiere.example", "pro"},
	{"technord", "TechNord Solutions", "b2b", "technord.example", "pro"},
	{"brightwave", "Brightwave Analytics Ltd", "b2b", "brightwave.example", "pro"},
	{"maple", "Maple & Stone Consulting", "high_touch", "maplestone.example", "enterprise"},
	{"valcoop", "Coopérative Agricole du Val", "b2b", "coop-du-val.example", "pro"},
	{"tilleuls", "Clinique Vétérinaire des Tilleuls", "b2b", "clinique-tilleuls.example", "pro"},
}

type customerSpec struct {
	name, lang, org, segment string // org: an orgSpecs key, "" for a private customer
	phone                    string
}

// customerSpecs: people at the organisations, then private (B2C) customers,
// most of them French-speaking. Élise is the customer of JOURNEYS.md.
var customerSpecs = []customerSpec{
	{"Jean Martin", "fr", "martin", "", "+33 2 99 41 20 10"},
	{"Sylvie Martin", "fr", "martin", "", ""},
	{"Lucas Perrin", "fr", "martin", "", ""},
	{"Inès Moulin", "fr", "martin", "", ""},
	{"Hélène Delorme", "fr", "delorme", "", "+33 1 42 60 11 72"},
	{"Bruno Caron", "fr", "delorme", "", ""},
	{"Agathe Lemaire", "fr", "delorme", "", ""},
	{"Philippe Garnier", "fr", "azur", "", "+33 4 93 87 20 00"},
	{"Claire Dubois", "fr", "azur", "", ""},
	{"Mehdi Saïdi", "fr", "azur", "", ""},
	{"Laura Vidal", "fr", "azur", "", ""},
	{"Élodie Roux", "fr", "lumiere", "", ""},
	{"Maxime Fabre", "fr", "lumiere", "", ""},
	{"Chloé Lambert", "fr", "lumiere", "", ""},
	{"Nicolas Lefort", "fr", "technord", "", "+33 3 20 55 41 90"},
	{"Sarah Cohen", "fr", "technord", "", ""},
	{"Julien Masson", "fr", "technord", "", ""},
	{"Yasmine Belkacem", "fr", "technord", "", ""},
	{"Oliver Bennett", "en", "brightwave", "", "+44 161 496 0321"},
	{"Grace Thompson", "en", "brightwave", "", ""},
	{"Daniel Hughes", "en", "brightwave", "", ""},
	{"Amelia Wright", "en", "brightwave", "", ""},
	{"Charlotte Stone", "en", "maple", "", "+44 20 7946 0812"},
	{"Henry Maple", "en", "maple", "", ""},
	{"Isabella Reed", "en", "maple", "", ""},
	{"Pierre Chevalier", "fr", "valcoop", "", ""},
	{"Monique Gauthier", "fr", "valcoop", "", ""},
	{"Bernard Lemoine", "fr", "valcoop", "", ""},
	{"Anne-Laure Picard", "fr", "tilleuls", "", ""},
	{"Vincent Morel", "fr", "tilleuls", "", ""},
	{"Océane Renard", "fr", "tilleuls", "", ""},
	{"Élise Moreau", "fr", "", "b2c", "+33 6 12 34 56 78"},
	{"Manon Lefebvre", "fr", "", "b2c", ""},
	{"Hugo Bonnet", "fr", "", "b2c", ""},
	{"Léa Fournier", "fr", "", "b2c", ""},
	{"Kevin Da Silva", "fr", "", "low_touch", ""},
	{"Fatou Diallo", "fr", "", "b2c", ""},
	{"Romain Blanc", "fr", "", "b2c", "+33 6 98 76 54 32"},
	{"Jade Robin", "fr", "", "b2c", ""},
	{"Mathis Henry", "fr", "", "low_touch", ""},
	{"Zoé Faure", "fr", "", "b2c", ""},
	{"Louis André", "fr", "", "b2c", ""},
	{"Amandine Roche", "fr", "", "b2c", ""},
	{"Théo Guérin", "fr", "", "low_touch", ""},
	{"Nathalie Perret", "fr", "", "b2c", ""},
	{"Gilles Brun", "fr", "", "b2c", "+33 7 61 22 33 44"},
	{"Samia Khelifi", "fr", "", "b2c", ""},
	{"Clément Barbier", "fr", "", "b2c", ""},
	{"Margaux Arnaud", "fr", "", "low_touch", ""},
	{"Didier Noël", "fr", "", "b2c", ""},
	{"Aurélie Colin", "fr", "", "b2c", ""},
	{"Rémi Vasseur", "fr", "", "b2c", ""},
	{"Sandrine Huet", "fr", "", "b2c", ""},
	{"James O'Connor", "en", "", "b2c", ""},
	{"Emma Collins", "en", "", "b2c", "+44 7700 900123"},
	{"Noah Patel", "en", "", "b2c", ""},
	{"Mia Robertson", "en", "", "low_touch", ""},
	{"Liam Walsh", "en", "", "b2c", ""},
	{"Ava Mitchell", "en", "", "b2c", ""},
	{"Ethan Brooks", "en", "", "b2c", ""},
}

// privateDomains are the mail providers of private customers (reserved
// .example names: the demo must never mail a real address).
var privateDomains = map[string][]string{
	"fr": {"courriel.example", "boite-mail.example", "laposte-demo.example"},
	"en": {"inbox.example", "mailbox.example"},
}

// customersAge dates the customers just before the tickets begin.
const customersAge = 70 * day

func (b *builder) createCustomers() error {
	start := b.now.Add(-customersAge)
	for i, o := range orgSpecs {
		b.at(start.Add(time.Duration(i) * time.Hour))
		created, err := b.s.CreateOrganisation(b.ctx, b.ws.ID, customer.Organisation{Name: o.name, Segment: o.segment, Domain: o.domain})
		if err != nil {
			return fmt.Errorf("organisation %s: %w", o.name, err)
		}
		b.orgs[o.key] = created
	}
	for i, cs := range customerSpecs {
		b.at(start.Add(12*time.Hour + time.Duration(i)*37*time.Minute))
		c := customer.Customer{Name: cs.name, Email: customerEmail(i, cs), Phone: cs.phone, Language: cs.lang, Segment: cs.segment}
		if cs.org != "" {
			o := b.orgs[cs.org]
			c.OrganisationID, c.Segment = o.ID, o.Segment
		}
		created, err := b.s.CreateCustomer(b.ctx, b.ws.ID, c)
		if err != nil {
			return fmt.Errorf("customer %s: %w", cs.name, err)
		}
		b.customers = append(b.customers, created)
	}
	return nil
}

// customerEmail builds first.last@domain: the organisation's domain, or a
// private provider chosen by position.
func customerEmail(i int, cs customerSpec) string {
	domain := ""
	for _, o := range orgSpecs {
		if o.key == cs.org {
			domain = o.domain
		}
	}
	if domain == "" {
		ds := privateDomains[cs.lang]
		domain = ds[i%len(ds)]
	}
	first, last, _ := strings.Cut(cs.name, " ")
	return fold(first) + "." + fold(last) + "@" + domain
}

// customerPlan is the Nuagique plan a customer is on: their organisation's,
// or for private customers free or pro by position.
func customerPlan(i int) string {
	cs := customerSpecs[i]
	for _, o := range orgSpecs {
		if o.key == cs.org {
			return o.plan
		}
	}
	if i%3 == 0 {
		return "pro"
	}
	return "free"
}

// fold turns a name into the local part of an address: lower case, no
// accents, no spaces or apostrophes.
func fold(s string) string {
	r := strings.NewReplacer("é", "e", "è", "e", "ê", "e", "ë", "e", "à", "a", "â", "a", "î", "i", "ï", "i",
		"ô", "o", "û", "u", "ù", "u", "ü", "u", "ç", "c", "'", "", " ", "")
	return r.Replace(strings.ToLower(s))
}
