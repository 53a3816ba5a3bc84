-- What Neutron's read API serves: networks, subnets, ports and the addresses ports hold.
CREATE TABLE networks (
  id               text PRIMARY KEY,
  project_id       text NOT NULL,
  name             text NOT NULL,
  description      text NOT NULL,
  admin_state_up   boolean NOT NULL,
  shared           boolean NOT NULL,
  external         boolean NOT NULL,
  mtu              integer NOT NULL,
  revision_number  integer NOT NULL DEFAULT 1,
  created_at       timestamptz NOT NULL,
  updated_at       timestamptz NOT NULL
);
CREATE INDEX networks_project ON networks (project_id);
CREATE INDEX networks_name ON networks (name);

CREATE TABLE subnets (
  id                 text PRIMARY KEY,
  network_id         text NOT NULL,
  project_id         text NOT NULL,
  name               text NOT NULL,
  description        text NOT NULL,
  ip_version         integer NOT NULL,
  cidr               text NOT NULL,
  gateway_ip         text,
  allocation_pools   jsonb NOT NULL,
  enable_dhcp        boolean NOT NULL,
  dns_nameservers    text[] NOT NULL,
  host_routes        jsonb NOT NULL,
  ipv6_address_mode  text,
  ipv6_ra_mode       text,
  revision_number    integer NOT NULL DEFAULT 1,
  created_at         timestamptz NOT NULL,
  updated_at         timestamptz NOT NULL
);
CREATE INDEX subnets_network ON subnets (network_id);
CREATE INDEX subnets_project ON subnets (project_id);

CREATE TABLE ports (
  id                     text PRIMARY KEY,
  network_id             text NOT NULL,
  project_id             text NOT NULL,
  name                   text NOT NULL,
  description            text NOT NULL,
  mac_address            text NOT NULL,
  device_id              text NOT NULL,
  device_owner           text NOT NULL,
  security_groups        text[] NOT NULL,
  host_id                text NOT NULL,
  admin_state_up         boolean NOT NULL,
  port_security_enabled  boolean NOT NULL,
  revision_number        integer NOT NULL DEFAULT 1,
  created_at             timestamptz NOT NULL,
  updated_at             timestamptz NOT NULL
);
CREATE INDEX ports_network ON ports (network_id);
CREATE INDEX ports_project ON ports (project_id);
CREATE INDEX ports_device ON ports (device_id);
CREATE INDEX ports_host ON ports (host_id);

-- one row per address a port holds; the primary key is the uniqueness the decider guarantees
CREATE TABLE port_ips (
  subnet_id   text NOT NULL,
  ip_address  text NOT NULL,
  port_id     text NOT NULL,
  network_id  text NOT NULL,
  position    integer NOT NULL,
  PRIMARY KEY (subnet_id, ip_address)
);
CREATE INDEX port_ips_port ON port_ips (port_id);
