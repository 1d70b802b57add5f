package i18n

// Texts of the public help centre (/help).
func init() {
	register(Messages{
		"help.title":              {"Help centre", "Centre d'aide"},
		"help.search_label":       {"Search the help centre", "Rechercher dans le centre d'aide"},
		"help.search_placeholder": {"e.g. charged twice", "ex. facturé deux fois"},
		"help.search":             {"Search", "Rechercher"},
		"help.results":            {"Search results", "Résultats de la recherche"},
		"help.no_results":         {"No article matches. Try other words.", "Aucun article ne correspond. Essayez d'autres mots."},
		"help.other_language":     {"Nothing in English matches; these articles in French do.", "Aucun article en français ne correspond ; ces articles en anglais, oui."},
		"help.empty":              {"No article has been published yet.", "Aucun article n'est encore publié."},
		"help.other":              {"Other articles", "Autres articles"},
		"help.vote_question":      {"Was this helpful?", "Cet article vous a-t-il aidé ?"},
		"help.vote_yes":           {"Yes", "Oui"},
		"help.vote_no":            {"No", "Non"},
		"help.vote_thanks":        {"Thank you for your answer.", "Merci pour votre réponse."},
		"help.related":            {"Related articles", "Articles liés"},
	})
}
