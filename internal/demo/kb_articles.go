package demo

// Nuagique's help centre: the articles a newcomer finds under /help, each
// in French and English (the two variants are linked), plus internal notes
// for agents. Keys name articles in the search-quality tests.

type kbCategorySpec struct {
	slug, fr, en string
}

var kbCategories = []kbCategorySpec{
	{"compte", "Compte et sécurité", "Account and security"},
	{"abonnement", "Abonnement et facturation", "Subscription and billing"},
	{"factures", "Créer vos factures", "Creating invoices"},
	{"paiements", "Paiements de vos clients", "Your customers' payments"},
	{"integrations", "Intégrations", "Integrations"},
	{"api", "API et webhooks", "API and webhooks"},
}

type kbText struct {
	title, body string
	tags        []string
}

type kbArticleSpec struct {
	key      string
	category string
	internal bool
	fr, en   kbText // en.title == "" for a French-only article
	helpful  int64  // "Was this helpful?" yes, out of about views/10 answers
	views    int64
}

var kbArticles = []kbArticleSpec{
	{key: "password", category: "compte", helpful: 41, views: 1250,
		fr: kbText{"Réinitialiser votre mot de passe", `Vous avez oublié votre mot de passe ? Sur la page de connexion, cliquez sur **Mot de passe oublié**, saisissez l'adresse e-mail de votre compte et ouvrez le lien reçu. Le lien est valable 30 minutes.

Si l'e-mail n'arrive pas, vérifiez vos courriers indésirables, puis demandez un nouveau lien. Après trois tentatives, la réinitialisation est bloquée une heure pour protéger votre compte.`, []string{"connexion", "sécurité"}},
		en: kbText{"Reset your password", `Forgot your password? On the sign-in page, click **Forgot password**, enter your account's email address and open the link you receive. The link is valid for 30 minutes.

If the email does not arrive, check your spam folder, then ask for a new link. After three attempts, resetting is locked for an hour to protect your account.`, []string{"sign-in", "security"}}},
	{key: "2fa", category: "compte", helpful: 18, views: 430,
		fr: kbText{"Activer la double authentification", `La double authentification protège votre compte même si votre mot de passe est volé. Dans **Réglages › Sécurité**, choisissez **Activer**, scannez le code QR avec une application d'authentification (Aegis, Google Authenticator…) et saisissez le code à six chiffres.

Conservez les codes de secours : ils vous permettent de vous connecter si vous perdez votre téléphone.`, []string{"sécurité", "connexion"}},
		en: kbText{"Turn on two-factor authentication", `Two-factor authentication protects your account even if your password is stolen. In **Settings › Security**, choose **Turn on**, scan the QR code with an authenticator app and enter the six-digit code.

Keep the backup codes: they let you sign in if you lose your phone.`, []string{"security", "sign-in"}}},
	{key: "invite", category: "compte", helpful: 12, views: 380,
		fr: kbText{"Inviter un collaborateur et gérer les rôles", `Dans **Réglages › Équipe**, cliquez sur **Inviter** et saisissez l'adresse e-mail de votre collaborateur. Choisissez son rôle : *Administrateur* (tout), *Comptable* (factures et paiements, sans les réglages) ou *Lecture seule*.

Vous pouvez changer un rôle ou retirer un accès à tout moment ; l'utilisateur retiré est déconnecté immédiatement.`, []string{"équipe", "utilisateurs"}},
		en: kbText{"Invite a teammate and manage roles", `In **Settings › Team**, click **Invite** and enter your teammate's email address. Choose their role: *Admin* (everything), *Accountant* (invoices and payments, no settings) or *Read only*.

You can change a role or remove access at any time; a removed user is signed out at once.`, []string{"team", "users"}}},
	{key: "email", category: "compte", helpful: 9, views: 260,
		fr: kbText{"Changer l'adresse e-mail du compte", `Dans **Réglages › Profil**, modifiez l'adresse e-mail puis confirmez avec votre mot de passe. Un lien de confirmation est envoyé à la nouvelle adresse : tant qu'il n'est pas ouvert, l'ancienne adresse reste active.

Les factures de votre abonnement sont envoyées à l'adresse de facturation, que vous changez séparément dans **Abonnement**.`, []string{"profil"}},
		en: kbText{"Change your account email address", `In **Settings › Profile**, edit the email address and confirm with your password. A confirmation link is sent to the new address: until it is opened, the old address stays active.

Your subscription invoices go to the billing address, which you change separately under **Subscription**.`, []string{"profile"}}},
	{key: "delete", category: "compte", helpful: 5, views: 190,
		fr: kbText{"Supprimer votre compte et vos données", `Seul un administrateur peut supprimer le compte, depuis **Réglages › Compte › Supprimer**. Exportez d'abord vos factures : la suppression est définitive après 30 jours.

Les factures émises doivent légalement être conservées dix ans : nous vous envoyons une archive complète avant la suppression.`, []string{"rgpd", "export"}},
		en: kbText{"Delete your account and data", `Only an admin can delete the account, from **Settings › Account › Delete**. Export your invoices first: deletion is final after 30 days.

Issued invoices must legally be kept for ten years: we send you a full archive before deletion.`, []string{"gdpr", "export"}}},
	{key: "charged-twice", category: "abonnement", helpful: 64, views: 2100,
		fr: kbText{"Facturé deux fois ?", `Si votre carte a été **débitée deux fois** pour le même mois, il s'agit le plus souvent d'une autorisation temporaire de votre banque : elle disparaît sous 3 à 5 jours ouvrés.

Si les deux prélèvements apparaissent encore après cinq jours, ouvrez **Abonnement › Historique** : un double paiement y est signalé et remboursé automatiquement. Sinon, écrivez-nous avec la date et le montant, nous remboursons le second débit.`, []string{"double prélèvement", "remboursement", "carte"}},
		en: kbText{"Charged twice?", `If your card was **charged twice** for the same month, it is most often a temporary authorisation from your bank: it disappears within 3 to 5 business days.

If both charges are still there after five days, open **Subscription › History**: a double payment is flagged there and refunded automatically. Otherwise, write to us with the date and amount and we refund the second charge.`, []string{"double charge", "refund", "card"}}},
	{key: "plan", category: "abonnement", helpful: 22, views: 900,
		fr: kbText{"Changer de formule ou résilier l'abonnement", `Dans **Abonnement › Formule**, choisissez une formule supérieure (effet immédiat, au prorata) ou inférieure (effet à la prochaine échéance).

Pour résilier, cliquez sur **Résilier l'abonnement** : votre compte reste utilisable jusqu'à la fin de la période payée, puis passe en lecture seule. Aucun frais de résiliation.`, []string{"résiliation", "formule", "tarifs"}},
		en: kbText{"Change plan or cancel your subscription", `In **Subscription › Plan**, choose a higher plan (effective at once, prorated) or a lower one (effective at the next renewal).

To cancel, click **Cancel subscription**: your account stays usable until the end of the paid period, then becomes read only. There is no cancellation fee.`, []string{"cancellation", "plan", "pricing"}}},
	{key: "card", category: "abonnement", helpful: 15, views: 640,
		fr: kbText{"Mettre à jour la carte bancaire", `Quand votre carte expire, l'abonnement ne peut plus être renouvelé. Dans **Abonnement › Moyen de paiement**, cliquez sur **Remplacer la carte** et saisissez la nouvelle. Votre banque peut demander une validation 3-D Secure.

Le paiement en échec est retenté automatiquement dans les 24 heures.`, []string{"carte", "expiration", "moyen de paiement"}},
		en: kbText{"Update your payment card", `When your card expires, the subscription cannot renew. In **Subscription › Payment method**, click **Replace card** and enter the new one. Your bank may ask for 3-D Secure validation.

The failed payment is retried automatically within 24 hours.`, []string{"card", "expiry", "payment method"}}},
	{key: "subscription-invoices", category: "abonnement", helpful: 20, views: 760,
		fr: kbText{"Télécharger les factures de votre abonnement", `Toutes les factures de votre abonnement Nuagique sont dans **Abonnement › Historique**. Cliquez sur une ligne pour télécharger le PDF, ou sur **Tout exporter** pour une archive ZIP de l'année.

Pour faire figurer votre numéro de TVA intracommunautaire, renseignez-le dans **Abonnement › Coordonnées** : il apparaît sur les factures suivantes.`, []string{"pdf", "tva", "historique"}},
		en: kbText{"Download your subscription invoices", `All your Nuagique subscription invoices are in **Subscription › History**. Click a line to download the PDF, or **Export all** for a ZIP archive of the year.

To show your VAT number, enter it in **Subscription › Billing details**: it appears on the following invoices.`, []string{"pdf", "vat", "history"}}},
	{key: "refund", category: "abonnement", helpful: 11, views: 520,
		fr: kbText{"Demander un remboursement", `Vous pouvez être remboursé intégralement dans les 14 jours suivant votre première souscription. Au-delà, les mois entamés ne sont pas remboursés, mais un passage à une formule inférieure prend effet à l'échéance.

Le remboursement arrive sur la carte utilisée sous 5 à 10 jours ouvrés.`, []string{"remboursement", "rétractation"}},
		en: kbText{"Request a refund", `You can get a full refund within 14 days of your first subscription. After that, started months are not refunded, but moving to a lower plan takes effect at renewal.

The refund reaches the card you paid with within 5 to 10 business days.`, []string{"refund", "withdrawal"}}},
	{key: "create-invoice", category: "factures", helpful: 38, views: 1800,
		fr: kbText{"Créer et envoyer une facture", `Cliquez sur **Nouvelle facture**, choisissez le client (ou créez-le), ajoutez les lignes : désignation, quantité, prix unitaire et taux de TVA. Nuagique calcule les totaux et numérote la facture dans l'ordre, sans trou, comme l'exige la loi.

Cliquez sur **Envoyer** : votre client reçoit un e-mail avec le PDF et un lien de paiement en ligne. Une facture envoyée ne peut plus être modifiée ; corrigez-la par un avoir.`, []string{"facture", "envoi", "numérotation"}},
		en: kbText{"Create and send an invoice", `Click **New invoice**, choose the customer (or create one) and add the lines: description, quantity, unit price and VAT rate. Nuagique computes the totals and numbers invoices in order, without gaps, as the law requires.

Click **Send**: your customer receives an email with the PDF and an online payment link. A sent invoice can no longer be edited; correct it with a credit note.`, []string{"invoice", "sending", "numbering"}}},
	{key: "credit-note", category: "factures", helpful: 14, views: 610,
		fr: kbText{"Corriger une facture envoyée avec un avoir", `Une facture envoyée ne se modifie pas et ne se supprime pas. Ouvrez-la et cliquez sur **Créer un avoir** : l'avoir annule tout ou partie de la facture, puis vous émettez une nouvelle facture correcte.

L'avoir est envoyé au client et apparaît dans vos exports comptables.`, []string{"avoir", "erreur", "annulation"}},
		en: kbText{"Correct a sent invoice with a credit note", `A sent invoice cannot be edited or deleted. Open it and click **Create credit note**: the credit note cancels all or part of the invoice, then you issue a new, correct invoice.

The credit note is sent to the customer and appears in your accounting exports.`, []string{"credit note", "mistake", "cancel"}}},
	{key: "template", category: "factures", helpful: 10, views: 450,
		fr: kbText{"Personnaliser le modèle de facture", `Dans **Réglages › Modèle de facture**, ajoutez votre logo, choisissez les couleurs et complétez les mentions légales : SIRET, forme juridique, capital, conditions de paiement et pénalités de retard.

L'aperçu se met à jour en direct ; le modèle s'applique aux factures créées ensuite.`, []string{"logo", "mentions légales", "modèle"}},
		en: kbText{"Customise your invoice template", `In **Settings › Invoice template**, add your logo, choose colours and complete the legal notices: company number, legal form, payment terms and late-payment penalties.

The preview updates live; the template applies to invoices created afterwards.`, []string{"logo", "legal notices", "template"}}},
	{key: "reminders", category: "factures", helpful: 27, views: 980,
		fr: kbText{"Relances automatiques des factures impayées", `Activez les relances dans **Réglages › Relances** : Nuagique écrit à votre client 3 jours avant l'échéance, le jour même, puis 7 et 15 jours après. Vous pouvez modifier chaque message.

Les relances s'arrêtent dès que la facture est réglée ou marquée payée.`, []string{"relance", "impayé", "retard"}},
		en: kbText{"Automatic reminders for unpaid invoices", `Turn reminders on in **Settings › Reminders**: Nuagique writes to your customer 3 days before the due date, on the day, then 7 and 15 days after. You can edit every message.

Reminders stop as soon as the invoice is paid or marked as paid.`, []string{"reminder", "unpaid", "overdue"}}},
	{key: "metered", category: "factures", helpful: 6, views: 210,
		fr: kbText{"Facturer à la consommation (électricité, eau, heures)", `Pour facturer une consommation relevée au compteur — électricité, eau, gaz — ou des heures passées, créez un article **à l'usage** avec son unité (kWh, m³, heure) et son prix unitaire.

À chaque relevé, saisissez l'index ou importez un fichier CSV : la facture reprend la quantité consommée sur la période.`, []string{"consommation", "compteur", "usage"}},
		en: kbText{"Usage-based billing (electricity, water, hours)", `To bill metered usage — electricity, water, gas — or hours worked, create a **usage-based** item with its unit (kWh, m³, hour) and unit price.

At each reading, enter the meter value or import a CSV file: the invoice bills the quantity used over the period.`, []string{"usage", "meter", "metered"}}},
	{key: "transfer-pending", category: "paiements", helpful: 33, views: 1400,
		fr: kbText{"Facture réglée par virement mais toujours « en attente »", `Un virement n'est rapproché automatiquement que si votre banque est connectée (voir *Connecter votre banque*) et si le libellé contient le numéro de facture.

Sinon, ouvrez la facture et cliquez sur **Marquer comme payée**, en indiquant la date et le montant reçu. Les relances s'arrêtent aussitôt.`, []string{"virement", "rapprochement", "en attente"}},
		en: kbText{"Invoice paid by bank transfer but still pending", `A transfer is matched automatically only if your bank is connected (see *Connect your bank*) and the payment reference contains the invoice number.

Otherwise, open the invoice and click **Mark as paid**, with the date and amount received. Reminders stop at once.`, []string{"bank transfer", "reconciliation", "pending"}}},
	{key: "sepa", category: "paiements", helpful: 16, views: 700,
		fr: kbText{"Mettre en place le prélèvement SEPA", `Le prélèvement SEPA permet d'encaisser vos clients automatiquement à chaque échéance. Activez-le dans **Paiements › Prélèvement**, puis envoyez le mandat à signer à votre client depuis sa fiche.

Une fois le mandat signé, chaque facture est prélevée à sa date d'échéance. Un client peut contester un prélèvement pendant huit semaines.`, []string{"prélèvement", "mandat", "sepa"}},
		en: kbText{"Set up SEPA Direct Debit", `SEPA Direct Debit collects your customers' payments automatically on each due date. Turn it on in **Payments › Direct Debit**, then send the mandate to your customer for signature from their page.

Once the mandate is signed, each invoice is debited on its due date. A customer can dispute a debit for eight weeks.`, []string{"direct debit", "mandate", "sepa"}}},
	{key: "declined", category: "paiements", helpful: 19, views: 820,
		fr: kbText{"Paiement refusé : que faire ?", `Quand le paiement en ligne d'un client est refusé, le motif apparaît sur la facture : fonds insuffisants, carte expirée, authentification 3-D Secure échouée ou blocage par la banque.

Le client peut réessayer depuis le même lien de paiement. Si le refus persiste, proposez-lui le virement ou le prélèvement SEPA.`, []string{"refus", "carte", "3-d secure"}},
		en: kbText{"Payment declined: what to do", `When a customer's online payment is declined, the reason shows on the invoice: insufficient funds, expired card, failed 3-D Secure authentication or a block by the bank.

The customer can try again from the same payment link. If it keeps failing, offer them bank transfer or SEPA Direct Debit.`, []string{"declined", "card", "3-d secure"}}},
	{key: "bank", category: "integrations", helpful: 21, views: 870,
		fr: kbText{"Connecter votre banque", `Dans **Intégrations › Banque**, choisissez votre banque et autorisez l'accès en lecture à vos relevés. Nuagique importe vos transactions chaque nuit et rapproche les virements reçus de vos factures.

L'autorisation doit être renouvelée tous les 180 jours, comme l'impose la directive DSP2 ; nous vous prévenons une semaine avant.`, []string{"banque", "synchronisation", "rapprochement"}},
		en: kbText{"Connect your bank", `In **Integrations › Bank**, choose your bank and grant read access to your statements. Nuagique imports your transactions every night and matches incoming transfers with your invoices.

The authorisation must be renewed every 180 days, as the PSD2 directive requires; we warn you a week before.`, []string{"bank", "sync", "reconciliation"}}},
	{key: "accounting", category: "integrations", helpful: 13, views: 540,
		fr: kbText{"Synchroniser avec votre logiciel comptable", `Nuagique exporte vos factures, avoirs et paiements vers votre logiciel comptable. Dans **Intégrations › Comptabilité**, choisissez votre logiciel ou l'export FEC, et associez vos comptes de TVA et de ventes.

La synchronisation tourne chaque nuit ; une facture modifiée par un avoir est exportée avec son avoir.`, []string{"comptabilité", "export", "fec"}},
		en: kbText{"Sync with your accounting software", `Nuagique exports your invoices, credit notes and payments to your accounting software. In **Integrations › Accounting**, choose your software or the FEC export, and map your VAT and sales accounts.

The sync runs every night; an invoice corrected by a credit note is exported with it.`, []string{"accounting", "export", "fec"}}},
	{key: "stripe", category: "integrations", helpful: 17, views: 690,
		fr: kbText{"Encaisser par carte avec Stripe ou PayPal", `Pour que vos clients paient vos factures par carte, connectez votre compte Stripe ou PayPal dans **Intégrations › Paiement en ligne**. Le lien de paiement apparaît alors sur chaque facture envoyée.

Les frais de transaction sont ceux de Stripe ou PayPal ; Nuagique n'ajoute aucune commission.`, []string{"stripe", "paypal", "paiement en ligne"}},
		en: kbText{"Accept card payments with Stripe or PayPal", `To let your customers pay your invoices by card, connect your Stripe or PayPal account in **Integrations › Online payment**. The payment link then shows on every invoice you send.

Transaction fees are Stripe's or PayPal's; Nuagique adds no commission.`, []string{"stripe", "paypal", "online payment"}}},
	{key: "api-key", category: "api", helpful: 24, views: 930,
		fr: kbText{"Créer une clé API", "Dans **Réglages › API**, cliquez sur **Nouvelle clé**, nommez-la et choisissez ses droits (lecture seule ou lecture et écriture). La clé n'est affichée qu'une fois : copiez-la dans votre gestionnaire de secrets.\n\nEnvoyez-la dans l'en-tête `Authorization: Bearer <clé>`. Une clé révoquée cesse de fonctionner immédiatement.", []string{"api", "clé", "authentification"}},
		en: kbText{"Create an API key", "In **Settings › API**, click **New key**, name it and choose its rights (read only, or read and write). The key is shown only once: copy it into your secrets manager.\n\nSend it in the `Authorization: Bearer <key>` header. A revoked key stops working at once.", []string{"api", "key", "authentication"}}},
	{key: "webhooks", category: "api", helpful: 15, views: 580,
		fr: kbText{"Webhooks : être prévenu des paiements", `Un webhook appelle votre serveur à chaque événement : facture envoyée, payée, en retard, paiement refusé. Déclarez l'adresse dans **Réglages › API › Webhooks** et choisissez les événements.

Chaque appel est signé (en-tête *Nuagique-Signature*) : vérifiez la signature avant de le traiter. En cas d'échec, l'appel est retenté pendant 24 heures.`, []string{"webhook", "événements", "signature"}},
		en: kbText{"Webhooks: get notified of payments", `A webhook calls your server on each event: invoice sent, paid, overdue, payment declined. Register the URL in **Settings › API › Webhooks** and choose the events.

Every call is signed (*Nuagique-Signature* header): check the signature before handling it. If your server fails, the call is retried for 24 hours.`, []string{"webhook", "events", "signature"}}},
	{key: "rate-limit", category: "api", helpful: 8, views: 330,
		fr: kbText{"Limites de requêtes de l'API (erreur 429)", `L'API accepte 100 requêtes par minute et par clé. Au-delà, elle répond **429 Too Many Requests** avec l'en-tête *Retry-After* : attendez ce nombre de secondes avant de réessayer.

Pour importer beaucoup de factures, utilisez l'import par lot plutôt qu'une requête par facture.`, []string{"api", "limite", "429"}},
		en: kbText{"API rate limits (error 429)", `The API accepts 100 requests per minute per key. Beyond that it answers **429 Too Many Requests** with a *Retry-After* header: wait that many seconds before trying again.

To import many invoices, use the batch import rather than one request per invoice.`, []string{"api", "rate limit", "429"}}},
	{key: "import-customers", category: "factures", helpful: 9, views: 400,
		fr: kbText{"Importer vos clients depuis un fichier", `Dans **Clients › Importer**, déposez un fichier CSV ou Excel. Associez chaque colonne à un champ (nom, e-mail, SIRET, adresse) ; les lignes en erreur sont listées sans bloquer les autres.

Un client déjà présent (même e-mail) est mis à jour, jamais dupliqué.`, []string{"import", "csv", "clients"}},
		en: kbText{"Import your customers from a file", `In **Customers › Import**, drop a CSV or Excel file. Map each column to a field (name, email, company number, address); lines with errors are listed without blocking the others.

A customer already there (same email) is updated, never duplicated.`, []string{"import", "csv", "customers"}}},
	{key: "internal-double-debit", category: "abonnement", internal: true, helpful: 0, views: 45,
		fr: kbText{"Procédure interne : rembourser un double prélèvement", `Vérifier dans la console de paiement (onglet **Litiges**) que les deux débits sont capturés, pas seulement autorisés. Rembourser le second depuis la console, puis noter la référence du remboursement dans le ticket.

Au-delà de 500 €, demander la validation de l'équipe Facturation (L2) avant de rembourser.`, []string{"procédure", "remboursement"}}},
}
