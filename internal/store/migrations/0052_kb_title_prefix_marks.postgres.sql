-- A short prefix is a term of the search vector. While a word is being
-- typed its first letters ("de", "fo", "ca") are looked up among the
-- title terms (migration 0040) as a prefix match, '~de':*, which GIN
-- answers by reading the posting list of every title term beginning
-- with them into a bitmap, in every language, before intersecting it
-- with the other words: "refund for a declined ca" read the lists of
-- every title term beginning with "ca" (~7.7 ms of server CPU at
-- 100,000 articles) to keep 200 articles. Each title term's first one,
-- two and three letters are now marks of its own ("^c", "^ca", "^car"),
-- so a short prefix is one exact term, '^ca', which GIN intersects with
-- the other words skipping through its posting list (~1 ms). A mark
-- matches exactly the articles the prefix match did (the title terms
-- beginning with those letters); it cannot meet a real term (terms are
-- letters and digits) nor the "~" and "=" marks, and is never ranked on.
-- Short means fewer letters than kb.MinBodyPrefix (4).
CREATE FUNCTION kb_title_prefix_marks(terms TEXT) RETURNS tsvector
LANGUAGE sql IMMUTABLE
AS $$
  SELECT array_to_tsvector(array(SELECT DISTINCT '^' || left(t, n) FROM unnest(string_to_array(terms, ' ')) t, generate_series(1, 3) n
    WHERE t <> '' AND char_length(t) >= n))
$$;

CREATE OR REPLACE FUNCTION kb_search_vector(title_terms TEXT, body_terms TEXT, lang TEXT) RETURNS tsvector
LANGUAGE sql IMMUTABLE
AS $$
  SELECT setweight(to_tsvector('simple', title_terms), 'A') || setweight(to_tsvector('simple', body_terms), 'B')
    || kb_title_marks(title_terms) || kb_title_prefix_marks(title_terms) || array_to_tsvector(ARRAY['=' || lang])
$$;

-- Every vector is written again by rewriting the table rather than by an
-- UPDATE: an UPDATE of every row leaves the table twice its size with
-- the live rows in its second half (the first one empty until a VACUUM
-- FULL), where the table walk of migration 0051 would read the empty
-- half first, and it moves some rows into free space elsewhere, changing
-- which articles a capped search takes as candidates. The rewrite copies
-- the rows in storage order, from block 0 (no synchronised scan), into a
-- compact table, and rebuilds the indexes.
SET LOCAL synchronize_seqscans = off;
ALTER TABLE kb_articles ALTER COLUMN search TYPE tsvector USING kb_search_vector(title_terms, body_terms, language);
