-- Events a projection could not apply, set aside so that it goes on with every other resource.
-- A later event of a resource (aggregate) that already has one set aside waits here behind it
-- (behind = true), so that a resource's events are always applied in order; `./sky set-aside retry
-- <projection>` re-applies them. stream_key and sequence say which write's result is missing.
CREATE TABLE set_aside (
  topic         text        NOT NULL,
  partition     int         NOT NULL,
  kafka_offset  bigint      NOT NULL,
  stream_key    text        NOT NULL,
  sequence      bigint      NOT NULL,
  aggregate_id  text        NOT NULL,
  event_type    text        NOT NULL,
  event_id      text,
  request_id    text,
  behind        boolean     NOT NULL,
  error         text        NOT NULL,
  set_aside_at  timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (topic, partition, kafka_offset)
);
CREATE INDEX set_aside_stream ON set_aside (stream_key, sequence);
