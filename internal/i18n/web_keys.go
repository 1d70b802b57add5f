package i18n

// Texts of the keyboard shortcuts list ("?").
func init() {
	register(Messages{
		"keys.title":     {"Keyboard shortcuts", "Raccourcis clavier"},
		"keys.close":     {"Close", "Fermer"},
		"keys.search":    {"Search tickets, customers and articles", "Rechercher tickets, clients et articles"},
		"keys.help":      {"Show or hide this list", "Afficher ou masquer cette liste"},
		"keys.next":      {"Next ticket (in a list, and on a ticket opened from one)", "Ticket suivant (dans une liste, et sur un ticket ouvert depuis une liste)"},
		"keys.previous":  {"Previous ticket", "Ticket précédent"},
		"keys.open":      {"Open the highlighted ticket", "Ouvrir le ticket sélectionné"},
		"keys.back":      {"Back to the list", "Retour à la liste"},
		"keys.reply":     {"Reply to the customer", "Répondre au client"},
		"keys.note":      {"Write an internal note", "Écrire une note interne"},
		"keys.macro":     {"Choose a macro", "Choisir une macro"},
		"keys.assign_me": {"Assign the ticket to me", "M'assigner le ticket"},
		"keys.escalate":  {"Open the hand-off to another tier (tiered tickets)", "Ouvrir la transmission à un autre niveau (tickets à niveaux)"},
		"keys.send":      {"Send the message", "Envoyer le message"},
	})
}
