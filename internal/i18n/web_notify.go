package i18n

// Texts of notifications (the centre in the top bar, their emails and
// preferences), live updates and presence on the ticket page.
func init() {
	register(Messages{
		"notify.title":         {"Notifications", "Notifications"},
		"notify.open":          {"Notifications ({n} unread)", "Notifications ({n} non lues)"},
		"notify.mark_all":      {"Mark all as read", "Tout marquer comme lu"},
		"notify.empty":         {"Nothing new.", "Rien de nouveau."},
		"notify.unread":        {"Unread", "Non lue"},
		"notify.actor.nobody":  {"Palier", "Palier"},
		"notify.mail.subject":  {"{text}: {subject}", "{text} : {subject}"},
		"notify.mail.footer":   {"You receive this email because of your notification settings in Palier. Open the ticket in Palier to answer it; do not reply to this email.", "Vous recevez ce message selon vos préférences de notification dans Palier. Ouvrez le ticket dans Palier pour y répondre ; ne répondez pas à ce message."},
		"notify.prefs.title":   {"Notifications", "Notifications"},
		"notify.prefs.intro":   {"Choose what you are told about, in the app and by email.", "Choisissez ce dont vous êtes averti, dans l'application et par e-mail."},
		"notify.prefs.kind":    {"Event", "Événement"},
		"notify.prefs.in_app":  {"In the app", "Dans l'application"},
		"notify.prefs.email":   {"By email", "Par e-mail"},
		"notify.prefs.save":    {"Save notification settings", "Enregistrer les préférences de notification"},
		"notify.prefs.saved":   {"Notification settings saved.", "Préférences de notification enregistrées."},
		"notify.settings.link": {"Settings", "Paramètres"},

		"notify.kind.assigned":         {"A ticket is assigned to me", "Un ticket m'est attribué"},
		"notify.kind.handoff_received": {"My tier or team receives a hand-off", "Mon niveau ou mon équipe reçoit un ticket transmis"},
		"notify.kind.swarm_invited":    {"I am invited to a swarm", "Je suis invité·e à un essaim"},
		"notify.kind.mentioned":        {"I am @mentioned in an internal note", "Je suis @mentionné·e dans une note interne"},
		"notify.kind.customer_replied": {"The customer answers my ticket", "Le client répond à mon ticket"},
		"notify.kind.handoff_solved":   {"A ticket I handed off is solved", "Un ticket que j'ai transmis est résolu"},
		"notify.kind.handoff_returned": {"A ticket I handed off comes back to my tier", "Un ticket que j'ai transmis revient à mon niveau"},

		"notify.text.assigned":         {"{actor} assigned {ref} to you", "{actor} vous a attribué {ref}"},
		"notify.text.handoff_received": {"{actor} handed {ref} to your tier", "{actor} a transmis {ref} à votre niveau"},
		"notify.text.swarm_invited":    {"{actor} invited you to help on {ref}", "{actor} vous a invité·e à aider sur {ref}"},
		"notify.text.mentioned":        {"{actor} mentioned you on {ref}", "{actor} vous a mentionné·e sur {ref}"},
		"notify.text.customer_replied": {"The customer answered {ref}", "Le client a répondu sur {ref}"},
		"notify.text.handoff_solved":   {"{ref}, which you handed off, was solved by {actor}", "{ref}, que vous avez transmis, a été résolu par {actor}"},
		"notify.text.handoff_returned": {"{ref}, which you handed off, came back to your tier ({actor})", "{ref}, que vous avez transmis, est revenu à votre niveau ({actor})"},

		"live.viewing.one":    {"{name} is viewing", "{name} consulte ce ticket"},
		"live.replying.one":   {"{name} is replying", "{name} est en train de répondre"},
		"live.changed":        {"Someone else posted on this ticket since you opened it. Read it before sending?", "Quelqu'un d'autre a écrit sur ce ticket depuis que vous l'avez ouvert. Le lire avant d'envoyer ?"},
		"live.send_anyway":    {"Send anyway", "Envoyer quand même"},
		"mention.suggestions": {"People to mention", "Personnes à mentionner"},
	})
}
