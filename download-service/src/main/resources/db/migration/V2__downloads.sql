-- Read models fed by other services' events (no synchronous calls on the hot path).
CREATE TABLE image_ref (
    id            TEXT PRIMARY KEY,
    user_id       TEXT        NOT NULL,
    generation_id TEXT,
    chat_id       TEXT,
    project_id    TEXT,
    prompt        TEXT,
    format        TEXT,
    width         INT,
    height        INT,
    bytes         BIGINT,
    storage_key   TEXT        NOT NULL,
    created_at    TIMESTAMPTZ NOT NULL
);
CREATE INDEX image_ref_user ON image_ref (user_id);
CREATE INDEX image_ref_project ON image_ref (project_id);

CREATE TABLE project_ref (
    id      TEXT PRIMARY KEY,
    user_id TEXT NOT NULL,
    name    TEXT NOT NULL
);

CREATE TABLE chat_ref (
    id         TEXT PRIMARY KEY,
    user_id    TEXT NOT NULL,
    project_id TEXT,
    name       TEXT NOT NULL
);

-- One row per download the user asked for: the history, the status of async bundles, and
-- what the sweeper must delete from S3 when the link expires.
CREATE TABLE download (
    id            TEXT PRIMARY KEY,
    user_id       TEXT        NOT NULL,
    type          TEXT        NOT NULL,          -- single | bulk
    status        TEXT        NOT NULL,          -- processing | ready | failed
    format        TEXT        NOT NULL,
    file_name     TEXT,
    object_key    TEXT,                          -- the file (single) or the zip (bulk); null for per-image links
    size          BIGINT,
    file_count    INT         NOT NULL DEFAULT 0,
    total_size    BIGINT      NOT NULL DEFAULT 0,
    image_id      TEXT,
    chat_id       TEXT,
    project_id    TEXT,
    request       TEXT,                          -- JSON of the bulk options, for the background job
    error_code    TEXT,
    error_message TEXT,
    created_at    TIMESTAMPTZ NOT NULL,
    completed_at  TIMESTAMPTZ,
    expires_at    TIMESTAMPTZ,
    purged_at     TIMESTAMPTZ,                   -- objects deleted from S3
    deleted       BOOLEAN     NOT NULL DEFAULT false
);
CREATE INDEX download_history ON download (user_id, created_at DESC, id DESC) WHERE NOT deleted;
CREATE INDEX download_expiring ON download (expires_at) WHERE purged_at IS NULL;
CREATE INDEX download_project ON download (project_id);

-- Per-image files of a bundle made without a zip (createZip=false).
CREATE TABLE download_file (
    download_id TEXT   NOT NULL REFERENCES download (id) ON DELETE CASCADE,
    position    INT    NOT NULL,
    image_id    TEXT   NOT NULL,
    file_name   TEXT   NOT NULL,
    object_key  TEXT   NOT NULL,
    size        BIGINT NOT NULL,
    PRIMARY KEY (download_id, position)
);
