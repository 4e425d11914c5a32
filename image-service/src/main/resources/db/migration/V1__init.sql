-- image-service schema. The generation row is the job's state machine:
-- queued -> processing (worker_id + lease_until, extended by heartbeats) -> completed | failed | cancelled.
-- A processing row whose lease ran out is re-queued by the sweeper (its worker is presumed dead).
CREATE TABLE image_generation (
    id             TEXT        PRIMARY KEY,
    seq            BIGSERIAL   NOT NULL UNIQUE,
    user_id        TEXT        NOT NULL,
    chat_id        TEXT,
    project_id     TEXT,
    prompt         TEXT        NOT NULL,
    model          TEXT        NOT NULL,
    size           TEXT        NOT NULL,
    quality        TEXT        NOT NULL,
    style          TEXT        NOT NULL,
    n              INT         NOT NULL,
    status         TEXT        NOT NULL,
    progress       INT         NOT NULL DEFAULT 0,
    worker_id      TEXT,
    lease_until    TIMESTAMPTZ,
    attempts       INT         NOT NULL DEFAULT 0,
    error_code     TEXT,
    error_message  TEXT,
    created_at     TIMESTAMPTZ NOT NULL,
    started_at     TIMESTAMPTZ,
    completed_at   TIMESTAMPTZ,
    updated_at     TIMESTAMPTZ NOT NULL
);
CREATE INDEX image_generation_queued ON image_generation (seq) WHERE status = 'queued';
CREATE INDEX image_generation_leases ON image_generation (lease_until) WHERE status = 'processing';
CREATE INDEX image_generation_user ON image_generation (user_id, status);
CREATE INDEX image_generation_done ON image_generation (completed_at DESC) WHERE status = 'completed';

-- Image ids are derived from (generation, index), and (generation_id, idx) is unique: a job that runs
-- twice (redelivery, takeover) can never leave two images for one slot.
CREATE TABLE image (
    id             TEXT        PRIMARY KEY,
    generation_id  TEXT        NOT NULL REFERENCES image_generation (id) ON DELETE CASCADE,
    idx            INT         NOT NULL,
    user_id        TEXT        NOT NULL,
    chat_id        TEXT,
    project_id     TEXT,
    prompt         TEXT        NOT NULL,
    storage_key    TEXT        NOT NULL,
    thumbnail_key  TEXT        NOT NULL,
    format         TEXT        NOT NULL,
    width          INT         NOT NULL,
    height         INT         NOT NULL,
    bytes          BIGINT      NOT NULL,
    checksum       TEXT        NOT NULL,
    created_at     TIMESTAMPTZ NOT NULL,
    UNIQUE (generation_id, idx)
);
CREATE INDEX image_user ON image (user_id, created_at DESC);
CREATE INDEX image_chat ON image (chat_id);
CREATE INDEX image_project ON image (project_id);

-- Read model of chat-service's chats (chat.events): which project a chat belongs to and whose it is.
CREATE TABLE chat_ref (
    chat_id     TEXT        PRIMARY KEY,
    project_id  TEXT        NOT NULL,
    user_id     TEXT        NOT NULL,
    updated_at  TIMESTAMPTZ NOT NULL
);
CREATE INDEX chat_ref_project ON chat_ref (project_id);

-- Live workers (heartbeat), for estimatedTime.
CREATE TABLE image_worker (
    worker_id   TEXT        PRIMARY KEY,
    started_at  TIMESTAMPTZ NOT NULL,
    last_seen   TIMESTAMPTZ NOT NULL
);
