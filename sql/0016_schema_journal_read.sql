-- The silo checks at start that the database carries exactly the scripts it knows (src/Postgres/Schema/SchemaCheck.cs),
-- so the runtime role reads the migration journal. DbUp creates the journal before the first script, which is why
-- 0014's default privileges do not cover it. Idempotent; does nothing when the scripts are applied by hand with psql -f
-- (no journal then).
DO $$
BEGIN
    IF to_regclass('public.schemaversions') IS NOT NULL THEN
        GRANT SELECT ON schemaversions TO user_events_runtime;
    END IF;
END
$$;
