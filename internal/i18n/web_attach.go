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
	})
}
