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

port=${HTTP_ADDR##*:}
cat <<MSG

  1CloudAI Business Contacts is starting on http://localhost:${port}
    SPA          http://localhost:${port}/
    Swagger UI   http://localhost:${port}/docs
    OpenAPI      http://localhost:${port}/openapi.json
    Health       http://localhost:${port}/healthz  /readyz  /metrics
  Sign in with a demo login above. Stop with Ctrl-C; 'make db-stop' stops the local PostgreSQL.

MSG
exec bin/contacts serve
