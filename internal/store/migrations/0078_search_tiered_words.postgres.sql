-- The documents' words qualified by the ticket's tier, indexed with the
-- access keys (issue 12; store/tickets_search_pg.go, pgMatchesFirst).
--
-- An L1 agent searching tier L2 for two common words ("facture paiement")
-- asks the index for the documents holding both words and one of their
-- keys there (migration 0058): 4,976 of a million. GIN finds them by
-- stepping the words' posting lists to the keys' documents, but the
-- agent's 31,783 keyed documents lie on nearly every posting page of
-- "factur" (386,143 documents) and "paiement" (276,276), so every page was
-- decoded: 10 of the statement's 25–27 ms of server CPU. The same words
-- written as "3:factur" (tier 3's documents only: a fifth of them) have
-- posting lists a fifth as long.
--
-- An index on an expression, not a column: the qualified words exist only
-- in the index, so the heap rows (read by every walk and ranking) keep
-- their size. The tier is the document's own key "t<tier>", which every
-- key refresh (0058's triggers) rewrites with the row: the index entries
-- follow a move in the same transaction. The words keep no positions
-- (they only select, never rank): a query with phrase operators, which
-- would need them, is not asked of this index (pgTieredQuery).
CREATE FUNCTION ticket_search_tiered(search tsvector, access tsvector) RETURNS tsvector
LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE AS $$
DECLARE
  tier text := (SELECT substr(k, 2) FROM unnest(tsvector_to_array(access)) k WHERE k ~ '^t[0-9]+$' LIMIT 1);
BEGIN
  IF tier IS NULL THEN
    RETURN ''::tsvector;
  END IF;
  RETURN array_to_tsvector(ARRAY(SELECT tier || ':' || w FROM unnest(tsvector_to_array(search)) w));
END;
$$;

CREATE INDEX ticket_search_tiered_gin ON ticket_search USING gin (ticket_search_tiered(search, access), access);
