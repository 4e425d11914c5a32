-- Shared by every service (Flyway location db/common), re-applied whenever it changes.
-- Wakes the outbox relay at commit: NOTIFY is delivered when the inserting transaction commits (and
-- never for one that rolls back), to every replica listening on the channel. The relay's poll stays
-- as the backstop for a listener that is reconnecting.
CREATE OR REPLACE FUNCTION companion_outbox_notify() RETURNS trigger AS $$
BEGIN
    PERFORM pg_notify('companion_outbox', '');
    RETURN NULL;
END
$$ LANGUAGE plpgsql;

DROP TRIGGER IF EXISTS outbox_event_notify ON outbox_event;
CREATE TRIGGER outbox_event_notify AFTER INSERT ON outbox_event
    FOR EACH STATEMENT EXECUTE FUNCTION companion_outbox_notify();

-- A row Kafka can never take (larger than the producer's max.request.size) is refused, not retried
-- forever: it keeps its payload for inspection and says why here; the rows behind it go on.
ALTER TABLE outbox_event ADD COLUMN IF NOT EXISTS refused_reason TEXT;
