package store

import (
	"context"
	"fmt"
	"math/rand/v2"
	"strings"

	"github.com/palier/palier/internal/i18n"
)

// indexBulkTickets writes the search documents of a batch of generated
// tickets (BulkLoad), in the batch's transaction.
func (s *Store) indexBulkTickets(ctx context.Context, tx *Tx, batch []bulkTicket) error {
	ids := make([]int64, len(batch))
	subjects := make([]string, len(batch))
	bodies := make([]string, len(batch))
	for i, bt := range batch {
		ids[i], subjects[i] = bt.id, searchTerms(bt.lang, bt.subject)
		var parts []string
		for _, e := range bt.events {
			if e.kind.Message() && e.body != "" {
				parts = append(parts, searchTerms(bt.lang, e.body))
			}
		}
		bodies[i] = strings.Join(parts, " ")
	}
	if s.dialect == Postgres {
		_, err := tx.ExecContext(ctx, `INSERT INTO ticket_search (ticket_id, search)
			SELECT id, setweight(to_tsvector('simple', s), 'A') || setweight(to_tsvector('simple', b), 'B')
			FROM unnest($1::bigint[], $2::text[], $3::text[]) AS d(id, s, b)`, ids, subjects, bodies)
		if err != nil {
			return fmt.Errorf("bulk index tickets: %w", err)
		}
		return nil
	}
	// The batch's ticket rows are in: each document takes its access key
	// from its row, as one written by CreateTicket does.
	const perStmt = 500
	for from := 0; from < len(batch); from += perStmt {
		n := min(perStmt, len(batch)-from)
		args := make([]any, 0, 3*n)
		for i := from; i < from+n; i++ {
			args = append(args, ids[i], subjects[i], bodies[i])
		}
		values := strings.TrimSuffix(strings.Repeat("(?, ?, ?), ", n), ", ")
		if _, err := tx.ExecGenerated(ctx, `INSERT INTO ticket_fts (rowid, subject, body, access)
			SELECT d.column1, d.column2, d.column3, `+accessKeyOf("d.column1")+` FROM (VALUES `+values+`) d`, args...); err != nil {
			return fmt.Errorf("bulk index tickets: %w", err)
		}
	}
	return nil
}

// bulkDetail is the sentence a generated customer message adds after its
// greeting: a few words drawn from a support vocabulary with a long tail
// (a Zipf law, as in real text), so that a search finds a realistic share
// of tickets rather than all of them or none. It draws from its own source
// seeded by the load's seed and the ticket's id, leaving the generator's
// sequence (and so every other column of the load) as it was.
func bulkDetail(seed uint64, id int64, lang string) string {
	r := rand.New(rand.NewPCG(seed, uint64(id)))
	words := i18n.Pick(lang, bulkWordsEN, bulkWordsFR)
	z := rand.NewZipf(r, 1.1, 2, uint64(len(words)-1))
	n := 6 + r.IntN(10)
	out := make([]string, n)
	for i := range out {
		out[i] = words[z.Uint64()]
	}
	return strings.Join(out, " ") + "."
}

// The vocabularies: common support words first (the Zipf law draws the
// first ones most), then rarer ones, then made-up product and place names
// that each appear in a few tickets only.
var (
	bulkWordsFR = bulkVocabulary(strings.Fields(`compte facture paiement commande livraison erreur connexion mot passe
		abonnement remboursement carte banque virement application mobile téléphone courriel adresse colis retard
		annulation échange produit garantie réparation technicien rendez-vous installation box fibre internet wifi
		débit coupure panne réseau antenne signal forfait option résiliation contrat client conseiller agence
		magasin retrait relevé prélèvement échéance montant tarif promotion réduction code parrainage fidélité
		points cadeau catalogue stock disponibilité délai expédition transporteur suivi numéro référence dossier
		réclamation litige médiateur courrier recommandé justificatif identité document signature électronique
		sécurité piratage fraude blocage déblocage réinitialisation notification alerte rappel message vocal
		synchronisation sauvegarde export import fichier tableur imprimante scanner écran clavier souris batterie
		chargeur câble adaptateur mise jour version logiciel licence activation clé serveur hébergement domaine`), "fr")
	bulkWordsEN = bulkVocabulary(strings.Fields(`account invoice payment order delivery error login password
		subscription refund card bank transfer application mobile phone email address parcel delay
		cancellation exchange product warranty repair technician appointment installation router fibre internet wifi
		speed outage failure network antenna signal plan option termination contract customer adviser branch
		store pickup statement debit instalment amount price promotion discount code referral loyalty
		points gift catalogue stock availability lead time shipping carrier tracking number reference case
		complaint dispute ombudsman letter registered proof identity document signature electronic
		security hacking fraud blocking unblocking reset notification alert reminder voicemail
		synchronisation backup export import file spreadsheet printer scanner screen keyboard mouse battery
		charger cable adapter update version software licence activation key server hosting domain`), "en")
)

// bulkVocabulary appends 2,000 made-up names to words: "zorvex", "kalimo"…
func bulkVocabulary(words []string, lang string) []string {
	r := rand.New(rand.NewPCG(7, uint64(len(lang))))
	syll := []string{"ka", "lo", "mi", "zor", "vex", "ta", "ri", "bel", "non", "qua", "sem", "pli", "dor", "fa", "gu", "xen"}
	for range 2000 {
		n := 2 + r.IntN(2)
		var b strings.Builder
		for range n {
			b.WriteString(syll[r.IntN(len(syll))])
		}
		words = append(words, b.String())
	}
	return words
}
