-- The list's seeks read ticket_collaborators and ticket_handoffs from their
-- indexes alone (0087), which holds while the visibility map says their
-- pages are all-visible, and read tickets through indexes whose dead
-- entries they step over until a vacuum removes them. Every change to a
-- ticket writes a new version of its row and of its swarm and hand-off
-- rows (their copies of it), so the pages of active tickets lose their
-- all-visible bit at each update. Autovacuum's default waits for a fifth
-- of a table's rows to be dead: 200,000 tickets, 69,000 hand-offs at 1M
-- tickets. One update of each active ticket that has a hand-off or a swarm
-- (18,351 of 1M) made an L1 agent's seeks read 2.2 times the buffers
-- (36,394 to 79,501 over BenchmarkTicketListMatrix's combinations), with no
-- vacuum due. At 2 % autovacuum came within its minute: 49,161 buffers once
-- the hand-offs and swarms were vacuumed, 36,073 once the tickets were.
-- Those vacuums cost 1.4 s of CPU for 23,835 dead hand-offs and 6.4 s for
-- 100,909 dead tickets (bench/README.md, nineteenth session).
ALTER TABLE tickets SET (autovacuum_vacuum_scale_factor = 0.02, autovacuum_vacuum_insert_scale_factor = 0.02);
ALTER TABLE ticket_collaborators SET (autovacuum_vacuum_scale_factor = 0.02, autovacuum_vacuum_insert_scale_factor = 0.02);
ALTER TABLE ticket_handoffs SET (autovacuum_vacuum_scale_factor = 0.02, autovacuum_vacuum_insert_scale_factor = 0.02);
