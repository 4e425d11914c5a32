-- auth-service schema: users, OAuth codes and refresh tokens, admin-issued API tokens, usage read model

CREATE TABLE app_user (
    id                   VARCHAR(40)  PRIMARY KEY,
    email                VARCHAR(254) NOT NULL,
    -- lower-cased email: uniqueness is case-insensitive
    email_normalized     VARCHAR(254) NOT NULL UNIQUE,
    name                 VARCHAR(100) NOT NULL,
    password_hash        VARCHAR(100) NOT NULL,
    plan                 VARCHAR(10)  NOT NULL DEFAULT 'free',
    roles                VARCHAR(100) NOT NULL DEFAULT 'user',
    failed_logins        INT          NOT NULL DEFAULT 0,
    last_failed_login_at TIMESTAMPTZ,
    locked_until         TIMESTAMPTZ,
    created_at           TIMESTAMPTZ  NOT NULL,
    updated_at           TIMESTAMPTZ  NOT NULL
);

-- single-use authorization codes, stored as SHA-256 of the code
CREATE TABLE authorization_code (
    code_hash          VARCHAR(64)   PRIMARY KEY,
    client_id          VARCHAR(100)  NOT NULL,
    user_id            VARCHAR(40)   NOT NULL REFERENCES app_user (id) ON DELETE CASCADE,
    redirect_uri       VARCHAR(2000) NOT NULL,
    redirect_uri_given BOOLEAN       NOT NULL,
    scope              VARCHAR(200)  NOT NULL,
    code_challenge     VARCHAR(128),
    family_id          VARCHAR(40)   NOT NULL,
    created_at         TIMESTAMPTZ   NOT NULL,
    expires_at         TIMESTAMPTZ   NOT NULL,
    used_at            TIMESTAMPTZ
);

-- opaque refresh tokens (SHA-256), rotated on use; a family is one login's chain of tokens
CREATE TABLE refresh_token (
    token_hash VARCHAR(64)  PRIMARY KEY,
    family_id  VARCHAR(40)  NOT NULL,
    user_id    VARCHAR(40)  NOT NULL REFERENCES app_user (id) ON DELETE CASCADE,
    client_id  VARCHAR(100) NOT NULL,
    scope      VARCHAR(200) NOT NULL,
    created_at TIMESTAMPTZ  NOT NULL,
    expires_at TIMESTAMPTZ  NOT NULL,
    used_at    TIMESTAMPTZ,
    revoked_at TIMESTAMPTZ
);
CREATE INDEX refresh_token_family_idx ON refresh_token (family_id);
CREATE INDEX refresh_token_user_idx ON refresh_token (user_id);

-- admin-issued API tokens (client_credentials): shown once, stored as SHA-256
CREATE TABLE api_token (
    id           VARCHAR(40)  PRIMARY KEY,
    user_id      VARCHAR(40)  NOT NULL REFERENCES app_user (id) ON DELETE CASCADE,
    name         VARCHAR(100) NOT NULL,
    token_hash   VARCHAR(64)  NOT NULL UNIQUE,
    created_by   VARCHAR(40)  NOT NULL,
    created_at   TIMESTAMPTZ  NOT NULL,
    last_used_at TIMESTAMPTZ
);
CREATE INDEX api_token_user_idx ON api_token (user_id, created_at);

-- profile usage counts, built from project/chat/image events (no FK: events may precede nothing here)
CREATE TABLE user_usage (
    user_id    VARCHAR(40) PRIMARY KEY,
    projects   BIGINT      NOT NULL DEFAULT 0,
    chats      BIGINT      NOT NULL DEFAULT 0,
    images     BIGINT      NOT NULL DEFAULT 0,
    updated_at TIMESTAMPTZ NOT NULL
);
