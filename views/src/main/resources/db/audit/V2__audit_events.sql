-- The audit trail: every event of every event topic with who caused it and through which
-- request. Secrets never reach it (password hashes are redacted from the payload).
CREATE TABLE events (
  event_id         text PRIMARY KEY,
  topic            text NOT NULL,
  partition        integer NOT NULL,
  kafka_offset     bigint NOT NULL,
  type             text NOT NULL,
  aggregate_id     text NOT NULL,
  project_id       text,
  actor_user_id    text,
  actor_user_name  text,
  actor_project_id text,
  actor_roles      text[] NOT NULL DEFAULT '{}',
  request_id       text NOT NULL,
  causation_id     text,
  correlation_id   text NOT NULL,
  occurred_at      timestamptz NOT NULL,
  schema_version   integer NOT NULL,
  payload          jsonb NOT NULL
);
CREATE INDEX events_request ON events (request_id);
CREATE INDEX events_aggregate ON events (aggregate_id, occurred_at);
CREATE INDEX events_actor ON events (actor_user_id, occurred_at);
CREATE INDEX events_time ON events (occurred_at);
