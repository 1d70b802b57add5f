-- The knowledge base: a category tree, articles (one row per language; the
-- French and English variants of one article share group_id), their
-- revisions, and the search vocabulary. The search index itself differs
-- per database (see the .sqlite and .postgres files): both index the same
-- analysed terms (textsearch, stored in title_terms and body_terms), so
-- both databases rank the same words and every instance on one database
-- answers alike.
CREATE TABLE kb_categories (
  id {{id}},
  workspace_id BIGINT NOT NULL REFERENCES workspaces(id),
  parent_id BIGINT REFERENCES kb_categories(id),
  slug TEXT NOT NULL,
  name_fr TEXT NOT NULL,
  name_en TEXT NOT NULL,
  position INTEGER NOT NULL DEFAULT 0,
  UNIQUE (workspace_id, slug)
);

CREATE TABLE kb_articles (
  id {{id}},
  workspace_id BIGINT NOT NULL REFERENCES workspaces(id),
  group_id BIGINT NOT NULL,
  language TEXT NOT NULL,
  title TEXT NOT NULL,
  body TEXT NOT NULL,
  body_text TEXT NOT NULL,
  title_terms TEXT NOT NULL,
  body_terms TEXT NOT NULL,
  category_id BIGINT REFERENCES kb_categories(id),
  tags TEXT NOT NULL DEFAULT '',
  visibility TEXT NOT NULL,
  status TEXT NOT NULL,
  helpful BIGINT NOT NULL DEFAULT 0,
  not_helpful BIGINT NOT NULL DEFAULT 0,
  views BIGINT NOT NULL DEFAULT 0,
  revision INTEGER NOT NULL,
  author_id BIGINT REFERENCES agents(id),
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL,
  published_at BIGINT,
  UNIQUE (group_id, language)
);
CREATE INDEX kb_articles_workspace ON kb_articles (workspace_id, id);

CREATE TABLE kb_revisions (
  article_id BIGINT NOT NULL REFERENCES kb_articles(id),
  number INTEGER NOT NULL,
  author_id BIGINT REFERENCES agents(id),
  at BIGINT NOT NULL,
  title TEXT NOT NULL,
  body TEXT NOT NULL,
  PRIMARY KEY (article_id, number)
);
