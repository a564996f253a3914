#!/usr/bin/env bash
# `make run`: start the project-local PostgreSQL when DATABASE_URL is unset,
# then migrate and serve (the server migrates on start).
set -euo pipefail
cd "$(dirname "$0")/.."

if [ -z "${DATABASE_URL:-}" ]; then
  scripts/pg.sh start .data/postgres 54320 contacts
  export DATABASE_URL="postgres://contacts@127.0.0.1:54320/contacts?sslmode=disable"
fi
export APP_ENV=${APP_ENV:-development}
export HTTP_ADDR=${HTTP_ADDR:-:8080}
# No load balancer in front: Ctrl-C closes at once instead of serving on with
# /readyz 503 (docs/OPERATIONS.md).
export SHUTDOWN_DRAIN_DELAY=${SHUTDOWN_DRAIN_DELAY:-0s}

# The app never runs as root: as root, it runs as the unprivileged system
# user `contacts` (created if missing; no home, no login shell). It needs
# to read bin/contacts and nothing else on disk (uploads are spooled to
# the system temporary folder, TMPDIR, then stored in PostgreSQL).
as_app=()
if [ "$(id -u)" = 0 ]; then
  if ! id contacts >/dev/null 2>&1; then
    useradd --system --no-create-home --shell /usr/sbin/nologin contacts
  fi
  as_app=(runuser -u contacts --)
  if ! "${as_app[@]}" test -x bin/contacts; then
    echo "run.sh: the contacts user cannot run $(pwd)/bin/contacts; make the checkout's folders world-searchable (chmod o+x)" >&2
    exit 1
  fi
  echo "run.sh: running as root; the app runs as the unprivileged user 'contacts'"
fi
app() { "${as_app[@]}" bin/contacts "$@"; }

app migrate up
# Demo tenants, users and contacts, once (the command is idempotent).
app seed --demo

# The fake 1CloudAI CRM (shared CRM_API.md), so Connect works out of the box:
# the config's development defaults (CRM_AUTH_BASE/CRM_API_BASE
# http://127.0.0.1:8090, CRM_CLIENT_ID contacts-dev, CRM_CLIENT_SECRET
# contacts-dev-secret) point the app at it, and it accepts the redirect URI
# PUBLIC_URL/api/v1/crm/oauth/callback. Skipped when CRM_AUTH_BASE names a
# CRM of your own.
if [ -z "${CRM_AUTH_BASE:-}" ]; then
  # Not through app(): a backgrounded function is a subshell, and $! must
  # be the process itself (runuser passes the EXIT trap's TERM on).
  "${as_app[@]}" bin/contacts fakecrm --addr 127.0.0.1:8090 &
  fakecrm_pid=$!
  trap 'kill "$fakecrm_pid" 2>/dev/null || true' EXIT
  sleep 0.5
  if ! kill -0 "$fakecrm_pid" 2>/dev/null; then
    echo "run.sh: the fake CRM did not start (is 127.0.0.1:8090 taken?); Integrations → Connect will fail until it runs" >&2
  fi
fi

port=${HTTP_ADDR##*:}
base=${PUBLIC_URL:-http://localhost:${port}}
base=${base%/}
crm_line="    CRM          ${CRM_AUTH_BASE:-} (CRM_AUTH_BASE)"
if [ -z "${CRM_AUTH_BASE:-}" ]; then
  crm_line="    Fake CRM     http://127.0.0.1:8090/ (Integrations → Connect lands on its consent page)"
fi
cat <<MSG

  1CloudAI Business Contacts is starting on ${base}
    SPA          ${base}/
    Swagger UI   ${base}/docs
    OpenAPI      ${base}/openapi.json
    Health       ${base}/healthz  /readyz  /metrics
${crm_line}
  Sign in with a demo login above. Stop with Ctrl-C; 'make db-stop' stops the local PostgreSQL.

MSG
# Not exec: the EXIT trap stops the fake CRM when the server stops.
app serve
