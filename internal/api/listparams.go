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

// ticketListBadRequest is what the list answers 400 with beyond the
// common codes (the OpenAPI description of listTickets' 400).
const ticketListBadRequest = "On this list also: bad_sort (an order other than those of `sort`); bad_cursor also when the cursor belongs to another order; " +
	"list_too_broad: no index serves this combination of filters and order, so it is refused rather than sorting every ticket " +
	"(nothing was read). Its params say how to narrow it: `add` lists filters that bound the list whatever else is asked " +
	"(customer, handed_off_by) and `drop` the filters to remove (e.g. \"type\"). Every combination of the filters above is served today; " +
	"the refusal guards the ones a new filter could open."
