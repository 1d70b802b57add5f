-- How many articles of a workspace, per language, hold each search term
-- (anywhere, and in the title), kept by the transaction that writes the
-- article (store/kb_search_docs.go); the row of the empty term counts the
-- articles themselves. The ranking reads the article count from here
-- instead of counting the articles (half a second at 80,000 on
-- PostgreSQL); the search skips an every-word search when a word is in
-- no article, and PostgreSQL's search checks a broad prefix on the
-- candidate rows when its posting lists would cost more than the rows
-- (migration 0050). Filled from the articles in Go (afterMigration), as
-- the writes count.
CREATE TABLE kb_term_docs (
  workspace_id BIGINT NOT NULL,
  language TEXT NOT NULL,
  term TEXT {{bytes}} NOT NULL,
  docs BIGINT NOT NULL,
  titles BIGINT NOT NULL,
  PRIMARY KEY (workspace_id, language, term)
);
