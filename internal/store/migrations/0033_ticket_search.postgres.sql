-- Ticket full-text search (store/tickets_search.go): one tsvector per
-- ticket, its subject (weight A) and the bodies of its customer messages,
-- agent replies and internal notes (weight B). The terms are analysed by Go
-- (textsearch: folded, stemmed in the ticket's language) exactly as the
-- knowledge base's are, so the 'simple' configuration only splits them and
-- both databases match the same words (unaccent and the Snowball
-- dictionaries of PostgreSQL would stem differently from SQLite). A new
-- message appends its terms in the transaction that stores it. The
-- workspace and the reader's access are checked on the ticket row. The
-- existing tickets are indexed by Go right after this file, in its
-- transaction.
CREATE TABLE ticket_search (
  ticket_id BIGINT PRIMARY KEY REFERENCES tickets(id),
  search tsvector NOT NULL
);
CREATE INDEX ticket_search_gin ON ticket_search USING gin (search);
