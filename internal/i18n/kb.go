package i18n

// Texts of the knowledge base.
func init() {
	register(Messages{
		"error.article_not_found": {"Article not found.", "Article introuvable."},
	})
}
