# authgen — make demo | make test | make bench
SHELL := /bin/bash
.ONESHELL:
.SHELLFLAGS := -eu -o pipefail -c

GO ?= go
BIN := $(CURDIR)/bin
# staticcheck, pinned; keep equal to staticcheckVersion in e2e_test.go.
STATICCHECK_VERSION := v0.8.2
# Mailpit, the SMTP server the suites mail to; keep equal to mailpitVersion
# in mailpit_test.go.
MAILPIT_VERSION := v1.33.1
export PATH := $(shell $(GO) env GOPATH)/bin:$(PATH)
# Builds here are without cgo, but for the race detector, which needs it
# (CGO_ENABLED=1 beside every -race): authgen loads the packages it wires with
# cgo off, and the suites build services so (TestMain), so every package above
# net is compiled in one plain mode instead of two on a cold cache.
export CGO_ENABLED := 0

.PHONY: all build test suites unit staticcheck mailpit lint bench fuzz fuzz-postgres vulncheck demo golden release-rehearsal clean

all: test

build:
	$(GO) build -o $(BIN)/authgen .

# Everything CI runs, in two lanes that share the cores. The root package's
# suites (CLI, pseudo-terminal, end-to-end: every scenario generated, vetted
# and its tests run with -race; conformance; the release rehearsal) spend much of their time waiting on
# running services and on single-threaded compiles, so they run in the
# background while the other lane runs formatting, vet and staticcheck, the
# runtime's and the generator's unit and golden tests, the peer benchmark and
# the PostgreSQL fuzzing. The suites' verbose output is printed whole once
# both lanes are done, and either lane failing fails the target.
# PostgreSQL: .ci/postgres starts a throwaway loopback cluster (installing the
# server from Debian's packages if needed) unless AUTH_TEST_DATABASE_URL names one.
test: staticcheck
	export AUTH_TEST_DATABASE_URL="$${AUTH_TEST_DATABASE_URL:-$$(.ci/postgres)}"
	# The lanes would both compile this module's dependencies at once (Go's
	# build cache does not stop two go commands from compiling one package):
	# vet compiles them first, for both.
	$(GO) vet ./...
	log=$$(mktemp)
	trap 'rm -f "$$log"' EXIT
	start=$$(date +%s)
	lane() { local s=$$(date +%s) rc=0; $(MAKE) --no-print-directory "$$@" || rc=$$?; echo "== make $$*: exit $$rc after $$(( $$(date +%s) - s ))s"; return $$rc; }
	lane suites >"$$log" 2>&1 & suites=$$!
	status=0
	lane lint unit fuzz-postgres || status=1
	wait $$suites || status=1
	cat "$$log"
	echo "== make test: exit $$status after $$(( $$(date +%s) - start ))s"
	exit $$status

# The root package's suites, verbose so that their summaries show. They are
# a harness: authgen runs as a process (this test binary, re-executed), and
# every service it generates runs its own tests under the race detector in
# the end-to-end suite, as the generator and the runtime run theirs in make
# unit. No code of the product runs concurrently in this process, so it is
# not built with -race: instrumenting the harness and its dependencies cost
# some 160 CPU-seconds to compile on a cold cache, and the load test's
# clients ran several times slower. AUTHGEN_TEST_WARM compiles the
# dependencies of every router and store once before the first service is
# built (see warmDependencies in helpers_test.go).
suites: mailpit
	AUTHGEN_TEST_WARM=1 $(GO) test -count=1 -timeout 30m -parallel $(SUITE_PARALLEL) -v . 2>&1 | grep -vE '^=== (RUN|PAUSE|CONT)'

# Parallel tests of the root suites at once: most of them wait on a service
# or a build, so more of them than cores keeps the cores busy.
SUITE_PARALLEL ?= 4

# The runtime's unit tests under the race detector, the generator's unit and
# golden tests, and the peer benchmark run once (its figures are make bench's).
unit:
	(cd runtime && CGO_ENABLED=1 $(GO) test -race -count=1 ./...)
	# Without -race: the generator is one goroutine (TestGeneratorStartsNoGoroutine
	# keeps it so), and the race detector made its tests ten times slower.
	$(GO) test -count=1 ./generator/... ./templates/...
	(cd testdata/peerbench && $(GO) test -run '^$$' -bench . -benchtime 1x .)

# Fuzz the handlers of a generated chi + PostgreSQL service for FUZZPG each:
# bytes that PostgreSQL refuses (NUL, invalid UTF-8) must never reach it as
# a 5xx. make test runs it with a short budget.
FUZZPG ?= 20s
fuzz-postgres: build
	export AUTH_TEST_DATABASE_URL="$${AUTH_TEST_DATABASE_URL:-$$(.ci/postgres)}"
	dir=$$(mktemp -d)
	trap 'rm -rf "$$dir"' EXIT
	$(BIN)/authgen new "$$dir/svc" --module example.com/svc --framework chi --storage postgres --yes >/dev/null 2>&1
	echo "== FuzzHandlers of a chi + PostgreSQL service for $(FUZZPG)"
	(cd "$$dir/svc" && $(GO) test -run '^$$' -fuzz '^FuzzHandlers$$' -fuzztime $(FUZZPG) ./internal/auth) 2>&1 | grep -v '^fuzz: elapsed'
	echo "FuzzHandlers: no failure in $(FUZZPG)"

lint: staticcheck
	test -z "$$(gofmt -l $$(git ls-files '*.go' | grep -v '^testdata/services/'))" || { gofmt -l .; echo 'gofmt needed'; exit 1; }
	$(GO) vet ./...
	(cd runtime && $(GO) vet ./...)
	staticcheck ./...
	(cd runtime && staticcheck ./...)
	(cd testdata/peerbench && $(GO) vet ./... && staticcheck ./...)

# staticcheck at the pinned version, installed into GOPATH/bin if missing:
# make lint runs it, and the end-to-end suite runs it on every scenario.
staticcheck:
	staticcheck -version 2>/dev/null | grep -q '($(STATICCHECK_VERSION:v%=%))' || $(GO) install honnef.co/go/tools/cmd/staticcheck@$(STATICCHECK_VERSION)

# Mailpit at the pinned version, installed into GOPATH/bin if missing: the
# suites start one per service that mails (mailpit_test.go). go install
# leaves its version string "dev", so the module version is read from the
# binary.
mailpit:
	go version -m "$$(command -v mailpit 2>/dev/null || echo /nonexistent)" 2>/dev/null | grep -qE 'mod\s+github.com/axllent/mailpit\s+$(MAILPIT_VERSION)' || $(GO) install github.com/axllent/mailpit@$(MAILPIT_VERSION)

# The release rehearsal (docs/UPGRADING.md): authgen published to a file://
# module proxy at the previous release and at this tree, a service made with
# `go run github.com/authgen/authgen@v0.1.0 new`, then upgraded with `go get
# -tool` and `go generate` with its data in place. make test runs it too.
release-rehearsal:
	$(GO) test -count=1 -run '^TestReleaseRehearsal$$' -v . 2>&1 | grep -vE '^=== (RUN|PAUSE|CONT)'

# Rewrite golden/*.txtar after an intended change; read the diff before committing.
golden:
	$(GO) test ./generator -run Golden -update

# Benchmarks (docs/PERFORMANCE.md holds the latest figures and reads them):
#  1. the peer benchmark: the generated middleware of every router against
#     echo-jwt, gin-jwt, jwtauth, raw golang-jwt and the HMAC floor;
#  2. Generate in memory, and `authgen generate` / `authgen check` as whole
#     processes (median wall time of RUNS runs);
#  3. the generated service on every store: a protected route, login beside
#     its password hash, and refresh rotations with parallel clients.
# With benchstat on the PATH each set prints as a benchstat table
# (go install golang.org/x/perf/cmd/benchstat@latest).
COUNT ?= 6
RUNS ?= 31
BENCH = $(GO) test -run '^$$' -bench . -benchmem -count $(COUNT)
bench: build
	export AUTH_TEST_DATABASE_URL="$${AUTH_TEST_DATABASE_URL:-$$(.ci/postgres)}"
	dir=$$(mktemp -d)
	trap 'rm -rf "$$dir"' EXIT
	show() { echo; echo "== $$1"; if command -v benchstat >/dev/null; then benchstat "$$2"; else cat "$$2"; fi; }
	median() { for i in $$(seq $(RUNS)); do s=$$(date +%s%N); "$$@" >/dev/null; e=$$(date +%s%N); echo $$(( (e - s) / 1000 )); done |
	  sort -n | awk '{ t[NR] = $$1 } END { printf "%.1f ms (median of %d runs, min %.1f, max %.1f)\n", t[int((NR + 1) / 2)] / 1000, NR, t[1] / 1000, t[NR] / 1000 }'; }
	(cd testdata/peerbench && $(BENCH) .) > "$$dir/peer.txt"
	show "verification per request, generated middleware vs peers (testdata/peerbench)" "$$dir/peer.txt"
	$(BENCH) -bench Generate ./generator > "$$dir/generator.txt"
	show "Generate, a full chi scaffold in memory" "$$dir/generator.txt"
	$(BIN)/authgen new "$$dir/gen" --module example.com/svc --framework chi --storage sqlite --yes >/dev/null 2>&1
	echo; echo "== whole process, in a generated chi + SQLite module"
	echo "authgen generate: $$(cd "$$dir/gen" && median $(BIN)/authgen generate)"
	echo "authgen check:    $$(cd "$$dir/gen" && median $(BIN)/authgen check)"
	for store in memory sqlite postgres; do
	  $(BIN)/authgen new "$$dir/$$store" --module example.com/svc --framework chi --storage $$store --yes >/dev/null 2>&1
	  (cd "$$dir/$$store" && $(BENCH) ./internal/auth) > "$$dir/$$store.txt"
	  show "generated chi service, $$store store" "$$dir/$$store.txt"
	done

# Run every fuzz target for FUZZTIME each (make test runs their seeds):
# token verification against golang-jwt's parser, token extraction and
# request decoding in the runtime, authgen.yaml parsing, and the request
# decoding of a generated service's handlers.
FUZZTIME ?= 60s
fuzz: build
	dir=$$(mktemp -d)
	trap 'rm -rf "$$dir"' EXIT
	$(BIN)/authgen new "$$dir/svc" --module example.com/svc --framework chi --storage memory --yes >/dev/null 2>&1
	run() { echo "== $$2 in $$1"; (cd "$$1" && $(GO) test -run '^$$' -fuzz "^$$2$$" -fuzztime $(FUZZTIME) "$$3") 2>&1 | tail -3; }
	run runtime FuzzVerifyMatchesParser ./token
	run runtime FuzzExtract ./httpauth
	run runtime FuzzDecodeJSON ./httpauth
	run . FuzzParseConfig ./generator
	run "$$dir/svc" FuzzHandlers ./internal/auth

# govulncheck on authgen, the runtime and a generated service. It needs the Go
# vulnerability database (vuln.go.dev), which this project's CI machines cannot
# reach, so it is not part of make test; run it where the database is reachable.
vulncheck: build
	dir=$$(mktemp -d)
	trap 'rm -rf "$$dir"' EXIT
	vc() { $(GO) run golang.org/x/vuln/cmd/govulncheck@v1.1.4 ./...; }
	vc
	(cd runtime && vc)
	$(BIN)/authgen new "$$dir/svc" --module example.com/svc --framework chi --storage sqlite --yes >/dev/null 2>&1
	(cd "$$dir/svc" && vc)

# Scaffold a chi + SQLite service into a temp dir, start it, and walk
# register -> login -> me -> refresh -> logout with curl.
demo: build
	dir=$$(mktemp -d)
	port=$${PORT:-18080}
	trap 'kill $$pid 2>/dev/null || true; rm -rf "$$dir"' EXIT
	$(BIN)/authgen new "$$dir/svc" --module example.com/svc --framework chi --storage sqlite --yes
	cd "$$dir/svc"
	$(GO) build -o svc .
	AUTH_JWT_SECRET="$$(head -c 48 /dev/urandom | base64)" HOST=127.0.0.1 PORT=$$port ./svc & pid=$$!
	for i in $$(seq 100); do curl -s -o /dev/null "http://127.0.0.1:$$port/" && break; sleep 0.1; done
	base="http://127.0.0.1:$$port/auth"
	json='Content-Type: application/json'
	creds='{"email":"ada@example.com","password":"correct horse battery staple"}'
	step() { echo; echo "\$$ $$1"; }
	field() { sed -E "s/.*\"$$1\":\"([^\"]+)\".*/\1/"; }
	step "POST /auth/register";  curl -s -w '  -> %{http_code}\n' -X POST "$$base/register" -H "$$json" -d "$$creds"
	step "POST /auth/login";     tokens=$$(curl -s -X POST "$$base/login" -H "$$json" -d "$$creds"); echo "$$tokens"
	access=$$(echo "$$tokens" | field access_token); refresh=$$(echo "$$tokens" | field refresh_token)
	step "GET /auth/me";         curl -s -w '  -> %{http_code}\n' "$$base/me" -H "Authorization: Bearer $$access"
	step "POST /auth/refresh";   tokens=$$(curl -s -X POST "$$base/refresh" -H "$$json" -d "{\"refresh_token\":\"$$refresh\"}"); echo "$$tokens"
	newrefresh=$$(echo "$$tokens" | field refresh_token)
	step "POST /auth/logout";    curl -s -w '  -> %{http_code}\n' -X POST "$$base/logout" -H "$$json" -d "{\"refresh_token\":\"$$newrefresh\"}"
	step "POST /auth/refresh (after logout: the session is revoked)"
	curl -s -w '  -> %{http_code}\n' -X POST "$$base/refresh" -H "$$json" -d "{\"refresh_token\":\"$$newrefresh\"}"
	echo; echo "demo: round trip done; stopping the service"

clean:
	rm -rf $(BIN)
