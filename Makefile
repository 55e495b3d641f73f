# 临沭县社区服务采购平台 — see README.md.
SHELL := /bin/bash
GO ?= go

.PHONY: run test build frontend portal services bench vet fmt clean stop

## run: start services, build, migrate, seed demo data and serve on :8080
run: build
	@bash scripts/run.sh

## test: the whole suite against real PostgreSQL and MinIO
test:
	@bash scripts/test.sh

## build: bin/portal with the built frontend embedded
build: frontend portal

frontend:
	@if [ -f frontend/package.json ]; then \
		cd frontend && { [ -d node_modules ] && [ node_modules/.package-lock.json -nt package-lock.json ] || npm ci --no-audit --no-fund; } && npm run build; \
	fi
	@touch frontend/dist/.gitkeep

portal:
	$(GO) build -o bin/portal ./cmd/portal

## services: only start PostgreSQL and the demo MinIO
services:
	@bash -c 'source scripts/services.sh && pg_up && pg_database portal'

## bench: benchmarks in bench/ and one table of their targets (see bench/README.md)
bench:
	@bash bench/all.sh

vet:
	$(GO) vet ./...
	@test -z "$$(gofmt -l $$(git ls-files '*.go'))" || { gofmt -l $$(git ls-files '*.go'); exit 1; }

fmt:
	gofmt -w $$(git ls-files '*.go')

## stop: stop the demo MinIO started by make run
stop:
	@for f in .data/minio-*.pid; do [ -f "$$f" ] && kill "$$(cat $$f)" 2>/dev/null; rm -f "$$f"; done; true

clean: stop
	rm -rf bin .bin frontend/dist/assets frontend/dist/index.html
