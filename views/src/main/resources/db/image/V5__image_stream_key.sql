-- The stream an image is decided on (the image commands' key): its owner when it was created. An
-- administrator may give an image to another project; it stays on the stream it was created on.
ALTER TABLE images ADD COLUMN stream_key text;
UPDATE images SET stream_key = owner;
ALTER TABLE images ALTER COLUMN stream_key SET NOT NULL;
