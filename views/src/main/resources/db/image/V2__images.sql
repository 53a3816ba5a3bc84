-- The image catalogue Glance's read API serves. Data (size, checksums, location) arrives with the
-- upload path; until then images stay queued.
CREATE TABLE images (
  id               text PRIMARY KEY,
  owner            text NOT NULL,
  name             text,
  status           text NOT NULL,
  visibility       text NOT NULL,
  protected        boolean NOT NULL,
  disk_format      text,
  container_format text,
  min_disk         integer NOT NULL,
  min_ram          integer NOT NULL,
  tags             text[] NOT NULL DEFAULT '{}',
  properties       jsonb NOT NULL DEFAULT '{}',
  size             bigint,
  virtual_size     bigint,
  checksum         text,
  os_hash_algo     text,
  os_hash_value    text,
  created_at       timestamptz NOT NULL,
  updated_at       timestamptz NOT NULL
);
CREATE INDEX images_owner ON images (owner);
CREATE INDEX images_name ON images (name);
CREATE INDEX images_visibility ON images (visibility);
