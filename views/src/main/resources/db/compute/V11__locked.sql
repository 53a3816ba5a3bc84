-- Whether a server is locked (os-lock-server: only an administrator may act on it), shown as
-- Nova's `locked` from microversion 2.9; who locked it, owner or admin, as Nova's locked_by.
ALTER TABLE servers ADD COLUMN locked_by text;
