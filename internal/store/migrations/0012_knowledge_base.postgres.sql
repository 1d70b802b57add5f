-- The analysed terms in a tsvector with the simple configuration (they are
-- already folded and stemmed by textsearch): title terms weigh A, body
-- terms B. GIN answers matches and :* prefixes.
ALTER TABLE kb_articles ADD COLUMN search tsvector NOT NULL DEFAULT ''::tsvector;
CREATE INDEX kb_articles_search ON kb_articles USING gin (search);

-- Every term ever indexed in a workspace, forwards and reversed: a typo is
-- resolved by looking up the terms sharing its first or its last half.
-- Byte order (C) so that prefix ranges use the index.
CREATE TABLE kb_terms (
  workspace_id BIGINT NOT NULL,
  term TEXT COLLATE "C" NOT NULL,
  rterm TEXT COLLATE "C" NOT NULL,
  PRIMARY KEY (workspace_id, term)
);
CREATE INDEX kb_terms_reversed ON kb_terms (workspace_id, rterm);

-- The candidates of one search: the articles the GIN index says match,
-- filtered on the row, at most cap of them. The planner settings are the
-- point: with statistics saying a term is common, PostgreSQL would rather
-- walk the primary key or the table and test @@ on every row, detoasting
-- each tsvector (80 ms to seconds at 100,000 articles); the bitmap of the
-- GIN index costs in proportion to the matches. A function with SET
-- clauses is never inlined, so they hold for this query only.
CREATE FUNCTION kb_candidates(ws BIGINT, q tsquery, lang TEXT, st TEXT, vis TEXT, cap INTEGER) RETURNS SETOF BIGINT
LANGUAGE sql STABLE
SET enable_seqscan = off SET enable_indexscan = off
AS $$
  SELECT id FROM kb_articles WHERE workspace_id = ws AND search @@ q AND (lang = '' OR language = lang)
    AND ((st = '' AND status <> 'archived') OR status = st) AND (vis = '' OR visibility = vis)
  LIMIT cap
$$;
