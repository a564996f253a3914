#!/usr/bin/env bash
# `make test`: every check, against a throwaway PostgreSQL that this script
# starts and removes (or TEST_DATABASE_URL, an administrative connection).
#
#   scripts/test.sh all | go | e2e
#
# The browser tests' server and fake CRM take the first free port from 18080 and 18590, or from
# E2E_HTTP_PORT and E2E_CRM_PORT (so that several checkouts on one machine keep apart). Two test
# files run at a time; E2E_CONCURRENCY=1 runs them one after another (docs/TESTING.md).
set -euo pipefail
cd "$(dirname "$0")/.."
mode=${1:-all}
started=$(date +%s)

step() { printf '\n==> %s (%ss)\n' "$*" "$(( $(date +%s) - started ))"; }

pgdir=""
warm_pid=""
server_pid=""
stripe_pid=""
fakecrm_pid=""
cleanup() {
  if [ -n "$warm_pid" ]; then kill "$warm_pid" 2>/dev/null || true; wait "$warm_pid" 2>/dev/null || true; fi
  if [ -n "$fakecrm_pid" ]; then kill "$fakecrm_pid" 2>/dev/null || true; wait "$fakecrm_pid" 2>/dev/null || true; fi
  if [ -n "$server_pid" ]; then kill "$server_pid" 2>/dev/null || true; wait "$server_pid" 2>/dev/null || true; fi
  if [ -n "$stripe_pid" ]; then kill "$stripe_pid" 2>/dev/null || true; wait "$stripe_pid" 2>/dev/null || true; fi
  if [ -n "$pgdir" ]; then
    scripts/pg.sh stop "$pgdir/data" >/dev/null 2>&1 || true
    rm -rf "$pgdir"
  fi
}
trap cleanup EXIT

free_port() {
  local p=$1
  while (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; do p=$((p + 1)); done
  echo "$p"
}

if [ -z "${TEST_DATABASE_URL:-}" ]; then
  step "starting a throwaway PostgreSQL"
  pgdir=$(mktemp -d /tmp/contacts-test-pg.XXXXXX)
  chmod 755 "$pgdir"
  port=$(free_port 54329)
  PG_EXTRA_OPTS="-c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=300" \
    scripts/pg.sh start "$pgdir/data" "$port" postgres
  export TEST_DATABASE_URL="postgres://contacts@127.0.0.1:$port/postgres?sslmode=disable"
fi

install_stripe_mock() {
  if [ ! -x "$(go env GOPATH)/bin/stripe-mock" ]; then
    step "installing stripe-mock"
    GOFLAGS= go install github.com/stripe/stripe-mock@v0.203.0
  fi
}

# stripe-mock is the local Stripe API for the billing tests (loopback only).
start_stripe_mock() {
  [ -n "${STRIPE_MOCK_URL:-}" ] && return
  install_stripe_mock
  local bin
  bin="$(go env GOPATH)/bin/stripe-mock"
  local port
  port=$(free_port 12111)
  "$bin" -http-port "$port" -https-port "$(free_port $((port + 1000)))" >/tmp/contacts-stripe-mock.log 2>&1 &
  stripe_pid=$!
  for _ in $(seq 1 50); do
    (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && break
    sleep 0.1
  done
  export STRIPE_MOCK_URL="http://127.0.0.1:$port"
}

# Compiles our Go packages but those that embed the SPA (api, and what
# imports it), and installs the tools, all into Go's caches: the SPA's build
# (npm's install, tsc) leaves a core idle that this work fills.
warm_go() {
  local pkgs
  pkgs=$(go list -e ./... | grep -v -e /node_modules/ -e '/api$' -e /internal/cli -e /cmd/ -e '/frontend$')
  # shellcheck disable=SC2086
  go build $pkgs
  install_stripe_mock
  scripts/lint-go.sh install
}

run_go() {
  start_stripe_mock
  # Our packages (npm packages may carry Go code of their own).
  local pkgs
  pkgs=$(go list ./... | grep -v /node_modules/)
  step "go vet, staticcheck and gofmt"
  scripts/lint-go.sh
  step "go test (race detector on)"
  # shellcheck disable=SC2086
  go test -race -count=1 $pkgs
  # Tests of pure computation on one goroutine are built only without
  # -race (//go:build !race): the detector has nothing to find there and
  # made TestSeedPhoneShapes take minutes. They run here without it.
  step "go test (single-goroutine tests built without -race)"
  go test -count=1 -run '^(TestSeedPhoneShapes|TestGeneratorIdentitiesCanonical)$' ./internal/contacts/
}

run_frontend() {
  step "OpenAPI freshness and lint"
  scripts/openapi.sh check
  (cd frontend && npm run --silent openapi:lint)
  step "frontend lint, typecheck, unit tests"
  (cd frontend && npm run --silent lint && npm run --silent typecheck && npm run --silent test)
}

run_e2e() {
  start_stripe_mock
  step "browser tests (headless Chromium against the real server)"
  local dbname="e2e_$(date +%s)"
  local admin=${TEST_DATABASE_URL}
  psql "$admin" -qAtc "CREATE DATABASE $dbname" >/dev/null
  local dburl=${admin%/*}/${dbname}?sslmode=disable
  local http_port
  http_port=$(free_port "${E2E_HTTP_PORT:-18080}")
  mkdir -p frontend/e2e/artifacts
  local crm_port
  crm_port=$(free_port "${E2E_CRM_PORT:-18590}")
  PUBLIC_URL="http://127.0.0.1:$http_port" bin/contacts fakecrm --addr "127.0.0.1:$crm_port" \
    >frontend/e2e/artifacts/fakecrm.log 2>&1 &
  fakecrm_pid=$!
  CRM_AUTH_BASE="http://127.0.0.1:$crm_port" CRM_API_BASE="http://127.0.0.1:$crm_port" \
  APP_ENV=test DATABASE_URL="$dburl" HTTP_ADDR="127.0.0.1:$http_port" PUBLIC_URL="http://127.0.0.1:$http_port" \
    STRIPE_SECRET_KEY=sk_test_e2e STRIPE_API_BASE="$STRIPE_MOCK_URL" STRIPE_WEBHOOK_SECRET=whsec_e2e SHUTDOWN_DRAIN_DELAY=0s \
    TRUSTED_PROXIES=127.0.0.1 \
    bin/contacts serve >frontend/e2e/artifacts/server.log 2>&1 &
  server_pid=$!
  for _ in $(seq 1 150); do
    if curl -fsS "http://127.0.0.1:$http_port/readyz" >/dev/null 2>&1; then break; fi
    if ! kill -0 "$server_pid" 2>/dev/null; then cat frontend/e2e/artifacts/server.log; echo "server exited"; exit 1; fi
    sleep 0.2
  done
  (cd frontend && BASE_URL="http://127.0.0.1:$http_port" DATABASE_URL="$dburl" STRIPE_WEBHOOK_SECRET=whsec_e2e \
    CRM_FAKE_URL="http://127.0.0.1:$crm_port" npm run --silent e2e)
  kill "$server_pid"; wait "$server_pid" 2>/dev/null || true; server_pid=""
}

case "$mode" in
go) run_go ;;
e2e) run_e2e ;;
all)
  step "building the SPA and the binary, the Go packages and tools compiling alongside"
  warm_log=$(mktemp)
  warm_go >"$warm_log" 2>&1 &
  warm_pid=$!
  make --no-print-directory build
  if ! wait "$warm_pid"; then
    cat "$warm_log"
    echo "compiling the Go packages or installing the Go tools failed"
    exit 1
  fi
  warm_pid=""
  cat "$warm_log"
  rm -f "$warm_log"
  run_go
  run_frontend
  run_e2e
  ;;
*) echo "usage: scripts/test.sh all|go|e2e" >&2; exit 2 ;;
esac
step "all checks passed"
