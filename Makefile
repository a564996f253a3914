# 1CloudAI Business Contacts. `make run` and `make test` are the two commands
# that matter; see README.md.
SHELL := /bin/bash
.DEFAULT_GOAL := help

VERSION ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
LDFLAGS := -s -w -X github.com/onecloudai/contacts/internal/platform/buildinfo.Version=$(VERSION)
BIN := bin/contacts
DEV_PGDATA := .data/postgres
DEV_PGPORT := 54320
GO_SOURCES := $(shell find . -name '*.go' -not -path './frontend/node_modules/*' 2>/dev/null) go.mod go.sum
FRONTEND_SOURCES := $(shell find frontend/src frontend/public frontend/index.html frontend/vite.config.ts frontend/tsconfig*.json -type f 2>/dev/null)
MIGRATIONS := $(wildcard migrations/*.sql)

.PHONY: help run build frontend frontend-deps openapi openapi-check lint fmt test test-go test-frontend test-e2e db-start db-stop db-status clean

help: ## list the targets
	@grep -E '^[a-z0-9-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-14s %s\n", $$1, $$2}'

run: build ## build, start the local PostgreSQL (unless DATABASE_URL is set), migrate, seed, serve on :8080
	@scripts/run.sh

build: $(BIN) ## build the binary with the SPA embedded

$(BIN): frontend/dist/index.html $(GO_SOURCES) $(MIGRATIONS) openapi/openapi.json
	go build -trimpath -ldflags '$(LDFLAGS)' -o $(BIN) ./cmd/contacts

frontend-deps: frontend/node_modules/.installed ## install the frontend's npm packages

frontend/node_modules/.installed: frontend/package.json frontend/package-lock.json
	cd frontend && npm ci --no-audit --no-fund --loglevel=error
	@touch $@

frontend: frontend/dist/index.html ## build the SPA into frontend/dist

frontend/dist/index.html: frontend/node_modules/.installed $(FRONTEND_SOURCES)
	cd frontend && npm run build --silent

openapi: frontend-deps ## regenerate openapi/* and the SPA's API types from the swag annotations
	scripts/openapi.sh write

openapi-check: frontend-deps ## fail if a generated API file is stale, and lint the spec
	scripts/openapi.sh check
	cd frontend && npm run --silent openapi:lint

lint: frontend-deps ## go vet, staticcheck, gofmt and the frontend linter
	@scripts/lint-go.sh
	cd frontend && npm run --silent lint

fmt: ## format Go code
	gofmt -w $$(git ls-files '*.go')

test: ## everything: Go tests on a throwaway PostgreSQL, frontend checks, OpenAPI freshness, browser tests
	@scripts/test.sh all

test-go: ## Go tests only (throwaway PostgreSQL, or TEST_DATABASE_URL)
	@scripts/test.sh go

test-frontend: frontend-deps ## frontend lint, typecheck and unit tests
	cd frontend && npm run --silent lint && npm run --silent typecheck && npm run --silent test

test-e2e: build ## browser tests against the real server on a throwaway database
	@scripts/test.sh e2e

db-start: ## start the project-local development PostgreSQL
	@scripts/pg.sh start $(DEV_PGDATA) $(DEV_PGPORT) contacts

db-stop: ## stop the project-local development PostgreSQL
	@scripts/pg.sh stop $(DEV_PGDATA)

db-status: ## show whether the project-local development PostgreSQL runs
	@scripts/pg.sh status $(DEV_PGDATA)

clean: ## remove build output (keeps .data)
	rm -rf bin frontend/dist/assets frontend/dist/index.html
