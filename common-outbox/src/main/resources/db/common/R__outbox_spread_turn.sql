-- Shared by every service (Flyway location db/common); repeatable for the reason R__outbox_trace_context.sql gives.
-- The turn of rows on work-queue topics (companion.outbox.spread-topics): one sequence in the database, so
-- every replica's relay continues the same round over the partitions. A counter per process made each
-- replica start again at partition 0: with an API and two workers relaying, ten jobs all went to
-- partitions 0-3 and one worker did all of them (ImageWorkersIT).
CREATE SEQUENCE IF NOT EXISTS outbox_spread_turn AS BIGINT CYCLE;
