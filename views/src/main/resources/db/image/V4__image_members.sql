-- Projects an image is shared with, and whether they accepted it.
CREATE TABLE image_members (
  image_id   text NOT NULL,
  member     text NOT NULL,
  status     text NOT NULL,
  created_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL,
  PRIMARY KEY (image_id, member)
);
CREATE INDEX image_members_member ON image_members (member);
