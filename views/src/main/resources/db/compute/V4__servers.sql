-- Servers as Nova's read API shows them, and the ports each was given.
--
-- A server's events come on two streams: its project's (requested, renamed, metadata, delete
-- requested) and its own (scheduled, networked, active, failed, deleted, power actions). They are on different
-- partitions, so a replay may apply them in either order: each event fills only its own columns
-- (a row may start from an event of the server's own stream) and the derived state (status,
-- vm_state, task_state, power_state) is recomputed from those columns after every event. A row is
-- shown once its InstanceRequested is applied (created_at is set).
CREATE TABLE servers (
  id                   text PRIMARY KEY,
  project_id           text NOT NULL,
  user_id              text,
  name                 text,
  hostname             text,
  status               text NOT NULL,
  vm_state             text NOT NULL,
  task_state           text,
  power_state          integer NOT NULL,
  flavor_id            text,
  flavor               jsonb,
  image_id             text,
  image_name           text,
  key_name             text,
  availability_zone    text,
  host                 text,
  security_groups      jsonb NOT NULL DEFAULT '[]',
  metadata             jsonb NOT NULL DEFAULT '{}',
  user_data            text,
  requested_networks   integer,
  fault                jsonb,
  created_at           timestamptz,
  updated_at           timestamptz NOT NULL,
  launched_at          timestamptz,
  stopped              boolean NOT NULL DEFAULT false,
  power_action         text,
  delete_requested_at  timestamptz,
  deleted_at           timestamptz
);
-- GET /servers[/detail] of a project, newest first, page after page (a deleted server is kept for
-- the record but leaves these two)
CREATE INDEX servers_project_live ON servers (project_id, created_at, id) WHERE deleted_at IS NULL;
-- the same for an admin's all_tenants
CREATE INDEX servers_live ON servers (created_at, id) WHERE deleted_at IS NULL;
-- changes-since, which also lists deleted servers
CREATE INDEX servers_project_changes ON servers (project_id, updated_at);
CREATE INDEX servers_host ON servers (host) WHERE deleted_at IS NULL;

-- one row per port a server was given, in the order they were allocated
CREATE TABLE server_ports (
  server_id   text NOT NULL,
  port_id     text NOT NULL,
  network_id  text NOT NULL,
  mac         text NOT NULL,
  fixed_ips   jsonb NOT NULL,
  position    integer NOT NULL,
  PRIMARY KEY (server_id, port_id)
);
