-- Retention (docs/ARCHITECTURE.md, "Partitions and retention"), and a repair of 0017.

-- 0017 renamed the seed's table to user_events_legacy, and PostgreSQL binds views and row types by object, not by name:
-- the seed's view and functions kept reading the legacy partition only (and made it impossible to drop). Rebound here
-- to the partitioned table; names, arguments and columns are the seed's.
CREATE OR REPLACE VIEW user_events_stats AS
SELECT event_type,
       count(*)                 AS event_count,
       count(DISTINCT user_id)  AS unique_users,
       count(DISTINCT movie_id) AS unique_movies,
       min(event_timestamp)     AS first_event,
       max(event_timestamp)     AS last_event
FROM user_events
GROUP BY event_type;

DROP FUNCTION IF EXISTS get_recent_events(integer);
CREATE FUNCTION get_recent_events(p_limit integer DEFAULT 10)
RETURNS SETOF user_events
LANGUAGE sql STABLE AS
$$
    SELECT * FROM user_events ORDER BY id DESC LIMIT p_limit;
$$;

DROP FUNCTION IF EXISTS get_user_events(integer, integer);
CREATE FUNCTION get_user_events(p_user_id integer, p_limit integer DEFAULT 100)
RETURNS SETOF user_events
LANGUAGE sql STABLE AS
$$
    SELECT * FROM user_events WHERE user_id = p_user_id ORDER BY event_timestamp DESC LIMIT p_limit;
$$;

-- Retention: removes one time partition with its counters and its registry row in ONE transaction, so the counters
-- equal what SQL counts before and after.
--
-- SECURITY DEFINER: the silos' role does not own the tables and may not detach or drop them. The detach here is the
-- plain one (a function runs inside a transaction, where DETACH ... CONCURRENTLY is refused): it takes an ACCESS
-- EXCLUSIVE lock on the parent for the few milliseconds the catalog change takes. lock_timeout bounds how long it may
-- queue behind a long reader, and so how long it may make the COPYs behind it wait; on lock_not_available (55P03) the
-- caller retries at its next period. A partition left "detach pending" by an interrupted DETACH ... CONCURRENTLY is
-- finalized. Only a registered partition whose end lies p_retention or more in the past is dropped: the runtime role
-- can remove closed partitions, never the ones ingestion writes to.
CREATE OR REPLACE FUNCTION event_partitions_drop(p_partition text, p_retention interval)
RETURNS boolean
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp SET lock_timeout = '500ms' AS
$$
DECLARE
    entry    event_partitions%ROWTYPE;
    pending  boolean;
BEGIN
    IF p_retention IS NULL OR p_retention < interval '1 minute' THEN
        RAISE EXCEPTION 'retention % is out of range (at least 1 minute)', p_retention;
    END IF;
    SELECT * INTO entry FROM event_partitions WHERE partition = p_partition;
    IF NOT FOUND THEN
        RETURN false; -- dropped meanwhile by another maintainer
    END IF;
    IF entry.to_at > now() - p_retention THEN
        RAISE EXCEPTION 'partition % ends at %, within the retention of %', p_partition, entry.to_at, p_retention;
    END IF;
    -- The same lock as event_partitions_ensure: the registry changes under one maintainer per parent.
    PERFORM pg_advisory_xact_lock(hashtext('event_partitions:' || entry.parent));

    SELECT i.inhdetachpending INTO pending
    FROM pg_inherits i
    WHERE i.inhrelid = to_regclass(p_partition) AND i.inhparent = to_regclass(entry.parent);
    IF pending THEN
        EXECUTE format('ALTER TABLE %I DETACH PARTITION %I FINALIZE', entry.parent, p_partition);
    ELSIF pending IS NOT NULL THEN
        EXECUTE format('ALTER TABLE %I DETACH PARTITION %I', entry.parent, p_partition);
    END IF; -- NULL: already detached (DETACH ... CONCURRENTLY by the owner), only the drop is left

    IF entry.parent = 'user_events_rejected' THEN
        DELETE FROM rejected_counts WHERE bucket = entry.from_at;
    ELSE
        DELETE FROM event_type_counts WHERE bucket = entry.from_at;
    END IF;
    DELETE FROM event_partitions WHERE partition = p_partition;
    EXECUTE format('DROP TABLE IF EXISTS %I', p_partition);
    RETURN true;
END
$$;

REVOKE ALL ON FUNCTION event_partitions_drop(text, interval) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION event_partitions_drop(text, interval) TO user_events_runtime;

-- 0017 created new parent tables; 0014's INSERT grant stayed on the renamed legacy ones (a runtime-role COPY into
-- user_events was refused: LeastPrivilegeTests). Partitions need no grant of their own: rows go in through the parent.
GRANT SELECT, INSERT ON user_events, user_events_rejected TO user_events_runtime;
