-- Where each host's agent serves its servers' console logs (null: it serves none).
ALTER TABLE compute_hosts ADD COLUMN console_url text;
