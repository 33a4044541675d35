-- user_events: one row per valid event of the Kafka topic, written exactly once.
-- Upgrades over the seed: a 64-bit identity (a 32-bit SERIAL overflows within hours at 100k events/s),
-- timestamptz columns (the event time is an instant: epoch milliseconds, read in UTC),
-- and the Kafka position of every row, which makes "exactly once" checkable from outside.
CREATE TABLE IF NOT EXISTS user_events (
    id              bigint       GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    user_id         integer      NOT NULL,
    movie_id        integer      NOT NULL,
    event_type      varchar(50)  NOT NULL,
    event_timestamp timestamptz  NOT NULL,
    processed_at    timestamptz  NOT NULL,
    created_at      timestamptz  NOT NULL DEFAULT CURRENT_TIMESTAMP,
    kafka_partition integer      NOT NULL,
    kafka_offset    bigint       NOT NULL
);

-- The seed's indexes: one per filter column, plus composites for the per-user and per-movie timelines.
CREATE INDEX IF NOT EXISTS idx_user_events_user_id ON user_events (user_id);
CREATE INDEX IF NOT EXISTS idx_user_events_movie_id ON user_events (movie_id);
CREATE INDEX IF NOT EXISTS idx_user_events_event_type ON user_events (event_type);
CREATE INDEX IF NOT EXISTS idx_user_events_timestamp ON user_events (event_timestamp);
CREATE INDEX IF NOT EXISTS idx_user_events_user_id_timestamp ON user_events (user_id, event_timestamp DESC);
CREATE INDEX IF NOT EXISTS idx_user_events_movie_id_timestamp ON user_events (movie_id, event_timestamp DESC);

-- Statistics by event type (the seed's view).
CREATE OR REPLACE VIEW user_events_stats AS
SELECT event_type,
       count(*)                 AS event_count,
       count(DISTINCT user_id)  AS unique_users,
       count(DISTINCT movie_id) AS unique_movies,
       min(event_timestamp)     AS first_event,
       max(event_timestamp)     AS last_event
FROM user_events
GROUP BY event_type;

-- The most recently stored events (newest first); ids grow in commit order.
CREATE OR REPLACE FUNCTION get_recent_events(p_limit integer DEFAULT 10)
RETURNS SETOF user_events
LANGUAGE sql STABLE AS
$$
    SELECT * FROM user_events ORDER BY id DESC LIMIT p_limit;
$$;

-- One user's events, newest event time first.
CREATE OR REPLACE FUNCTION get_user_events(p_user_id integer, p_limit integer DEFAULT 100)
RETURNS SETOF user_events
LANGUAGE sql STABLE AS
$$
    SELECT * FROM user_events WHERE user_id = p_user_id ORDER BY event_timestamp DESC LIMIT p_limit;
$$;
