-- The ticket search documents' vocabulary, so that a word being typed can
-- be looked up as the terms it begins (issue 12; store/tickets_search_pg.go,
-- pgPrefixTerms). GIN reads a prefix ('rembou':*) by collecting every
-- document of every term it begins into a bitmap before intersecting
-- anything: at 1M tickets, 124,540 documents and 79 ms of CPU for an L1
-- agent's "rembou" in tier L2, where the same terms spelled out cost
-- 17 ms, the agent's access keys stepping through their posting trees.
-- The knowledge base does the same with kb_terms.
--
-- Every term of every document is here, written by the trigger below in
-- the document's transaction, so a prefix spelled as the terms it begins
-- finds exactly what the prefix finds. Terms are never removed (a term no
-- document holds any more matches nothing). No unique key on purpose: two
-- transactions adding the same new term would wait on each other (and a
-- batch writing several documents could deadlock); a term added twice by
-- a race is harmless, readers take DISTINCT.
CREATE TABLE ticket_search_terms (term TEXT COLLATE "C" NOT NULL);
INSERT INTO ticket_search_terms SELECT DISTINCT unnest(tsvector_to_array(search)) FROM ticket_search;
CREATE INDEX ticket_search_terms_term ON ticket_search_terms (term);

CREATE FUNCTION ticket_search_terms_add() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'UPDATE' THEN
    INSERT INTO ticket_search_terms SELECT n.t FROM (SELECT unnest(tsvector_to_array(NEW.search))
      EXCEPT SELECT unnest(tsvector_to_array(OLD.search))) n(t)
    WHERE NOT EXISTS (SELECT 1 FROM ticket_search_terms k WHERE k.term = n.t COLLATE "C");
  ELSE
    INSERT INTO ticket_search_terms SELECT n.t FROM unnest(tsvector_to_array(NEW.search)) n(t)
    WHERE NOT EXISTS (SELECT 1 FROM ticket_search_terms k WHERE k.term = n.t COLLATE "C");
  END IF;
  RETURN NULL;
END;
$$;
CREATE TRIGGER ticket_search_terms_add AFTER INSERT OR UPDATE OF search ON ticket_search
FOR EACH ROW EXECUTE FUNCTION ticket_search_terms_add();

ANALYZE ticket_search_terms;
