package demo

// handoffTexts are what agents type in the escalation dialog: the
// checklist answers and the reason. They are written in the ticket's
// language, because the summary travels with the ticket (and, at L4, to
// the vendor) and is read by whoever takes it next. Multi-line answers
// list one action per line, as the dialog asks.
//
// Placeholders, filled per ticket: {invoice}, {amount}, {date} (the day of
// the customer's first message), {subject}, {who} (the organisation, or
// the customer for a private account), {mandate} (the customer's SEPA
// mandate reference).
type handoffTexts struct {
	tried       map[string]string // by request type: what L1 tried
	triedExpert map[string]string // by request type: what L2 tried before going further
	noError     map[string]string // by request type: the error_message answer when the customer quoted none
	repro       map[string]string // by request type: reproduction_steps, for the platform engineers
	impact      map[string]string // by request type
	vendor      string            // vendor_reference_context, for PayBridge
	reasonUp    map[string]string // by request type: L1 → L2
	reasonL3    map[string]string // by request type: L2 → L3
	reasonL4    string            // L2 → L4
	reasonDown  string            // back to L1 with a known fix: fmt with the L1 agent's first name
}

var handoffs = map[string]handoffTexts{
	"fr": {
		tried: map[string]string{
			"billing":     "Historique de facturation vérifié : facture {invoice} de {amount} confirmée\nCopie de la facture obtenue du client\nAucune correction possible depuis l'outil de niveau 1 (avoir ou réédition nécessaire)",
			"payment":     "Statut du paiement vérifié dans Nuagique : toujours « en attente »\nDate de l'opération et moyen de paiement obtenus du client\nAucune trace de l'opération dans le rapprochement automatique",
			"bug":         "Reproduit sur Chrome et Firefox à jour\nCache vidé, session fermée et rouverte : même résultat\nCapture d'écran du client jointe au ticket",
			"access":      "Identité vérifiée (nom de l'entreprise, date de dernière connexion)\nLien de réinitialisation renvoyé : jamais reçu par le client\nAdresse absente de la liste des e-mails rejetés",
			"integration": "Clé API et en-tête Authorization vérifiés avec le client\nX-Request-Id en échec récupéré : req_8c41f0e2\nDocumentation relue avec le client : l'appel est conforme",
			"data_export": "Export relancé sur la même période : même résultat\nEssayé en CSV et en Excel\nFiltres de la liste réinitialisés",
			"how_to":      "Article du centre d'aide envoyé au client\nRéglages standard passés en revue : ils ne couvrent pas ce besoin",
		},
		triedExpert: map[string]string{
			"bug":         "Reproduit sur un compte de test avec une copie des données du client\nJournaux applicatifs consultés : erreur côté serveur au moment de l'action\nAucun contournement possible par la configuration du compte",
			"integration": "Journaux des appels API et des webhooks du compte consultés\nAppel rejoué depuis la console support : même erreur\nConfiguration du compte comparée à un compte sain : identique",
			"data_export": "Export relancé depuis l'administration : échec au même endroit\nDonnées de la période contrôlées, sans anomalie visible\nTâche d'export en erreur dans la file de traitement",
			"payment":     "Double prélèvement confirmé dans le journal des remises PayBridge\nRemboursement impossible depuis Nuagique : la remise a été rejouée chez PayBridge\nAutres clients touchés regroupés sous le tag prelevement-double",
		},
		noError: map[string]string{
			"billing":     "Aucun : la facture {invoice} s'affiche normalement, c'est son contenu qui est faux",
			"payment":     "Aucun message côté Nuagique : le paiement reste « en attente »",
			"bug":         "Aucun message d'erreur : le résultat affiché est simplement faux",
			"access":      "Aucun : l'e-mail de réinitialisation n'arrive jamais",
			"integration": "Aucun message d'erreur : les appels aboutissent mais les données n'arrivent pas",
			"data_export": "Aucun message : le fichier est généré mais son contenu est incomplet",
			"how_to":      "Aucun (question d'usage)",
		},
		repro: map[string]string{
			"bug":         "1. Se connecter au compte du client en accès support\n2. Refaire l'action décrite dans le ticket : « {subject} »\n3. Constater le même résultat que sur la capture du client (compte de test : même comportement)",
			"integration": "1. Compte de test, clé API neuve\n2. Déclencher l'appel ou l'événement décrit : « {subject} »\n3. Observer la réponse dans le journal API ou le journal des webhooks",
			"data_export": "1. Paramètres › Exports, période de l'exercice en cours\n2. Lancer l'export au format CSV\n3. Le traitement s'arrête en erreur ou produit un fichier incomplet",
		},
		impact: map[string]string{
			"bug":         "{who} : fonctionnalité inutilisable depuis le {date}, sans contournement ; d'autres comptes peuvent être touchés",
			"integration": "Intégration de {who} à l'arrêt depuis le {date} : synchronisation et encaissements retardés",
			"data_export": "{who} ne peut pas remettre ses données à son expert-comptable ; clôture en cours",
		},
		vendor: "Prestataire : PayBridge, remises de prélèvements SEPA\nClient : {who}, mandat {mandate}\nDeux prélèvements de {amount} le {date}, avec la même référence de remise\nMerci de confirmer le rejeu de la remise et de rembourser le second prélèvement",
		reasonUp: map[string]string{
			"billing":     "Avoir ou réédition de facture nécessaire : hors des droits du niveau 1",
			"payment":     "Opération à rechercher chez PayBridge et à rapprocher à la main : outils des Billing experts nécessaires",
			"bug":         "Anomalie confirmée, non résolue par les contournements habituels",
			"access":      "Déblocage du compte impossible depuis l'outil de niveau 1",
			"integration": "Problème d'intégration à diagnostiquer dans les journaux de l'API",
			"data_export": "Export en échec malgré les contournements : correction de données probable",
			"how_to":      "Besoin au-delà de la configuration standard : avis d'un spécialiste",
		},
		reasonL3: map[string]string{
			"bug":         "Défaut du produit reproductible : correctif nécessaire côté plateforme",
			"integration": "Erreur de la plateforme confirmée dans les journaux : correction par l'équipe plateforme",
			"data_export": "Tâche d'export en échec côté serveur : intervention de la plateforme nécessaire",
		},
		reasonL4:   "Cause chez PayBridge : remise SEPA rejouée par leur banque partenaire, remboursement à faire de leur côté",
		reasonDown: "Cas connu, correction faite de notre côté : %s peut répondre au client avec la réponse type",
	},
	"en": {
		tried: map[string]string{
			"billing":     "Checked the billing history: invoice {invoice} for {amount} confirmed\nGot a copy of the invoice from the customer\nNo correction possible with L1 tools (credit note or reissue needed)",
			"payment":     "Checked the payment status in Nuagique: still \"pending\"\nGot the transaction date and payment method from the customer\nNo trace of the transaction in automatic reconciliation",
			"bug":         "Reproduced on up-to-date Chrome and Firefox\nCache cleared, signed out and in again: same result\nCustomer's screenshot attached to the ticket",
			"access":      "Identity verified (company name, last sign-in date)\nPassword reset link sent again: never received\nAddress not on the bounced emails list",
			"integration": "Checked the API key and the Authorization header with the customer\nCollected a failing X-Request-Id: req_51d9a7c3\nWent through the docs with the customer: the call is correct",
			"data_export": "Export retried on the same period: same result\nTried CSV and Excel\nList filters reset",
			"how_to":      "Sent the help centre article\nReviewed the standard settings: they don't cover this need",
		},
		triedExpert: map[string]string{
			"bug":         "Reproduced on a test account with a copy of the customer's data\nRead the application logs: server-side error at the time of the action\nNo workaround through the account's settings",
			"integration": "Read the account's API and webhook logs\nReplayed the call from the support console: same error\nCompared the account's configuration with a healthy one: identical",
			"data_export": "Retried the export from the admin console: fails at the same point\nChecked the period's data, nothing visibly wrong\nExport job in error in the processing queue",
			"payment":     "Duplicate debit confirmed in PayBridge's batch log\nNo refund possible from Nuagique: the batch was replayed at PayBridge\nOther affected customers grouped under the prelevement-double tag",
		},
		noError: map[string]string{
			"billing":     "None: invoice {invoice} displays fine, its content is wrong",
			"payment":     "No message in Nuagique: the payment stays \"pending\"",
			"bug":         "No error message: the result shown is simply wrong",
			"access":      "None: the reset email never arrives",
			"integration": "No error message: calls succeed but the data never arrives",
			"data_export": "No message: the file is generated but incomplete",
			"how_to":      "None (how-to question)",
		},
		repro: map[string]string{
			"bug":         "1. Sign in to the customer's account with support access\n2. Repeat the action described in the ticket: \"{subject}\"\n3. See the same result as on the customer's screenshot (same on a test account)",
			"integration": "1. Test account, fresh API key\n2. Trigger the call or event described: \"{subject}\"\n3. Watch the response in the API log or the webhook log",
			"data_export": "1. Settings › Exports, current financial year\n2. Run the export as CSV\n3. The job stops with an error or produces an incomplete file",
		},
		impact: map[string]string{
			"bug":         "{who}: feature unusable since {date}, no workaround; other accounts may be affected",
			"integration": "{who}'s integration down since {date}: sync and collections delayed",
			"data_export": "{who} cannot send their data to their accountant; year-end closing under way",
		},
		vendor: "Vendor: PayBridge, SEPA direct debit batches\nCustomer: {who}, mandate {mandate}\nTwo debits of {amount} on {date} with the same batch reference\nPlease confirm the batch was replayed and refund the second debit",
		reasonUp: map[string]string{
			"billing":     "Credit note or reissued invoice needed: beyond L1 rights",
			"payment":     "Transaction to trace at PayBridge and reconcile by hand: needs the billing experts' tools",
			"bug":         "Confirmed defect, not solved by the usual workarounds",
			"access":      "The account cannot be unlocked with L1 tools",
			"integration": "Integration problem to diagnose in the API logs",
			"data_export": "Export still failing after the workarounds: data fix likely",
			"how_to":      "Goes beyond the standard setup: needs a specialist's advice",
		},
		reasonL3: map[string]string{
			"bug":         "Reproducible product defect: needs a fix on the platform",
			"integration": "Platform error confirmed in the logs: to be fixed by platform engineering",
			"data_export": "Export job failing on the server: needs platform engineering",
		},
		reasonL4:   "Cause at PayBridge: SEPA batch replayed by their partner bank, refund to be made on their side",
		reasonDown: "Known issue, fixed on our side: %s can answer the customer with the standard reply",
	},
}
