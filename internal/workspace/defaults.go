package workspace

import "github.com/palier/palier/internal/i18n"

// DefaultTiers are the levels a new workspace starts with (seed 001): L0
// self-service, L1 front line resolving ~80% of tickets, L2 15%, L3 experts
// 5%. Names come in both languages; the description in the workspace's
// language (lang). An L4 outside vendor is added by the admin when there is one.
func DefaultTiers(lang string) []Tier {
	names := map[string][4][2]string{
		"fr": {
			{"Libre-service", "Base de connaissances, FAQ et formulaire de contact : le client trouve seul."},
			{"Support de niveau 1", "Première ligne : reçoit toutes les demandes et en résout la grande majorité."},
			{"Support de niveau 2", "Techniciens confirmés : problèmes qui demandent une analyse approfondie."},
			{"Experts (niveau 3)", "Experts produit et ingénieurs : problèmes complexes et correctifs."},
		},
		"en": {
			{"Self-service", "Knowledge base, FAQ and contact form: customers help themselves."},
			{"Level 1 support", "Front line: receives every request and resolves most of them."},
			{"Level 2 support", "Experienced technicians: problems that need deeper analysis."},
			{"Experts (level 3)", "Product experts and engineers: complex problems and fixes."},
		},
	}
	n := i18n.Pick(lang, names["en"], names["fr"])
	en, fr := names["en"], names["fr"]
	shares := []float64{0, 0.80, 0.15, 0.05}
	tiers := make([]Tier, 4)
	for i := range tiers {
		tiers[i] = Tier{Code: TierCodes[i], Name: en[i][0], NameFR: fr[i][0], NameEN: en[i][0], Description: n[i][1], TargetShare: shares[i], Position: i}
	}
	return tiers
}
