package i18n

// Texts of the help box's chat and contact views, the callback request
// (the contact form's last rung), the Callbacks queue and the public rate
// limits.
func init() {
	register(map[string][2]string{
		"boxchat.chat_link":     {"Chat with us", "Discuter avec nous"},
		"boxchat.unavailable":   {"Nobody can chat right now. Leave us a message and we will answer you by email.", "Personne n'est disponible pour discuter en ce moment. Laissez-nous un message : nous vous répondrons par e-mail."},
		"boxchat.leave_message": {"Leave a message", "Laisser un message"},
		"boxchat.enabled":       {"Offer live chat to customers (in the help box, during business hours)", "Proposer la discussion en direct aux clients (dans la boîte d'aide, aux heures d'ouverture)"},

		"callback.title":              {"Rather be called back?", "Vous préférez être rappelé ?"},
		"callback.intro":              {"Leave your number and when to call you: an agent calls you back.", "Laissez votre numéro et le moment qui vous convient : un agent vous rappelle."},
		"callback.number":             {"Phone number", "Numéro de téléphone"},
		"callback.window":             {"When may we call?", "Quand pouvons-nous vous appeler ?"},
		"callback.window_placeholder": {"e.g. weekdays 14:00–17:00", "par ex. en semaine 14 h – 17 h"},
		"callback.submit":             {"Call me back", "Me rappeler"},
		"callback.sent_title":         {"We will call you back", "Nous vous rappellerons"},
		"callback.sent_text":          {"Your request is registered as {ref}. An agent will call you at the time you chose.", "Votre demande est enregistrée sous la référence {ref}. Un agent vous appellera au moment choisi."},
		"callback.admin_label":        {"Offer a callback request on the contact form", "Proposer une demande de rappel sur le formulaire de contact"},
		"call.callback_window_body":   {"The customer asks to be called back at {number}, {window}.", "Le client demande à être rappelé au {number}, {window}."},

		"callbacks.title":     {"Callbacks", "Rappels"},
		"callbacks.none":      {"No callback to make.", "Aucun rappel à faire."},
		"callbacks.number":    {"Number", "Numéro"},
		"callbacks.window":    {"When", "Quand"},
		"callbacks.requested": {"Requested", "Demandé"},
		"callbacks.ticket":    {"Request", "Demande"},
		"callbacks.hint":      {"Logging the call on the request closes it here.", "Consigner l'appel sur la demande la retire d'ici."},

		"event.callback_requested": {"{actor} asked to be called back at {number}, {window}", "{actor} demande à être rappelé au {number}, {window}"},

		"error.chat_unavailable": {"Live chat is not available right now; leave us a message instead.", "La discussion en direct n'est pas disponible pour le moment ; laissez-nous plutôt un message."},
		"error.callbacks_off":    {"Callback requests are not offered here.", "Les demandes de rappel ne sont pas proposées ici."},
	})
}
