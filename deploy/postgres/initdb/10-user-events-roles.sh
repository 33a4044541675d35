#!/bin/sh
# Runs once, when the postgres container initialises an empty data volume (docker-entrypoint-initdb.d), as the
# image's superuser. Creates the three roles of README "Least privilege":
#   user_events_migrator  LOGIN, owns the database and its schema: runs sql/ (the compose service "migrate")
#   user_events_runtime   NOLOGIN group: what a silo may do (granted by sql/0014_runtime_role_grants.sql)
#   user_events_silo      LOGIN, member of user_events_runtime: the silos log in with it
set -eu
psql -v ON_ERROR_STOP=1 --no-psqlrc --username "$POSTGRES_USER" --dbname "$POSTGRES_DB" \
  --set=db="$POSTGRES_DB" \
  --set=migrator_password="$USER_EVENTS_MIGRATOR_PASSWORD" \
  --set=silo_password="$USER_EVENTS_SILO_PASSWORD" <<'SQL'
CREATE ROLE user_events_migrator LOGIN PASSWORD :'migrator_password';
CREATE ROLE user_events_runtime NOLOGIN;
CREATE ROLE user_events_silo LOGIN PASSWORD :'silo_password' IN ROLE user_events_runtime;
ALTER DATABASE :"db" OWNER TO user_events_migrator;
ALTER SCHEMA public OWNER TO user_events_migrator;
REVOKE CREATE ON SCHEMA public FROM PUBLIC;
SQL
