-- Nova's OS-DCF:diskConfig of a server, AUTO or MANUAL, as created, updated or rebuilt; null (a
-- server requested before it was recorded): MANUAL, Nova's default.
ALTER TABLE servers ADD COLUMN disk_config text;
