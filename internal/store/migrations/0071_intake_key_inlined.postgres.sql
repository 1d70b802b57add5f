-- The intake statement's search document costs less (issue 9).
--
-- ticket_access_key (0058, 0064) was declared IMMUTABLE, but its body
-- concatenates bigints to text and calls array_to_string, which are only
-- STABLE; PostgreSQL inlines an SQL function into its caller only when the
-- body is no more volatile than the declaration, so it ran the function as
-- a query of its own: parsed and planned again at every intake statement,
-- about 0.2 ms of backend CPU per ticket (pg_stat_user_functions: 0.58 ms
-- of 3.8 ms of the statement's time at load 11), for a key that takes
-- 0.02 ms to compute. Declared STABLE, which it is, it is inlined into the
-- intake statement's plan. Nothing indexes it, so IMMUTABLE bought nothing.
-- The view ticket_access_keys passes subqueries that the body uses more
-- than once, so there it is not inlined, as before.
ALTER FUNCTION ticket_access_key(BIGINT, BIGINT, BIGINT, BOOLEAN, BIGINT[], BIGINT[]) STABLE;

-- A document written with its key (the intake statement) no longer calls
-- the PL/pgSQL function that would fill a missing one: the trigger's
-- condition is checked without entering it.
DROP TRIGGER ticket_search_access_default ON ticket_search;
CREATE TRIGGER ticket_search_access_default BEFORE INSERT ON ticket_search
FOR EACH ROW WHEN (NEW.access IS NULL) EXECUTE FUNCTION ticket_search_access_default();
