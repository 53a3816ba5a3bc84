-- Application credentials: a user's credential for automation, acting in one project with some of
-- the user's roles there; the secret is kept as a slow-KDF hash only.
CREATE TABLE application_credentials (
  id           text PRIMARY KEY,
  user_id      text NOT NULL,
  project_id   text NOT NULL,
  name         text NOT NULL,
  description  text,
  secret_hash  text NOT NULL,
  expires_at   timestamptz,
  role_ids     text[] NOT NULL,
  unrestricted boolean NOT NULL,
  created_at   timestamptz NOT NULL,
  UNIQUE (user_id, name)
);
