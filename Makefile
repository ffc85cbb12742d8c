# portsleuth - passive service fingerprinter.
#
#   make deps     install the Debian packages the build and tests need (only what is missing)
#   make          build ./portsleuth
#   make demo     deps + build + fingerprint a bundled capture
#   make check    deps + build + every test: unit (CUnit), end-to-end, fuzz smoke,
#                 and the same suites again under AddressSanitizer + UBSan
#   make fuzz     run every libFuzzer target for FUZZ_SECONDS each (default 600)
#   make bench    benchmark against a bare libpcap loop and ndpiReader
#   make pcaps    rebuild the capture corpus from real servers (root, network namespaces)
#   make install  PREFIX=/usr/local DESTDIR=
#
# Sources are found by wildcard: src/*.c is the program (src/main.c holds main),
# tests/unit/test_*.c are CUnit suites (each defines suite_<name>()), and
# tests/fuzz/fuzz_*.c are libFuzzer targets.

PREFIX ?= /usr/local
DESTDIR ?=
DATADIR = $(PREFIX)/share/portsleuth

CC ?= cc
PKGS = libpcap libndpi libpcre2-8 jansson
PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS := $(shell pkg-config --libs $(PKGS) 2>/dev/null)

WARN = -Wall -Wextra -Werror -Wno-unused-parameter
BASE_CFLAGS = -std=c11 -D_GNU_SOURCE -g $(WARN) -Iinclude $(PKG_CFLAGS) \
	-DPS_DATADIR='"$(DATADIR)"'
CFLAGS ?= -O2
LIBS = $(PKG_LIBS) -lcsv -lpthread
ASAN_FLAGS = -O1 -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined

# Debian packages: what the build needs, and what the tests and tools use.
DEB_BUILD = build-essential pkg-config libpcap-dev libndpi-dev libcsv-dev libcunit1-dev \
	libpcre2-dev libjansson-dev
DEB_TEST = clang nmap libndpi-bin tcpdump iproute2 python3 curl valgrind time libcap2-bin
DEB_ALL = $(DEB_BUILD) $(DEB_TEST)

SRC := $(wildcard src/*.c)
LIB_SRC := $(filter-out src/main.c,$(SRC))
TEST_SRC := $(wildcard tests/unit/test_*.c)
TEST_NAMES := $(patsubst tests/unit/test_%.c,%,$(TEST_SRC))
FUZZ_SRC := $(wildcard tests/fuzz/fuzz_*.c)
FUZZ_NAMES := $(patsubst tests/fuzz/fuzz_%.c,%,$(FUZZ_SRC))
HDR := $(wildcard include/*.h src/*.h)

REL := build/release
ASN := build/asan

.PHONY: all deps demo check unit unit-asan e2e e2e-asan fuzz fuzz-smoke bench pcaps install \
	clean format
.DEFAULT_GOAL := all

all: portsleuth

portsleuth: $(REL)/portsleuth
	cp $< $@

# --- objects, one tree per flavour ------------------------------------------------------
$(REL)/%.o: src/%.c $(HDR) | $(REL)
	$(CC) $(BASE_CFLAGS) $(CFLAGS) -c $< -o $@
$(ASN)/%.o: src/%.c $(HDR) | $(ASN)
	$(CC) $(BASE_CFLAGS) $(ASAN_FLAGS) -c $< -o $@
$(REL)/t_%.o: tests/unit/test_%.c $(HDR) tests/unit/unit.h | $(REL)
	$(CC) $(BASE_CFLAGS) $(CFLAGS) -Itests/unit -c $< -o $@
$(ASN)/t_%.o: tests/unit/test_%.c $(HDR) tests/unit/unit.h | $(ASN)
	$(CC) $(BASE_CFLAGS) $(ASAN_FLAGS) -Itests/unit -c $< -o $@
$(REL) $(ASN) build/fuzz:
	mkdir -p $@

# The modules go into an archive, so a test or fuzz target pulls in only what it uses.
$(REL)/libportsleuth.a: $(patsubst src/%.c,$(REL)/%.o,$(LIB_SRC))
	rm -f $@ && ar rcs $@ $^
$(ASN)/libportsleuth.a: $(patsubst src/%.c,$(ASN)/%.o,$(LIB_SRC))
	rm -f $@ && ar rcs $@ $^
LIB_REL := $(REL)/libportsleuth.a
LIB_ASN := $(ASN)/libportsleuth.a

$(REL)/portsleuth: $(REL)/main.o $(LIB_REL)
	$(CC) $(CFLAGS) -g $^ -o $@ $(LIBS)
$(ASN)/portsleuth: $(ASN)/main.o $(LIB_ASN)
	$(CC) $(ASAN_FLAGS) $^ -o $@ $(LIBS)

# The list of suites is made from the test file names, so adding a suite is adding a file.
build/suites.c: $(TEST_SRC) | $(REL)
	@{ for n in $(TEST_NAMES); do echo "void suite_$$n(void);"; done; \
	  echo "void unit_register_all(void);"; \
	  echo "void unit_register_all(void) {"; \
	  for n in $(TEST_NAMES); do echo "    suite_$$n();"; done; echo "}"; } > $@.tmp
	@cmp -s $@.tmp $@ || mv $@.tmp $@; rm -f $@.tmp

$(REL)/unit_tests: tests/unit/runner.c build/suites.c $(patsubst %,$(REL)/t_%.o,$(TEST_NAMES)) $(LIB_REL)
	$(CC) $(BASE_CFLAGS) $(CFLAGS) -Itests/unit $^ -o $@ $(LIBS) -lcunit
$(ASN)/unit_tests: tests/unit/runner.c build/suites.c $(patsubst %,$(ASN)/t_%.o,$(TEST_NAMES)) $(LIB_ASN)
	$(CC) $(BASE_CFLAGS) $(ASAN_FLAGS) -Itests/unit $^ -o $@ $(LIBS) -lcunit

# One suite alone (make build/release/unit_decode): handy while other suites are being written.
build/suite_%.c: | $(REL)
	@printf 'void suite_%s(void);\nvoid unit_register_all(void);\nvoid unit_register_all(void) { suite_%s(); }\n' $* $* > $@
$(REL)/unit_%: tests/unit/runner.c build/suite_%.c $(REL)/t_%.o $(LIB_REL)
	$(CC) $(BASE_CFLAGS) $(CFLAGS) -Itests/unit $^ -o $@ $(LIBS) -lcunit
$(ASN)/unit_%: tests/unit/runner.c build/suite_%.c $(ASN)/t_%.o $(LIB_ASN)
	$(CC) $(BASE_CFLAGS) $(ASAN_FLAGS) -Itests/unit $^ -o $@ $(LIBS) -lcunit

# --- dependencies -----------------------------------------------------------------------
deps:
	@missing=$$(for p in $(DEB_ALL); do dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null \
	  | grep -q 'install ok installed' || echo $$p; done); \
	if [ -z "$$missing" ]; then echo "deps: all installed"; exit 0; fi; \
	echo "deps: installing $$missing"; \
	if [ "$$(id -u)" != 0 ]; then SUDO=sudo; else SUDO=; fi; \
	$$SUDO apt-get update -qq && \
	DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq --no-install-recommends $$missing

# --- the two README commands ------------------------------------------------------------
demo: deps
	$(MAKE) all
	./portsleuth -F table pcaps/demo.pcap

# Each suite's output is kept in build/check/ too, and tests/count.sh sums what they ran.
check: deps
	$(MAKE) all $(REL)/unit_tests $(ASN)/portsleuth $(ASN)/unit_tests
	@mkdir -p build/check; for t in unit e2e fuzz-smoke unit-asan e2e-asan; do \
	  { $(MAKE) --no-print-directory $$t; echo $$? >build/check/$$t.rc; } 2>&1 | tee build/check/$$t.log; \
	  [ "$$(cat build/check/$$t.rc)" = 0 ] || { echo "check: $$t failed"; exit 1; }; done
	@tests/count.sh build/check

unit: $(REL)/unit_tests
	$(REL)/unit_tests
unit-asan: $(ASN)/unit_tests
	ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1 $(ASN)/unit_tests
e2e: portsleuth
	tests/e2e/run.sh ./portsleuth
e2e-asan: $(ASN)/portsleuth
	ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 tests/e2e/run.sh $(ASN)/portsleuth

# --- fuzzing (clang libFuzzer) ----------------------------------------------------------
FUZZ_CFLAGS = -std=c11 -D_GNU_SOURCE -g -O1 -Iinclude $(PKG_CFLAGS) -DPS_DATADIR='"$(DATADIR)"' \
	-fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined
FUZZ_SECONDS ?= 600
FUZ := build/fuzz
$(FUZ)/o/%.o: src/%.c $(HDR)
	@mkdir -p $(FUZ)/o
	clang $(FUZZ_CFLAGS:-fsanitize=fuzzer,%=-fsanitize=fuzzer-no-link,%) -c $< -o $@
$(FUZ)/libportsleuth.a: $(patsubst src/%.c,$(FUZ)/o/%.o,$(LIB_SRC))
	rm -f $@ && ar rcs $@ $^
build/fuzz/%: tests/fuzz/fuzz_%.c $(FUZ)/libportsleuth.a $(HDR) | build/fuzz
	clang $(FUZZ_CFLAGS) $< $(FUZ)/libportsleuth.a -o $@ $(LIBS)

# Every target over its kept corpus (regressions), then a short run of new inputs.
fuzz-smoke: $(patsubst %,build/fuzz/%,$(FUZZ_NAMES))
	@for n in $(FUZZ_NAMES); do \
	  mkdir -p build/fuzz/corpus-$$n; \
	  build/fuzz/$$n -runs=0 tests/fuzz/corpus/$$n >/dev/null 2>build/fuzz/$$n.log \
	    || { cat build/fuzz/$$n.log; echo "fuzz: $$n regression input crashed"; exit 1; }; \
	  build/fuzz/$$n -max_total_time=15 -rss_limit_mb=1024 build/fuzz/corpus-$$n tests/fuzz/corpus/$$n \
	    >/dev/null 2>build/fuzz/$$n.log || { tail -40 build/fuzz/$$n.log; exit 1; }; \
	  echo "fuzz: $$n ok"; done

fuzz: $(patsubst %,build/fuzz/%,$(FUZZ_NAMES))
	@for n in $(FUZZ_NAMES); do mkdir -p build/fuzz/corpus-$$n; \
	  build/fuzz/$$n -max_total_time=$(FUZZ_SECONDS) -artifact_prefix=tests/fuzz/corpus/$$n/crash- \
	    build/fuzz/corpus-$$n tests/fuzz/corpus/$$n || exit 1; done

bench: portsleuth
	@command -v /usr/bin/time >/dev/null || $(MAKE) deps DEB_ALL=time
	tests/bench/bench.sh

pcaps:
	tests/corpus/make-pcaps.sh

install: portsleuth
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(DATADIR)
	install -m 755 portsleuth $(DESTDIR)$(PREFIX)/bin/portsleuth
	install -m 644 signatures/*.sig signatures/*.csv signatures/aliases $(DESTDIR)$(DATADIR)/

format:
	clang-format -i src/*.c include/*.h tests/unit/*.c tests/unit/*.h tests/fuzz/*.c

clean:
	rm -rf build portsleuth
