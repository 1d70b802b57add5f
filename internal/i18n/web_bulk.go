package i18n

// Texts of bulk actions on ticket lists.
func init() {
	register(Messages{
		"bulk.title":          {"Selected tickets", "Tickets sélectionnés"},
		"bulk.none":           {"(none: tick rows, shift-click for a range)", "(aucun : cochez des lignes, Maj+clic pour une plage)"},
		"bulk.some":           {"({n})", "({n})"},
		"bulk.select":         {"Select {ref}", "Sélectionner {ref}"},
		"bulk.select_all":     {"Select every ticket of this page", "Sélectionner tous les tickets de cette page"},
		"bulk.unchanged":      {"Unchanged", "Inchangé"},
		"bulk.add_tags":       {"Add tags", "Ajouter des étiquettes"},
		"bulk.reply":          {"Reply to each customer (optional)", "Répondre à chaque client (facultatif)"},
		"bulk.reply_hint":     {"Each customer gets it through their own channel, with the change above (e.g. solved).", "Chaque client la reçoit par son propre canal, avec le changement ci-dessus (par exemple résolu)."},
		"bulk.as_note":        {"Post it as an internal note instead", "La publier plutôt en note interne"},
		"bulk.apply":          {"Apply to the selected tickets", "Appliquer aux tickets sélectionnés"},
		"bulk.progress":       {"{done} of {total}", "{done} sur {total}"},
		"bulk.summary":        {"Done: {done}. Not done: {failed}.", "Faits : {done}. Non faits : {failed}."},
		"error.bulk_empty":    {"Choose a change or write a reply.", "Choisissez un changement ou rédigez une réponse."},
		"error.bulk_too_many": {"Too many tickets in one call (maximum {max}).", "Trop de tickets en un appel (maximum {max})."},
	})
}
