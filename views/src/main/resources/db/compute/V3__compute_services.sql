-- Whether an operator took a compute host out of scheduling, and why.
CREATE TABLE compute_services (
  host_id          text PRIMARY KEY,
  enabled          boolean NOT NULL,
  disabled_reason  text,
  updated_at       timestamptz NOT NULL
);
