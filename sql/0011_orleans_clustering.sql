-- Orleans ADO.NET clustering for PostgreSQL: membership table, gateway list and their query texts.
-- Requires 0010 (orleansquery). Idempotent: safe to run again through DbUp or psql -f.
--
-- Concurrency: orleans_membership_version.version is the membership table's ETag. Every insert or
-- update of a silo row takes the caller's version and succeeds only while the stored version still
-- equals it, raising it by exactly one in the same transaction. A lost race returns 0 (never an
-- error). Lock order is always version row first, then silo rows, so writers cannot deadlock.

-- One row per cluster (Orleans binds ClusterOptions.ClusterId as DeploymentId).
CREATE TABLE IF NOT EXISTS orleans_membership_version
(
    deploymentid text        PRIMARY KEY,
    version      integer     NOT NULL DEFAULT 0 CHECK (version >= 0),
    updated_at   timestamptz NOT NULL DEFAULT now()
);

-- One row per silo incarnation. address stays text (not inet): Orleans reads it back as a string.
CREATE TABLE IF NOT EXISTS orleans_membership
(
    deploymentid text        NOT NULL REFERENCES orleans_membership_version (deploymentid) ON DELETE CASCADE,
    address      text        NOT NULL,
    port         integer     NOT NULL,
    generation   integer     NOT NULL,
    siloname     text        NOT NULL,
    hostname     text        NOT NULL,
    status       integer     NOT NULL,
    proxyport    integer     NOT NULL DEFAULT 0,
    suspecttimes text        NULL,
    starttime    timestamptz NOT NULL,
    iamalivetime timestamptz NOT NULL,
    PRIMARY KEY (deploymentid, address, port, generation)
);

-- Inserts a silo row and raises the version by one, both or neither.
-- Returns 1 on success; 0 if the version moved on (another writer won), has reached the int32
-- maximum, or the row already exists.
CREATE OR REPLACE FUNCTION orleans_membership_insert(
    p_deploymentid text, p_address text, p_port integer, p_generation integer,
    p_siloname text, p_hostname text, p_status integer, p_proxyport integer,
    p_starttime timestamptz, p_iamalivetime timestamptz, p_version integer)
    RETURNS integer
    LANGUAGE plpgsql
AS $$
BEGIN
    -- Lock the version row only while it still holds the caller's version. A concurrent writer makes
    -- this wait; PostgreSQL then re-checks the row, so the loser of a race finds nothing.
    PERFORM 1
    FROM orleans_membership_version
    WHERE deploymentid = p_deploymentid AND version = p_version AND version < 2147483647
    FOR NO KEY UPDATE;
    IF NOT FOUND THEN
        RETURN 0;
    END IF;

    INSERT INTO orleans_membership
        (deploymentid, address, port, generation, siloname, hostname, status, proxyport, suspecttimes, starttime, iamalivetime)
    VALUES
        (p_deploymentid, p_address, p_port, p_generation, p_siloname, p_hostname, p_status, p_proxyport, NULL, p_starttime, p_iamalivetime)
    ON CONFLICT (deploymentid, address, port, generation) DO NOTHING;
    IF NOT FOUND THEN
        RETURN 0;
    END IF;

    UPDATE orleans_membership_version
    SET version = version + 1, updated_at = now()
    WHERE deploymentid = p_deploymentid;
    RETURN 1;
END;
$$;

-- Updates a silo row's status, suspicions and IAmAlive time and raises the version by one, both or
-- neither. Returns 1 on success; 0 if the version moved on, has reached the int32 maximum, or the
-- row is missing (the version then stays unchanged). IAmAlive time never moves backwards.
CREATE OR REPLACE FUNCTION orleans_membership_update(
    p_deploymentid text, p_address text, p_port integer, p_generation integer,
    p_status integer, p_suspecttimes text, p_iamalivetime timestamptz, p_version integer)
    RETURNS integer
    LANGUAGE plpgsql
AS $$
BEGIN
    PERFORM 1
    FROM orleans_membership_version
    WHERE deploymentid = p_deploymentid AND version = p_version AND version < 2147483647
    FOR NO KEY UPDATE;
    IF NOT FOUND THEN
        RETURN 0;
    END IF;

    UPDATE orleans_membership
    SET status = p_status,
        suspecttimes = p_suspecttimes,
        iamalivetime = GREATEST(iamalivetime, p_iamalivetime)
    WHERE deploymentid = p_deploymentid AND address = p_address AND port = p_port AND generation = p_generation;
    IF NOT FOUND THEN
        RETURN 0;
    END IF;

    UPDATE orleans_membership_version
    SET version = version + 1, updated_at = now()
    WHERE deploymentid = p_deploymentid;
    RETURN 1;
END;
$$;

INSERT INTO orleansquery (querykey, querytext)
VALUES
    -- Creates the cluster's version record at 0 if missing; never fails when it exists.
    -- One row, one column: 1 = created, 0 = already there.
    ('InsertMembershipVersionKey', $q$
WITH created AS (
    INSERT INTO orleans_membership_version (deploymentid, version)
    VALUES (@DeploymentId, 0)
    ON CONFLICT (deploymentid) DO NOTHING
    RETURNING 1
)
SELECT count(*)::integer FROM created;
$q$),

    -- Version plus every silo row, read in one snapshot. The left join yields exactly one row with
    -- NULL starttime when the cluster has no silo yet, and no row when the version record is missing.
    ('MembershipReadAllKey', $q$
SELECT v.deploymentid, v.version,
       m.address, m.port, m.generation, m.siloname, m.hostname, m.status, m.proxyport,
       m.suspecttimes, m.starttime, m.iamalivetime
FROM orleans_membership_version v
LEFT JOIN orleans_membership m ON m.deploymentid = v.deploymentid
WHERE v.deploymentid = @DeploymentId;
$q$),

    -- Version plus at most the one silo row, same shape as MembershipReadAllKey.
    ('MembershipReadRowKey', $q$
SELECT v.deploymentid, v.version,
       m.address, m.port, m.generation, m.siloname, m.hostname, m.status, m.proxyport,
       m.suspecttimes, m.starttime, m.iamalivetime
FROM orleans_membership_version v
LEFT JOIN orleans_membership m
       ON m.deploymentid = v.deploymentid
      AND m.address = @Address AND m.port = @Port AND m.generation = @Generation
WHERE v.deploymentid = @DeploymentId;
$q$),

    -- Conditional insert (see orleans_membership_insert): 1 = inserted and version raised, 0 = not.
    ('InsertMembershipKey', $q$
SELECT orleans_membership_insert(@DeploymentId, @Address, @Port, @Generation, @SiloName, @HostName,
                                 @Status, @ProxyPort, @StartTime, @IAmAliveTime, @Version);
$q$),

    -- Conditional update (see orleans_membership_update): 1 = updated and version raised, 0 = not.
    ('UpdateMembershipKey', $q$
SELECT orleans_membership_update(@DeploymentId, @Address, @Port, @Generation,
                                 @Status, @SuspectTimes, @IAmAliveTime, @Version);
$q$),

    -- Heartbeat: moves only this silo's IAmAlive time forward; the version is untouched.
    ('UpdateIAmAlivetimeKey', $q$
UPDATE orleans_membership
SET iamalivetime = @IAmAliveTime
WHERE deploymentid = @DeploymentId AND address = @Address AND port = @Port AND generation = @Generation
  AND iamalivetime < @IAmAliveTime;
$q$),

    -- Removes the cluster: the version record, and its silo rows through ON DELETE CASCADE (this
    -- locks the version row first, in the same order as the conditional writes).
    ('DeleteMembershipTableEntriesKey', $q$
DELETE FROM orleans_membership_version
WHERE deploymentid = @DeploymentId;
$q$),

    -- Bulk cleanup (used only when the singular key below is missing): deletes Dead (6) rows that
    -- started and last sent a heartbeat before the cut-off. Never touches Active rows or the version.
    ('CleanupDefunctSiloEntriesKey', $q$
DELETE FROM orleans_membership
WHERE deploymentid = @DeploymentId
  AND status = 6
  AND starttime < @IAmAliveTime
  AND iamalivetime < @IAmAliveTime;
$q$),

    -- Compare-and-delete of one Dead row the provider has just read and chosen: deletes nothing if
    -- the row changed since (status, times, suspicions; NULL and '' suspicions are equal).
    ('CleanupDefunctSiloEntryKey', $q$
DELETE FROM orleans_membership
WHERE deploymentid = @DeploymentId AND address = @Address AND port = @Port AND generation = @Generation
  AND status = 6
  AND starttime = @StartTime
  AND iamalivetime = @IAmAliveTime
  AND COALESCE(suspecttimes, '') = COALESCE(@SuspectTimes, '');
$q$),

    -- Gateways for clients: Active silos (@Status is always 3) that listen for clients.
    ('GatewaysQueryKey', $q$
SELECT address, proxyport, generation
FROM orleans_membership
WHERE deploymentid = @DeploymentId AND status = @Status AND proxyport > 0;
$q$)
ON CONFLICT (querykey) DO UPDATE
SET querytext = EXCLUDED.querytext
WHERE orleansquery.querytext IS DISTINCT FROM EXCLUDED.querytext;
