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
