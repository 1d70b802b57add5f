package i18n

// Texts of the agents' article editor (/kb).
func init() {
	register(Messages{
		"nav.kb":              {"Knowledge base", "Base de connaissances"},
		"kb.title":            {"Knowledge base", "Base de connaissances"},
		"kb.new":              {"New article", "Nouvel article"},
		"kb.none":             {"No article yet.", "Aucun article pour l'instant."},
		"kb.open_help":        {"Open the help centre", "Ouvrir le centre d'aide"},
		"kb.back":             {"All articles", "Tous les articles"},
		"kb.view_public":      {"See it in the help centre", "Le voir dans le centre d'aide"},
		"kb.translate":        {"Write the other language's variant", "Écrire la version dans l'autre langue"},
		"kb.field_title":      {"Title", "Titre"},
		"kb.field_language":   {"Language", "Langue"},
		"kb.field_category":   {"Category", "Catégorie"},
		"kb.field_visibility": {"Visibility", "Visibilité"},
		"kb.field_status":     {"Status", "Statut"},
		"kb.field_tags":       {"Tags (comma-separated)", "Étiquettes (séparées par des virgules)"},
		"kb.field_body":       {"Text (Markdown)", "Texte (Markdown)"},
		"kb.save":             {"Save", "Enregistrer"},
		"kb.preview":          {"Preview", "Aperçu"},
		"kb.revisions":        {"Revisions", "Révisions"},
		"kb.revision":         {"Revision {n}", "Révision {n}"},
		"kb.helpful":          {"Helpful", "Utile"},
		"kb.views":            {"Views", "Vues"},
		"kb.public":           {"Public", "Public"},
		"kb.internal":         {"Internal (agents only)", "Interne (agents seulement)"},
		"kb.draft":            {"Draft", "Brouillon"},
		"kb.published":        {"Published", "Publié"},
		"kb.archived":         {"Archived", "Archivé"},
	})
}
