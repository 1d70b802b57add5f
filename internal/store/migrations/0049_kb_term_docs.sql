-- How many articles of a workspace, per language, hold each search term
-- (anywhere, and in the title), kept by the transaction that writes the
-- article (store/kb_search_docs.go); the row of the empty term counts the
-- articles themselves. The ranking reads the article count from here
-- instead of counting the articles (half a second at 80,000 on
-- PostgreSQL), and PostgreSQL's search reads the term counts to choose
-- which words its full-text index looks up (the rare ones) and which are
-- checked on the candidate rows (words in a large part of the articles,
-- whose posting lists cost more than the rows they would filter). Filled
-- from the articles in Go (afterMigration), as the writes count.
CREATE TABLE kb_term_docs (
  workspace_id BIGINT NOT NULL,
  language TEXT NOT NULL,
  term TEXT {{bytes}} NOT NULL,
  docs BIGINT NOT NULL,
  titles BIGINT NOT NULL,
  PRIMARY KEY (workspace_id, language, term)
);
