#!/usr/bin/env bash
# Starts (or reuses) a throwaway PostgreSQL cluster owned by this checkout.
#   scripts/postgres.sh start   -> prints nothing but progress; server on 127.0.0.1:$PGPORT
#   scripts/postgres.sh stop
#   PRIMARY_PORT=P scripts/postgres.sh standby   # a streaming standby of the server on 127.0.0.1:P (pg_basebackup -R) in
#                                                 # PGDATA_DIR, on PGPORT (asynchronous; SYNCHRONOUS=1 makes the primary wait for it)
#   scripts/postgres.sh promote | kill            # pg_ctl promote; pg_ctl stop -m immediate (a crash: nothing flushed at exit)
# Data lives in .local/postgres (git-ignored). The superuser is postgres/postgres on TCP.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
PGPORT="${PGPORT:-5433}"
DATA="${PGDATA_DIR:-$ROOT/.local/postgres}"
BIN="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n1 || true)"

as_postgres() {
  if [ "$(id -u)" = 0 ]; then su postgres -s /bin/bash -c "$*"; else bash -c "$*"; fi
}

install_if_missing() {
  if [ -z "$BIN" ] || [ ! -x "$BIN/initdb" ]; then
    echo "postgres.sh: installing PostgreSQL from the distribution" >&2
    if [ "$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
    else sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null; fi
    BIN="$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n1)"
  fi
}

start() {
  install_if_missing
  mkdir -p "$DATA"
  if [ "$(id -u)" = 0 ]; then chown -R postgres:postgres "$DATA"; chmod 700 "$DATA"; fi
  if [ ! -f "$DATA/PG_VERSION" ]; then
    local pwfile; pwfile="$(mktemp)"; echo postgres > "$pwfile"; chmod 644 "$pwfile"
    as_postgres "'$BIN/initdb' -D '$DATA' -U postgres --pwfile='$pwfile' --auth-local=trust --auth-host=scram-sha-256 -E UTF8 --locale=C.UTF-8 >/dev/null"
    rm -f "$pwfile"
    cat >> "$DATA/postgresql.conf" <<CONF
listen_addresses = '127.0.0.1'
port = $PGPORT
unix_socket_directories = '/tmp'
fsync = on
CONF
  fi
  # The recommended settings (deploy/postgres/recommended.conf), refreshed at every start; new values apply on restart.
  cp "$(dirname "${BASH_SOURCE[0]}")/../deploy/postgres/recommended.conf" "$DATA/recommended.conf"
  if [ "$(id -u)" = 0 ]; then chown postgres:postgres "$DATA/recommended.conf"; fi
  grep -q "^include_if_exists = 'recommended.conf'" "$DATA/postgresql.conf" || echo "include_if_exists = 'recommended.conf'" >> "$DATA/postgresql.conf"
  if as_postgres "'$BIN/pg_ctl' -D '$DATA' status" >/dev/null 2>&1; then
    echo "postgres.sh: PostgreSQL already running on 127.0.0.1:$PGPORT" >&2
  else
    as_postgres "'$BIN/pg_ctl' -D '$DATA' -l '$DATA/server.log' -w -t 60 start" >/dev/null
    echo "postgres.sh: PostgreSQL started on 127.0.0.1:$PGPORT (data in $DATA)" >&2
  fi
}

stop() {
  [ -n "$BIN" ] && [ -f "$DATA/PG_VERSION" ] || return 0
  as_postgres "'$BIN/pg_ctl' -D '$DATA' -m ${1:-fast} -w stop" >/dev/null 2>&1 || true
}

standby() {
  install_if_missing
  : "${PRIMARY_PORT:?PRIMARY_PORT names the port of the primary}"
  [ ! -f "$DATA/PG_VERSION" ] || { echo "postgres.sh: $DATA already holds a cluster" >&2; exit 1; }
  mkdir -p "$DATA"
  if [ "$(id -u)" = 0 ]; then chown -R postgres:postgres "$DATA"; chmod 700 "$DATA"; fi
  # -R writes the connection string into primary_conninfo: its application_name is what synchronous_standby_names names.
  as_postgres "PGPASSWORD=postgres '$BIN/pg_basebackup' -d 'host=127.0.0.1 port=$PRIMARY_PORT user=postgres application_name=standby' -D '$DATA' -R -X stream -c fast"
  sed -i "s/^port = .*/port = $PGPORT/" "$DATA/postgresql.conf"
  if [ "${SYNCHRONOUS:-0}" = 1 ]; then
    PGPASSWORD=postgres psql -h 127.0.0.1 -p "$PRIMARY_PORT" -U postgres -d postgres -qc "ALTER SYSTEM SET synchronous_standby_names = 'standby'" -c "SELECT pg_reload_conf()" >/dev/null
  fi
  as_postgres "'$BIN/pg_ctl' -D '$DATA' -l '$DATA/server.log' -w -t 60 start" >/dev/null
  echo "postgres.sh: standby of 127.0.0.1:$PRIMARY_PORT started on 127.0.0.1:$PGPORT (data in $DATA)" >&2
}

case "${1:-start}" in
  start) start ;;
  stop) stop ;;
  kill) stop immediate ;;
  standby) standby ;;
  promote) as_postgres "'$BIN/pg_ctl' -D '$DATA' -w -t 60 promote" >/dev/null ;;
  *) echo "usage: $0 start|stop|kill|standby|promote" >&2; exit 2 ;;
esac
