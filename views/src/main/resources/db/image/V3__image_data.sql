-- Where an image's data is kept (a store location; never exposed to tenants).
ALTER TABLE images ADD COLUMN location text;
