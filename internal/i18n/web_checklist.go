package i18n

// Texts of the escalate form's checklist.
func init() {
	register(Messages{
		"escalate.attachment_provided": {"A file is attached to the ticket.", "Un fichier est joint au ticket."},
	})
}
