# The portal's developer and CI entry points. `make run` on a fresh clone
# builds, migrates SQLite under ./data, seeds the demo and serves on
# 127.0.0.1:8080 only: the demo prints its passwords, so it must not be
# reachable from the network (`portal serve` itself keeps :8080).

SHELL := /bin/bash
.SHELLFLAGS := -euo pipefail -c
.DEFAULT_GOAL := build

GO ?= go
# SQLite is mattn/go-sqlite3, which needs cgo.
export CGO_ENABLED := 1

# The machines have 2 cores: as many test binaries as cores, and the race
# detector's slowdown needs a generous per-binary timeout.
TEST_P ?= 2
TEST_TIMEOUT ?= 8m
E2E_TIMEOUT ?= 6m

# Debian's Chromium, or whatever `chromium` is on PATH.
CHROMIUM ?= $(firstword $(wildcard /usr/bin/chromium) $(shell command -v chromium chromium-browser 2>/dev/null))
AXE := node_modules/axe-core/axe.min.js

.PHONY: run build generate check-generated lint test unit e2e bench load clean

# RUN_ADDR=0.0.0.0:8080 make run opens the demo to the network on purpose.
RUN_ADDR ?= 127.0.0.1:8080

run: generate
	$(GO) run . demo
	$(GO) run . serve --addr $(RUN_ADDR)

build: generate
	$(GO) build -trimpath -o bin/portal .

generate:
	$(GO) tool templ generate

# Generated *_templ.go files are committed; CI fails when they are stale.
check-generated: generate
	@changed="$$(git status --porcelain -- '*_templ.go')"; \
	if [ -n "$$changed" ]; then \
		echo "check-generated: these *_templ.go files differ from what 'go tool templ generate' makes;"; \
		echo "run 'make generate' and commit them:"; \
		echo "$$changed"; \
		exit 1; \
	fi

# -tags e2e so the browser tests are vetted too (the tag only adds them).
lint:
	$(GO) vet -tags e2e ./...
	$(GO) tool staticcheck -tags e2e ./...
	@unformatted="$$(gofmt -l .)"; \
	if [ -n "$$unformatted" ]; then \
		echo "lint: not gofmt-formatted (run gofmt -w):"; \
		echo "$$unformatted"; \
		exit 1; \
	fi

test: check-generated lint unit e2e

# PostgreSQL tests run too when PORTAL_TEST_POSTGRES_DSN is set. The web
# package's tests outgrew one binary's timeout: they run in three parts by
# name, each its own process under the same limit, after the other
# packages (on 2 cores: A–L took 387 s, the rest 238 s).
unit:
	$(GO) test -race -count=1 -p $(TEST_P) -timeout $(TEST_TIMEOUT) $$($(GO) list ./... | grep -v '/web$$')
	$(GO) test -race -count=1 -timeout $(TEST_TIMEOUT) -run '^Test[A-D]' ./web
	$(GO) test -race -count=1 -timeout $(TEST_TIMEOUT) -run '^Test[E-O]' ./web
	$(GO) test -race -count=1 -timeout $(TEST_TIMEOUT) -skip '^Test[A-O]' ./web

# Browser tests: skipped with a clear line when Chromium is missing, except
# in CI (CI=true), where that is a failure. They outgrew one binary's
# 6 minutes: two parts by name, each its own process under the limit.
e2e:
	@if [ -z "$(CHROMIUM)" ]; then \
		if [ "$${CI:-}" = "true" ]; then \
			echo "e2e: FAILED: chromium not found; CI must install it (apt-get install -y chromium)"; \
			exit 1; \
		fi; \
		echo "e2e: SKIPPED: chromium not found (apt-get install -y chromium to run the browser tests)"; \
		exit 0; \
	fi; \
	[ -e $(AXE) ] || $(MAKE) --no-print-directory $(AXE); \
	E2E_CHROMIUM="$(CHROMIUM)" $(GO) test -count=1 -p 1 -timeout $(E2E_TIMEOUT) -tags e2e -run '^Test[A-N]' ./e2e/...; \
	E2E_CHROMIUM="$(CHROMIUM)" $(GO) test -count=1 -p 1 -timeout $(E2E_TIMEOUT) -tags e2e -skip '^Test[A-N]' ./e2e/...

# Only when missing: npm writes old mtimes, so a dependency on the lock file
# would reinstall on every run.
$(AXE):
	npm ci --no-audit --no-fund

bench:
	$(GO) test -run '^$$' -bench . -benchmem ./...

# The portal against a fixed floor program under wrk, on a generated
# database (tools/load; the README's Performance section). SQLite always,
# PostgreSQL too when LOAD_POSTGRES_DSN (default: PORTAL_TEST_POSTGRES_DSN)
# names a server: a scratch database is created on it and dropped. MISSes
# do not fail it: it is a measurement.
LOAD_CUSTOMERS ?= 100000
LOAD_ORDERS ?= 1000000
LOAD_HEAVY ?= 10000
LOAD_TYPICAL ?= 200
LOAD_DURATION ?= 5s
LOAD_ROUNDS ?= 3
LOAD_POSTGRES_DSN ?= $(PORTAL_TEST_POSTGRES_DSN)
LOAD_REPORT ?= bin/load-report.md
# LOAD_PROFILE=bin/profiles also writes a CPU profile of each page's last round.
LOAD_PROFILE ?=

# @: the DSN may hold a password; the harness prints its command without it.
load:
	@$(GO) run ./tools/load -customers $(LOAD_CUSTOMERS) -orders $(LOAD_ORDERS) -heavy $(LOAD_HEAVY) \
		-typical $(LOAD_TYPICAL) -duration $(LOAD_DURATION) -rounds $(LOAD_ROUNDS) \
		-postgres '$(LOAD_POSTGRES_DSN)' -report $(LOAD_REPORT) -profile '$(LOAD_PROFILE)'

clean:
	rm -rf bin
