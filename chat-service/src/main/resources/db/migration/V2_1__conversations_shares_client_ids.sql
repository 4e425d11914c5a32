-- Issue #18 part A: the conversation list across projects (last activity, full-text search), share links,
-- and client-chosen message ids (seed 003). Versioned 2.1 so the other #18 migrations can take 2, 3, ...

-- Last activity of a chat: the newest message written into it. Kept by the database (trigger below), so
-- every path that writes messages (send, regenerate, batches) moves it without code of its own.
ALTER TABLE chat ADD COLUMN last_activity_at TIMESTAMPTZ;
UPDATE chat c SET last_activity_at = COALESCE((SELECT max(m.created_at) FROM message m WHERE m.chat_id = c.id), c.created_at);
ALTER TABLE chat ALTER COLUMN last_activity_at SET NOT NULL;
ALTER TABLE chat ALTER COLUMN last_activity_at SET DEFAULT now();

CREATE OR REPLACE FUNCTION chat_touch_last_activity() RETURNS trigger AS $$
BEGIN
    UPDATE chat SET last_activity_at = GREATEST(last_activity_at, NEW.created_at) WHERE id = NEW.chat_id;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER message_touches_chat AFTER INSERT ON message
    FOR EACH ROW EXECUTE FUNCTION chat_touch_last_activity();

CREATE OR REPLACE FUNCTION chat_initial_last_activity() RETURNS trigger AS $$
BEGIN
    NEW.last_activity_at := NEW.created_at;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER chat_sets_last_activity BEFORE INSERT ON chat
    FOR EACH ROW EXECUTE FUNCTION chat_initial_last_activity();

-- GET /v1/chats: the user's chats by last activity, optionally filtered.
CREATE INDEX chat_user_activity ON chat (user_id, last_activity_at DESC, id DESC);

-- search: PostgreSQL full text over chat names and message text ('simple': no stemming, any language).
-- The query uses exactly these expressions so the GIN indexes serve it.
CREATE INDEX chat_name_fts ON chat USING GIN (to_tsvector('simple', name));
CREATE INDEX message_content_fts ON message USING GIN (to_tsvector('simple', content));

-- Share links: an immutable snapshot of a chat's current branch at the time of sharing. The id is the
-- capability (256 random bits); revoking deletes the row, deleting the chat deletes its shares.
CREATE TABLE chat_share (
    id             TEXT PRIMARY KEY,
    chat_id        TEXT        NOT NULL REFERENCES chat (id) ON DELETE CASCADE,
    user_id        TEXT        NOT NULL,
    title          TEXT        NOT NULL,
    model          TEXT        NOT NULL,
    messages       TEXT        NOT NULL,
    message_count  INTEGER     NOT NULL,
    created_at     TIMESTAMPTZ NOT NULL
);
CREATE INDEX chat_share_user ON chat_share (user_id, created_at DESC, id DESC);

-- Client-chosen message ids (seed 003 messageId): one prompt per user and id; the fingerprint of the
-- request tells a retry (same request: same answer) from a reuse (different request: 409).
ALTER TABLE message ADD COLUMN client_message_id TEXT;
ALTER TABLE message ADD COLUMN client_request_hash TEXT;
CREATE UNIQUE INDEX message_client_id ON message (user_id, client_message_id) WHERE client_message_id IS NOT NULL;
