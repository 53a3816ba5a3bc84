-- Host aggregates (os-aggregates): a named group of compute hosts with metadata; the availability
-- zone, when set, is the zone of every host in it (HostDirectory reads it from here). A deleted
-- aggregate is gone, as Nova shows it (404).
CREATE TABLE aggregates (
  id                 integer PRIMARY KEY,
  uuid               text NOT NULL UNIQUE,
  name               text NOT NULL,
  availability_zone  text,
  metadata           jsonb NOT NULL DEFAULT '{}',
  created_at         timestamptz NOT NULL,
  updated_at         timestamptz
);
CREATE TABLE aggregate_hosts (
  aggregate_id  integer NOT NULL REFERENCES aggregates (id) ON DELETE CASCADE,
  host_id       text NOT NULL,
  position      integer NOT NULL,
  PRIMARY KEY (aggregate_id, host_id)
);
CREATE INDEX aggregate_hosts_host ON aggregate_hosts (host_id);
