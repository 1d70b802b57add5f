-- The vocabulary trigger (0065) probes the index once per word (issue 9).
--
-- Its NOT EXISTS let the planner choose between probing
-- ticket_search_terms_term for each of the document's words and hashing
-- the whole vocabulary. Planned with the statistics of a small table (a
-- new workspace, or a table not analysed since 0065 analysed it empty),
-- the hash looked cheaper, and each new document then read every term
-- ever written: in a fresh demo database under bench/loadgen, auto_explain
-- showed "Hash Anti Join ... Seq Scan on ticket_search_terms" at 1,300
-- terms and 1–7 ms per document (wall time, load 11), the largest part of the intake
-- statement's time after its own writes. Written as a scalar subquery
-- with LIMIT 1 it is not turned into a join, but the same statistics then
-- chose a sequential scan per word (0.8 ms of CPU per document, 2,000
-- documents into a fresh demo database); with sequential scans off for
-- this function only, each word is one index probe whatever the
-- statistics say: 0.06–0.10 ms per document, as the probes cost when the
-- planner did choose them (0.08 ms). Same rows written as before.
CREATE OR REPLACE FUNCTION ticket_search_terms_add() RETURNS trigger LANGUAGE plpgsql SET enable_seqscan = off AS $$
BEGIN
  IF TG_OP = 'UPDATE' THEN
    INSERT INTO ticket_search_terms SELECT n.t FROM (SELECT unnest(tsvector_to_array(NEW.search))
      EXCEPT SELECT unnest(tsvector_to_array(OLD.search))) n(t)
    WHERE (SELECT 1 FROM ticket_search_terms k WHERE k.term = n.t COLLATE "C" LIMIT 1) IS NULL;
  ELSE
    INSERT INTO ticket_search_terms SELECT n.t FROM unnest(tsvector_to_array(NEW.search)) n(t)
    WHERE (SELECT 1 FROM ticket_search_terms k WHERE k.term = n.t COLLATE "C" LIMIT 1) IS NULL;
  END IF;
  RETURN NULL;
END;
$$;
