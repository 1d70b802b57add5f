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

