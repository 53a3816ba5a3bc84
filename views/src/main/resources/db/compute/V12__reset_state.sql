-- An administrator reset the server to ERROR (os-resetState): shown as error, with no fault and
-- no task, until it is reset to active or deleted.
ALTER TABLE servers ADD COLUMN reset_error boolean NOT NULL DEFAULT false;
