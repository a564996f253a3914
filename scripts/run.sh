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

bin/contacts migrate up
# Demo tenants, users and contacts, once (the command is idempotent).
bin/contacts seed --demo

# The fake 1CloudAI CRM (shared CRM_API.md), so Connect works out of the box:
# the config's development defaults (CRM_AUTH_BASE/CRM_API_BASE
# http://127.0.0.1:8090, CRM_CLIENT_ID contacts-dev, CRM_CLIENT_SECRET
# contacts-dev-secret) point the app at it, and it accepts the redirect URI
# PUBLIC_URL/api/v1/crm/oauth/callback. Skipped when CRM_AUTH_BASE names a
# CRM of your own.
if [ -z "${CRM_AUTH_BASE:-}" ]; then
  bin/contacts fakecrm --addr 127.0.0.1:8090 &
  fakecrm_pid=$!
  trap 'kill "$fakecrm_pid" 2>/dev/null || true' EXIT
fi

port=${HTTP_ADDR##*:}
cat <<MSG

  1CloudAI Business Contacts is starting on http://localhost:${port}
    SPA          http://localhost:${port}/
    Swagger UI   http://localhost:${port}/docs
    OpenAPI      http://localhost:${port}/openapi.json
    Health       http://localhost:${port}/healthz  /readyz  /metrics
    Fake CRM     http://127.0.0.1:8090/ (Integrations → Connect lands on its consent page)
  Sign in with a demo login above. Stop with Ctrl-C; 'make db-stop' stops the local PostgreSQL.

MSG
# Not exec: the EXIT trap stops the fake CRM when the server stops.
bin/contacts serve
