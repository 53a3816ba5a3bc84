-- Server groups (os-server-groups) and each server's group; a group's members are its servers
-- that are not deleted. Groups and their servers' InstanceRequested are on the project's stream.
CREATE TABLE server_groups (
  id          text PRIMARY KEY,
  project_id  text NOT NULL,
  user_id     text NOT NULL,
  name        text NOT NULL,
  policy      text NOT NULL,
  created_at  timestamptz NOT NULL,
  deleted_at  timestamptz
);
CREATE INDEX server_groups_project ON server_groups (project_id) WHERE deleted_at IS NULL;

ALTER TABLE servers ADD COLUMN server_group_id text;
CREATE INDEX servers_group ON servers (server_group_id) WHERE server_group_id IS NOT NULL AND deleted_at IS NULL;
