-- Glance's metadata definition catalogue (metadefs): namespaces, and in each its objects,
-- properties and tags (their definitions as Glance's JSON documents) and the resource types it is
-- associated with. A renamed namespace takes everything in it along; a deleted one everything.
CREATE TABLE metadef_namespaces (
  namespace    text PRIMARY KEY,
  display_name text,
  description  text,
  visibility   text NOT NULL,
  protected    boolean NOT NULL,
  owner        text NOT NULL,
  created_at   timestamptz NOT NULL,
  updated_at   timestamptz NOT NULL
);
CREATE TABLE metadef_definitions (
  namespace  text NOT NULL REFERENCES metadef_namespaces (namespace) ON UPDATE CASCADE ON DELETE CASCADE,
  kind       text NOT NULL,
  name       text NOT NULL,
  definition jsonb NOT NULL,
  created_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL,
  PRIMARY KEY (namespace, kind, name)
);
CREATE TABLE metadef_resource_types (
  namespace         text NOT NULL REFERENCES metadef_namespaces (namespace) ON UPDATE CASCADE ON DELETE CASCADE,
  name              text NOT NULL,
  prefix            text,
  properties_target text,
  created_at        timestamptz NOT NULL,
  updated_at        timestamptz NOT NULL,
  PRIMARY KEY (namespace, name)
);
CREATE INDEX metadef_resource_types_name ON metadef_resource_types (name);
