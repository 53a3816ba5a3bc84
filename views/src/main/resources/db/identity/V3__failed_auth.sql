-- Keystone's security compliance: failed password attempts in a row, and when the last one was,
-- from which the lockout is judged where passwords are checked.
ALTER TABLE users ADD COLUMN failed_auth_count integer NOT NULL DEFAULT 0;
ALTER TABLE users ADD COLUMN failed_auth_at timestamptz;
