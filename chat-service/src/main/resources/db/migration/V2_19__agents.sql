-- Browser agents (issue #19): one row per connected agent socket, on whichever replica holds it.
-- Every replica reads and leases from this table, so any replica can route a prompt to any agent.
-- (Version 2.19: numbered after the issue so it cannot collide with a parallel V2.)
CREATE TABLE agent_connection (
    id               TEXT PRIMARY KEY,
    user_id          TEXT        NOT NULL,
    replica_id       TEXT        NOT NULL,
    name             TEXT,
    connected_at     TIMESTAMPTZ NOT NULL,
    last_heartbeat   TIMESTAMPTZ NOT NULL,
    last_message_at  TIMESTAMPTZ,
    -- the prompt the agent is answering (null: idle); leased with FOR UPDATE SKIP LOCKED
    busy_request_id  TEXT,
    busy_since       TIMESTAMPTZ
);
CREATE INDEX agent_connection_user ON agent_connection (user_id, last_message_at);
CREATE INDEX agent_connection_replica ON agent_connection (replica_id);
