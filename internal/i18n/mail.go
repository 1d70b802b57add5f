package i18n

// Texts of the email channel: what the desk writes in mail it sends, and
// what it records for mail that lacks a part.
func init() {
	register(Messages{
		"mail.no_subject":     {"(no subject)", "(sans objet)"},
		"mail.no_text":        {"(the message has no text)", "(le message ne contient pas de texte)"},
		"mail.state.queued":   {"Email queued for sending", "E-mail en attente d'envoi"},
		"mail.state.retrying": {"Email not sent yet, will retry: {answer}", "E-mail pas encore envoyé, nouvel essai prévu : {answer}"},
		"mail.state.sent":     {"Emailed to the customer", "Envoyé par e-mail au client"},
		"mail.state.failed":   {"Email not delivered: {answer}", "E-mail non remis : {answer}"},
		"mail.vendor.subject": {"{ref} Escalated to you: {subject}", "{ref} Transfert à votre support : {subject}"},
		"mail.reply.footer":   {"Your request {ref}: reply to this email to add to it.", "Votre demande {ref} : répondez à ce message pour la compléter."},
	})
}
