-- FTS5 over the analysed terms. Contentless: the text lives in
-- kb_articles; the index only answers which rows match and how well (the
-- workspace and status are checked on the article row). Prefix indexes
-- make as-you-type prefixes as cheap as whole words.
CREATE VIRTUAL TABLE kb_fts USING fts5(title, body, content='', contentless_delete=1,
  tokenize='unicode61 remove_diacritics 2', prefix='2 3 4 5');

-- Every term ever indexed in a workspace, forwards and reversed: a typo is
-- resolved by looking up the terms sharing its first or its last half.
CREATE TABLE kb_terms (
  workspace_id BIGINT NOT NULL,
  term TEXT NOT NULL,
  rterm TEXT NOT NULL,
  PRIMARY KEY (workspace_id, term)
);
CREATE INDEX kb_terms_reversed ON kb_terms (workspace_id, rterm);
