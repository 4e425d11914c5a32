-- Shared by every service (Flyway location db/common). Repeatable, not versioned: a V0_x file would sort
-- below the services' own V1.. migrations already applied and fail Flyway's validation on an existing
-- database (R__outbox_notify.sql adds refused_reason the same way).
-- The W3C traceparent of the span that wrote the row (null when tracing is off); the relay sends it as
-- the record's traceparent header so consumers continue the request's trace (#20).
ALTER TABLE outbox_event ADD COLUMN IF NOT EXISTS traceparent TEXT;
