-- chat-service schema: read models from project.events, chats, the message tree, batches.

-- Read model of project-service's projects (only what ownership checks need).
CREATE TABLE project_ref (
    id          TEXT PRIMARY KEY,
    user_id     TEXT        NOT NULL,
    archived    BOOLEAN     NOT NULL DEFAULT FALSE,
    updated_at  TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX project_ref_user ON project_ref (user_id);

-- Read model of instruction sets (global / project / chat scope), body kept as JSON text.
CREATE TABLE instruction_ref (
    id            TEXT PRIMARY KEY,
    user_id       TEXT        NOT NULL,
    name          TEXT,
    scope         TEXT        NOT NULL,
    project_id    TEXT,
    chat_id       TEXT,
    mode          TEXT        NOT NULL DEFAULT 'append',
    instructions  TEXT        NOT NULL,
    created_at    TIMESTAMPTZ,
    updated_at    TIMESTAMPTZ
);
CREATE INDEX instruction_ref_user ON instruction_ref (user_id, scope);

CREATE TABLE chat (
    id              TEXT PRIMARY KEY,
    project_id      TEXT        NOT NULL,
    user_id         TEXT        NOT NULL,
    name            TEXT        NOT NULL,
    model           TEXT        NOT NULL,
    settings        TEXT        NOT NULL,
    system_message  TEXT,
    message_count   INTEGER     NOT NULL DEFAULT 0,
    archived        BOOLEAN     NOT NULL DEFAULT FALSE,
    starred         BOOLEAN     NOT NULL DEFAULT FALSE,
    current_leaf_id TEXT,
    created_at      TIMESTAMPTZ NOT NULL,
    updated_at      TIMESTAMPTZ NOT NULL
);
CREATE INDEX chat_project_user ON chat (project_id, user_id, updated_at DESC);

CREATE TABLE message (
    id                 TEXT PRIMARY KEY,
    chat_id            TEXT        NOT NULL REFERENCES chat (id) ON DELETE CASCADE,
    user_id            TEXT        NOT NULL,
    parent_id          TEXT,
    role               TEXT        NOT NULL,
    content            TEXT        NOT NULL,
    status             TEXT        NOT NULL,
    model              TEXT,
    attachments        TEXT,
    metadata           TEXT,
    error_code         TEXT,
    error_message      TEXT,
    prompt_tokens      INTEGER,
    completion_tokens  INTEGER,
    batch_id           TEXT,
    created_at         TIMESTAMPTZ NOT NULL,
    updated_at         TIMESTAMPTZ NOT NULL
);
CREATE INDEX message_chat_created ON message (chat_id, created_at, id);
CREATE INDEX message_streaming ON message (status) WHERE status = 'streaming';

CREATE TABLE batch (
    id            TEXT PRIMARY KEY,
    chat_id       TEXT        NOT NULL REFERENCES chat (id) ON DELETE CASCADE,
    user_id       TEXT        NOT NULL,
    mode          TEXT        NOT NULL,
    status        TEXT        NOT NULL,
    continue_on_error BOOLEAN NOT NULL,
    timeout_ms    BIGINT      NOT NULL,
    items         TEXT        NOT NULL,
    created_at    TIMESTAMPTZ NOT NULL,
    completed_at  TIMESTAMPTZ
);
