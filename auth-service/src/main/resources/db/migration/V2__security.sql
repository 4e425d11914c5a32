-- issue #16: login throttling without a hard lock, access-token revocation by family, admin bootstrap
-- by a one-time setup token, and an audit trail of admin actions

-- one row per throttled key: account (a:), account from one client address (ai:), client address (i:);
-- keys are SHA-256 of the normalized email / address, so the table holds no email or IP in clear
CREATE TABLE login_throttle (
    throttle_key  VARCHAR(80) PRIMARY KEY,
    failures      INT         NOT NULL DEFAULT 0,
    blocked_until TIMESTAMPTZ,
    updated_at    TIMESTAMPTZ NOT NULL
);
CREATE INDEX login_throttle_updated_idx ON login_throttle (updated_at);

-- the hard lock is gone
ALTER TABLE app_user DROP COLUMN failed_logins;
ALTER TABLE app_user DROP COLUMN last_failed_login_at;
ALTER TABLE app_user DROP COLUMN locked_until;

-- the access token issued with each refresh token: denylisted (until it expires) when its family is
-- revoked (replay detected) or its user logs out
ALTER TABLE refresh_token ADD COLUMN access_jti VARCHAR(64);
ALTER TABLE refresh_token ADD COLUMN access_expires_at TIMESTAMPTZ;
CREATE INDEX refresh_token_access_live_idx ON refresh_token (user_id, access_expires_at);

-- at most one setup token at a time (id = 1), stored as SHA-256, consumed once
CREATE TABLE admin_setup_token (
    id          INT         PRIMARY KEY CHECK (id = 1),
    token_hash  VARCHAR(64) NOT NULL,
    created_at  TIMESTAMPTZ NOT NULL,
    consumed_at TIMESTAMPTZ,
    consumed_by VARCHAR(40)
);

-- who did what to whom, when: written in the transaction of the action itself
CREATE TABLE admin_audit (
    id          VARCHAR(40)  PRIMARY KEY,
    actor_id    VARCHAR(40)  NOT NULL,
    action      VARCHAR(40)  NOT NULL,
    target_type VARCHAR(20)  NOT NULL,
    target_id   VARCHAR(100) NOT NULL,
    details     TEXT,
    request_id  VARCHAR(100),
    created_at  TIMESTAMPTZ  NOT NULL
);
CREATE INDEX admin_audit_created_idx ON admin_audit (created_at DESC, id DESC);
