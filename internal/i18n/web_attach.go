package i18n

// Texts of attachment stores and limits, and of replies delivered to a
// connector's webhook.
func init() {
	register(Messages{
		// A reply's delivery to a connector's webhook, on the timeline
		// (the email states' counterpart).
		"connector.state.queued":       {"Queued for the channel's webhook", "En attente d'envoi au webhook du canal"},
		"connector.state.retrying":     {"Not delivered to the channel yet, will retry: {answer}", "Pas encore remis au canal, nouvel essai prévu : {answer}"},
		"connector.state.sent":         {"Delivered to the channel", "Remis au canal"},
		"connector.state.failed":       {"Not delivered to the channel: {answer}", "Non remis au canal : {answer}"},
		"error.delivery_not_failed":    {"Only a delivery that failed can be sent again.", "Seul un envoi en échec peut être renvoyé."},
		"error.delivery_retry_expired": {"This reply is too old to be sent again; write a new reply.", "Cette réponse est trop ancienne pour être renvoyée ; écrivez une nouvelle réponse."},
		// Attachment limits per workspace.
		"error.attachments_too_large": {"The files together are larger than {limit}, the limit per message; nothing was sent.", "Les fichiers dépassent ensemble {limit}, la limite par message ; rien n'a été envoyé."},
		"field.over_server_limit":     {"At most {max} on this server.", "Au plus {max} sur ce serveur."},
		"attachment.dropped.too_large": {"[Attachment not kept: “{filename}” ({size}) is larger than the limit of {limit} per file.]",
			"[Pièce jointe non conservée : « {filename} » ({size}) dépasse la limite de {limit} par fichier.]"},
		"attachment.dropped.too_many": {"[Attachment not kept: “{filename}” ({size}) is beyond the limit of {limit} files per message.]",
			"[Pièce jointe non conservée : « {filename} » ({size}) dépasse la limite de {limit} fichiers par message.]"},
		"attachment.dropped.total": {"[Attachment not kept: “{filename}” ({size}) would take the message's files over {limit} in all.]",
			"[Pièce jointe non conservée : « {filename} » ({size}) porterait les fichiers du message au-delà de {limit} au total.]"},
		"attachments.admin.title":     {"Attachments", "Pièces jointes"},
		"attachments.admin.intro":     {"Limits on the files that arrive with a message, from every channel: replies and notes, the API, the help centre, email (an email's files over the limits are left out and its message says which). Empty: the server's limit.", "Limites des fichiers qui accompagnent un message, quel que soit le canal : réponses et notes, API, centre d'aide, e-mail (les fichiers d'un e-mail au-delà des limites sont écartés et son message indique lesquels). Vide : la limite du serveur."},
		"attachments.admin.file_size": {"Largest file (MiB)", "Taille maximale d'un fichier (Mio)"},
		"attachments.admin.files":     {"Files per message", "Fichiers par message"},
		"attachments.admin.total":     {"All files of a message together (MiB)", "Total des fichiers d'un message (Mio)"},
		"attachments.admin.server":    {"Server: {value}", "Serveur : {value}"},
	})
}
