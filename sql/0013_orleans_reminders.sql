-- Orleans ADO.NET reminder table for PostgreSQL: reminders table and its query texts.
-- Requires 0010 (orleansquery). Idempotent: safe to run again through DbUp or psql -f.
--
-- Concurrency: version is the reminder's ETag. Every upsert changes it; a delete succeeds only while
-- the stored version equals the ETag and reports failure as 0, never as an error.

-- grainid is GrainId.ToString() ("type/key"); grainhash is GrainId.GetUniformHashCode() reinterpreted
-- as signed int32, compared as signed exactly as bound; period is in milliseconds and may exceed int32.
CREATE TABLE IF NOT EXISTS orleans_reminders
(
    serviceid    text        NOT NULL,
    grainid      text        NOT NULL,
    remindername text        NOT NULL,
    starttime    timestamptz NOT NULL,
    period       bigint      NOT NULL,
    grainhash    integer     NOT NULL,
    version      integer     NOT NULL,
    PRIMARY KEY (serviceid, grainid, remindername)
);

-- Serves the ring-range reads of each silo's reminder service.
CREATE INDEX IF NOT EXISTS ix_orleans_reminders_service_grainhash
    ON orleans_reminders (serviceid, grainhash);

INSERT INTO orleansquery (querykey, querytext)
VALUES
    -- All reminders of one grain.
    ('ReadReminderRowsKey', $q$
SELECT grainid, remindername, starttime, period, version
FROM orleans_reminders
WHERE serviceid = @ServiceId AND grainid = @GrainId;
$q$),

    -- Zero or one reminder.
    ('ReadReminderRowKey', $q$
SELECT grainid, remindername, starttime, period, version
FROM orleans_reminders
WHERE serviceid = @ServiceId AND grainid = @GrainId AND remindername = @ReminderName;
$q$),

    -- Ring range without wrap-around (provider uses it when BeginHash < EndHash): (begin, end].
    ('ReadRangeRows1Key', $q$
SELECT grainid, remindername, starttime, period, version
FROM orleans_reminders
WHERE serviceid = @ServiceId AND grainhash > @BeginHash AND grainhash <= @EndHash;
$q$),

    -- Ring range that wraps (BeginHash >= EndHash; equal bounds mean the full ring).
    ('ReadRangeRows2Key', $q$
SELECT grainid, remindername, starttime, period, version
FROM orleans_reminders
WHERE serviceid = @ServiceId AND (grainhash > @BeginHash OR grainhash <= @EndHash);
$q$),

    -- Insert at version 0, or replace start time, period and hash and change the version (+1, wrapping
    -- from the int32 maximum to 1). Atomic under concurrent upserts. Returns the new version.
    ('UpsertReminderRowKey', $q$
INSERT INTO orleans_reminders (serviceid, grainid, remindername, starttime, period, grainhash, version)
VALUES (@ServiceId, @GrainId, @ReminderName, @StartTime, @Period, @GrainHash, 0)
ON CONFLICT (serviceid, grainid, remindername) DO UPDATE
SET starttime = EXCLUDED.starttime,
    period = EXCLUDED.period,
    grainhash = EXCLUDED.grainhash,
    version = CASE WHEN orleans_reminders.version = 2147483647 THEN 1 ELSE orleans_reminders.version + 1 END
RETURNING version;
$q$),

    -- Delete only while the stored version equals the ETag. One row, one column: 1 = deleted, 0 = not.
    ('DeleteReminderRowKey', $q$
WITH deleted AS (
    DELETE FROM orleans_reminders
    WHERE serviceid = @ServiceId AND grainid = @GrainId AND remindername = @ReminderName
      AND version = @Version
    RETURNING 1
)
SELECT count(*)::integer FROM deleted;
$q$),

    -- Delete every reminder of the service (test and cleanup API).
    ('DeleteReminderRowsKey', $q$
DELETE FROM orleans_reminders
WHERE serviceid = @ServiceId;
$q$)
ON CONFLICT (querykey) DO UPDATE
SET querytext = EXCLUDED.querytext
WHERE orleansquery.querytext IS DISTINCT FROM EXCLUDED.querytext;
