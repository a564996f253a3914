#!/usr/bin/env bash
# Project-local PostgreSQL clusters, with no manual steps.
#
#   scripts/pg.sh start DATADIR PORT [DBNAME]   init if needed, start if stopped, create DBNAME
#   scripts/pg.sh stop  DATADIR
#   scripts/pg.sh status DATADIR
#
# PostgreSQL refuses to run as root, so as root the cluster runs as the
# unprivileged `postgres` user (created if missing). It listens on 127.0.0.1
# only, with trust authentication for the `contacts` superuser: development
# and tests only, never production.
set -euo pipefail

cmd=${1:?usage: pg.sh start|stop|status DATADIR [PORT] [DBNAME]}
datadir=${2:?DATADIR required}
port=${3:-54320}
dbname=${4:-contacts}

find_bin() {
  # Debian keeps the server tools in a versioned folder; take the newest.
  for d in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V -r); do
    [ -x "$d/pg_ctl" ] && [ -x "$d/psql" ] && { echo "$d"; return; }
  done
  if command -v pg_ctl >/dev/null 2>&1 && command -v psql >/dev/null 2>&1 && command -v createdb >/dev/null 2>&1; then
    dirname "$(command -v pg_ctl)"; return
  fi
  echo "PostgreSQL server binaries not found; install them: apt-get install -y postgresql postgresql-contrib" >&2
  exit 1
}
PGBIN=$(find_bin)

run_as=()
if [ "$(id -u)" = 0 ]; then
  if ! id postgres >/dev/null 2>&1; then
    useradd --system --home-dir /var/lib/postgresql --shell /bin/bash postgres
  fi
  run_as=(runuser -u postgres --)
fi
as_pg() { "${run_as[@]}" "$@"; }

case "$cmd" in
start)
  mkdir -p "$datadir"
  datadir=$(cd "$datadir" && pwd)
  if [ ${#run_as[@]} -gt 0 ]; then
    chown postgres: "$datadir"
    chmod 700 "$datadir"
    if ! as_pg test -x "$datadir"; then
      echo "pg.sh: the postgres user cannot reach $datadir; make its parent folders world-searchable (chmod o+x)" >&2
      exit 1
    fi
  fi
  if [ ! -f "$datadir/PG_VERSION" ]; then
    echo "pg.sh: initializing cluster in $datadir"
    as_pg "$PGBIN/initdb" -D "$datadir" -U contacts --auth=trust --encoding=UTF8 --locale=C.UTF-8 >/dev/null
  fi
  if as_pg "$PGBIN/pg_ctl" -D "$datadir" status >/dev/null 2>&1; then
    echo "pg.sh: already running on port $(head -4 "$datadir/postmaster.pid" | tail -1)"
  else
    extra=${PG_EXTRA_OPTS:-}
    as_pg "$PGBIN/pg_ctl" -D "$datadir" -l "$datadir/server.log" -w -t 60 \
      -o "-p $port -c listen_addresses=127.0.0.1 -k $datadir -c max_connections=200 $extra" start >/dev/null
    echo "pg.sh: started on 127.0.0.1:$port"
  fi
  for _ in $(seq 1 50); do
    "$PGBIN/pg_isready" -h 127.0.0.1 -p "$port" -q && break
    sleep 0.2
  done
  if ! "$PGBIN/psql" -h 127.0.0.1 -p "$port" -U contacts -d postgres -Atqc "SELECT 1 FROM pg_database WHERE datname='$dbname'" | grep -q 1; then
    "$PGBIN/createdb" -h 127.0.0.1 -p "$port" -U contacts "$dbname"
    echo "pg.sh: created database $dbname"
  fi
  ;;
stop)
  if [ -f "$datadir/PG_VERSION" ] && as_pg "$PGBIN/pg_ctl" -D "$datadir" status >/dev/null 2>&1; then
    as_pg "$PGBIN/pg_ctl" -D "$datadir" -m fast -w stop >/dev/null
    echo "pg.sh: stopped"
  else
    echo "pg.sh: not running"
  fi
  ;;
status)
  if [ -f "$datadir/PG_VERSION" ] && as_pg "$PGBIN/pg_ctl" -D "$datadir" status >/dev/null 2>&1; then
    echo "running"
  else
    echo "stopped"; exit 3
  fi
  ;;
*)
  echo "usage: pg.sh start|stop|status DATADIR [PORT] [DBNAME]" >&2; exit 2 ;;
esac
