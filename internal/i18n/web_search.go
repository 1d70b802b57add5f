package i18n

// Texts of the search box and its results page (/search).
func init() {
	register(Messages{
		"search.title":               {"Search", "Recherche"},
		"search.label":               {"Search tickets and customers", "Rechercher des tickets et des clients"},
		"search.placeholder":         {"Search: #1042, an email, words…  ( / )", "Rechercher : #1042, un e-mail, des mots…  ( / )"},
		"search.submit":              {"Search", "Rechercher"},
		"search.none":                {"No ticket you can read matches these words.", "Aucun ticket que vous pouvez lire ne contient ces mots."},
		"search.customer_none":       {"No customer has this email address.", "Aucun client n'a cette adresse e-mail."},
		"search.customer_no_tickets": {"No ticket of this customer that you can read.", "Aucun ticket de ce client que vous pouvez lire."},
		"search.hint": {"Type a ticket reference (#1042) to open it, an email address to find a customer, or words to search subjects, messages and internal notes. Press / anywhere to search.",
			"Tapez une référence (#1042) pour ouvrir le ticket, une adresse e-mail pour trouver un client, ou des mots pour chercher dans les sujets, les messages et les notes internes. Appuyez sur / n'importe où pour chercher."},
		"search.from":                  {"Created from", "Créé à partir du"},
		"search.to":                    {"Created until", "Créé jusqu'au"},
		"search.kind.customer_message": {"Customer", "Client"},
		"search.kind.agent_reply":      {"Reply", "Réponse"},
		"search.kind.internal_note":    {"Internal note", "Note interne"},
	})
}
