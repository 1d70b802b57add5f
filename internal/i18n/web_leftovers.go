package i18n

// Texts of the loose ends of merging (issue 12): a merged ticket refusing
// changes, the customer merge over the API.
func init() {
	register(map[string][2]string{
		"error.ticket_merged": {"This ticket was merged into another ticket: continue on that one.",
			"Ce ticket a été fusionné dans un autre ticket : poursuivez sur celui-ci."},
	})
}
