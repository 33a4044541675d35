-- BRIN ranges summarized by the maintenance pass, not by autovacuum work items (docs/ARCHITECTURE.md, "Partitions and
-- retention"). Keeps every row; instant (an index of the partition being written waits for the COPY in flight).
--
-- With autosummarize = on, each insert that begins a new block range of a BRIN index asks autovacuum for a work item.
-- The server keeps 256 of them, and a worker takes them only when it visits the database (once per autovacuum_naptime),
-- while ingest begins a new range every ~9,000 rows per BRIN index: within a minute of steady ingest the queue is full
-- and the server logs "request for BRIN range summarization for index ... was not recorded" several times a second, for
-- as long as ingest runs (months of log lines; the ranges it dropped waited for the next VACUUM anyway).
--
-- PostgreSQL cannot change a partitioned index's storage options, and a partition attached later takes them from the
-- parent's index: so the option is turned off on each partition's BRIN indexes, here for the partitions that exist and
-- in event_partitions_ensure for every partition it makes; event_partitions_summarize, called by every maintenance
-- pass, summarizes the new ranges of the partitions rows go to now.

CREATE OR REPLACE FUNCTION event_partitions_autosummarize_off(p_partition regclass)
RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS
$$
DECLARE
    brin_index regclass;
BEGIN
    FOR brin_index IN
        SELECT c.oid::regclass FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid JOIN pg_am a ON a.oid = c.relam
        WHERE i.indrelid = p_partition AND a.amname = 'brin' AND c.relkind = 'i'
          AND coalesce(c.reloptions, '{}') @> ARRAY['autosummarize=on']
    LOOP
        EXECUTE format('ALTER INDEX %s SET (autosummarize = off)', brin_index);
    END LOOP;
END
$$;
REVOKE ALL ON FUNCTION event_partitions_autosummarize_off(regclass) FROM PUBLIC;

SELECT event_partitions_autosummarize_off(i.inhrelid::regclass)
FROM pg_inherits i
WHERE i.inhparent IN (to_regclass('user_events'), to_regclass('user_events_rejected'));

-- As in 0017, and the new partition's BRIN indexes without autosummarize.
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
        PERFORM event_partitions_autosummarize_off(to_regclass(name));
        INSERT INTO event_partitions (parent, partition, from_at, to_at) VALUES (p_parent, name, start_at, end_at);
        RETURN NEXT name;
        start_at := end_at;
    END LOOP;
END
$$;

-- Summarizes the block ranges not yet summarized in the BRIN indexes of p_parent's partitions that rows go to now (the
-- one holding now, the one before it, the legacy and default partitions while they cover now). Returns the ranges
-- summarized. It waits at most 200 ms for a partition's lock (autovacuum holds the same one while it vacuums, and
-- PostgreSQL would cancel that vacuum for a waiter): a partition it cannot lock now is summarized by the next pass or
-- by that vacuum.
CREATE OR REPLACE FUNCTION event_partitions_summarize(p_parent text)
RETURNS bigint
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp SET lock_timeout = '200ms' AS
$$
DECLARE
    brin_index  regclass;
    summarized  bigint := 0;
BEGIN
    FOR brin_index IN
        SELECT c.oid::regclass
        FROM pg_inherits h
        JOIN pg_class t ON t.oid = h.inhrelid
        JOIN pg_index i ON i.indrelid = h.inhrelid
        JOIN pg_class c ON c.oid = i.indexrelid
        JOIN pg_am a ON a.oid = c.relam
        LEFT JOIN event_partitions e ON e.partition = t.relname
        WHERE h.inhparent = to_regclass(p_parent) AND a.amname = 'brin'
          AND (e.partition IS NULL OR (e.from_at <= now() AND e.to_at > now() - interval '1 hour'))
        ORDER BY 1
    LOOP
        BEGIN
            summarized := summarized + brin_summarize_new_values(brin_index);
        EXCEPTION WHEN lock_not_available THEN
            NULL; -- being vacuumed: the next pass, or that vacuum, summarizes it
        END;
    END LOOP;
    RETURN summarized;
END
$$;
REVOKE ALL ON FUNCTION event_partitions_summarize(text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION event_partitions_summarize(text) TO user_events_runtime;
