-- BRIN ranges summarized by the maintenance pass, not by autovacuum work items (docs/ARCHITECTURE.md, "Partitions and
-- retention"). Keeps every row; changes no table.
--
-- With autosummarize = on, each insert that begins a new block range of a BRIN index asks autovacuum for a work item.
-- The server keeps 256 of them, and a worker takes them only when it visits the database (once per autovacuum_naptime),
-- while ingest begins a new range every ~9,000 rows per BRIN index: within a minute of steady ingest the queue is full
-- and the server logs "request for BRIN range summarization for index ... was not recorded" several times a second, for
-- as long as ingest runs (months of log lines; the ranges it dropped waited for the next VACUUM anyway).
--
-- PostgreSQL cannot change a partitioned index's storage options, and a partition attached later takes them from the
-- parent's index. So event_partitions_summarize, called by every maintenance pass after event_partitions_ensure, first
-- turns the option off on any partition's BRIN index that still has it (the partitions that existed before this script
-- on the first pass, then each partition the pass made), then summarizes the new ranges of the partitions rows go to now
-- (the one holding now, the one before it for an hour, the legacy and default partitions while they cover now).
-- Returns the ranges summarized. It waits at most 200 ms for a lock (autovacuum holds the partition's while it vacuums,
-- and PostgreSQL would cancel that vacuum for a waiter; an ALTER INDEX waits for a COPY in flight): what it cannot lock
-- now is done by the next pass, and ranges also by that vacuum.
CREATE OR REPLACE FUNCTION event_partitions_summarize(p_parent text)
RETURNS bigint
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp SET lock_timeout = '200ms' AS
$$
DECLARE
    brin        record;
    summarized  bigint := 0;
BEGIN
    FOR brin IN
        SELECT c.oid::regclass AS index, coalesce(c.reloptions, '{}') @> ARRAY['autosummarize=on'] AS autosummarize,
               e.partition IS NULL OR (e.from_at <= now() AND e.to_at > now() - interval '1 hour') AS current
        FROM pg_inherits h
        JOIN pg_class t ON t.oid = h.inhrelid
        JOIN pg_index i ON i.indrelid = h.inhrelid
        JOIN pg_class c ON c.oid = i.indexrelid
        JOIN pg_am a ON a.oid = c.relam
        LEFT JOIN event_partitions e ON e.partition = t.relname
        WHERE h.inhparent = to_regclass(p_parent) AND a.amname = 'brin'
        ORDER BY 1
    LOOP
        BEGIN
            IF brin.autosummarize THEN
                EXECUTE format('ALTER INDEX %s SET (autosummarize = off)', brin.index);
            END IF;
            IF brin.current THEN
                summarized := summarized + brin_summarize_new_values(brin.index);
            END IF;
        EXCEPTION WHEN lock_not_available THEN
            NULL; -- being vacuumed or written: the next pass does it
        END;
    END LOOP;
    RETURN summarized;
END
$$;
REVOKE ALL ON FUNCTION event_partitions_summarize(text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION event_partitions_summarize(text) TO user_events_runtime;
