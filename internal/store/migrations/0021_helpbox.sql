-- The embeddable help box: one row per workspace that has turned it on,
-- with its public key (in the script tag on the customer's site; not a
-- secret) and the origins allowed to embed it (one per line), and the
-- mappings from pages of that site (URL prefix, URL glob or page tag) to an
-- article or a category.
CREATE TABLE helpbox_settings (
  workspace_id BIGINT PRIMARY KEY REFERENCES workspaces(id),
  public_key TEXT NOT NULL UNIQUE,
  allowed_origins TEXT NOT NULL DEFAULT '',
  updated_at BIGINT NOT NULL
);

CREATE TABLE helpbox_mappings (
  id {{id}},
  workspace_id BIGINT NOT NULL REFERENCES workspaces(id),
  kind TEXT NOT NULL,
  pattern TEXT NOT NULL,
  article_id BIGINT REFERENCES kb_articles(id),
  category_id BIGINT REFERENCES kb_categories(id),
  position INTEGER NOT NULL,
  created_at BIGINT NOT NULL
);
CREATE INDEX helpbox_mappings_workspace ON helpbox_mappings (workspace_id, position, id);
