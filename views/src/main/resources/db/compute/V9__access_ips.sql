-- The addresses a user says a server is reached at (Nova's accessIPv4 and accessIPv6), set on
-- create and update; null: none.
ALTER TABLE servers ADD COLUMN access_ipv4 text;
ALTER TABLE servers ADD COLUMN access_ipv6 text;
