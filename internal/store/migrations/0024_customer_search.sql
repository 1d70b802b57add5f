-- Customer and organisation search (store/customers_search.go): every word
-- of a customer's name and email, and of an organisation's name and domain,
-- folded as textsearch folds text (case, accents, ligatures), one row per
-- (word, record). A search is a prefix range of words; the rows are
-- written in the same transaction as the record. The words are filled by
-- Go right after this migration (the folding is Go's), in its transaction.
CREATE TABLE customer_terms (
    workspace_id BIGINT NOT NULL,
    term TEXT {{bytes}} NOT NULL,
    customer_id BIGINT NOT NULL,
    PRIMARY KEY (workspace_id, term, customer_id)
);
-- Replacing a customer's words, and checking a second word of a search on
-- a customer the first word found.
CREATE INDEX customer_terms_customer ON customer_terms (customer_id, term);

CREATE TABLE organisation_terms (
    workspace_id BIGINT NOT NULL,
    term TEXT {{bytes}} NOT NULL,
    organisation_id BIGINT NOT NULL,
    PRIMARY KEY (workspace_id, term, organisation_id)
);
CREATE INDEX organisation_terms_organisation ON organisation_terms (organisation_id, term);

-- A team's tickets within one tier, in each list order: an agent's team
-- branch under a tier filter (tier=L2 seen through team L1), and the team
-- filter beside a tier filter, were walks of the whole team looking for
-- the tier (store.Filter.branches).
CREATE INDEX tickets_team_tier_id ON tickets (workspace_id, team_id, tier_id, active, id);
CREATE INDEX tickets_team_tier_priority ON tickets (workspace_id, team_id, tier_id, active, priority DESC, id);
CREATE INDEX tickets_team_tier_updated ON tickets (workspace_id, team_id, tier_id, active, updated_at, id);
-- A team's tickets of one owner (or none), most urgent or most recently
-- updated first, as 0017's tickets_team_unassigned does newest first:
-- owner=none, me or an id within a team branch.
CREATE INDEX tickets_team_owner_priority ON tickets (workspace_id, team_id, active, owner_id, priority DESC, id);
CREATE INDEX tickets_team_owner_updated ON tickets (workspace_id, team_id, active, owner_id, updated_at, id);
