package i18n

// Texts of the generic channel API (package connector), its errors and
// its admin page.
func init() {
	register(Messages{
		"connector.private_reply": {
			"We have answered you privately, since your request contains personal information. Please check your email or your customer space.",
			"Nous vous avons répondu en privé, car votre demande contient des informations personnelles. Consultez vos e-mails ou votre espace client.",
		},
		"connector.no_subject": {"Message from {channel}", "Message reçu via {channel}"},
		// Errors of the channel API and its admin.
		"error.connector_not_found": {"Channel connector not found.", "Connecteur de canal introuvable."},
		"error.bad_signature":       {"Unknown channel or bad signature.", "Canal inconnu ou signature incorrecte."},
		"error.stale_signature":     {"The signature's time is more than 5 minutes from ours: check the sender's clock.", "L'heure de la signature s'écarte de plus de 5 minutes de la nôtre : vérifiez l'horloge de l'expéditeur."},
		"error.unsigned":            {"Sign the request with the X-Palier-Signature header.", "Signez la requête avec l'en-tête X-Palier-Signature."},
		"error.connector_inactive":  {"This channel is turned off.", "Ce canal est désactivé."},
		"error.connector_key_taken": {"This connector key is already in use.", "Cette clé de connecteur est déjà utilisée."},
		"error.delivery_not_found":  {"Delivery not found.", "Envoi introuvable."},
		"field.bad_url":             {"This must be an http or https address without credentials.", "Il faut une adresse http ou https sans identifiants."},
		// The admin page of connectors.
		"connectors.title":        {"Channel connectors", "Connecteurs de canaux"},
		"connectors.intro":        {"A connector lets a social network, a messenger or a partner's system post customer messages to Palier (signed with its secret) and receive the agents' public replies at its webhook.", "Un connecteur permet à un réseau social, une messagerie ou le système d'un partenaire de transmettre les messages des clients à Palier (signés avec son secret) et de recevoir les réponses publiques des agents sur son webhook."},
		"connectors.secret":       {"Copy the signing secret now: it will not be shown again.", "Copiez le secret de signature maintenant : il ne sera plus affiché."},
		"connectors.secret_label": {"Signing secret", "Secret de signature"},
		"connectors.url":          {"Address to post to", "Adresse de dépôt"},
		"connectors.name":         {"Name", "Nom"},
		"connectors.webhook":      {"Webhook for replies", "Webhook des réponses"},
		"connectors.webhook_hint": {"Agents' public replies are POSTed here, signed. Leave empty to keep replies in Palier.", "Les réponses publiques des agents y sont envoyées (POST), signées. Laissez vide pour les garder dans Palier."},
		"connectors.no_webhook":   {"none: replies stay in Palier", "aucun : les réponses restent dans Palier"},
		"connectors.public":       {"public", "public"},
		"connectors.public_hint":  {"Posts are public (a social wall): a reply on a sensitive ticket only says the answer was given privately", "Les messages sont publics (un mur de réseau social) : une réponse à un ticket sensible dit seulement que la réponse a été donnée en privé"},
		"connectors.state":        {"State", "État"},
		"connectors.on":           {"on", "actif"},
		"connectors.off":          {"off", "désactivé"},
		"connectors.edit":         {"Change", "Modifier"},
		"connectors.none":         {"No connector yet.", "Aucun connecteur pour l'instant."},
		"connectors.new":          {"New connector", "Nouveau connecteur"},
		"connectors.create":       {"Create the connector", "Créer le connecteur"},
	})
}
