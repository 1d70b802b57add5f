package demo

import "github.com/palier/palier/internal/ticket"

// message is what a customer writes when opening a ticket. Bodies may use
// {amount} and {invoice}, filled in per ticket; subjects are literal so that
// they depend on the seed alone.
type message struct {
	lang, typ     string
	subject, body string
	errText       string // the error_message custom field, when the customer quotes one
	tags          []string
	sensitive     bool            // what routing must flag sensitive (see ruleSet); the customer does not say
	doubleDebit   bool            // the rising topic; routing tags it prelevement-double
	amount        bool            // the ticket carries an amount_eur
	priority      ticket.Priority // the least urgent priority this problem gets
}

// opening messages, five per request type and language.
var openings = []message{
	// Facturation
	{lang: "fr", typ: "billing", subject: "Facturé deux fois pour le même mois",
		body: "Bonjour,\n\nJe viens de recevoir deux factures identiques pour le même mois d'abonnement : {invoice} et une seconde avec un autre numéro, chacune de {amount}. Pouvez-vous annuler le doublon et me rembourser ?\n\nMerci d'avance.",
		tags: []string{"double-facturation"}, amount: true, priority: ticket.Normal},
	{lang: "fr", typ: "billing", subject: "Changer l'adresse de facturation sur nos factures",
		body: "Bonjour,\n\nNous avons déménagé notre siège : les prochaines factures doivent porter la nouvelle adresse, 14 rue des Tanneurs, 35000 Rennes. Pouvez-vous aussi rééditer la facture {invoice} avec cette adresse ? Notre comptable en a besoin.\n\nCordialement",
		tags: []string{"adresse-facturation"}, priority: ticket.Low},
	{lang: "fr", typ: "billing", subject: "TVA intracommunautaire absente de la facture",
		body: "Bonjour,\n\nNotre service comptable refuse la facture {invoice} car notre numéro de TVA intracommunautaire n'y figure pas, alors qu'il est bien renseigné dans les paramètres du compte. Pouvez-vous la corriger ?\n\nMerci",
		tags: []string{"tva"}, priority: ticket.Normal},
	{lang: "fr", typ: "billing", subject: "Passage de la formule Pro à Entreprise : comment est calculé le prorata ?",
		body: "Bonjour,\n\nNous sommes passés en formule Entreprise le 12. La facture {invoice} affiche {amount} et je n'arrive pas à retrouver le calcul du prorata. Pouvez-vous me le détailler ?\n\nBonne journée",
		tags: []string{"changement-formule"}, amount: true, priority: ticket.Low},
	{lang: "fr", typ: "billing", subject: "Demande d'avoir suite à ma résiliation",
		body: "Bonjour,\n\nJ'ai résilié mon abonnement le 3 du mois mais le mois complet m'a été facturé ({amount}). Pourriez-vous m'établir un avoir pour les jours non utilisés ?\n\nCordialement",
		tags: []string{"avoir", "resiliation"}, amount: true, priority: ticket.Normal},

	// Paiement
	{lang: "fr", typ: "payment", subject: "Paiement par carte refusé alors que ma carte est valide",
		body:    "Bonjour,\n\nDepuis ce matin, le renouvellement de mon abonnement échoue avec le message « paiement refusé ». Ma banque me dit qu'aucune tentative ne lui est parvenue, et la carte expire en 2028. Que se passe-t-il ?\n\nMerci",
		errText: "card_declined", tags: []string{"carte-bancaire"}, priority: ticket.Normal},
	{lang: "fr", typ: "payment", subject: "Virement d'un client non rapproché de sa facture",
		body: "Bonjour,\n\nUn client nous a réglé la facture {invoice} par virement ({amount}) il y a cinq jours. L'argent est bien sur notre compte, mais la facture reste « en attente » dans Nuagique et il a reçu une relance.\n\nPouvez-vous regarder ?",
		tags: []string{"rapprochement"}, amount: true, priority: ticket.Normal},
	{lang: "fr", typ: "payment", subject: "Les paiements en ligne de nos clients échouent",
		body:    "Bonjour,\n\nPlusieurs clients nous signalent que le lien de paiement de leurs factures affiche « Erreur de paiement, réessayez plus tard ». Cela bloque nos encaissements de fin de mois, c'est urgent pour nous.\n\nMerci de votre aide",
		errText: "PB-402 payment_session_expired", tags: []string{"lien-paiement"}, priority: ticket.High},
	{lang: "fr", typ: "payment", subject: "Remboursement promis il y a dix jours, toujours rien",
		body: "Bonjour,\n\nVotre collègue m'a confirmé un remboursement de {amount} il y a dix jours et je ne vois toujours rien sur mon compte. Pouvez-vous me donner la référence du remboursement pour que je la transmette à ma banque ?\n\nMerci",
		tags: []string{"remboursement"}, amount: true, priority: ticket.Normal},
	{lang: "fr", typ: "payment", subject: "Mandat SEPA : comment mettre à jour notre IBAN ?",
		body: "Bonjour,\n\nNous changeons de banque le mois prochain. Comment signer un nouveau mandat de prélèvement avec le nouvel IBAN sans interrompre notre abonnement ?\n\nCordialement",
		tags: []string{"iban", "sepa"}, priority: ticket.Low},

	// Anomalie
	{lang: "fr", typ: "bug", subject: "PDF des factures : les accents remplacés par des carrés",
		body: "Bonjour,\n\nDepuis la dernière mise à jour, les PDF de nos factures affichent des carrés à la place des lettres accentuées : « Société Générale » devient « Soci□t□ G□n□rale ». Nos clients commencent à le remarquer.\n\nMerci de corriger rapidement.",
		tags: []string{"pdf"}, priority: ticket.Normal},
	{lang: "fr", typ: "bug", subject: "Le tableau de bord reste bloqué sur « Chargement… »",
		body:    "Bonjour,\n\nDepuis hier, la page d'accueil tourne sans fin. J'ai vidé le cache, essayé Firefox et Chrome : même chose. Les autres pages fonctionnent normalement.\n\nCordialement",
		errText: "TypeError: Cannot read properties of undefined (reading 'totals')", tags: []string{"tableau-de-bord"}, priority: ticket.Normal},
	{lang: "fr", typ: "bug", subject: "La numérotation de nos factures saute un numéro",
		body: "Bonjour,\n\nNos factures sont passées de F-2026-0141 à F-2026-0143 : la 0142 n'existe nulle part. Notre expert-comptable s'inquiète, la numérotation doit être continue. Pouvez-vous nous expliquer ?\n\nMerci",
		tags: []string{"numerotation"}, priority: ticket.High},
	{lang: "fr", typ: "bug", subject: "Relances automatiques envoyées à des clients qui ont payé",
		body: "Bonjour,\n\nCe matin, trois de nos clients ont reçu une relance pour des factures réglées la semaine dernière, dont la {invoice}. C'est très gênant vis-à-vis d'eux. Pouvez-vous vérifier ?\n\nMerci",
		tags: []string{"relances"}, priority: ticket.Normal},
	{lang: "fr", typ: "bug", subject: "Erreur 500 à l'import du fichier clients",
		body:    "Bonjour,\n\nL'import de notre fichier clients (CSV, environ 1 200 lignes) échoue systématiquement avec une erreur 500. Le même fichier passait sans problème le mois dernier.\n\nCordialement",
		errText: "HTTP 500 Internal Server Error (request id 7f3c2a91)", tags: []string{"import"}, priority: ticket.Normal},

	// Accès et compte
	{lang: "fr", typ: "access", subject: "Impossible de me connecter depuis la mise à jour",
		body:    "Bonjour,\n\nDepuis la mise à jour de lundi, mon mot de passe est refusé alors que je ne l'ai pas changé. Et la réinitialisation ne m'envoie aucun e-mail (j'ai vérifié les indésirables).\n\nMerci de m'aider",
		errText: "Identifiants invalides", tags: []string{"connexion"}, priority: ticket.Normal},
	{lang: "fr", typ: "access", subject: "Code de double authentification jamais reçu",
		body: "Bonjour,\n\nJ'ai changé de téléphone et je ne reçois plus le code par SMS. Je n'ai plus accès à mon compte et je dois envoyer mes factures aujourd'hui.\n\nMerci de faire vite",
		tags: []string{"2fa"}, priority: ticket.High},
	{lang: "fr", typ: "access", subject: "Ajouter notre comptable sans lui donner les droits d'administration",
		body: "Bonjour,\n\nNotre nouvelle comptable arrive lundi. Comment lui donner accès aux factures et aux paiements sans lui donner les droits d'administration du compte ?\n\nBonne journée",
		tags: []string{"utilisateurs"}, priority: ticket.Low},
	{lang: "fr", typ: "access", subject: "Compte verrouillé après trop de tentatives",
		body:    "Bonjour,\n\nMon compte est verrouillé après plusieurs essais de mot de passe. Le message dit de réessayer dans une heure, mais cela fait trois heures et c'est toujours bloqué.\n\nCordialement",
		errText: "Compte temporairement verrouillé", tags: []string{"connexion"}, priority: ticket.Normal},
	{lang: "fr", typ: "access", subject: "Alerte de connexion suspecte depuis l'étranger",
		body: "Bonjour,\n\nJ'ai reçu une alerte de connexion à mon compte depuis un pays où je ne suis jamais allé. J'ai changé mon mot de passe tout de suite, mais je voudrais savoir ce qui a été consulté ou modifié.\n\nMerci",
		tags: []string{"securite"}, sensitive: true, priority: ticket.High},

	// Intégration API
	{lang: "fr", typ: "integration", subject: "Nos webhooks « invoice.paid » ne sont plus reçus",
		body:    "Bonjour,\n\nDepuis hier 17 h, notre serveur ne reçoit plus les webhooks invoice.paid. Le journal des webhooks dans Nuagique indique des tentatives en échec, sans plus de détail. Rien n'a changé de notre côté.\n\nMerci",
		errText: "webhook delivery failed: timeout after 10s", tags: []string{"webhook"}, priority: ticket.High},
	{lang: "fr", typ: "integration", subject: "Erreur 401 sur l'API avec une clé neuve",
		body:    "Bonjour,\n\nJe viens de générer une clé API et tous les appels à /v2/invoices répondent 401. La clé est bien passée dans l'en-tête Authorization, précédée de « Bearer ».\n\nCordialement",
		errText: "401 Unauthorized: invalid_api_key", tags: []string{"api"}, priority: ticket.Normal},
	{lang: "fr", typ: "integration", subject: "Limite de requêtes atteinte pendant la synchronisation nocturne",
		body:    "Bonjour,\n\nNotre synchronisation nocturne avec notre ERP s'arrête avec des erreurs 429 au bout d'environ 300 factures. Quelle est la limite exacte et peut-on l'augmenter ?\n\nMerci",
		errText: "429 Too Many Requests", tags: []string{"api", "rate-limit"}, priority: ticket.Normal},
	{lang: "fr", typ: "integration", subject: "Connecteur comptable : écritures envoyées en double",
		body: "Bonjour,\n\nLe connecteur vers notre logiciel comptable a envoyé deux fois les écritures de la semaine. Comment supprimer les doublons, et surtout éviter que cela recommence ?\n\nCordialement",
		tags: []string{"connecteur"}, priority: ticket.Normal},
	{lang: "fr", typ: "integration", subject: "Signature des webhooks invalide depuis la rotation du secret",
		body:    "Bonjour,\n\nNous vérifions la signature HMAC des webhooks comme l'indique la documentation, mais la vérification échoue depuis que nous avons fait tourner le secret hier.\n\nMerci",
		errText: "signature mismatch", tags: []string{"webhook"}, priority: ticket.Normal},

	// Export de données
	{lang: "fr", typ: "data_export", subject: "Export CSV des factures vide",
		body: "Bonjour,\n\nQuand j'exporte les factures du trimestre en CSV, le fichier ne contient que la ligne d'en-tête. Le filtre de dates est pourtant correct et les factures apparaissent bien dans la liste.\n\nCordialement",
		tags: []string{"export-csv"}, priority: ticket.Normal},
	{lang: "fr", typ: "data_export", subject: "Fichier FEC pour notre expert-comptable",
		body: "Bonjour,\n\nNotre expert-comptable nous demande le fichier des écritures comptables (FEC) de l'exercice. Où le trouve-t-on dans Nuagique ?\n\nMerci",
		tags: []string{"fec"}, priority: ticket.Low},
	{lang: "fr", typ: "data_export", subject: "Demande d'accès à mes données personnelles (RGPD)",
		body: "Bonjour,\n\nConformément au RGPD, je souhaite obtenir une copie de l'ensemble des données personnelles que vous détenez à mon sujet.\n\nCordialement",
		tags: []string{"rgpd"}, sensitive: true, priority: ticket.Normal},
	{lang: "fr", typ: "data_export", subject: "Récupérer toutes nos données avant de partir",
		body: "Bonjour,\n\nNous quittons Nuagique à la fin du mois. Comment exporter l'ensemble de nos factures, clients et paiements dans un format que notre futur outil pourra reprendre ?\n\nCordialement",
		tags: []string{"export", "resiliation"}, priority: ticket.Normal},
	{lang: "fr", typ: "data_export", subject: "Effacer les données d'un ancien client",
		body: "Bonjour,\n\nUn ancien client nous demande d'effacer ses coordonnées. Comment faire sans supprimer les factures que nous devons conserver dix ans ?\n\nMerci",
		tags: []string{"rgpd"}, sensitive: true, priority: ticket.Normal},

	// Fraude
	{lang: "fr", typ: "fraud", subject: "Paiement frauduleux sur une de nos factures",
		body: "Bonjour,\n\nUn client affirme n'avoir jamais payé la facture {invoice} ({amount}), réglée par carte hier : sa carte lui aurait été volée. Que devons-nous faire ?\n\nMerci de votre retour rapide",
		tags: []string{"chargeback", "fraude"}, sensitive: true, amount: true, priority: ticket.High},
	{lang: "fr", typ: "fraud", subject: "Faux e-mail Nuagique qui demande nos coordonnées bancaires",
		body: "Bonjour,\n\nNous avons reçu un e-mail aux couleurs de Nuagique nous demandant de « confirmer notre IBAN » via un lien. L'adresse de l'expéditeur est bizarre. Est-ce bien vous ?\n\nCordialement",
		tags: []string{"hameconnage"}, sensitive: true, priority: ticket.High},
	{lang: "fr", typ: "fraud", subject: "IBAN de versement modifié sans notre accord",
		body: "Bonjour,\n\nL'IBAN de versement de notre compte a été changé cette nuit et personne chez nous ne l'a fait. Bloquez les virements sortants s'il vous plaît, c'est urgent !",
		tags: []string{"fraude", "iban"}, sensitive: true, priority: ticket.Urgent},
	{lang: "fr", typ: "fraud", subject: "Série de petits paiements suspects sur nos liens de paiement",
		body: "Bonjour,\n\nNous voyons une trentaine de paiements de 1 € sur nos liens de paiement en une heure, depuis des cartes différentes. Cela ressemble à des tests de cartes volées.\n\nMerci de regarder",
		tags: []string{"carding", "fraude"}, sensitive: true, priority: ticket.High},
	{lang: "fr", typ: "fraud", subject: "Litige bancaire ouvert par un client",
		body: "Bonjour,\n\nNotre banque nous informe d'un litige sur un paiement de {amount} encaissé via Nuagique. Quelles pièces faut-il fournir, et dans quel délai ?\n\nCordialement",
		tags: []string{"litige"}, sensitive: true, amount: true, priority: ticket.Normal},

	// Question d'usage
	{lang: "fr", typ: "how_to", subject: "Comment proposer un paiement en plusieurs fois ?",
		body: "Bonjour,\n\nUn client souhaite régler sa facture en trois fois. Peut-on créer un échéancier sur une seule facture ?\n\nMerci",
		tags: []string{"echeancier"}, priority: ticket.Low},
	{lang: "fr", typ: "how_to", subject: "Ajouter notre logo sur les factures",
		body: "Bonjour,\n\nOù peut-on ajouter notre logo et changer la couleur des factures ? Je ne trouve pas l'option dans les paramètres.\n\nBonne journée",
		tags: []string{"modele-facture"}, priority: ticket.Low},
	{lang: "fr", typ: "how_to", subject: "Mettre en place des relances automatiques",
		body: "Bonjour,\n\nNous aimerions relancer automatiquement nos clients 7 jours après l'échéance, puis 15 jours après. Est-ce possible, et peut-on personnaliser le texte ?\n\nMerci",
		tags: []string{"relances"}, priority: ticket.Low},
	{lang: "fr", typ: "how_to", subject: "Facturer un client britannique en anglais et en livres",
		body: "Bonjour,\n\nNous avons un nouveau client à Londres. Peut-on émettre ses factures en anglais et en livres sterling, tout en gardant nos autres factures en euros ?\n\nCordialement",
		tags: []string{"devise"}, priority: ticket.Normal},
	{lang: "fr", typ: "how_to", subject: "Avoir ou remboursement : lequel utiliser ?",
		body: "Bonjour,\n\nJe ne comprends pas bien quand utiliser un avoir plutôt qu'un remboursement dans Nuagique. Auriez-vous un exemple concret ?\n\nMerci",
		tags: []string{"avoir"}, priority: ticket.Low},

	// Billing
	{lang: "en", typ: "billing", subject: "Charged twice for the same month",
		body: "Hi,\n\nI've been charged twice for my subscription this month: two invoices of {amount} each, {invoice} and another one with a different number. Could you cancel and refund the duplicate?\n\nThanks",
		tags: []string{"double-billing"}, amount: true, priority: ticket.Normal},
	{lang: "en", typ: "billing", subject: "VAT number missing on our invoices",
		body: "Hello,\n\nOur finance team needs our VAT number on every invoice. It is saved in the account settings but does not appear on {invoice}. Could you reissue it?\n\nBest regards",
		tags: []string{"vat"}, priority: ticket.Normal},
	{lang: "en", typ: "billing", subject: "Invoices still show our old company name",
		body: "Hi,\n\nWe changed our trading name in the settings two weeks ago, but new invoices still show the old one. Can you fix this and reissue {invoice}?\n\nThanks",
		tags: []string{"invoice-details"}, priority: ticket.Low},
	{lang: "en", typ: "billing", subject: "Moving from Enterprise to Pro at renewal",
		body: "Hello,\n\nWe'd like to move to the Pro plan at our next renewal. Will we lose any historical data, and how will the last Enterprise invoice be calculated?\n\nKind regards",
		tags: []string{"plan-change"}, priority: ticket.Low},
	{lang: "en", typ: "billing", subject: "Need a receipt for an expense claim",
		body: "Hi,\n\nI paid {amount} by card but only received an invoice, not a receipt. My company needs a receipt for my expense claim. Where can I get one?\n\nThanks",
		tags: []string{"receipt"}, amount: true, priority: ticket.Low},

	// Payment
	{lang: "en", typ: "payment", subject: "Card payment declined at renewal",
		body:    "Hello,\n\nOur renewal failed with 'payment declined' although the card works everywhere else. Our bank says it saw no attempt at all.\n\nCan you check?",
		errText: "card_declined", tags: []string{"card"}, priority: ticket.Normal},
	{lang: "en", typ: "payment", subject: "Client paid but the invoice is still outstanding",
		body: "Hi,\n\nA client paid {invoice} ({amount}) by bank transfer last week. The money is in our account, but the invoice is still marked as outstanding and the client got a reminder.\n\nThanks",
		tags: []string{"reconciliation"}, amount: true, priority: ticket.Normal},
	{lang: "en", typ: "payment", subject: "Payment link shows an error to our clients",
		body:    "Hello,\n\nClients clicking 'Pay now' on our invoices see 'Something went wrong, please try again later'. It started this morning and it's blocking our month-end collections.\n\nUrgent, please.",
		errText: "PB-402 payment_session_expired", tags: []string{"payment-link"}, priority: ticket.High},
	{lang: "en", typ: "payment", subject: "Refund not received after ten days",
		body: "Hi,\n\nI was told a refund of {amount} was issued ten days ago but nothing has arrived. Could you send me the refund reference so I can chase my bank?\n\nThanks",
		tags: []string{"refund"}, amount: true, priority: ticket.Normal},
	{lang: "en", typ: "payment", subject: "Direct debit from a UK bank account?",
		body: "Hello,\n\nCan we pay our subscription by direct debit from a UK bank account, or only from SEPA accounts in the euro area?\n\nBest regards",
		tags: []string{"direct-debit"}, priority: ticket.Low},

	// Bug
	{lang: "en", typ: "bug", subject: "Dashboard totals don't match the invoice list",
		body: "Hi,\n\nThe dashboard says we invoiced {amount} this month, but adding up the invoice list gives a different figure. Which one is right?\n\nThanks",
		tags: []string{"dashboard"}, amount: true, priority: ticket.Normal},
	{lang: "en", typ: "bug", subject: "PDF invoices cut off at the bottom",
		body: "Hello,\n\nSince Tuesday, PDF invoices with more than about 20 lines lose their last section — our bank details — at the bottom of the page. Clients can't pay without them.\n\nRegards",
		tags: []string{"pdf"}, priority: ticket.High},
	{lang: "en", typ: "bug", subject: "Payment reminders sent twice",
		body: "Hi,\n\nSeveral of our customers received the same payment reminder twice this morning, a few minutes apart. Can you stop this before tomorrow's batch?\n\nThanks",
		tags: []string{"reminders"}, priority: ticket.Normal},
	{lang: "en", typ: "bug", subject: "Search finds nothing for existing clients",
		body: "Hello,\n\nSearching for a client by name returns no results, even for clients I can see in the list. Searching by email works.\n\nRegards",
		tags: []string{"search"}, priority: ticket.Normal},
	{lang: "en", typ: "bug", subject: "Page goes blank when attaching a file to an invoice",
		body:    "Hi,\n\nAttaching a PDF larger than about 5 MB to an invoice makes the page go blank, and the invoice is not saved.\n\nThanks",
		errText: "Uncaught RangeError: Maximum call stack size exceeded", tags: []string{"attachments"}, priority: ticket.Normal},

	// Access & account
	{lang: "en", typ: "access", subject: "Can't log in since the update",
		body:    "Hello,\n\nSince Monday's update my password is rejected, and the reset email never arrives (I checked spam).\n\nPlease help",
		errText: "Invalid credentials", tags: []string{"login"}, priority: ticket.Normal},
	{lang: "en", typ: "access", subject: "Lost my phone — can't get the 2FA code",
		body: "Hi,\n\nI lost my phone yesterday and can't get the two-factor code any more. How can I get back into my account? I have invoices to send today.\n\nThanks",
		tags: []string{"2fa"}, priority: ticket.High},
	{lang: "en", typ: "access", subject: "SSO login loops back to the sign-in page",
		body:    "Hello,\n\nSince we enabled single sign-on with our identity provider, users are sent back to the sign-in page right after authenticating.\n\nRegards",
		errText: "SAML response: audience mismatch", tags: []string{"sso"}, priority: ticket.High},
	{lang: "en", typ: "access", subject: "Remove a former employee's access",
		body: "Hi,\n\nOne of our accountants left the company yesterday. Please make sure she can no longer access our account, and tell us how to do it ourselves next time.\n\nThanks",
		tags: []string{"users"}, priority: ticket.Normal},
	{lang: "en", typ: "access", subject: "Invitation link has expired",
		body: "Hello,\n\nI was invited to my company's Nuagique account, but the link says it has expired. Could you send a new one?\n\nThanks",
		tags: []string{"invitation"}, priority: ticket.Low},

	// API integration
	{lang: "en", typ: "integration", subject: "Webhook returns 500 since yesterday",
		body:    "Hi,\n\nSince yesterday afternoon every webhook delivery to our endpoint shows HTTP 500 in your logs, but our server logs show no incoming request at all.\n\nCan you check on your side?",
		errText: "HTTP 500 from webhook relay", tags: []string{"webhook"}, priority: ticket.High},
	{lang: "en", typ: "integration", subject: "API pagination returns duplicates",
		body: "Hello,\n\nWhen paging through /v2/payments with the cursor, some payments appear on two consecutive pages and a few never appear.\n\nRegards",
		tags: []string{"api"}, priority: ticket.Normal},
	{lang: "en", typ: "integration", subject: "Sandbox API keys stopped working",
		body:    "Hi,\n\nOur sandbox keys return 403 since this morning; production keys are fine. We haven't revoked anything.\n\nThanks",
		errText: "403 Forbidden: key_revoked", tags: []string{"api", "sandbox"}, priority: ticket.Normal},
	{lang: "en", typ: "integration", subject: "Automation connector no longer creates invoices",
		body: "Hello,\n\nThe automation that creates an invoice for each new order in our shop stopped working last week, without any error on either side.\n\nRegards",
		tags: []string{"connector"}, priority: ticket.Normal},
	{lang: "en", typ: "integration", subject: "Temporary higher API rate limit for a migration",
		body:    "Hi,\n\nWe're migrating 40,000 historical invoices and keep hitting 429 errors. Could the limit be raised for a week?\n\nThanks",
		errText: "429 Too Many Requests", tags: []string{"rate-limit"}, priority: ticket.Low},

	// Data export
	{lang: "en", typ: "data_export", subject: "CSV export shows garbled characters",
		body: "Hello,\n\nThe exported CSV opens in our spreadsheet with garbled characters for every name with an accent.\n\nRegards",
		tags: []string{"csv-export"}, priority: ticket.Low},
	{lang: "en", typ: "data_export", subject: "Subject access request (GDPR)",
		body: "Hello,\n\nUnder the GDPR, I would like a copy of all the personal data you hold about me.\n\nRegards",
		tags: []string{"gdpr"}, sensitive: true, priority: ticket.Normal},
	{lang: "en", typ: "data_export", subject: "Export everything before we close our account",
		body: "Hi,\n\nWe're closing our account at the end of the quarter. How do we export all our invoices, clients and payments?\n\nThanks",
		tags: []string{"export"}, priority: ticket.Normal},
	{lang: "en", typ: "data_export", subject: "Daily export of payments to our data warehouse",
		body: "Hello,\n\nCan we schedule a daily export of payments to our data warehouse, or should we pull them through the API?\n\nRegards",
		tags: []string{"export"}, priority: ticket.Low},
	{lang: "en", typ: "data_export", subject: "Erase a former client's personal data",
		body: "Hi,\n\nA former client asked us to erase their personal data. How do we do that while keeping the invoices we must legally retain?\n\nThanks",
		tags: []string{"gdpr"}, sensitive: true, priority: ticket.Normal},

	// Fraud
	{lang: "en", typ: "fraud", subject: "Fraudulent card payment on one of our invoices",
		body: "Hello,\n\nA client says their card was stolen and they never paid {invoice} ({amount}). What should we do?\n\nRegards",
		tags: []string{"chargeback", "fraud"}, sensitive: true, amount: true, priority: ticket.High},
	{lang: "en", typ: "fraud", subject: "Phishing email pretending to be Nuagique",
		body: "Hi,\n\nWe received an email with your logo asking us to 'verify our bank details' through a link. Is it genuine?\n\nThanks",
		tags: []string{"phishing"}, sensitive: true, priority: ticket.High},
	{lang: "en", typ: "fraud", subject: "Payout account changed without our consent",
		body: "Hello,\n\nOur payout bank account was changed overnight and nobody here did it. Please freeze payouts now!",
		tags: []string{"fraud", "iban"}, sensitive: true, priority: ticket.Urgent},
	{lang: "en", typ: "fraud", subject: "Dozens of tiny payments from different cards",
		body: "Hi,\n\nWe're seeing dozens of €1 payments on our payment links within an hour, all from different cards. It looks like card testing.\n\nThanks",
		tags: []string{"card-testing", "fraud"}, sensitive: true, priority: ticket.High},
	{lang: "en", typ: "fraud", subject: "Chargeback notice from our bank",
		body: "Hello,\n\nOur bank notified us of a chargeback on a {amount} payment collected through Nuagique. What evidence do you need from us, and by when?\n\nRegards",
		tags: []string{"chargeback"}, sensitive: true, amount: true, priority: ticket.Normal},

	// How-to
	{lang: "en", typ: "how_to", subject: "How do I split an invoice into instalments?",
		body: "Hi,\n\nA client would like to pay in three instalments. Can we set up a schedule on a single invoice?\n\nThanks",
		tags: []string{"instalments"}, priority: ticket.Low},
	{lang: "en", typ: "how_to", subject: "Adding our logo to invoices",
		body: "Hello,\n\nWhere can we add our logo and change the invoice colours? I can't find it in the settings.\n\nRegards",
		tags: []string{"invoice-template"}, priority: ticket.Low},
	{lang: "en", typ: "how_to", subject: "Setting up automatic payment reminders",
		body: "Hi,\n\nWe'd like to remind clients automatically a week after the due date, then again after two weeks. Is that possible?\n\nThanks",
		tags: []string{"reminders"}, priority: ticket.Low},
	{lang: "en", typ: "how_to", subject: "Invoicing a French client in French",
		body: "Hello,\n\nWe have a new client in Lyon. Can we send their invoices in French while keeping ours in English?\n\nRegards",
		tags: []string{"language"}, priority: ticket.Low},
	{lang: "en", typ: "how_to", subject: "Credit note or refund: which one?",
		body: "Hi,\n\nI'm not sure when to use a credit note rather than a refund in Nuagique. Do you have an example?\n\nThanks",
		tags: []string{"credit-note"}, priority: ticket.Low},
}

// doubleDebits are the "prélèvement en double" messages: the rising topic
// of the last ten days, when the payment processor replayed a batch of
// SEPA direct debits.
var doubleDebits = []message{
	doubleDebit("fr", "Prélèvement en double ce mois-ci",
		"Bonjour,\n\nMon abonnement Nuagique a été prélevé deux fois le même jour, {amount} à chaque fois. Pouvez-vous rembourser le second prélèvement ?\n\nMerci", ticket.Normal),
	doubleDebit("fr", "Double prélèvement SEPA sur notre compte",
		"Bonjour,\n\nNotre banque affiche deux prélèvements SEPA identiques de {amount} au nom de Nuagique, avec la même référence de mandat. Nous n'avons pourtant qu'un seul abonnement.\n\nCordialement", ticket.Normal),
	doubleDebit("fr", "Prélèvement passé deux fois, c'est normal ?",
		"Bonjour,\n\nJe vois deux prélèvements de {amount} sur mon relevé ce matin. C'est une erreur de votre côté ?\n\nMerci de me répondre", ticket.Normal),
	doubleDebit("fr", "Nos clients prélevés en double via Nuagique",
		"Bonjour,\n\nPlusieurs de nos clients nous appellent : le prélèvement de leur facture (dont la {invoice}) est passé deux fois. Nous n'avons lancé qu'une seule remise. Ils sont très mécontents, c'est urgent.\n\nCordialement", ticket.High),
	doubleDebit("fr", "Prélèvement en double : quel délai de remboursement ?",
		"Bonjour,\n\nComme d'autres clients apparemment, le prélèvement de {amount} est passé deux fois sur mon compte. Sous quel délai le remboursement sera-t-il fait ?\n\nMerci", ticket.Normal),
	doubleDebit("fr", "Deux prélèvements identiques le même jour",
		"Bonjour,\n\nDeux prélèvements de {amount} sont passés aujourd'hui pour la même facture {invoice}. Merci d'annuler le doublon.\n\nCordialement", ticket.Normal),
	doubleDebit("fr", "Prélèvement en double sur notre dernière facture",
		"Bonjour,\n\nNotre dernière facture Nuagique a été prélevée en double. Pouvez-vous vérifier et nous rembourser rapidement ? Notre trésorerie est serrée en ce moment.\n\nMerci", ticket.Normal),
	doubleDebit("fr", "Urgent : prélèvement en double, compte à découvert",
		"Bonjour,\n\nLe double prélèvement de {amount} a mis mon compte à découvert et ma banque me facture des frais. Remboursez-moi au plus vite s'il vous plaît.", ticket.Urgent),
	doubleDebit("en", "Direct debit taken twice",
		"Hello,\n\nMy subscription was taken twice by direct debit on the same day, {amount} each time. Please refund the duplicate.\n\nThanks", ticket.Normal),
	doubleDebit("en", "Duplicate SEPA debit on our account",
		"Hi,\n\nOur bank shows two identical SEPA debits of {amount} from Nuagique with the same mandate reference. We only have one subscription.\n\nRegards", ticket.Normal),
}

// doubleDebit is a message of the rising topic: a payment ticket with an
// amount. Routing tags it prelevement-double, so that the lead's dashboard
// can group them.
func doubleDebit(lang, subject, body string, p ticket.Priority) message {
	return message{lang: lang, typ: "payment", subject: subject, body: body, amount: true, priority: p,
		tags: []string{"sepa"}, doubleDebit: true}
}
