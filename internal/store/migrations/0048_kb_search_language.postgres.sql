-- An article's language is a term of its search vector ("=fr", "=en").
-- A search in one language then finds its candidates in the GIN index
-- alone: with the language checked on the row instead, an English
-- search on a mostly French knowledge base read four or five French
-- articles from the table for each English one it kept (at 100,000
-- articles, most of the time of a three-letter prefix). The mark cannot
-- meet a real term (terms are letters and digits) and is never ranked on.
-- The vector is spelled once here, for the INSERT and UPDATE of an
-- article alike.
CREATE FUNCTION kb_search_vector(title_terms TEXT, body_terms TEXT, lang TEXT) RETURNS tsvector
LANGUAGE sql IMMUTABLE
AS $$
  SELECT setweight(to_tsvector('simple', title_terms), 'A') || setweight(to_tsvector('simple', body_terms), 'B')
    || kb_title_marks(title_terms) || array_to_tsvector(ARRAY['=' || lang])
$$;

UPDATE kb_articles SET search = kb_search_vector(title_terms, body_terms, language);

-- The candidates of a search of several words one of which is still being
-- typed and begins many known terms ("prélèvement sepa re"): the index
-- finds the rows matching q, the other words, and each row must also match
-- f, the whole query. A GIN prefix match reads every entry it begins into
-- a bitmap before LIMIT applies (for "re", tens of thousands of titles);
-- checking it on the few rows the other words leave costs a fraction of
-- that. At most scan rows are checked, so a rare prefix behind common
-- words cannot make a keystroke read the whole table: it may then miss
-- candidates, which the next keystroke, narrowing the prefix, finds.
CREATE FUNCTION kb_candidate_rows(ws BIGINT, q tsquery, f tsquery, lang TEXT, st TEXT, vis TEXT, cap INTEGER, scan INTEGER)
RETURNS TABLE (id BIGINT, language TEXT, title_terms TEXT, body_terms TEXT, helpful BIGINT, not_helpful BIGINT, views BIGINT)
LANGUAGE sql STABLE
SET enable_seqscan = off SET enable_indexscan = off
AS $$
  SELECT c.id, c.language, c.title_terms, c.body_terms, c.helpful, c.not_helpful, c.views FROM (
    SELECT a.id, a.language, a.title_terms, a.body_terms, a.helpful, a.not_helpful, a.views, a.search FROM kb_articles a
    WHERE a.workspace_id = ws AND a.search @@ q AND (lang = '' OR a.language = lang)
      AND ((st = '' AND a.status <> 'archived') OR a.status = st) AND (vis = '' OR a.visibility = vis)
    LIMIT scan) c
  WHERE ts_match_vq(c.search, f)
  LIMIT cap
$$;
