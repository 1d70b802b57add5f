package demo

import (
	"fmt"
	"strings"
	"time"

	"github.com/palier/palier/internal/customer"
)

// orgSpec is an organisation in content/customers.json; Key names it in
// customerSpec.org.
type orgSpec struct {
	Key     string `json:"key"`
	Name    string `json:"name"`
	Segment string `json:"segment"`
	Domain  string `json:"domain"`
	Plan    string `json:"plan"`
}

// orgSpecs are Nuagique's business customers: small French companies, two
// British ones, a hotel group and a law firm that get special care.
var orgSpecs = customerContent.Organisations

type customerSpec struct {
	name, lang, org, segment string // org: an orgSpecs key, "" for a private customer
	phone                    string
}

// customerSpecs: people at the organisations, then private (B2C) customers,
// most of them French-speaking. Élise is the customer of JOURNEYS.md.
var customerSpecs = customerContent.Customers

// privateDomains are the mail providers of private customers (reserved
// .example names: the demo must never mail a real address).
var privateDomains = customerContent.PrivateDomains

// customerContent is content/customers.json.
var customerContent = mustLoadContent[customersFile]("customers.json")

// customersAge dates the customers just before the tickets begin.
const customersAge = 70 * day

func (b *builder) createCustomers() error {
	start := b.now.Add(-customersAge)
	for i, o := range orgSpecs {
		b.at(start.Add(time.Duration(i) * time.Hour))
		created, err := b.s.CreateOrganisation(b.ctx, b.ws.ID, customer.Organisation{Name: o.Name, Segment: o.Segment, Domain: o.Domain})
		if err != nil {
			return fmt.Errorf("organisation %s: %w", o.Name, err)
		}
		b.orgs[o.Key] = created
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
		if o.Key == cs.org {
			domain = o.Domain
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
		if o.Key == cs.org {
			return o.Plan
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
