package i18n

// Texts of the loose ends of merging (issue 12): a merged ticket refusing
// changes, the customer merge over the API.
func init() {
	register(map[string][2]string{
		"error.ticket_merged": {"This ticket was merged into another ticket: continue on that one.",
			"Ce ticket a été fusionné dans un autre ticket : poursuivez sur celui-ci."},
		"error.customer_merged": {"This customer was merged into another customer.", "Ce client a été fusionné dans un autre client."},
		"error.email_kept_by_customer": {"This address belongs to an existing customer (kept when two customer records were merged).",
			"Cette adresse appartient déjà à un client (conservée lors de la fusion de deux fiches client)."},
	})
}
