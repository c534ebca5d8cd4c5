-- depends: 0000_platform
-- The clean-ups find old rows by an index, not a scan of the whole table: the outbox's relay
-- deletes what was sent more than a day ago (DELETE … WHERE sent_at < …) and the inbox prune
-- what was applied more than 30 days ago (processed_at < …). Both tables hold days of events,
-- and most runs find little or nothing to delete: without these indexes each run read every
-- row. The outbox's index covers only sent rows (the unsent ones have their own index).
--
-- Plain CREATE INDEX, in the migration's transaction: CONCURRENTLY cannot run in one, and it
-- would wait for every older transaction in the whole database (a rebuild, a report), so a
-- service's start-up could hang behind another schema's work. On an existing schema the build
-- blocks writes to these two tables for its duration, once: about a second per million rows.
CREATE INDEX outbox_sent_at ON outbox (sent_at) WHERE sent_at IS NOT NULL;
CREATE INDEX inbox_processed_at ON inbox (processed_at);
