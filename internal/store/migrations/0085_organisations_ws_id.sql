-- A workspace's organisations in id order, as customers_ws_id (0001)
-- keeps its customers: the list's page (newest first) and a search's page
-- (its records by id within the workspace) seek them. Without it SQLite
-- read a search's page through the (workspace_id, name) unique index,
-- every organisation of the workspace checked against the page's ids:
-- 124 ms of CPU for "Globex" among 1M generated organisations
-- (BenchmarkOrganisationSearch).
CREATE INDEX organisations_ws_id ON organisations (workspace_id, id);
