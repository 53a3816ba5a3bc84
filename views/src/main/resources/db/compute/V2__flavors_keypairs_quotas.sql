-- What Nova's read API serves before servers: flavors and who may use private ones, key pairs, quotas.
CREATE TABLE flavors (
  id            text PRIMARY KEY,
  name          text NOT NULL UNIQUE,
  vcpus         integer NOT NULL,
  ram_mb        integer NOT NULL,
  disk_gb       integer NOT NULL,
  ephemeral_gb  integer NOT NULL,
  swap_mb       integer NOT NULL,
  rxtx_factor   double precision NOT NULL,
  is_public     boolean NOT NULL,
  description   text,
  extra_specs   jsonb NOT NULL,
  created_at    timestamptz NOT NULL,
  updated_at    timestamptz NOT NULL
);

CREATE TABLE flavor_access (
  flavor_id   text NOT NULL,
  project_id  text NOT NULL,
  PRIMARY KEY (flavor_id, project_id)
);

CREATE TABLE keypairs (
  user_id      text NOT NULL,
  name         text NOT NULL,
  public_key   text NOT NULL,
  fingerprint  text NOT NULL,
  type         text NOT NULL,
  created_at   timestamptz NOT NULL,
  PRIMARY KEY (user_id, name)
);

CREATE TABLE compute_quotas (
  project_id   text NOT NULL,
  resource     text NOT NULL,
  limit_value  integer NOT NULL,
  PRIMARY KEY (project_id, resource)
);
