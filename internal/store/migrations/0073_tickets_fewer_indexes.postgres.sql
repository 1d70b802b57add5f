-- Three indexes fewer on tickets, PostgreSQL only (issue 9).
--
-- Every ticket written inserts into every index of tickets, and every
-- branch of a list query is planned against every index whose columns
-- its conditions match (planning cost grows with their number: the ninth
-- session's lists section). These three serve no PostgreSQL query: none
-- was used by the 1M-ticket list matrix, the ticket search or the customer
-- pages (pg_stat_user_indexes), and the queries that name them by their
-- columns are served as well by another index (EXPLAIN at 1M tickets).
-- SQLite keeps them: it is told some of them (INDEXED BY).
--
-- A customer's tickets: PostgreSQL reads them by (workspace, customer,
-- active) (tickets_customer_active: the list's customer filter, an
-- organisation's tickets, routing's count, a customer merge). The foreign
-- key check of a customer's deletion seeks customer_id alone, so one index
-- must lead with it: tickets_customer_active is rebuilt customer first
-- (the workspace follows: a customer belongs to one workspace, so the two
-- orders select the same rows), and the two other customer-led indexes,
-- (customer_id, id) and (customer_id, active, status, priority, id), go.
-- TestCustomerDeleteSeeksTicketsIndex checks the check's plan.
DROP INDEX tickets_customer;
DROP INDEX tickets_customer_active_status;
DROP INDEX tickets_customer_active;
CREATE INDEX tickets_customer_active ON tickets (customer_id, workspace_id, active, id);

-- (workspace, id) stays, though no list branch reads it (every branch
-- fixes active and reads (workspace, active, id)): the routing samples (a
-- workspace's latest tickets, active or not) order by id alone, and
-- without it a small workspace in a database shared with large ones walks
-- the primary key backwards past every other workspace's newer tickets.

-- (workspace, request type, id): a type filter's branch also fixes
-- active, and PostgreSQL reads it through (workspace, active, id), testing
-- the type (one of a few) on the rows; it never chose this index.
DROP INDEX tickets_type;
