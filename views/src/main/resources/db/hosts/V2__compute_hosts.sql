-- The compute hosts as their agents report them: capacity at registration, usage with each heartbeat.
CREATE TABLE compute_hosts (
  id                     bigserial UNIQUE,
  host_id                text PRIMARY KEY,
  hypervisor_type        text NOT NULL,
  hypervisor_version     text NOT NULL,
  availability_zone      text NOT NULL,
  host_ip                text NOT NULL,
  vcpus                  integer NOT NULL,
  memory_mb              integer NOT NULL,
  local_gb               integer NOT NULL,
  cpu_allocation_ratio   double precision NOT NULL,
  ram_allocation_ratio   double precision NOT NULL,
  disk_allocation_ratio  double precision NOT NULL,
  vcpus_used             integer NOT NULL DEFAULT 0,
  memory_mb_used         integer NOT NULL DEFAULT 0,
  local_gb_used          integer NOT NULL DEFAULT 0,
  running_vms            integer NOT NULL DEFAULT 0,
  heartbeat_seconds      integer NOT NULL DEFAULT 10,
  stopped                boolean NOT NULL DEFAULT false,
  registered_at          timestamptz NOT NULL,
  last_seen_at           timestamptz NOT NULL
);
CREATE INDEX compute_hosts_zone ON compute_hosts (availability_zone);
