-- Events a projection could not apply, set aside so that it goes on with every other resource.
-- An event whose stream already has one set aside waits here behind it (behind = true), so that a
-- stream is always applied in order; `./sky set-aside retry <projection>` re-applies them.
CREATE TABLE set_aside (
  topic         text        NOT NULL,
  partition     int         NOT NULL,
  kafka_offset  bigint      NOT NULL,
  stream_key    text        NOT NULL,
  event_type    text        NOT NULL,
  event_id      text,
  request_id    text,
  behind        boolean     NOT NULL,
  error         text        NOT NULL,
  set_aside_at  timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (topic, partition, kafka_offset)
);
CREATE INDEX set_aside_stream ON set_aside (stream_key);
