package i18n

// Texts of merging, splitting and linking tickets (desk/merge.go,
// web/ticket_links.go).
func init() {
	register(map[string][2]string{
		// The one reply a customer gets when their tickets are merged.
		"merge.notice_one": {"Hello,\n\nYour request {sources} is about the same thing as {target}: we have merged them so that you have one conversation with us. We continue here; you do not need to do anything.",
			"Bonjour,\n\nVotre demande {sources} porte sur le même sujet que {target} : nous les avons réunies pour que vous n'ayez qu'une conversation avec nous. Nous poursuivons ici ; vous n'avez rien à faire."},
		"merge.notice_many": {"Hello,\n\nYour requests {sources} are about the same thing as {target}: we have merged them so that you have one conversation with us. We continue here; you do not need to do anything.",
			"Bonjour,\n\nVos demandes {sources} portent sur le même sujet que {target} : nous les avons réunies pour que vous n'ayez qu'une conversation avec nous. Nous poursuivons ici ; vous n'avez rien à faire."},

		"error.merge_into_itself":          {"A ticket cannot be merged into itself.", "Un ticket ne peut pas être fusionné avec lui-même."},
		"error.already_merged":             {"This ticket was already merged into another.", "Ce ticket a déjà été fusionné dans un autre."},
		"error.merge_other_customer":       {"Only tickets of the same customer or of the same organisation can be merged.", "Seuls les tickets d'un même client ou d'une même organisation peuvent être fusionnés."},
		"error.nothing_to_merge":           {"Choose the tickets to merge.", "Choisissez les tickets à fusionner."},
		"error.link_to_itself":             {"A ticket cannot be linked to itself.", "Un ticket ne peut pas être lié à lui-même."},
		"error.already_linked":             {"These tickets are already linked.", "Ces tickets sont déjà liés."},
		"error.already_has_parent":         {"This ticket already has a parent.", "Ce ticket a déjà un parent."},
		"error.link_cycle":                 {"A ticket cannot be the parent of one of its own parents.", "Un ticket ne peut pas être le parent de l'un de ses propres parents."},
		"error.link_not_found":             {"These tickets are not linked.", "Ces tickets ne sont pas liés."},
		"error.split_not_customer_message": {"Only a customer's message can be split into a new ticket.", "Seul un message du client peut être séparé dans un nouveau ticket."},
		"error.already_split":              {"This message was already split into a new ticket.", "Ce message a déjà été séparé dans un nouveau ticket."},
		"field.exclusive":                  {"Give sources or into, not both.", "Indiquez sources ou into, pas les deux."},
		"error.message_not_found":          {"Message not found.", "Message introuvable."},
	})
}
