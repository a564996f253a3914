#!/usr/bin/env bash
# Static checks of our Go packages: go vet, staticcheck (pinned; installed
# from the Go module proxy when missing) and gofmt. `make lint` and
# `make test` run it.
#
#   scripts/lint-go.sh          every check
#   scripts/lint-go.sh install  only install staticcheck when missing
set -euo pipefail
cd "$(dirname "$0")/.."

STATICCHECK_VERSION=v0.8.2 # honnef.co/go/tools

sc="$(go env GOPATH)/bin/staticcheck"
if [ ! -x "$sc" ] || ! "$sc" -version 2>/dev/null | grep -qF "(${STATICCHECK_VERSION#v})"; then
  echo "installing staticcheck $STATICCHECK_VERSION"
  GOFLAGS= go install "honnef.co/go/tools/cmd/staticcheck@$STATICCHECK_VERSION"
fi
[ "${1:-}" = install ] && exit 0

# Our packages only: npm packages may carry Go code of their own.
pkgs=$(go list ./... | grep -v /node_modules/)
# shellcheck disable=SC2086
go vet $pkgs

# shellcheck disable=SC2086
"$sc" $pkgs

unformatted=$(gofmt -l $(git ls-files --cached --others --exclude-standard '*.go' 2>/dev/null || find . -name '*.go' -not -path './frontend/node_modules/*'))
if [ -n "$unformatted" ]; then echo "gofmt needed: $unformatted"; exit 1; fi
