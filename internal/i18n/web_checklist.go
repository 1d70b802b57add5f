package i18n

// Texts of the escalate form's checklist.
func init() {
	register(map[string][2]string{
		"escalate.attachment_provided": {"A file is attached to the ticket.", "Un fichier est joint au ticket."},
	})
}
