package i18n

// Texts of Level 0's third session: articles written from a ticket.
func init() {
	register(Messages{
		"kb.from_ticket.untitled": {"Untitled article", "Article sans titre"},
		"kb.from_ticket.question": {"Question", "Question"},
		"kb.from_ticket.answer":   {"Answer", "Réponse"},
		"kb.from_ticket.email":    {"[email address]", "[adresse e-mail]"},
		"kb.from_ticket.phone":    {"[phone number]", "[numéro de téléphone]"},
		"kb.from_ticket.customer": {"[customer]", "[client]"},
		"kb.from_ticket.button":   {"Create an article from this ticket", "Créer un article à partir de ce ticket"},
		"kb.from_ticket.source":   {"Written from ticket {ref}: review it, remove anything personal, then save.", "Rédigé à partir du ticket {ref} : relisez-le, retirez tout élément personnel, puis enregistrez."},
		"error.ticket_not_solved": {"Only a solved or closed ticket can become an article: its answer is not known yet.", "Seul un ticket résolu ou clos peut devenir un article : sa réponse n'est pas encore connue."},
	})
}
