-- issue #19: the access tokens exchanged from each API token (client_credentials), so that deleting the
-- API token denylists them at once (the gateway then refuses them and closes their agent sockets)
CREATE TABLE api_token_access (
    jti          VARCHAR(64) PRIMARY KEY,
    api_token_id VARCHAR(40) NOT NULL,
    expires_at   TIMESTAMPTZ NOT NULL
);
CREATE INDEX api_token_access_token_idx ON api_token_access (api_token_id, expires_at);
