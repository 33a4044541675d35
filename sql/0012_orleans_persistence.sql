-- Orleans ADO.NET grain storage for PostgreSQL: state table and its query texts.
-- Requires 0010 (orleansquery). Idempotent: safe to run again through DbUp or psql -f.
--
-- Concurrency: version is the grain state's ETag. A write, clear or delete succeeds only when the
-- stored version equals the one the grain holds, in one statement; a first write (no ETag) succeeds
-- only if no record exists. Losers get NULL or no row, which Orleans turns into
-- InconsistentStateException; the queries themselves never raise for a lost race.

-- One record per natural key (serviceid, graintypestring, grainidn0, grainidn1, grainidextensionstring).
-- graintypestring is the state name; the two hashes are computed by Orleans and serve only as index.
-- payloadbinary is NULL after a clear (the record and its version are kept).
CREATE TABLE IF NOT EXISTS orleans_grain_state
(
    serviceid              text        NOT NULL,
    graintypestring        text        NOT NULL,
    grainidn0              bigint      NOT NULL,
    grainidn1              bigint      NOT NULL,
    grainidextensionstring text        NULL,
    grainidhash            integer     NOT NULL,
    graintypehash          integer     NOT NULL,
    payloadbinary          bytea       NULL,
    version                integer     NOT NULL,
    updated_at             timestamptz NOT NULL DEFAULT now()
);

-- At most one record per natural key, NULL extensions counting as equal: racing first writes of the
-- same grain collide here, so exactly one of them inserts.
CREATE UNIQUE INDEX IF NOT EXISTS ux_orleans_grain_state_natural_key
    ON orleans_grain_state (serviceid, graintypestring, grainidn0, grainidn1, grainidextensionstring) NULLS NOT DISTINCT;

-- Lookup path. The NULL-safe comparison of the extension (IS NOT DISTINCT FROM) cannot use an index,
-- and string keys all have grainidn0 = grainidn1 = 0, so the queries find records by their hashes.
CREATE INDEX IF NOT EXISTS ix_orleans_grain_state_hashes
    ON orleans_grain_state (grainidhash, graintypehash);

INSERT INTO orleansquery (querykey, querytext)
VALUES
    -- Zero or one row: the payload (NULL after a clear) and the version (the ETag).
    ('ReadFromStorageKey', $q$
SELECT payloadbinary, version
FROM orleans_grain_state
WHERE grainidhash = @GrainIdHash AND graintypehash = @GrainTypeHash
  AND serviceid = @ServiceId AND graintypestring = @GrainTypeString
  AND grainidn0 = @GrainIdN0 AND grainidn1 = @GrainIdN1
  AND grainidextensionstring IS NOT DISTINCT FROM @GrainIdExtensionString;
$q$),

    -- Exactly one row, newgrainstateversion = the new version, or NULL on conflict:
    --  * no ETag: insert at version 1 unless a record exists (the unique index settles races);
    --  * ETag: replace the payload only while the stored version equals it, version + 1.
    -- The version wraps from the int32 maximum to 1 instead of overflowing.
    ('WriteToStorageKey', $q$
WITH inserted AS (
    INSERT INTO orleans_grain_state
        (serviceid, graintypestring, grainidn0, grainidn1, grainidextensionstring,
         grainidhash, graintypehash, payloadbinary, version)
    SELECT @ServiceId, @GrainTypeString, @GrainIdN0, @GrainIdN1, @GrainIdExtensionString,
           @GrainIdHash, @GrainTypeHash, @PayloadBinary, 1
    WHERE @GrainStateVersion IS NULL
    ON CONFLICT (serviceid, graintypestring, grainidn0, grainidn1, grainidextensionstring) DO NOTHING
    RETURNING version
), updated AS (
    UPDATE orleans_grain_state
    SET payloadbinary = @PayloadBinary,
        version = CASE WHEN version = 2147483647 THEN 1 ELSE version + 1 END,
        updated_at = now()
    WHERE grainidhash = @GrainIdHash AND graintypehash = @GrainTypeHash
      AND serviceid = @ServiceId AND graintypestring = @GrainTypeString
      AND grainidn0 = @GrainIdN0 AND grainidn1 = @GrainIdN1
      AND grainidextensionstring IS NOT DISTINCT FROM @GrainIdExtensionString
      AND version = @GrainStateVersion
    RETURNING version
)
SELECT COALESCE((SELECT version FROM inserted), (SELECT version FROM updated)) AS newgrainstateversion;
$q$),

    -- Clear keeping the record (DeleteStateOnClear = false): payload NULL, version + 1, only while
    -- the stored version equals the ETag. One row with the new version, or no row on conflict.
    ('ClearStorageKey', $q$
UPDATE orleans_grain_state
SET payloadbinary = NULL,
    version = CASE WHEN version = 2147483647 THEN 1 ELSE version + 1 END,
    updated_at = now()
WHERE grainidhash = @GrainIdHash AND graintypehash = @GrainTypeHash
  AND serviceid = @ServiceId AND graintypestring = @GrainTypeString
  AND grainidn0 = @GrainIdN0 AND grainidn1 = @GrainIdN1
  AND grainidextensionstring IS NOT DISTINCT FROM @GrainIdExtensionString
  AND version = @GrainStateVersion
RETURNING version;
$q$),

    -- Delete the record (DeleteStateOnClear = true) only while the stored version equals the ETag.
    -- One row holding a value different from the ETag (old version + 1), or no row on conflict.
    ('DeleteStorageKey', $q$
DELETE FROM orleans_grain_state
WHERE grainidhash = @GrainIdHash AND graintypehash = @GrainTypeHash
  AND serviceid = @ServiceId AND graintypestring = @GrainTypeString
  AND grainidn0 = @GrainIdN0 AND grainidn1 = @GrainIdN1
  AND grainidextensionstring IS NOT DISTINCT FROM @GrainIdExtensionString
  AND version = @GrainStateVersion
RETURNING CASE WHEN version = 2147483647 THEN 1 ELSE version + 1 END AS version;
$q$)
ON CONFLICT (querykey) DO UPDATE
SET querytext = EXCLUDED.querytext
WHERE orleansquery.querytext IS DISTINCT FROM EXCLUDED.querytext;
