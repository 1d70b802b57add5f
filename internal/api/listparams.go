package api

// TicketListFilters names the ticket list's filter parameters: its query
// parameters other than order and paging. The storage benchmark enumerates
// its combinations from here, so a new filter is measured the day it is
// added to ticketListParams.
func TicketListFilters() []string {
	var out []string
	for _, p := range ticketListParams {
		switch p.Name {
		case "sort", "cursor", "limit":
		default:
			out = append(out, p.Name)
		}
	}
	return out
}
