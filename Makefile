# Linux HCS. `make` builds every binary into bin/; `make test` runs what CI runs.

GO       ?= go
FUZZTIME ?= 10s
TIMEOUT  ?= 30m
PKGS     ?= ./...

# One binary per directory under cmd/; libcomputecore is a C shared library instead.
CMDS    := $(patsubst cmd/%/,%,$(wildcard cmd/*/))
TARGETS := $(addprefix bin/,$(filter-out libcomputecore,$(CMDS)))
ifneq ($(filter libcomputecore,$(CMDS)),)
TARGETS += bin/libcomputecore.so
endif

.PHONY: all test test-go test-c stress bench fuzz demo clean FORCE

all: $(TARGETS)

# go build decides what is out of date, so the binaries are always handed to it.
bin/%: FORCE
	$(GO) build -o $@ ./cmd/$*

# The agent runs inside containers and guests that have no C library of ours: build it static.
bin/hcs-agent: export CGO_ENABLED = 0

# The library's interface is include/*.h; the header cgo writes next to the library is not.
bin/libcomputecore.so: FORCE
	CGO_ENABLED=1 $(GO) build -buildmode=c-shared -o $@ ./cmd/libcomputecore
	@rm -f bin/libcomputecore.h

test: test-go test-c stress

test-go:
	@if [ "$$(id -u)" = 0 ] || [ "$$CI" = true ]; then scripts/setup.sh; fi
	@unformatted=$$(gofmt -l .); if [ -n "$$unformatted" ]; then \
		echo "gofmt needed on:"; echo "$$unformatted"; exit 1; fi
	$(GO) vet $(PKGS)
	$(GO) test -race -count=1 -timeout $(TIMEOUT) $(PKGS)

# C tests of the C ABI (against bin/libcomputecore.so) run after the Go tests: the C programs
# of test/capi, compiled and run by the harness in test/capi/harness (build tag capi), which
# starts bin/hcsd when root and also runs them under valgrind.
test-c: test-go bin/libcomputecore.so bin/hcsd bin/hcs-agent
	$(GO) vet -tags capi ./test/capi/harness
	$(GO) test -tags capi -count=1 -timeout $(TIMEOUT) ./test/capi/harness

# The fault and load suite (test/stress, build tag stress; docs/reliability.md): isolated
# services built with the race detector are killed at each step of every operation, have their
# records spoiled, runtimes and agents killed mid-call, their state filesystem filled, and
# carry concurrent creates and 500 lifecycles; a census of what each holds on the host must
# come out as it went in. Needs root. STRESS_RUNTIMES and STRESS_LIFECYCLES narrow it.
stress:
	@if [ "$$(id -u)" = 0 ] || [ "$$CI" = true ]; then scripts/setup.sh; fi
	$(GO) vet -tags stress ./test/stress
	HCSDTEST_RACE=1 $(GO) test -tags stress -count=1 -v -timeout $(TIMEOUT) ./test/stress

# Container benchmarks (bench/) need root and the runtimes; BENCHFLAGS adds go test flags, e.g.
# BENCHFLAGS=-count=10 for benchstat (bench/README.md).
bench:
	@if [ "$$(id -u)" = 0 ] || [ "$$CI" = true ]; then scripts/setup.sh; fi
	$(GO) test -run='^$$' -bench=. -benchmem -timeout $(TIMEOUT) $(BENCHFLAGS) $(PKGS)

# Runs every Fuzz target in the module for FUZZTIME each.
fuzz:
	@set -e; list=$$($(GO) test -list '^Fuzz' $(PKGS)) || { echo "$$list"; exit 1; }; \
	echo "$$list" | awk '/^Fuzz/ { n[++c] = $$1 } /^ok/ { for (i = 1; i <= c; i++) print $$2, n[i]; c = 0 }' | \
	while read -r pkg name; do \
		echo "== $$name ($$pkg)"; \
		$(GO) test -run='^$$' -fuzz="^$$name\$$" -fuzztime=$(FUZZTIME) "$$pkg" </dev/null; \
	done

# The walk-through: installs what is missing, builds, starts an hcsd of its own and runs a
# container with hcsdiag, then removes everything it made (scripts/demo.sh; needs root).
demo:
	@MAKE="$(MAKE)" scripts/demo.sh

clean:
	rm -rf bin
