-- Least privilege: what the silo needs at run time, granted to the NOLOGIN group role user_events_runtime.
-- The role that applies these scripts (the migration role) owns the tables; silos log in with their own role,
-- made a member of the group by the operator:  GRANT user_events_runtime TO my_silo_login;
-- A member can store events and dead letters, move checkpoints, record offset resets, run Orleans' clustering,
-- grain storage and reminders, and read everything for the stats; it cannot DROP, ALTER, TRUNCATE or DELETE our tables.
-- Runs after every script that creates a table (it must stay the last one: a new table needs its own GRANT here
-- or in its own later script). Idempotent, no variables: works through DbUp and with psql -f.

-- The group role is cluster-wide: created once, by the first migration that may (superuser or CREATEROLE).
-- A migration role without CREATEROLE needs it created beforehand by an administrator.
DO $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'user_events_runtime') THEN
        BEGIN
            CREATE ROLE user_events_runtime NOLOGIN;
        EXCEPTION
            WHEN duplicate_object OR unique_violation THEN
                NULL; -- created at the same moment by a migration of another database
            WHEN insufficient_privilege THEN
                RAISE EXCEPTION 'role user_events_runtime does not exist and % may not create it', current_user
                    USING HINT = 'As an administrator: CREATE ROLE user_events_runtime NOLOGIN;';
        END;
    END IF;
END
$$;

DO $$
BEGIN
    EXECUTE format('GRANT CONNECT, TEMPORARY ON DATABASE %I TO user_events_runtime', current_database());
END
$$;

GRANT USAGE ON SCHEMA public TO user_events_runtime;

-- The pipeline: COPY into both tables (INSERT), reads for the stats and verify.
GRANT SELECT, INSERT ON user_events, user_events_rejected TO user_events_runtime;
-- Checkpoints: pin (INSERT ... ON CONFLICT DO NOTHING), lock (SELECT ... FOR UPDATE), move and claim (UPDATE).
GRANT SELECT, INSERT, UPDATE ON kafka_checkpoints TO user_events_runtime;
-- Offset resets: recorded, never changed.
GRANT SELECT, INSERT ON kafka_offset_resets TO user_events_runtime;
GRANT SELECT ON user_events_stats TO user_events_runtime;

-- Orleans ADO.NET: the query catalog is read-only; membership, grain state and reminders are the providers' own DML.
GRANT SELECT ON orleansquery TO user_events_runtime;
GRANT SELECT, INSERT, UPDATE, DELETE
    ON orleans_membership_version, orleans_membership, orleans_grain_state, orleans_reminders
    TO user_events_runtime;

-- Identity columns need no sequence rights for INSERT; functions are executable by PUBLIC (PostgreSQL's default).
GRANT EXECUTE ON ALL FUNCTIONS IN SCHEMA public TO user_events_runtime;

-- Tables the migration role creates later are readable (stats); writing them needs an explicit GRANT like the above.
ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT ON TABLES TO user_events_runtime;
