-- A search's candidates when the word being typed is a broad prefix
-- ("re", "passe"): the GIN index finds the articles holding the other
-- words, and the prefix is checked on their rows against the analysed
-- terms (store/kb_search_checked.go decides, from kb_term_docs). A
-- broad prefix is in a large share of the articles, so the rows that
-- pass come soon, while its GIN match first reads the posting lists of
-- every term it begins into a bitmap (at 100,000 articles, most of the
-- time of "prélèvement sepa re"). in_title holds LIKE patterns matched
-- on the title's terms, anywhere those matched on the title's and the
-- body's; ' term ' is a whole term, ' term' a prefix (terms are letters
-- and digits: no LIKE wildcard). Rows come in the same order as from
-- kb_candidate_rows, so both find the same candidates.
CREATE FUNCTION kb_candidate_rows_checked(ws BIGINT, q tsquery, lang TEXT, st TEXT, vis TEXT, cap INTEGER, in_title TEXT[], anywhere TEXT[])
RETURNS TABLE (id BIGINT, language TEXT, title_terms TEXT, body_terms TEXT, helpful BIGINT, not_helpful BIGINT, views BIGINT)
LANGUAGE sql STABLE
SET enable_seqscan = off SET enable_indexscan = off
AS $$
  SELECT a.id, a.language, a.title_terms, a.body_terms, a.helpful, a.not_helpful, a.views FROM kb_articles a
  WHERE a.workspace_id = ws AND a.search @@ q AND (lang = '' OR a.language = lang)
    AND ((st = '' AND a.status <> 'archived') OR a.status = st) AND (vis = '' OR a.visibility = vis)
    AND (' ' || a.title_terms || ' ' LIKE ANY (in_title) OR ' ' || a.title_terms || ' ' || a.body_terms || ' ' LIKE ANY (anywhere))
  LIMIT cap
$$;
