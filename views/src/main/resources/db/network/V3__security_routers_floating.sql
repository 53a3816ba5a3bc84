-- Security groups and rules, routers and their interfaces, floating IPs, and per-project quotas.
CREATE TABLE security_groups (
  id               text PRIMARY KEY,
  project_id       text NOT NULL,
  name             text NOT NULL,
  description      text NOT NULL,
  stateful         boolean NOT NULL,
  revision_number  integer NOT NULL DEFAULT 1,
  created_at       timestamptz NOT NULL,
  updated_at       timestamptz NOT NULL
);
CREATE INDEX security_groups_project ON security_groups (project_id);

CREATE TABLE security_group_rules (
  id                 text PRIMARY KEY,
  security_group_id  text NOT NULL,
  project_id         text NOT NULL,
  direction          text NOT NULL,
  ethertype          text NOT NULL,
  protocol           text,
  port_range_min     integer,
  port_range_max     integer,
  remote_ip_prefix   text,
  remote_group_id    text,
  description        text NOT NULL,
  revision_number    integer NOT NULL DEFAULT 1,
  created_at         timestamptz NOT NULL,
  updated_at         timestamptz NOT NULL
);
CREATE INDEX security_group_rules_group ON security_group_rules (security_group_id);
CREATE INDEX security_group_rules_project ON security_group_rules (project_id);

CREATE TABLE routers (
  id                   text PRIMARY KEY,
  project_id           text NOT NULL,
  name                 text NOT NULL,
  description          text NOT NULL,
  admin_state_up       boolean NOT NULL,
  external_network_id  text,
  gateway_port_id      text,
  external_fixed_ips   jsonb NOT NULL,
  enable_snat          boolean NOT NULL,
  routes               jsonb NOT NULL,
  revision_number      integer NOT NULL DEFAULT 1,
  created_at           timestamptz NOT NULL,
  updated_at           timestamptz NOT NULL
);
CREATE INDEX routers_project ON routers (project_id);

CREATE TABLE router_interfaces (
  port_id     text PRIMARY KEY,
  router_id   text NOT NULL,
  subnet_id   text NOT NULL,
  network_id  text NOT NULL
);
CREATE INDEX router_interfaces_router ON router_interfaces (router_id);
CREATE INDEX router_interfaces_subnet ON router_interfaces (subnet_id);

CREATE TABLE floating_ips (
  id                   text PRIMARY KEY,
  project_id           text NOT NULL,
  floating_network_id  text NOT NULL,
  floating_ip_address  text NOT NULL,
  floating_port_id     text NOT NULL,
  port_id              text,
  fixed_ip_address     text,
  router_id            text,
  description          text NOT NULL,
  revision_number      integer NOT NULL DEFAULT 1,
  created_at           timestamptz NOT NULL,
  updated_at           timestamptz NOT NULL
);
CREATE INDEX floating_ips_project ON floating_ips (project_id);
CREATE INDEX floating_ips_port ON floating_ips (port_id);

CREATE TABLE network_quotas (
  project_id  text NOT NULL,
  resource    text NOT NULL,
  limit_value integer NOT NULL,
  PRIMARY KEY (project_id, resource)
);
