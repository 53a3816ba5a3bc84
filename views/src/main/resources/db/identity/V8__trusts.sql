-- Trusts: a trustor delegates some of their roles on a project to a trustee, who gets tokens for it.
CREATE TABLE trusts (
  id               text PRIMARY KEY,
  trustor_user_id  text NOT NULL,
  trustee_user_id  text NOT NULL,
  project_id       text,
  role_ids         text[] NOT NULL,
  impersonation    boolean NOT NULL,
  expires_at       timestamptz
);
CREATE INDEX trusts_trustor ON trusts (trustor_user_id);
CREATE INDEX trusts_trustee ON trusts (trustee_user_id);
