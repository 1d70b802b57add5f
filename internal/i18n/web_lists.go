package i18n

// Texts of the ticket list's refusals (API and web list alike).
func init() {
	register(Messages{
		"error.list_too_broad": {
			"No index serves this list with these filters and this order: add one of the filters {add}, or remove {drop}.",
			"Aucun index ne sert cette liste avec ces filtres et cet ordre : ajoutez l'un des filtres {add}, ou retirez {drop}."},
	})
}
