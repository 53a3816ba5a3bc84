-- What each project holds of its compute quota, as the project's decider counts it: the sum of its
-- QuotaReserved minus its QuotaReleased (a server deleted, or one whose boot failed: that one stays
-- in the servers view, in ERROR, but no longer counts). GET /limits and os-quota-sets/{id}/detail
-- read it. Both events are on the project's stream and only add or subtract, so the row is the
-- same whatever order the partitions are replayed in.
CREATE TABLE compute_quota_usage (
  project_id  text PRIMARY KEY,
  instances   integer NOT NULL DEFAULT 0,
  cores       integer NOT NULL DEFAULT 0,
  ram_mb      integer NOT NULL DEFAULT 0
);
