package store

import (
	"fmt"
	"strings"

	"github.com/palier/palier/internal/textsearch"
)

// Generated customers carry plausible French and English names, accents
// included, so that customer search is measured on text like real text: a
// surname shared by one customer in fifty, first names shared by more, and
// every email unique through its number.
var (
	bulkFirstNames = strings.Fields(`Zoé Léa Chloé Inès Hélène Jérôme François Noël Maëlle Raphaël Anaïs Bénédicte
		Alice Bob Emily James Olivia Priya Karim Thomas Camille Julie Antoine Nadia Sophie Marc Lucas Hugo Emma
		Jade Louise Arthur Jules Manon Sarah Oliver George Amelia Gaëlle Aurélien Cécile Élodie Timothée Björn Zoë Joëlle`)
	bulkLastNames = strings.Fields(`Martin Bernard Dubois Thomas Robert Richard Petit Durand Leroy Moreau Simon Laurent
		Lefèvre Michel García Faure Rousseau Blanc Guérin Müller Boyer Girard André Mercier Dupont Lambert Bonnet
		Legrand Gauthier Perrin Morel Fournier Châtelain Smith Jones Taylor Brown Wilson Evans O'Brien Nguyen Kowalski
		Øberg Nowak Lemaître Bréchet Côté Gagné Pelletier Bélanger Lévesque Bouchard Gendron Beaulieu Thériault Hébert
		Cloutier Poirier Fortin Béland Dufresne Ménard Tremblay Gravel`)
	bulkDomains = []string{"gmail.example", "orange.example", "free.example", "outlook.example", "laposte.example"}
)

// bulkCustomerName is the name and email of generated customer k (1, 2, …):
// a pure function of k, so the random sequence of a load does not depend on
// it.
func bulkCustomerName(k int64) (name, email string) {
	first := bulkFirstNames[(k*7919)%int64(len(bulkFirstNames))]
	last := bulkLastNames[(k*104729/int64(len(bulkFirstNames)))%int64(len(bulkLastNames))]
	domain := bulkDomains[k%int64(len(bulkDomains))]
	if k%4 == 0 { // a quarter write from their company's domain
		domain = fmt.Sprintf("societe%03d.example", (k/4)%500)
	}
	return first + " " + last, fmt.Sprintf("%s.%s%d@%s", emailPart(first), emailPart(last), k, domain)
}

// emailPart spells a name as the local part of an address: folded, letters
// and digits only.
func emailPart(s string) string {
	return strings.Map(func(r rune) rune {
		if 'a' <= r && r <= 'z' || '0' <= r && r <= '9' {
			return r
		}
		return -1
	}, textsearch.Normalize(s))
}
