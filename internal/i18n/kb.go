package i18n

// Texts of the knowledge base.
func init() {
	register(map[string][2]string{
		"error.article_not_found": {"Article not found.", "Article introuvable."},
	})
}
