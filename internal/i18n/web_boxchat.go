package i18n

// Texts of the help box's chat and contact views, the callback request
// (the contact form's last rung), the Callbacks queue and the public rate
// limits.
func init() {
	register(Messages{
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

		"boxdemo.title":   {"Nuagique — your invoices (a demo page)", "Nuagique — vos factures (page de démonstration)"},
		"boxdemo.intro":   {"This page stands for the customer company's own site: the Help button at the bottom right is Palier's help box, with articles for this page, search, the assistant, live chat and the contact form.", "Cette page joue le rôle du site de l'entreprise cliente : le bouton Aide en bas à droite est la boîte d'aide de Palier, avec les articles de cette page, la recherche, l'assistant, la discussion en direct et le formulaire de contact."},
		"boxdemo.snippet": {"A site adds the box with one tag (its origin must be allowed in Administration → Help box):", "Un site ajoute la boîte avec une seule balise (son origine doit être autorisée dans Administration → Boîte d'aide) :"},

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
