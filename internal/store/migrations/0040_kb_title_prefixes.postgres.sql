-- Short prefixes search titles only. While a word is being typed, its
-- first two or three letters ("ré", "fac") begin thousands of distinct
-- terms; a GIN prefix match reads the posting lists of every one into a
-- bitmap before LIMIT applies (most of a keystroke's time at 100,000
-- articles). So each article's title terms are also indexed with a "~"
-- mark ("~factur"), and a short prefix is looked up among those only
-- ('~fa':*): a few terms per title instead of a hundred per body. The
-- marks cannot meet a real term (terms are letters and digits) and are
-- never ranked on (kb.Rank reads title_terms and body_terms).
CREATE FUNCTION kb_title_marks(terms TEXT) RETURNS tsvector
LANGUAGE sql IMMUTABLE
AS $$
  SELECT array_to_tsvector(array(SELECT '~' || t FROM unnest(string_to_array(terms, ' ')) t WHERE t <> ''))
$$;

UPDATE kb_articles SET search = search || kb_title_marks(title_terms);

-- The candidates of one search with what ranking reads (kb_candidates
-- returned ids only, which the search then joined back to the table: a
-- second index probe and heap visit per candidate). Same planner settings
-- as kb_candidates, for the same reason.
CREATE FUNCTION kb_candidate_rows(ws BIGINT, q tsquery, lang TEXT, st TEXT, vis TEXT, cap INTEGER)
RETURNS TABLE (id BIGINT, language TEXT, title_terms TEXT, body_terms TEXT, helpful BIGINT, not_helpful BIGINT, views BIGINT)
LANGUAGE sql STABLE
SET enable_seqscan = off SET enable_indexscan = off
AS $$
  SELECT a.id, a.language, a.title_terms, a.body_terms, a.helpful, a.not_helpful, a.views FROM kb_articles a
  WHERE a.workspace_id = ws AND a.search @@ q AND (lang = '' OR a.language = lang)
    AND ((st = '' AND a.status <> 'archived') OR a.status = st) AND (vis = '' OR a.visibility = vis)
  LIMIT cap
$$;
