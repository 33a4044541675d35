-- Retention in two steps (docs/ARCHITECTURE.md, "Partitions and retention"; measured in docs/PARTITIONS.md).
--
-- Dropping a time partition costs PostgreSQL a few milliseconds; the COMMIT of the DROP then removes the partition's
-- files, and the file system takes time in proportion to their size (0.72 s for a 564 MB partition on this machine's
-- ext4 mounted with online discard, where `rm` of a 560 MB file takes 0.43 s). 0018 did both in one transaction, with
-- the parent locked for the plain DETACH: the data left the table only when its files were gone.
--
-- Now:
-- 1. event_partitions_retire: detach, remove the partition's counters and registry row, and record it as retired, in
--    ONE transaction. From its commit the rows are out of user_events and out of every count; no file is touched.
-- 2. event_partitions_purge: DROP TABLE of a retired (detached) partition, in a transaction of its own. It locks that
--    table only, never the parent, so a slow file system delays nobody. A purge interrupted (a crash between the
--    two) is done by the next maintenance pass, which purges every retired partition first.
-- event_partitions_drop keeps its name and arguments and does both in one transaction, for operators and scripts.

CREATE TABLE IF NOT EXISTS event_partitions_retired (
    partition  text PRIMARY KEY,
    parent     text NOT NULL,
    from_at    timestamptz NOT NULL,
    to_at      timestamptz NOT NULL,
    retired_at timestamptz NOT NULL DEFAULT now()
);

CREATE OR REPLACE FUNCTION event_partitions_retire(p_partition text, p_retention interval)
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
        RETURN false; -- retired meanwhile by another maintainer
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
    END IF; -- NULL: already detached (DETACH ... CONCURRENTLY by the owner)

    IF entry.parent = 'user_events_rejected' THEN
        DELETE FROM rejected_counts WHERE bucket = entry.from_at;
    ELSE
        DELETE FROM event_type_counts WHERE bucket = entry.from_at;
    END IF;
    DELETE FROM event_partitions WHERE partition = p_partition;
    INSERT INTO event_partitions_retired (partition, parent, from_at, to_at)
    VALUES (p_partition, entry.parent, entry.from_at, entry.to_at)
    ON CONFLICT (partition) DO NOTHING;
    RETURN true;
END
$$;

CREATE OR REPLACE FUNCTION event_partitions_purge(p_partition text)
RETURNS boolean
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp SET lock_timeout = '500ms' AS
$$
BEGIN
    -- Only what event_partitions_retire recorded, and only once it is out of every partitioned table: the runtime role
    -- can remove retired partitions, never a table ingestion reads or writes.
    IF NOT EXISTS (SELECT 1 FROM event_partitions_retired WHERE partition = p_partition) THEN
        RETURN false;
    END IF;
    IF EXISTS (SELECT 1 FROM pg_inherits WHERE inhrelid = to_regclass(p_partition)) THEN
        RAISE EXCEPTION 'partition % is still attached; event_partitions_retire detaches it first', p_partition;
    END IF;
    EXECUTE format('DROP TABLE IF EXISTS %I', p_partition);
    DELETE FROM event_partitions_retired WHERE partition = p_partition;
    RETURN true;
END
$$;

CREATE OR REPLACE FUNCTION event_partitions_drop(p_partition text, p_retention interval)
RETURNS boolean
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp SET lock_timeout = '500ms' AS
$$
BEGIN
    IF NOT event_partitions_retire(p_partition, p_retention) THEN
        RETURN false;
    END IF;
    RETURN event_partitions_purge(p_partition);
END
$$;

REVOKE ALL ON FUNCTION event_partitions_retire(text, interval), event_partitions_purge(text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION event_partitions_retire(text, interval), event_partitions_purge(text) TO user_events_runtime;
GRANT SELECT ON event_partitions_retired TO user_events_runtime;
