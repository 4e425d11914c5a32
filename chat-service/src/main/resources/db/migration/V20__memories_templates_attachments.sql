-- Issue #18 items 4-6: the user's memories, prompt templates, and what a prompt's attachments give the model.

-- User-level facts, included in the system prompt within a token budget (newest kept first).
CREATE TABLE memory (
    id          TEXT PRIMARY KEY,
    user_id     TEXT        NOT NULL,
    content     TEXT        NOT NULL,
    enabled     BOOLEAN     NOT NULL DEFAULT TRUE,
    created_at  TIMESTAMPTZ NOT NULL,
    updated_at  TIMESTAMPTZ NOT NULL
);
CREATE INDEX memory_user ON memory (user_id, created_at DESC, id);

-- Memories as a whole on or off for a user (no row: on).
CREATE TABLE memory_setting (
    user_id     TEXT PRIMARY KEY,
    enabled     BOOLEAN     NOT NULL,
    updated_at  TIMESTAMPTZ NOT NULL
);

-- Prompt templates: a body with {{variable}} slots, the declared variables (JSON [{name, default, description}]).
CREATE TABLE prompt_template (
    id          TEXT PRIMARY KEY,
    user_id     TEXT        NOT NULL,
    name        TEXT        NOT NULL,
    description TEXT,
    body        TEXT        NOT NULL,
    variables   TEXT        NOT NULL,
    created_at  TIMESTAMPTZ NOT NULL,
    updated_at  TIMESTAMPTZ NOT NULL,
    CONSTRAINT prompt_template_user_name UNIQUE (user_id, name)
);
CREATE INDEX prompt_template_user ON prompt_template (user_id, created_at DESC, id);

-- The model-ready content of a prompt's attachments (a data URL for an image, the text of a text file);
-- message.attachments keeps only their descriptors. Goes with its message.
CREATE TABLE message_attachment (
    id          TEXT PRIMARY KEY,
    message_id  TEXT        NOT NULL REFERENCES message (id) ON DELETE CASCADE,
    position    INTEGER     NOT NULL,
    kind        TEXT        NOT NULL,
    media_type  TEXT        NOT NULL,
    name        TEXT,
    detail      TEXT,
    content     TEXT        NOT NULL,
    tokens      INTEGER     NOT NULL,
    created_at  TIMESTAMPTZ NOT NULL,
    CONSTRAINT message_attachment_position UNIQUE (message_id, position)
);
