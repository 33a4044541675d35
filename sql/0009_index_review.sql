-- Index review (docs/INDEXES.md has the queries, EXPLAIN before and after, and the ingest rates).
-- Every index is paid for on every stored row; only those that serve a query stay.
-- user_id and movie_id alone: the (user_id, event_timestamp) and (movie_id, event_timestamp) indexes serve the same
-- lookups through their leading column (and the per-user / per-movie timelines besides).
DROP INDEX IF EXISTS idx_user_events_user_id;
DROP INDEX IF EXISTS idx_user_events_movie_id;
-- event_type has a handful of values: no query filters on it selectively; statistics by type read the whole table.
DROP INDEX IF EXISTS idx_user_events_event_type;
-- Event time: rows arrive in about event-time order, so a BRIN index finds a time window by block ranges,
-- at a fraction of a B-tree's upkeep and size.
DROP INDEX IF EXISTS idx_user_events_timestamp;
CREATE INDEX IF NOT EXISTS idx_user_events_timestamp_brin ON user_events USING brin (event_timestamp) WITH (autosummarize = on);
