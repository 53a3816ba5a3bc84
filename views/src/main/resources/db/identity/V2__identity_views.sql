-- The identity views that Keystone's read API and token issue read.
CREATE TABLE projects (
  id          text PRIMARY KEY,
  domain_id   text NOT NULL,
  name        text NOT NULL,
  description text NOT NULL DEFAULT '',
  enabled     boolean NOT NULL,
  tags        text[] NOT NULL DEFAULT '{}',
  created_at  timestamptz NOT NULL,
  updated_at  timestamptz NOT NULL,
  UNIQUE (domain_id, name)
);

CREATE TABLE users (
  id                  text PRIMARY KEY,
  domain_id           text NOT NULL,
  name                text NOT NULL,
  password_hash       text,
  email               text,
  description         text,
  enabled             boolean NOT NULL,
  default_project_id  text,
  password_changed_at timestamptz,
  created_at          timestamptz NOT NULL,
  updated_at          timestamptz NOT NULL,
  UNIQUE (domain_id, name)
);

CREATE TABLE roles (
  id          text PRIMARY KEY,
  name        text NOT NULL UNIQUE,
  description text,
  created_at  timestamptz NOT NULL
);

CREATE TABLE role_assignments (
  project_id text NOT NULL,
  user_id    text NOT NULL,
  role_id    text NOT NULL,
  created_at timestamptz NOT NULL,
  PRIMARY KEY (project_id, user_id, role_id)
);
CREATE INDEX role_assignments_user ON role_assignments (user_id);
CREATE INDEX role_assignments_role ON role_assignments (role_id);

CREATE TABLE revoked_tokens (
  audit_id   text PRIMARY KEY,
  user_id    text NOT NULL,
  expires_at timestamptz NOT NULL,
  revoked_at timestamptz NOT NULL
);
