package demo

// texts are what agents write, and what customers answer, in one language.
// Replies are framed by a greeting with the customer's first name and the
// agent's signature; notes are written in the author's language.
type texts struct {
	hello, bye string // fmt formats: the customer's first name; the agent's first name

	ask      map[string]string // by request type: first reply asking for details
	solution map[string]string // by request type: the answer that solves it
	confirm  string            // appended to a solution when the agent wants a confirmation

	waitEngineering, waitVendor string // replies putting a ticket on hold

	answers   map[string]string // by request type: the customer sends the details asked for
	answerAny []string          // the same, whatever the type
	chasers   []string          // the customer asks for news
	thanks    []string          // the customer confirms it works

	diagnosis map[string]string // by request type: the specialist's note
	expert    []string          // the platform engineer's note
	expertAsk string            // an expert needs more from the customer
	handoff   []string          // note: fmt with the next owner's first name
	swarmAsk  string            // note: fmt with the invited expert's first name
	swarmTips []string          // the invited engineer's note
	// For a swarming (integration) ticket: what the owner asks the
	// engineers on inviting them, and the answer, paired by index.
	swarmQuestions, swarmAnswers []string
	// by request type: a billing expert invited by the front line
	billingTip map[string]string
	vendor     []string // notes about PayBridge's answers
	topic      string   // the lead's note on the rising topic
}

var lang = map[string]texts{
	"fr": {
		hello: "Bonjour %s,\n\n",
		bye:   "\n\nBien cordialement,\n%s\nSupport Nuagique",
		ask: map[string]string{
			"billing":     "Merci pour votre message. Pour vérifier votre facturation, pourriez-vous me confirmer l'adresse e-mail du compte et, si possible, me joindre une copie de la facture concernée ?",
			"payment":     "Merci de nous avoir prévenus. Pouvez-vous m'indiquer la date exacte de l'opération et les quatre derniers chiffres du moyen de paiement utilisé ? Je vérifie ensuite auprès de notre prestataire de paiement.",
			"bug":         "Merci pour ce signalement précis. Pourriez-vous m'indiquer votre navigateur et sa version, et me joindre une capture d'écran ? Cela nous aidera à reproduire le problème.",
			"access":      "Nous sommes désolés pour ce blocage. Pour des raisons de sécurité, pouvez-vous me confirmer le nom de votre entreprise et la date approximative de votre dernière connexion réussie ?",
			"integration": "Merci pour ces détails. Pouvez-vous nous transmettre l'identifiant d'une requête en échec (en-tête X-Request-Id) et l'heure approximative de l'appel ? Nous pourrons la retrouver dans nos journaux.",
			"data_export": "Bien reçu. Pouvez-vous me préciser la période et les données concernées, ainsi que le format souhaité (CSV, Excel ou FEC) ?",
			"fraud":       "Merci de nous avoir alertés si vite : votre demande est traitée en priorité. Par précaution, ne cliquez sur aucun lien reçu et ne communiquez aucune coordonnée bancaire. Pouvez-vous nous transférer les références des opérations concernées ?",
			"how_to":      "Bonne question ! Pour vous répondre précisément, pouvez-vous me dire quelle formule vous utilisez et si vous passez par l'application web ou mobile ?",
		},
		solution: map[string]string{
			"billing":     "J'ai vérifié votre compte et corrigé la facturation : la facture concernée a été rééditée et un avoir a été émis pour la différence. Vous les trouverez dans Paramètres › Facturation ; un éventuel remboursement apparaîtra sous 5 à 7 jours ouvrés. Toutes nos excuses pour ce désagrément.",
			"payment":     "Le paiement est maintenant rapproché et la situation est régularisée. Si un montant vous a été prélevé à tort, le remboursement a été lancé aujourd'hui et apparaîtra sous 3 à 5 jours ouvrés selon votre banque.",
			"bug":         "Notre équipe technique a identifié la cause et déployé un correctif ce matin. Le problème ne devrait plus se produire ; si vous le constatez encore, répondez simplement à ce message avec une capture.",
			"access":      "Votre accès est rétabli : je vous ai envoyé un nouveau lien de connexion, valable une heure. Pensez à vérifier vos coordonnées de double authentification dans Paramètres › Sécurité une fois connecté.",
			"integration": "Le problème venait de notre côté : la configuration de votre point d'accès a été corrigée et les événements en attente ont été renvoyés. Vous pouvez suivre les livraisons dans Développeurs › Journal des webhooks.",
			"data_export": "Votre export est prêt : vous le trouverez dans Paramètres › Exports, disponible pendant sept jours. Pour les exports réguliers, vous pouvez aussi programmer un envoi automatique depuis le même écran.",
			"fraud":       "Nous avons sécurisé votre compte : les opérations suspectes sont bloquées, les versements sont suspendus jusqu'à votre confirmation et notre équipe a ouvert un dossier auprès de notre prestataire de paiement. Nous vous recommandons aussi de changer le mot de passe de tous les utilisateurs.",
			"how_to":      "C'est possible ! Tout se règle dans Paramètres › Facturation ; je vous envoie le lien vers l'article du centre d'aide qui montre chaque étape en captures d'écran.",
		},
		confirm:         "\n\nPouvez-vous me confirmer que tout est rentré dans l'ordre de votre côté ?",
		waitEngineering: "Votre demande a été transmise à notre équipe technique, qui analyse le problème. Je reviens vers vous dès que j'ai leur retour ; vous n'avez rien à faire d'ici là.",
		waitVendor:      "Nous avons ouvert un dossier auprès de notre prestataire de paiement, PayBridge, qui doit vérifier l'opération de son côté. Je vous tiens informé(e) dès que nous avons leur réponse.",
		answers: map[string]string{
			"billing":     "Voici la facture en pièce jointe ; le compte est bien celui de cette adresse e-mail. Merci de regarder rapidement, notre comptable attend.",
			"payment":     "L'opération date d'avant-hier, carte se terminant par 4417. Merci de vérifier rapidement.",
			"bug":         "J'utilise Chrome à jour sous Windows 11. Capture d'écran jointe : le problème est toujours là ce matin.",
			"access":      "L'entreprise est bien celle du compte ; ma dernière connexion réussie date de vendredi dernier.",
			"integration": "Voici un X-Request-Id en échec : req_8c41f0e2, vers 14 h 05 hier. Dites-moi s'il vous faut autre chose.",
			"data_export": "Il nous faut tout l'exercice en cours, au format CSV si possible.",
			"fraud":       "Je vous transfère les références des opérations. Nous n'avons cliqué sur aucun lien.",
			"how_to":      "Nous sommes en formule Pro et nous utilisons surtout l'application web.",
		},
		answerAny: []string{
			"Merci pour votre retour rapide. Voici les précisions demandées ; dites-moi s'il vous manque quelque chose.",
			"Voilà les éléments demandés. C'est assez bloquant pour nous, merci de faire au plus vite.",
		},
		chasers: []string{
			"Bonjour, avez-vous du nouveau ? Je n'ai toujours rien de mon côté.",
			"Je me permets de relancer : le problème persiste et nos clients s'impatientent.",
		},
		thanks: []string{
			"C'est bon, tout fonctionne à nouveau. Merci beaucoup !",
			"Parfait, c'est bien reçu. Bonne journée !",
			"Merci, c'est réglé de mon côté.",
			"Tout est rentré dans l'ordre, merci pour votre réactivité.",
		},
		diagnosis: map[string]string{
			"billing":     "Je prends. Cause trouvée : la commande a été validée deux fois lors du changement de formule. Avoir préparé, je relis avant envoi.",
			"payment":     "Je prends. Le paiement est bien arrivé chez PayBridge mais la notification n'a pas été rapprochée. Rapprochement manuel fait.",
			"bug":         "Reproduit sur un compte de test. Cela vient de la dernière mise en production ; ticket interne ouvert pour l'équipe plateforme.",
			"access":      "Le compte était bloqué par la règle anti-bruteforce après la migration des mots de passe. Déblocage fait, je surveille.",
			"integration": "Vu dans les journaux : le point d'accès du client répond en plus de 10 s, nos envois expirent. Je propose de renvoyer les événements une fois corrigé chez eux.",
			"data_export": "L'export échoue sur une facture avec un caractère invalide dans le libellé. Correction des données faite, export relancé.",
			"fraud":       "Dossier fraude ouvert. Versements suspendus, opérations signalées à PayBridge. Je garde la main sur ce ticket.",
			"how_to":      "Cas particulier mais faisable avec deux réglages combinés. Je rédige la réponse et je propose un article pour le centre d'aide.",
		},
		expert: []string{
			"Regardé côté plateforme : le traitement de nuit a tourné deux fois pour ce compte. Correctif en revue, déploiement prévu demain matin.",
			"Cause trouvée : une migration a laissé une valeur vide dans la configuration du compte. Corrigé en base, je vérifie qu'aucun autre compte n'est touché.",
			"Reproduit en préproduction. Régression introduite par la dernière version de l'API ; correctif prêt, en attente de déploiement.",
		},
		expertAsk: "Nos ingénieurs examinent votre demande et ont besoin d'une précision : le problème touche-t-il tous vos utilisateurs ou un seul compte, et depuis quand exactement ?",
		handoff: []string{
			"Je suis en congé à partir de demain, je passe le ticket à %s. Tout est dans l'historique.",
			"Réattribué à %s, qui suit déjà ce client.",
			"%s reprend ce ticket pendant ma formation ; le client attend une réponse aujourd'hui.",
		},
		swarmAsk: "%s, tu peux jeter un œil côté plateforme ? Je garde le contact avec le client.",
		swarmTips: []string{
			"Regardé côté plateforme : le traitement de nuit a bien tourné deux fois à 02:00 pour ce compte. Correctif en cours de revue, je vous tiens au courant.",
			"Rien d'anormal dans les journaux de l'API pour ce compte. Je pense plutôt à un problème de données : vérifie la facture d'origine.",
			"Cause identifiée : une migration a laissé une valeur vide dans la configuration du compte. Corrigé, vous pouvez relancer.",
		},
		swarmQuestions: []string{
			"Le client reçoit des erreurs sur ses appels depuis hier alors que sa clé et ses en-têtes sont bons ; le X-Request-Id en échec est dans le ticket. Vous voyez quelque chose côté plateforme ? Je garde le contact avec le client.",
			"Ses appels sont conformes à la documentation mais échouent quand même. Un changement récent côté API peut-il l'expliquer ? Je reste l'interlocuteur du client.",
			"Les événements n'arrivent plus chez le client et rien ne bouge dans son journal des webhooks. Pouvez-vous regarder la configuration de son point d'accès dans nos journaux de livraison ?",
		},
		swarmAnswers: []string{
			"Retrouvé la requête dans les journaux : la passerelle la rejette parce que la configuration du compte pointait encore vers l'ancien secret. Resynchronisée, et j'ai relancé les événements en attente : tu peux confirmer au client.",
			"Oui : le déploiement de mardi a durci la validation sur ce point d'accès et la configuration de ce compte n'avait pas été migrée. Corrigé pour lui, les envois en échec ont été rejoués.",
			"Vu : la livraison était suspendue après trop d'échecs, à cause d'une configuration erronée de son point d'accès chez nous. Corrigée, livraison réactivée et file renvoyée ; il verra tout dans Développeurs › Journal des webhooks.",
		},
		billingTip: map[string]string{
			"billing": "Regardé avec toi : la commande a été validée deux fois lors du changement de formule. Tu peux proposer un avoir au client, je le valide dans la foulée.",
			"payment": "Le paiement est bien arrivé chez PayBridge mais n'avait pas été rapproché. Je viens de le rapprocher à la main : tu peux répondre au client.",
		},
		vendor: []string{
			"Transmis à PayBridge avec les références des opérations. Ils confirment avoir reçu le dossier et répondent sous 48 h ouvrées.",
			"Retour de PayBridge : une remise SEPA a été rejouée par leur banque partenaire. Remboursements en cours de leur côté, on attend leur confirmation.",
		},
		topic: "Encore un cas de prélèvement en double, même schéma que les autres (remise SEPA rejouée). Je suis le sujet avec PayBridge ; si un cas similaire arrive sans le tag prelevement-double, ajoutez-le.",
	},
	"en": {
		hello: "Hello %s,\n\n",
		bye:   "\n\nKind regards,\n%s\nNuagique Support",
		ask: map[string]string{
			"billing":     "Thank you for your message. To check your billing, could you confirm the email address of the account and, if possible, attach a copy of the invoice in question?",
			"payment":     "Thanks for letting us know. Could you tell me the exact date of the transaction and the last four digits of the payment method used? I'll then check with our payment provider.",
			"bug":         "Thanks for the detailed report. Could you tell me which browser and version you use, and attach a screenshot? It will help us reproduce the problem.",
			"access":      "Sorry about the trouble. For security reasons, could you confirm your company name and roughly when you last signed in successfully?",
			"integration": "Thanks for the details. Could you send us the id of a failing request (the X-Request-Id header) and roughly when it was made? We'll find it in our logs.",
			"data_export": "Got it. Could you tell me the period and the data you need, and the format you'd like (CSV, Excel or accounting export)?",
			"fraud":       "Thank you for alerting us so quickly: your request is being handled as a priority. As a precaution, please don't click any links you received or share any bank details. Could you forward us the references of the transactions involved?",
			"how_to":      "Good question! So I can answer precisely, which plan are you on, and do you use the web or the mobile app?",
		},
		solution: map[string]string{
			"billing":     "I've checked your account and corrected the billing: the invoice has been reissued and a credit note issued for the difference. You'll find both under Settings › Billing; any refund will show within 5 to 7 working days. Our apologies for the inconvenience.",
			"payment":     "The payment is now reconciled and everything is back in order. If you were charged in error, the refund was started today and will show within 3 to 5 working days depending on your bank.",
			"bug":         "Our engineers found the cause and deployed a fix this morning. It should not happen again; if you still see it, just reply to this message with a screenshot.",
			"access":      "Your access is restored: I've sent you a new sign-in link, valid for one hour. Once signed in, please check your two-factor details under Settings › Security.",
			"integration": "The problem was on our side: your endpoint configuration has been fixed and the pending events have been sent again. You can follow deliveries under Developers › Webhook log.",
			"data_export": "Your export is ready under Settings › Exports and stays available for seven days. For regular exports, you can schedule them from the same page.",
			"fraud":       "We've secured your account: the suspicious transactions are blocked, payouts are paused until you confirm, and our team has opened a case with our payment provider. We also recommend that every user changes their password.",
			"how_to":      "Yes, that's possible! It's all under Settings › Billing; here's the help centre article that walks through each step with screenshots.",
		},
		confirm:         "\n\nCould you confirm that everything is back to normal on your side?",
		waitEngineering: "Your request has been passed to our engineering team, who are looking into it. I'll get back to you as soon as I hear from them; there's nothing you need to do meanwhile.",
		waitVendor:      "We've opened a case with our payment provider, PayBridge, who need to check the transaction on their side. I'll keep you posted as soon as we hear back.",
		answers: map[string]string{
			"billing":     "Invoice attached; yes, the account uses this email address. Please have a look soon, our finance team is waiting.",
			"payment":     "It was the day before yesterday, card ending in 0925. Please check quickly.",
			"bug":         "Up-to-date Chrome on macOS. Screenshot attached: it's still happening this morning.",
			"access":      "Yes, that's our company; my last successful sign-in was last Friday.",
			"integration": "Here's a failing X-Request-Id: req_51d9a7c3, around 2:05 pm yesterday. Let me know if you need more.",
			"data_export": "We need the whole current financial year, as CSV if possible.",
			"fraud":       "Forwarding the transaction references now. Nobody here clicked any link.",
			"how_to":      "We're on the Pro plan and mostly use the web app.",
		},
		answerAny: []string{
			"Thanks for the quick reply. Here are the details you asked for; let me know if anything is missing.",
			"Here's what you asked for. This is blocking us, so the sooner the better.",
		},
		chasers: []string{
			"Hello, any news? Nothing has changed on my side.",
			"Just following up: the problem is still there and our clients are getting impatient.",
		},
		thanks: []string{
			"All good, everything works again. Thanks a lot!",
			"Perfect, received. Have a nice day!",
			"Thanks, it's sorted on my side.",
			"Everything is back to normal, thanks for the quick help.",
		},
		diagnosis: map[string]string{
			"billing":     "Taking this. Root cause: the order was confirmed twice during the plan change. Credit note drafted, reviewing before sending.",
			"payment":     "Taking this. The payment reached PayBridge but the notification was never matched. Reconciled by hand.",
			"bug":         "Reproduced on a test account. It comes from the last release; internal ticket opened for platform.",
			"access":      "The account was caught by the brute-force rule after the password migration. Unlocked, keeping an eye on it.",
			"integration": "Seen in the logs: the customer's endpoint takes over 10 s to answer, so our deliveries time out. Suggest replaying the events once they've fixed it.",
			"data_export": "The export fails on one invoice with an invalid character in its label. Data fixed, export restarted.",
			"fraud":       "Fraud case opened. Payouts paused, transactions reported to PayBridge. I'm keeping this one.",
			"how_to":      "Unusual but doable by combining two settings. Writing the answer and suggesting a help centre article.",
		},
		expert: []string{
			"Checked the platform: the nightly job ran twice for this account. Fix in review, deploying tomorrow morning.",
			"Root cause: a migration left an empty value in the account configuration. Fixed in the database; checking no other account is affected.",
			"Reproduced on staging. Regression from the last API release; fix ready, waiting for deployment.",
		},
		expertAsk: "Our engineers are looking into your request and need one more detail: does the problem affect all your users or a single account, and since when exactly?",
		handoff: []string{
			"I'm off from tomorrow, handing this over to %s. Everything is in the timeline.",
			"Reassigned to %s, who already looks after this customer.",
		},
		swarmAsk: "%s, could you have a look on the platform side? I'm staying the customer's contact.",
		swarmTips: []string{
			"Checked the platform: the nightly job ran twice at 02:00 for this account. Fix in review, will keep you posted.",
			"Nothing unusual in the API logs for this account. Looks like a data problem: check the original invoice.",
			"Found it: a migration left an empty value in the account configuration. Fixed, you can retry.",
		},
		swarmQuestions: []string{
			"The customer's calls have been failing since yesterday although their key and headers are right; the failing X-Request-Id is in the ticket. Do you see anything on the platform side? I'm staying the customer's contact.",
			"Their calls match the docs but still fail. Could a recent API change explain it? I'm keeping the customer.",
			"Events no longer reach the customer and nothing shows in their webhook log. Could you check their endpoint configuration in our delivery logs?",
		},
		swarmAnswers: []string{
			"Found the request in the logs: the gateway rejects it because the account's configuration still pointed at the old secret. Resynced it and replayed the pending events: you can confirm to the customer.",
			"Yes: Tuesday's deployment tightened validation on that endpoint and this account's configuration hadn't been migrated. Fixed for them, and the failed deliveries have been replayed.",
			"Seen it: delivery was suspended after too many failures, caused by a wrong endpoint configuration on our side. Fixed, delivery re-enabled and the queue sent again; they'll see it all under Developers › Webhook log.",
		},
		billingTip: map[string]string{
			"billing": "Had a look with you: the order was confirmed twice during the plan change. Offer the customer a credit note, I'll approve it straight away.",
			"payment": "The payment did reach PayBridge but was never matched. I've reconciled it by hand: you can answer the customer.",
		},
		vendor: []string{
			"Sent to PayBridge with the transaction references. They confirm receipt and will answer within two working days.",
			"PayBridge's answer: their partner bank replayed a SEPA batch. Refunds are under way on their side; waiting for confirmation.",
		},
		topic: "Another duplicate direct debit, same pattern as the others (replayed SEPA batch). I'm following it up with PayBridge; if a similar case comes in without the prelevement-double tag, please add it.",
	},
}
