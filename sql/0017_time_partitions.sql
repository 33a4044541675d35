-- Months of events (docs/ARCHITECTURE.md, "The table at scale"): time partitions, counters kept by the commit,
-- a ledger of committed ranges, and the log generation of every row. ONE migration that keeps every existing row.
--
-- Documented stop: run it with the silos stopped (`--migrate-only` or POSTGRES_MIGRATE=true on the first new silo).
-- It locks the tables for the time it takes to scan them once and build two indexes on the existing rows
-- (about 20 s at 20M rows on the 2-core test machine); the existing table becomes the first partition without a copy.
-- Idempotent: a database already in this layout is left alone.

-- Where each partition of a partitioned table begins and ends. Maintained with the partitions (the functions below),
-- in the same transaction; the commit reads it to attribute counts to a partition, retention to pick what to drop.
CREATE TABLE IF NOT EXISTS event_partitions (
    parent      text         NOT NULL,
    partition   text         NOT NULL PRIMARY KEY,
    from_at     timestamptz  NOT NULL,
    to_at       timestamptz  NOT NULL,
    created_at  timestamptz  NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CHECK (from_at < to_at)
);
CREATE INDEX IF NOT EXISTS idx_event_partitions_range ON event_partitions (parent, from_at);

-- Converts one plain table into a table partitioned by RANGE (p_key); the existing table becomes the partition
-- "<table>_legacy" covering everything before the first partition boundary after its newest row, plus a default
-- partition so that a row outside every partition is stored, never refused.
CREATE OR REPLACE FUNCTION event_partitions_convert(p_table text, p_key text)
RETURNS void
LANGUAGE plpgsql AS
$$
DECLARE
    legacy      text := p_table || '_legacy';
    newest      timestamptz;
    boundary    timestamptz;
    next_id     bigint;
    index_row   record;
BEGIN
    IF (SELECT relkind FROM pg_class WHERE oid = to_regclass(p_table)) IS DISTINCT FROM 'r' THEN
        RETURN; -- already partitioned (or missing: the earlier scripts create it)
    END IF;

    EXECUTE format('LOCK TABLE %I IN ACCESS EXCLUSIVE MODE', p_table);
    EXECUTE format('SELECT max(%I), coalesce(max(id), 0) + 1 FROM %I', p_key, p_table) INTO newest, next_id;
    -- The legacy partition ends at the next whole hour after both its newest row and now: new rows go to it until
    -- then, and every partition made later starts on a whole hour.
    boundary := date_trunc('hour', greatest(coalesce(newest, now()), now())) + interval '1 hour';

    EXECUTE format('ALTER TABLE %I RENAME TO %I', p_table, legacy);
    FOR index_row IN SELECT c.relname FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
                     WHERE i.indrelid = to_regclass(legacy) AND NOT i.indisprimary LOOP
        EXECUTE format('ALTER INDEX %I RENAME TO %I', index_row.relname, left(index_row.relname, 55) || '_legacy');
    END LOOP;
    EXECUTE format('ALTER TABLE %I DROP CONSTRAINT IF EXISTS %I', legacy, p_table || '_pkey');
    EXECUTE format('ALTER TABLE %I ALTER COLUMN id DROP IDENTITY IF EXISTS', legacy);
    EXECUTE format('CREATE SEQUENCE IF NOT EXISTS %I START WITH %s', p_table || '_id_seq', next_id);
    EXECUTE format('ALTER TABLE %I ALTER COLUMN id SET DEFAULT nextval(%L)', legacy, p_table || '_id_seq');

    EXECUTE format('CREATE TABLE %I (LIKE %I INCLUDING DEFAULTS INCLUDING CONSTRAINTS) PARTITION BY RANGE (%I)', p_table, legacy, p_key);
    EXECUTE format('ALTER SEQUENCE %I OWNED BY %I.id', p_table || '_id_seq', p_table);
    -- Attaching scans the rows once to prove the bound; the CHECK constraint is that proof, kept afterwards.
    EXECUTE format('ALTER TABLE %I ADD CONSTRAINT %I CHECK (%I < %L)', legacy, legacy || '_bound', p_key, boundary);
    EXECUTE format('ALTER TABLE %I ATTACH PARTITION %I FOR VALUES FROM (MINVALUE) TO (%L)', p_table, legacy, boundary);
    EXECUTE format('CREATE TABLE %I PARTITION OF %I DEFAULT', p_table || '_default', p_table);
    INSERT INTO event_partitions (parent, partition, from_at, to_at) VALUES (p_table, legacy, '-infinity', boundary);
END
$$;

-- The log generation of every row: 0 for the log a partition's checkpoint was pinned on, one more after each
-- reset that proved Kafka reuses offsets already stored (issue 10 item 3). Instant: a constant default.
ALTER TABLE user_events ADD COLUMN IF NOT EXISTS kafka_log_generation integer NOT NULL DEFAULT 0;
ALTER TABLE user_events_rejected ADD COLUMN IF NOT EXISTS kafka_log_generation integer NOT NULL DEFAULT 0;

SELECT event_partitions_convert('user_events', 'processed_at');
SELECT event_partitions_convert('user_events_rejected', 'received_at');

-- Indexes, declared on the parents so that every partition has them (existing equivalent indexes of the legacy
-- partition are attached, not rebuilt). docs/INDEXES.md says which query each one serves. They keep the names of
-- the scripts before, so running every script again by hand creates no duplicate.
DO $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_constraint WHERE conrelid = 'user_events'::regclass AND contype = 'p') THEN
        ALTER TABLE user_events ADD CONSTRAINT user_events_pkey PRIMARY KEY (id, processed_at);
    END IF;
    IF NOT EXISTS (SELECT 1 FROM pg_constraint WHERE conrelid = 'user_events_rejected'::regclass AND contype = 'p') THEN
        ALTER TABLE user_events_rejected ADD CONSTRAINT user_events_rejected_pkey PRIMARY KEY (id, received_at);
    END IF;
END
$$;
CREATE INDEX IF NOT EXISTS idx_user_events_user_id_timestamp ON user_events (user_id, event_timestamp DESC);
CREATE INDEX IF NOT EXISTS idx_user_events_movie_id_timestamp ON user_events (movie_id, event_timestamp DESC);
CREATE INDEX IF NOT EXISTS idx_user_events_timestamp_brin ON user_events USING brin (event_timestamp) WITH (autosummarize = on);
CREATE INDEX IF NOT EXISTS idx_user_events_processed_at ON user_events USING brin (processed_at) WITH (autosummarize = on);
-- Where each Kafka record is: verify's deep mode and the proof of a new log read rows by position. Each Kafka partition
-- appends at its own end of this B-tree, so it costs the COPY little (docs/INDEXES.md has the measurement).
CREATE INDEX IF NOT EXISTS idx_user_events_position ON user_events (kafka_partition, kafka_log_generation, kafka_offset);

CREATE INDEX IF NOT EXISTS idx_user_events_rejected_received_at ON user_events_rejected USING brin (received_at) WITH (autosummarize = on);
CREATE INDEX IF NOT EXISTS idx_user_events_rejected_position ON user_events_rejected (kafka_partition, kafka_log_generation, kafka_offset);

-- The legacy partition's own copies of the indexes above are no longer needed.
DROP INDEX IF EXISTS idx_user_events_rejected_received_at_legacy;

-- Creates the partitions of p_parent that are missing from the end of the last one (or the current p_interval)
-- until p_ahead intervals after now. A new partition is made alone and attached, which locks the parent only in
-- SHARE UPDATE EXCLUSIVE mode: COPYs into it go on. SECURITY DEFINER: the silos' role may call it without owning
-- the table. Returns the partitions created.
CREATE OR REPLACE FUNCTION event_partitions_ensure(p_parent text, p_interval interval, p_ahead integer)
RETURNS SETOF text
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS
$$
DECLARE
    key_column  text;
    start_at    timestamptz;
    end_at      timestamptz;
    name        text;
    horizon     timestamptz := now() + p_interval * p_ahead;
BEGIN
    IF p_interval < interval '1 minute' OR p_ahead < 1 THEN
        RAISE EXCEPTION 'partition interval % and lead % are out of range', p_interval, p_ahead;
    END IF;
    -- One maintainer at a time per parent (silos run this every minute).
    PERFORM pg_advisory_xact_lock(hashtext('event_partitions:' || p_parent));
    SELECT a.attname INTO key_column
    FROM pg_partitioned_table p JOIN pg_attribute a ON a.attrelid = p.partrelid AND a.attnum = p.partattrs[0]
    WHERE p.partrelid = to_regclass(p_parent);
    SELECT max(to_at) INTO start_at FROM event_partitions WHERE parent = p_parent;
    start_at := coalesce(start_at, date_bin(p_interval, now(), timestamptz '2000-01-01 00:00:00+00'));
    WHILE start_at < horizon LOOP
        end_at := date_bin(p_interval, start_at, timestamptz '2000-01-01 00:00:00+00') + p_interval;
        name := p_parent || '_p' || to_char(start_at AT TIME ZONE 'UTC', 'YYYYMMDD"t"HH24MI');
        EXECUTE format('CREATE TABLE %I (LIKE %I INCLUDING DEFAULTS INCLUDING CONSTRAINTS)', name, p_parent);
        EXECUTE format('ALTER TABLE %I ADD CONSTRAINT %I CHECK (%I >= %L AND %I < %L)', name, name || '_bound', key_column, start_at, key_column, end_at);
        EXECUTE format('ALTER TABLE %I ATTACH PARTITION %I FOR VALUES FROM (%L) TO (%L)', p_parent, name, start_at, end_at);
        INSERT INTO event_partitions (parent, partition, from_at, to_at) VALUES (p_parent, name, start_at, end_at);
        RETURN NEXT name;
        start_at := end_at;
    END LOOP;
END
$$;

-- The commit's counters: exact, moved in the same transaction as the rows they count, per time partition
-- (bucket = the partition's from_at, '-infinity' for the legacy partition, 'infinity' for the default partition)
-- so that retention removes a partition's counts in the transaction that drops it.
CREATE TABLE IF NOT EXISTS event_type_counts (
    bucket           timestamptz  NOT NULL,
    kafka_partition  integer      NOT NULL,
    event_type       varchar(50)  NOT NULL,
    events           bigint       NOT NULL,
    first_event      timestamptz  NOT NULL,
    last_event       timestamptz  NOT NULL,
    PRIMARY KEY (bucket, kafka_partition, event_type)
);

CREATE TABLE IF NOT EXISTS rejected_counts (
    bucket           timestamptz  NOT NULL,
    kafka_partition  integer      NOT NULL,
    rejected         bigint       NOT NULL,
    PRIMARY KEY (bucket, kafka_partition)
);

-- Stored per minute of processed_at, for the recent rates; minutes older than an hour are pruned by maintenance.
CREATE TABLE IF NOT EXISTS ingest_minutes (
    minute           timestamptz  NOT NULL,
    kafka_partition  integer      NOT NULL,
    events           bigint       NOT NULL,
    rejected         bigint       NOT NULL,
    PRIMARY KEY (minute, kafka_partition)
);

-- The ledger: one row per committed range of a partition's log, written by the transaction that moves the
-- checkpoint over it. Per (topic, partition, log_generation) the ranges chain without gap or overlap from the pinned
-- start to the checkpoint; events + rejected = to_offset - from_offset for a stored range. 'lost' ranges are those
-- Kafka deleted before they were stored (kafka_offset_resets says why); 'migrated' ranges summarise the rows stored
-- before this script.
CREATE TABLE IF NOT EXISTS kafka_commit_ledger (
    topic            text         NOT NULL,
    partition        integer      NOT NULL,
    log_generation   integer      NOT NULL,
    from_offset      bigint       NOT NULL,
    to_offset        bigint       NOT NULL,
    events           bigint       NOT NULL,
    rejected         bigint       NOT NULL,
    kind             text         NOT NULL DEFAULT 'stored' CHECK (kind IN ('stored', 'lost', 'migrated')),
    bucket           timestamptz,
    committed_at     timestamptz  NOT NULL DEFAULT CURRENT_TIMESTAMP,
    PRIMARY KEY (topic, partition, log_generation, from_offset),
    CHECK (from_offset < to_offset)
);

-- Checkpoints know their log: the generation its offsets belong to and, when the broker reports one, the topic id.
ALTER TABLE kafka_checkpoints ADD COLUMN IF NOT EXISTS log_generation integer NOT NULL DEFAULT 0;
ALTER TABLE kafka_checkpoints ADD COLUMN IF NOT EXISTS topic_id text;
ALTER TABLE kafka_offset_resets ADD COLUMN IF NOT EXISTS from_generation integer NOT NULL DEFAULT 0;
ALTER TABLE kafka_offset_resets ADD COLUMN IF NOT EXISTS to_generation integer NOT NULL DEFAULT 0;
ALTER TABLE kafka_offset_resets ADD COLUMN IF NOT EXISTS kind text NOT NULL DEFAULT 'retention';

-- Counters and ledger for the rows stored before this script (once: only when the counters are empty).
INSERT INTO event_type_counts (bucket, kafka_partition, event_type, events, first_event, last_event)
SELECT '-infinity', kafka_partition, event_type, count(*), min(event_timestamp), max(event_timestamp)
FROM user_events_legacy
WHERE to_regclass('user_events_legacy') IS NOT NULL AND NOT EXISTS (SELECT 1 FROM event_type_counts)
GROUP BY kafka_partition, event_type;

INSERT INTO rejected_counts (bucket, kafka_partition, rejected)
SELECT '-infinity', kafka_partition, count(*)
FROM user_events_rejected_legacy
WHERE to_regclass('user_events_rejected_legacy') IS NOT NULL AND NOT EXISTS (SELECT 1 FROM rejected_counts)
GROUP BY kafka_partition;

INSERT INTO kafka_commit_ledger (topic, partition, log_generation, from_offset, to_offset, events, rejected, kind, bucket)
SELECT c.topic, c.partition, 0, s.from_offset, c.next_offset,
       coalesce((SELECT sum(events) FROM event_type_counts e WHERE e.bucket = '-infinity' AND e.kafka_partition = c.partition), 0),
       coalesce((SELECT sum(rejected) FROM rejected_counts r WHERE r.bucket = '-infinity' AND r.kafka_partition = c.partition), 0),
       'migrated', '-infinity'
FROM kafka_checkpoints c
CROSS JOIN LATERAL (
    SELECT coalesce(c.start_offset,
                    (SELECT min(kafka_offset) FROM user_events WHERE kafka_partition = c.partition AND kafka_log_generation = 0),
                    c.next_offset) AS from_offset
) s
WHERE s.from_offset < c.next_offset AND NOT EXISTS (SELECT 1 FROM kafka_commit_ledger);

-- The seed's view keeps its name and columns; it reads every row (docs/BENCHMARKS.md has its cost). The same figures
-- from the counters, without the distinct counts (which only a scan can give exactly):
CREATE OR REPLACE VIEW user_events_stats_fast AS
SELECT event_type,
       sum(events)::bigint AS event_count,
       min(first_event)    AS first_event,
       max(last_event)     AS last_event
FROM event_type_counts
GROUP BY event_type;

-- The seed's view and functions were bound to the table that is now the legacy partition: bind them to the parent.
-- (Same names, same columns; the functions return the parent's row type, which has kafka_log_generation besides.)
CREATE OR REPLACE VIEW user_events_stats AS
SELECT event_type,
       count(*)                 AS event_count,
       count(DISTINCT user_id)  AS unique_users,
       count(DISTINCT movie_id) AS unique_movies,
       min(event_timestamp)     AS first_event,
       max(event_timestamp)     AS last_event
FROM user_events
GROUP BY event_type;

DO $$
BEGIN
    -- Only while they still return the legacy partition's row type (keeps the script idempotent).
    IF EXISTS (SELECT 1 FROM pg_proc WHERE proname IN ('get_recent_events', 'get_user_events') AND prorettype <> 'user_events'::regtype) THEN
        DROP FUNCTION IF EXISTS get_recent_events(integer);
        DROP FUNCTION IF EXISTS get_user_events(integer, integer);
    END IF;
END
$$;

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

-- Runtime role: the same rights on the partitioned tables as 0014 gave on the plain ones (rights are checked on the
-- parent; partitions need none). The commit writes counters and the ledger; maintenance creates and drops partitions through
-- SECURITY DEFINER functions (the silos' role does not own the tables) and prunes the minute counters.
GRANT SELECT, INSERT ON user_events, user_events_rejected TO user_events_runtime;
GRANT SELECT ON user_events_stats TO user_events_runtime;
GRANT EXECUTE ON FUNCTION get_recent_events(integer), get_user_events(integer, integer) TO user_events_runtime;
GRANT SELECT, INSERT, UPDATE, DELETE ON event_type_counts, rejected_counts, ingest_minutes TO user_events_runtime;
GRANT SELECT, INSERT ON kafka_commit_ledger TO user_events_runtime;
GRANT SELECT ON event_partitions, user_events_stats_fast TO user_events_runtime;
GRANT USAGE ON SEQUENCE user_events_id_seq, user_events_rejected_id_seq TO user_events_runtime;
REVOKE ALL ON FUNCTION event_partitions_convert(text, text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION event_partitions_ensure(text, interval, integer) TO user_events_runtime;
