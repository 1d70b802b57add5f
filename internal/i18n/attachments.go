package i18n

// Attachment texts: errors of uploads and downloads, and the composer.
func init() {
	register(Messages{
		"error.attachment_too_large": {"The file {filename} is too large (limit {limit} per file); nothing was sent.", "Le fichier {filename} est trop volumineux (limite {limit} par fichier) ; rien n'a été envoyé."},
		"error.attachments_disabled": {"This server does not store attachments.", "Ce serveur ne conserve pas les pièces jointes."},
		"error.attachment_not_found": {"Attachment not found.", "Pièce jointe introuvable."},
		"error.bad_multipart":        {"Send a multipart/form-data body with one part \"message\" (the JSON body) and parts \"files\".", "Envoyez un corps multipart/form-data avec une partie « message » (le corps JSON) et des parties « files »."},
		"attachments.add":            {"Attach files", "Joindre des fichiers"},
		"attachments.drop":           {"or drop them here", "ou déposez-les ici"},
		"attachments.limits":         {"Up to {files} files, {size} each.", "Jusqu'à {files} fichiers, {size} chacun."},
		"attachments.title":          {"Attachments", "Pièces jointes"},
		"attachments.download":       {"Download {filename}", "Télécharger {filename}"},
		"attachments.too_many":       {"Too many files (maximum {max}); nothing was sent.", "Trop de fichiers (maximum {max}) ; rien n'a été envoyé."},
	})
}
