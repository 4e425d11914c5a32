-- project-service schema: projects, instruction sets, and the chat read model fed by chat.events.

-- trigram indexes make the case-insensitive substring search (ILIKE '%…%') use an index
CREATE EXTENSION IF NOT EXISTS pg_trgm;

CREATE TABLE project (
    id             TEXT PRIMARY KEY,
    user_id        TEXT        NOT NULL,
    name           TEXT        NOT NULL,
    description    TEXT,
    tags           TEXT[]      NOT NULL DEFAULT '{}',
    color          TEXT,
    auto_save      BOOLEAN     NOT NULL,
    sync_enabled   BOOLEAN     NOT NULL,
    notifications  BOOLEAN     NOT NULL,
    archived       BOOLEAN     NOT NULL DEFAULT FALSE,
    -- kept from chat.events: chats in the project and the time of the latest chat/message activity
    chat_count     INTEGER     NOT NULL DEFAULT 0,
    last_activity  TIMESTAMPTZ NOT NULL,
    created_at     TIMESTAMPTZ NOT NULL,
    updated_at     TIMESTAMPTZ NOT NULL
);
CREATE INDEX project_user_created ON project (user_id, archived, created_at DESC, id);
CREATE INDEX project_user_updated ON project (user_id, archived, updated_at DESC, id);
CREATE INDEX project_user_activity ON project (user_id, archived, last_activity DESC, id);
CREATE INDEX project_user_name ON project (user_id, archived, lower(name), id);
CREATE INDEX project_tags ON project USING GIN (tags);
CREATE INDEX project_name_trgm ON project USING GIN (name gin_trgm_ops);
CREATE INDEX project_description_trgm ON project USING GIN (description gin_trgm_ops);

CREATE TABLE instruction_set (
    id           TEXT PRIMARY KEY,
    user_id      TEXT        NOT NULL,
    name         TEXT        NOT NULL,
    scope        TEXT        NOT NULL CHECK (scope IN ('global', 'project', 'chat')),
    project_id   TEXT,
    chat_id      TEXT,
    mode         TEXT        NOT NULL CHECK (mode IN ('append', 'override')),
    role         TEXT,
    style        TEXT,
    constraints  TEXT[]      NOT NULL DEFAULT '{}',
    examples     TEXT[]      NOT NULL DEFAULT '{}',
    created_at   TIMESTAMPTZ NOT NULL,
    updated_at   TIMESTAMPTZ NOT NULL,
    CHECK (scope <> 'project' OR project_id IS NOT NULL),
    CHECK (scope <> 'chat' OR chat_id IS NOT NULL)
);
CREATE INDEX instruction_set_user_scope ON instruction_set (user_id, scope, created_at, id);
CREATE INDEX instruction_set_project ON instruction_set (project_id) WHERE project_id IS NOT NULL;
CREATE INDEX instruction_set_chat ON instruction_set (chat_id) WHERE chat_id IS NOT NULL;

-- the chats chat-service has told us about: ownership checks for chat-scope instruction sets
CREATE TABLE chat_ref (
    chat_id     TEXT PRIMARY KEY,
    project_id  TEXT,
    user_id     TEXT        NOT NULL,
    created_at  TIMESTAMPTZ NOT NULL
);
CREATE INDEX chat_ref_project ON chat_ref (project_id) WHERE project_id IS NOT NULL;
