-- Domains, groups and their members, nested projects, domain roles and the roles they imply, and
-- grants of roles to users or groups on projects, domains or the system (inherited or not).
CREATE TABLE domains (
  id          text PRIMARY KEY,
  name        text NOT NULL UNIQUE,
  description text NOT NULL DEFAULT '',
  enabled     boolean NOT NULL,
  tags        text[] NOT NULL DEFAULT '{}',
  created_at  timestamptz NOT NULL,
  updated_at  timestamptz NOT NULL
);
-- the default domain exists from the start (the decider knows it without an event too); a fixed
-- time, so a view rebuilt from the log is the same row for row
INSERT INTO domains (id, name, description, enabled, created_at, updated_at)
VALUES ('default', 'Default', 'The default domain', true, '2024-01-01T00:00:00Z', '2024-01-01T00:00:00Z');

ALTER TABLE projects ADD COLUMN parent_id text;
CREATE INDEX projects_parent ON projects (parent_id);

-- Keystone keeps a user's attributes it does not know and gives them back
ALTER TABLE users ADD COLUMN extra jsonb NOT NULL DEFAULT '{}';

ALTER TABLE roles ADD COLUMN domain_id text;
ALTER TABLE roles DROP CONSTRAINT roles_name_key;
CREATE UNIQUE INDEX roles_domain_name ON roles (coalesce(domain_id, ''), name);

CREATE TABLE groups (
  id          text PRIMARY KEY,
  domain_id   text NOT NULL,
  name        text NOT NULL,
  description text,
  created_at  timestamptz NOT NULL,
  UNIQUE (domain_id, name)
);

CREATE TABLE group_members (
  group_id text NOT NULL,
  user_id  text NOT NULL,
  PRIMARY KEY (group_id, user_id)
);
CREATE INDEX group_members_user ON group_members (user_id);

CREATE TABLE implied_roles (
  prior_role_id   text NOT NULL,
  implied_role_id text NOT NULL,
  PRIMARY KEY (prior_role_id, implied_role_id)
);

CREATE TABLE grants (
  actor_type  text NOT NULL CHECK (actor_type IN ('user', 'group')),
  actor_id    text NOT NULL,
  target_type text NOT NULL CHECK (target_type IN ('project', 'domain', 'system')),
  target_id   text NOT NULL,
  role_id     text NOT NULL,
  inherited   boolean NOT NULL,
  created_at  timestamptz NOT NULL,
  PRIMARY KEY (actor_type, actor_id, target_type, target_id, role_id, inherited)
);
CREATE INDEX grants_target ON grants (target_type, target_id);
CREATE INDEX grants_role ON grants (role_id);

INSERT INTO grants (actor_type, actor_id, target_type, target_id, role_id, inherited, created_at)
SELECT 'user', user_id, 'project', project_id, role_id, false, created_at FROM role_assignments;
DROP TABLE role_assignments;
