-- Which schema holds the live rows of each projection. A replay builds into a fresh schema,
-- then points the projection at it in one statement.
CREATE TABLE projections (
  name          text PRIMARY KEY,
  active_schema text NOT NULL,
  generation    integer NOT NULL,
  switched_at   timestamptz NOT NULL DEFAULT now()
);
