-- Every projection schema: how far each partition has been applied (stored in the same
-- transaction as the rows, so nothing is applied twice or lost), and how far each stream
-- (partition key) has been applied, which read-your-writes waits on.
CREATE TABLE projector_offsets (
  topic       text    NOT NULL,
  partition   integer NOT NULL,
  next_offset bigint  NOT NULL,
  PRIMARY KEY (topic, partition)
);

CREATE TABLE stream_positions (
  stream_key text   PRIMARY KEY,
  sequence   bigint NOT NULL
);
