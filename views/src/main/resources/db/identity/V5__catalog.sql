-- The service catalog as operators register it (and bootstrap registers the deployment's own
-- services): regions, services and the endpoints they answer on.
CREATE TABLE regions (
  id               text PRIMARY KEY,
  description      text NOT NULL DEFAULT '',
  parent_region_id text
);

CREATE TABLE services (
  id          text PRIMARY KEY,
  type        text NOT NULL,
  name        text,
  description text,
  enabled     boolean NOT NULL
);

CREATE TABLE endpoints (
  id         text PRIMARY KEY,
  service_id text NOT NULL,
  interface  text NOT NULL,
  url        text NOT NULL,
  region_id  text,
  enabled    boolean NOT NULL
);
CREATE INDEX endpoints_service ON endpoints (service_id);
