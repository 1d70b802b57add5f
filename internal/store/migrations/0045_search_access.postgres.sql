-- Ticket search (store/tickets_search.go), PostgreSQL side of 0045 (whose
-- SQLite side adds access keys to the search documents). A search under
-- status=open also asks for active = true (Filter.active), and the planner
-- took the two for independent: it expected 1 open ticket in 8 to be
-- active (all are), so ~400 matches instead of ~7,000, and read every open
-- ticket's document and sorted (45,296 documents at 1M tickets) instead of
-- walking the newest open tickets until the page's candidates were found.
-- Dependencies between the two columns correct the estimate.
CREATE STATISTICS tickets_status_active (dependencies, mcv) ON status, active FROM tickets;
ANALYZE tickets;
