#!/usr/bin/env bash
# Generates the API description from the swag annotations in api/.
#
#   scripts/openapi.sh write   regenerate openapi/* and frontend/src/api/schema.d.ts
#   scripts/openapi.sh check   fail if any committed generated file is stale
set -euo pipefail
cd "$(dirname "$0")/.."
mode=${1:-write}
bin=frontend/node_modules/.bin
[ -x "$bin/swagger2openapi" ] || { echo "openapi: run 'npm ci' in frontend/ first (make frontend-deps)" >&2; exit 1; }

out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
go tool swag fmt -d api >/dev/null
go tool swag init --quiet -g doc.go -d api -o "$out" --outputTypes json,yaml --parseDependencyLevel 0 --requiredByDefault
"$bin/swagger2openapi" --patch "$out/swagger.yaml" -o "$out/openapi.json" >/dev/null
node scripts/openapi-problems.cjs "$out" # errors as application/problem+json; writes openapi.yaml
"$bin/openapi-typescript" "$out/openapi.yaml" -o "$out/schema.d.ts" >/dev/null 2>&1

if [ "$mode" = write ]; then
  cp "$out"/swagger.json "$out"/swagger.yaml "$out"/openapi.yaml "$out"/openapi.json openapi/
  cp "$out/schema.d.ts" frontend/src/api/schema.d.ts
  echo "openapi: wrote openapi/{swagger,openapi}.{json,yaml} and frontend/src/api/schema.d.ts"
  exit 0
fi

stale=0
for f in swagger.json swagger.yaml openapi.yaml openapi.json; do
  if ! cmp -s "$out/$f" "openapi/$f"; then echo "openapi: openapi/$f is stale" >&2; stale=1; fi
done
if ! cmp -s "$out/schema.d.ts" frontend/src/api/schema.d.ts; then
  echo "openapi: frontend/src/api/schema.d.ts is stale" >&2; stale=1
fi
if [ $stale -ne 0 ]; then
  echo "openapi: generated files are stale: run 'make openapi' and commit the result" >&2
  exit 1
fi
echo "openapi: generated files are fresh"
