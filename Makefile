# Commonplace: two commands matter to a newcomer.
#   make run   builds what it needs and serves on an embedded Badger store in ./data
#   make test  runs every test (Go, fuzz smoke runs, Go under GOOS=js in Node, Node interop)
#
# Everything else here is a step of those two.

GO        ?= go
BIN       := bin/commonplace
DATA      ?= ./data
ADDR      ?= 127.0.0.1:8080
FUZZTIME  ?= 5s
JS_DIR    := scripts/js
WASM_EXEC := $(shell $(GO) env GOROOT)/lib/wasm/go_js_wasm_exec

.PHONY: run build web worker test test-go test-fuzz test-js-wasm test-node test-worker vet clean

run: build
	$(BIN) serve --addr $(ADDR) --data $(DATA)

# The binary embeds web/static, so the field app is built into it first.
build: web
	$(GO) build -o $(BIN) ./cmd/commonplace

# The field app's wasm core, its precompressed copy and Go's loader: build
# outputs (gitignored) that web/ embeds.
WEB_STATIC := web/static
web:
	GOOS=js GOARCH=wasm $(GO) build -trimpath -ldflags="-s -w" -o $(WEB_STATIC)/app.wasm ./wasm/cmd/app
	gzip -9 -n -k -f $(WEB_STATIC)/app.wasm
	cp $(shell $(GO) env GOROOT)/lib/wasm/wasm_exec.js $(WEB_STATIC)/wasm_exec.js

# npm packages the Node tests use, at the versions of the lock file. Not
# `npm ci`: cbor-x's optional native accelerator (cbor-extract 2.2.3) names
# platform packages the registry here does not serve, and npm ci refuses a
# lock without them, while npm install skips a missing optional package and
# cbor-x falls back to plain JavaScript.
$(JS_DIR)/node_modules/.package-lock.json: $(JS_DIR)/package.json $(JS_DIR)/package-lock.json
	cd $(JS_DIR) && npm install --no-audit --no-fund
	touch $@

test: vet test-go test-fuzz test-js-wasm test-node test-worker
	@echo "make test: all suites passed"

vet:
	$(GO) vet ./...

test-go: $(JS_DIR)/node_modules/.package-lock.json
	$(GO) test -count=1 ./...
	# crdt against automerge-go over thousands of random multi-actor histories
	# (the default run above does 300).
	$(GO) test -count=1 ./crdt -run '^TestDiffAgainstAutomergeGo$$' -crdt.histories=3000

# Every fuzz target runs briefly; corpora regressions under testdata/fuzz run in test-go too.
test-fuzz:
	FUZZTIME=$(FUZZTIME) scripts/fuzz-smoke

# The engine and the wasm-facing packages also run as GOOS=js in Node.
test-js-wasm:
	GOOS=js GOARCH=wasm $(GO) test -count=1 -exec="$(WASM_EXEC)" ./crdt/...

test-node: build $(JS_DIR)/node_modules/.package-lock.json
	cd $(JS_DIR) && COMMONPLACE_BIN=$(CURDIR)/$(BIN) node --test --test-concurrency=1 $$(find . -path ./node_modules -prune -o -name '*.test.mjs' -print | sort)

# The relay as a Cloudflare Worker, tested under `wrangler dev --local` with a
# fresh local D1. wrangler lives in its own npm package so the other Node
# tests stay light.
WORKER_DIR := cmd/commonplace-worker
WORKER_JS  := $(JS_DIR)/worker
worker:
	cd $(WORKER_DIR) && $(GO) run github.com/syumai/workers/cmd/workers-assets-gen -mode=go
	cd $(WORKER_DIR) && GOOS=js GOARCH=wasm $(GO) build -o build/app.wasm .

$(WORKER_JS)/node_modules/.package-lock.json: $(WORKER_JS)/package.json $(WORKER_JS)/package-lock.json
	cd $(WORKER_JS) && npm ci --no-audit --no-fund
	touch $@

test-worker: worker $(JS_DIR)/node_modules/.package-lock.json $(WORKER_JS)/node_modules/.package-lock.json
	cd $(JS_DIR) && node --test --test-concurrency=1 worker/suite.mjs < /dev/null

clean:
	rm -rf bin $(WEB_STATIC)/app.wasm $(WEB_STATIC)/app.wasm.gz $(WEB_STATIC)/wasm_exec.js
