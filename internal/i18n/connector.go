package i18n

// Texts of the generic channel API (package connector).
func init() {
	register(Messages{
		"connector.private_reply": {
			"We have answered you privately, since your request contains personal information. Please check your email or your customer space.",
			"Nous vous avons répondu en privé, car votre demande contient des informations personnelles. Consultez vos e-mails ou votre espace client.",
		},
		"connector.no_subject": {"Message from {channel}", "Message reçu via {channel}"},
	})
}

// Errors of the channel API and its admin.
func init() {
	register(Messages{
		"error.connector_not_found": {"Channel connector not found.", "Connecteur de canal introuvable."},
		"error.bad_signature":       {"Unknown channel or bad signature.", "Canal inconnu ou signature incorrecte."},
		"error.stale_signature":     {"The signature's time is more than 5 minutes from ours: check the sender's clock.", "L'heure de la signature s'écarte de plus de 5 minutes de la nôtre : vérifiez l'horloge de l'expéditeur."},
		"error.unsigned":            {"Sign the request with the X-Palier-Signature header.", "Signez la requête avec l'en-tête X-Palier-Signature."},
		"error.connector_inactive":  {"This channel is turned off.", "Ce canal est désactivé."},
		"error.connector_key_taken": {"This connector key is already in use.", "Cette clé de connecteur est déjà utilisée."},
		"error.delivery_not_found":  {"Delivery not found.", "Envoi introuvable."},
		"field.bad_url":             {"This must be an http or https address without credentials.", "Il faut une adresse http ou https sans identifiants."},
	})
}
