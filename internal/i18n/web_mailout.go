package i18n

// Texts of outgoing mail: the admin page of the workspace's SMTP relay
// (/admin/smtp), its test message, and the agent's signature
// (/settings/signature).
func init() {
	register(Messages{
		"admin.smtp":               {"Outgoing mail", "Envoi des e-mails"},
		"smtp.intro":               {"Replies, notifications and vendor hand-offs of this workspace are sent through this SMTP server. Without it, the server's relay is used, if it has one.", "Les réponses, notifications et transmissions aux prestataires de cet espace partent par ce serveur SMTP. Sans lui, le relais du serveur est utilisé s'il en a un."},
		"smtp.disabled":            {"The relay cannot be set up: the server has no secret key to protect its password.", "Impossible de configurer le relais : le serveur n'a pas de clé secrète pour protéger son mot de passe."},
		"smtp.none":                {"No relay of this workspace: mail goes through the server's relay, if any.", "Aucun relais pour cet espace : les e-mails partent par le relais du serveur s'il en a un."},
		"smtp.current":             {"Mail leaves through {host}:{port}.", "Les e-mails partent par {host}:{port}."},
		"smtp.host":                {"SMTP server", "Serveur SMTP"},
		"smtp.port":                {"Port", "Port"},
		"smtp.tls":                 {"Encryption", "Chiffrement"},
		"smtp.tls.tls":             {"Implicit TLS (port 465)", "TLS implicite (port 465)"},
		"smtp.tls.starttls":        {"STARTTLS required (port 587)", "STARTTLS obligatoire (port 587)"},
		"smtp.tls.none":            {"None (a relay on this machine only)", "Aucun (relais sur cette machine uniquement)"},
		"smtp.username":            {"User name", "Identifiant"},
		"smtp.password":            {"Password", "Mot de passe"},
		"smtp.password_kept":       {"A password is saved. Leave empty to keep it.", "Un mot de passe est enregistré. Laissez vide pour le garder."},
		"smtp.from_address":        {"Sender address", "Adresse d'expédition"},
		"smtp.from_name":           {"Sender name", "Nom d'expéditeur"},
		"smtp.save":                {"Save", "Enregistrer"},
		"smtp.delete":              {"Remove this relay", "Supprimer ce relais"},
		"smtp.done_saved":          {"The relay is saved.", "Le relais est enregistré."},
		"smtp.done_deleted":        {"The relay is removed.", "Le relais est supprimé."},
		"smtp.test_title":          {"Send a test message", "Envoyer un message d'essai"},
		"smtp.test_to":             {"Send to", "Envoyer à"},
		"smtp.test_send":           {"Send the test message", "Envoyer le message d'essai"},
		"smtp.test_sent":           {"The server accepted the test message for {to}.", "Le serveur a accepté le message d'essai pour {to}."},
		"smtp.test_failed":         {"The server refused the test message. Its answer:", "Le serveur a refusé le message d'essai. Sa réponse :"},
		"field.tls_required":       {"Without TLS, only a relay on this machine (localhost) may be used.", "Sans TLS, seul un relais sur cette machine (localhost) est permis."},
		"error.secrets_disabled":   {"The server has no secret key to protect passwords.", "Le serveur n'a pas de clé secrète pour protéger les mots de passe."},
		"error.smtp_relay_missing": {"Save the relay's settings before testing them.", "Enregistrez les réglages du relais avant de les essayer."},
		"error.mail_disabled":      {"This server does not send mail.", "Ce serveur n'envoie pas d'e-mails."},
		"mail.test.subject":        {"Palier: test message", "Palier : message d'essai"},
		"mail.test.body":           {"This test message was sent by Palier through {host}. Outgoing mail works.", "Ce message d'essai a été envoyé par Palier via {host}. L'envoi des e-mails fonctionne."},
		"signature.title":          {"My signature", "Ma signature"},
		"signature.intro":          {"Added under your public replies sent by email. Plain text; leave empty for none.", "Ajoutée sous vos réponses publiques envoyées par e-mail. Texte brut ; laissez vide pour ne rien ajouter."},
		"signature.label":          {"Signature", "Signature"},
		"signature.save":           {"Save", "Enregistrer"},
		"signature.saved":          {"Your signature is saved.", "Votre signature est enregistrée."},
	})
}
