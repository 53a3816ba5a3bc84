-- Compute microversions 2.3 and 2.11: the reservation a server was created in and its position
-- in it (shown to admins, sortable), and whether an operator forced a compute service down.
ALTER TABLE servers ADD COLUMN reservation_id text;
ALTER TABLE servers ADD COLUMN launch_index integer NOT NULL DEFAULT 0;
ALTER TABLE compute_services ADD COLUMN forced_down boolean NOT NULL DEFAULT false;
