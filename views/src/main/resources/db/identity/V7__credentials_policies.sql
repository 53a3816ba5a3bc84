-- Credentials of users (the blob sealed by the identity API; opened only to answer) and the policy
-- documents Keystone stores for others to enforce.
CREATE TABLE credentials (
  id          text PRIMARY KEY,
  user_id     text NOT NULL,
  project_id  text,
  type        text NOT NULL,
  sealed_blob text NOT NULL
);
CREATE INDEX credentials_user ON credentials (user_id);

CREATE TABLE policies (
  id   text PRIMARY KEY,
  type text NOT NULL,
  blob text NOT NULL
);
