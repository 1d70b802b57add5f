package i18n

// Texts of the loose ends of merging (issue 12): a merged ticket refusing
// changes (and its composer), the customer merge over the API.
func init() {
	register(map[string][2]string{
		"error.ticket_merged": {"This ticket was merged into another ticket: continue on that one.",
			"Ce ticket a été fusionné dans un autre ticket : poursuivez sur celui-ci."},
		// Above the composer of a merged ticket, which takes notes only.
		"composer.merged_into": {"Replies to the customer now go on the ticket this one was merged into:",
			"Les réponses au client se font désormais sur le ticket dans lequel celui-ci a été fusionné :"},
		"composer.merged_hidden": {"Replies to the customer now go on the ticket this one was merged into, which you cannot open.",
			"Les réponses au client se font désormais sur le ticket dans lequel celui-ci a été fusionné, que vous ne pouvez pas ouvrir."},
		"composer.merged_notes": {"Internal notes can still be added here.", "Vous pouvez encore ajouter des notes internes ici."},
		"error.customer_merged": {"This customer was merged into another customer.", "Ce client a été fusionné dans un autre client."},
		"error.email_kept_by_customer": {"This address belongs to an existing customer (kept when two customer records were merged).",
			"Cette adresse appartient déjà à un client (conservée lors de la fusion de deux fiches client)."},
	})
}
