-- A search's candidates read by walking the table in storage order
-- instead of through the GIN index, for a search whose words are
-- alternatives (any word, or a single word) held by a large share of
-- the articles: "facturé deux fo" looks for titles holding 'factur' or
-- any term beginning with 'fo', a fifth of them; the GIN match first
-- reads the posting lists of every such term into a bitmap (15,540
-- entries, ~20 ms at 100,000 articles) where the first 100 candidates
-- are in the first ~800 rows of the table (~1.5 ms).
--
-- The rows come in the order kb_candidate_rows returns them (a bitmap
-- heap scan reads its pages in block order), so under the same LIMIT
-- both find the same candidates, provided the walk finds the whole
-- LIMIT: the walk reads only the blocks below max_block, and a caller
-- given fewer rows than cap runs kb_candidate_rows instead
-- (store/kb_search_walk.go). in_title and anywhere are the LIKE
-- patterns of kb_candidate_rows_checked (migration 0050). A TID range
-- scan is a heap scan from block 0 that is never synchronised with
-- another scan; synchronize_seqscans is off in case the planner prefers
-- a sequential scan, which would otherwise start where a concurrent
-- scan of the table is.
CREATE FUNCTION kb_candidate_rows_walked(ws BIGINT, lang TEXT, st TEXT, vis TEXT, cap INTEGER, in_title TEXT[], anywhere TEXT[], max_block BIGINT)
RETURNS TABLE (id BIGINT, language TEXT, title_terms TEXT, body_terms TEXT, helpful BIGINT, not_helpful BIGINT, views BIGINT)
LANGUAGE sql STABLE
SET enable_bitmapscan = off SET enable_indexscan = off SET enable_indexonlyscan = off
SET synchronize_seqscans = off SET max_parallel_workers_per_gather = 0
AS $$
  SELECT a.id, a.language, a.title_terms, a.body_terms, a.helpful, a.not_helpful, a.views FROM kb_articles a
  WHERE a.ctid < format('(%s,0)', max_block)::tid
    AND a.workspace_id = ws AND (lang = '' OR a.language = lang)
    AND ((st = '' AND a.status <> 'archived') OR a.status = st) AND (vis = '' OR a.visibility = vis)
    AND (' ' || a.title_terms || ' ' LIKE ANY (in_title) OR ' ' || a.title_terms || ' ' || a.body_terms || ' ' LIKE ANY (anywhere))
  LIMIT cap
$$;
