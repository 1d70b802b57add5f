package store

import (
	"context"
	"strconv"
	"strings"
)

// Generated organisations are named as French and other companies are:
// an optional kind ("Société", "Groupe", "Établissements"), a family or
// brand name, an optional trade and city, an optional legal form ("SARL",
// "GmbH"). Every word is shared by thousands of organisations at 1M (a
// city by one in 41, a legal form by one in 8), most carry accents, and
// whole names are unique (the schema's UNIQUE (workspace_id, name)). The
// domain runs the brand and trade together, as companies register them
// ("dupontpharmacie-lyon.fr"): a word only a few hundred share.
//
// The lists are disjoint (no folded word in two), so a name spells one
// choice from each and two organisations never share a name.
var (
	bulkOrgKinds = []string{"", "Société", "Groupe", "Établissements", "Cabinet", "Atelier", "Maison", "Compagnie", "Laboratoires",
		"Bureau", "Institut", "Fondation"}
	bulkOrgBrands = strings.Fields(`Dupont Lefèvre Mercier Rousseau Girard Fournier Bréchet Châtelain Lemaître Gagné Côté Bélanger
		Thériault Müller Kowalski Øberg Nguyen Garnier Faure Chevalier Bonnet Lambert Roussel Perrot Barbier Marchand Renaud
		Giraud Brun Meunier Joly Gaillard Aubépine Étoile Horizon Boréal Azur Alpha Vertigo Cristal Émeraude Zénith Atlas Orion
		Phénix Sirius Équinoxe Mistral Océane Lumière Cèdre Érable Genêt Citadelle Hermine Licorne Tournesol Colibri Pégase
		Vauban Montaigne Voltaire Pasteur Lavoisier Curie Ampère Fresnel Arago Cassini Mérieux Delorme Schneider Weber Fischer
		Rossi Ferrari Santos Silva Johnson`)
	bulkOrgTrades = []string{"", "Services", "Conseil", "Informatique", "Bâtiment", "Transports", "Logistique", "Distribution",
		"Immobilier", "Assurances", "Finance", "Énergie", "Électricité", "Plomberie", "Menuiserie", "Boulangerie", "Pharmacie",
		"Optique", "Architecture", "Ingénierie", "Télécom", "Médical", "Santé", "Éducation", "Formation", "Hôtellerie",
		"Restauration", "Imprimerie", "Textile", "Agroalimentaire", "Automobile", "Aéronautique", "Chimie", "Environnement",
		"Sécurité", "Nettoyage", "Communication", "Consulting", "Software", "Solutions"}
	bulkOrgCities = []string{"", "Paris", "Lyon", "Marseille", "Toulouse", "Nice", "Nantes", "Strasbourg", "Montpellier", "Bordeaux",
		"Lille", "Rennes", "Reims", "Saint-Étienne", "Toulon", "Grenoble", "Dijon", "Angers", "Nîmes", "Villeurbanne",
		"Clermont-Ferrand", "Le Mans", "Aix-en-Provence", "Brest", "Tours", "Amiens", "Limoges", "Annecy", "Perpignan", "Besançon",
		"Orléans", "Rouen", "Mulhouse", "Caen", "Nancy", "Genève", "Lausanne", "Bruxelles", "Liège", "Montréal", "Québec"}
	bulkOrgForms = []string{"", "SARL", "SAS", "SA", "EURL", "SCOP", "Ltd", "GmbH"}
	bulkOrgTLDs  = []string{"fr", "com", "eu", "ch", "be", "ca"}
)

// bulkOrgChoices is how many distinct names the lists spell; organisation
// k beyond it takes the name of k - bulkOrgChoices with a number after it.
var bulkOrgChoices = int64(len(bulkOrgKinds) * len(bulkOrgBrands) * len(bulkOrgTrades) * len(bulkOrgCities) * len(bulkOrgForms))

// bulkOrgStride scatters consecutive organisations over the names (a
// prime that divides no list's length, so k ↦ k·stride mod choices is a
// one-to-one map): neighbours differ in every part, not only the last.
const bulkOrgStride = 1_000_003

// bulkOrganisationName is the name and domain of generated organisation
// k (1, 2, …): a pure function of k, like bulkCustomerName.
func bulkOrganisationName(k int64) (name, domain string) {
	idx := ((k - 1) % bulkOrgChoices) * bulkOrgStride % bulkOrgChoices
	pick := func(list []string) string {
		s := list[idx%int64(len(list))]
		idx /= int64(len(list))
		return s
	}
	kind, brand, trade, city, form := pick(bulkOrgKinds), pick(bulkOrgBrands), pick(bulkOrgTrades), pick(bulkOrgCities), pick(bulkOrgForms)
	var parts []string
	for _, p := range []string{kind, brand, trade, city, form} {
		if p != "" {
			parts = append(parts, p)
		}
	}
	if round := (k - 1) / bulkOrgChoices; round > 0 {
		parts = append(parts, strconv.FormatInt(round+1, 10))
	}
	domain = emailPart(brand) + emailPart(trade)
	if city != "" {
		domain += "-" + emailPart(city)
	}
	return strings.Join(parts, " "), domain + "." + bulkOrgTLDs[k%int64(len(bulkOrgTLDs))]
}

// bulkOrganisations creates the spec's organisations, their words and
// pairs of word heads written as CreateOrganisation writes them
// (recordTerms, termPairs), and keeps their ids for the customers.
func (s *Store) bulkOrganisations(ctx context.Context, g *generator, st *BulkStats) error {
	n := g.spec.Organisations
	if n <= 0 {
		return nil
	}
	segments := []string{"b2b", "b2b", "b2b", "vip", "high_touch", "low_touch"}
	created := g.end - int64(g.spec.Tickets)*g.step // before the first ticket
	ids, err := s.bulkSearchable(ctx, organisationTerms, g, n, "workspace_id, name, segment, domain, created_at",
		func(k int64) ([]any, []string) {
			name, domain := bulkOrganisationName(k)
			return []any{g.wsID, name, segments[g.rng.IntN(len(segments))], domain, created}, []string{name, domain}
		}, func(written int) {
			st.Organisations = int64(written)
			g.committed()
		})
	if err != nil {
		return err
	}
	g.orgs = ids
	return nil
}

// customerOrg is the organisation of generated customer k: those who write
// from a company's domain (bulkCustomerName: one in four, 500 companies)
// belong to one of the organisations this load created; nil (none) for
// the others, or when it created none.
func (g *generator) customerOrg(k int64) any {
	if len(g.orgs) == 0 || k%4 != 0 {
		return nil
	}
	return g.orgs[(k/4)%500%int64(len(g.orgs))]
}
