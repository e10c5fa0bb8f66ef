# orderdesk - one plain GNU Makefile.
#
#   make              build bin/orderdesk
#   make run          build and open the demo shop (README, first command),
#                     started over
#   make demo         reopen the demo shop as it was left (or start it)
#   make check        build and run every test (unit, end-to-end)
#   make check SANITIZE=1   the same under AddressSanitizer and UBSan
#   make bench        performance figures (ratios against baselines);
#                     N=1000000 for a million orders (not in CI)
#   make bench-tsan   the backend under ThreadSanitizer, 20 desks at once
#   make fuzz         build the libFuzzer targets (clang)
#   make lint-man     check the manual pages (man/) with mandoc
#   make install      install the programs, pages, unit (PREFIX, DESTDIR)
#   make uninstall    remove what install put (not /etc's changed file)
#   make check-package  build the Debian packages and lintian them (slow:
#                     not part of make check)
#   make clean

SANITIZE ?= 0
ifeq ($(SANITIZE),1)
BUILD   ?= build-san
SANFLAGS = -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
OPT      = -O1 -g
else ifeq ($(SANITIZE),thread)
BUILD   ?= build-tsan
SANFLAGS = -fsanitize=thread -fno-omit-frame-pointer
OPT      = -O1 -g
else
BUILD   ?= build
SANFLAGS =
OPT      = -O2 -g
endif

CC      ?= cc
PKGS     = gnutls nettle hogweed sqlite3 libargon2 jansson ncursesw libcurl libmicrohttpd \
           libsystemd
PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS   := $(shell pkg-config --libs $(PKGS) 2>/dev/null)
# libunistring (the search's case and diacritic folding) has no .pc file.
PKG_LIBS   += -lunistring
TEST_LIBS  := $(shell pkg-config --libs cmocka 2>/dev/null)
# cairo and pango draw the paper (app/paper/ only): compiled there, linked
# into what can reach it, not into orderdeskd.
PAPER_CFLAGS := $(shell pkg-config --cflags pangocairo 2>/dev/null)
PAPER_LIBS   := $(shell pkg-config --libs pangocairo 2>/dev/null)
$(BUILD)/app/paper/%.o $(BUILD)/fuzz-obj/app/paper/%.o: CPPFLAGS += $(PAPER_CFLAGS)
$(BUILD)/bin/orderdesk $(BUILD)/tests/% $(BUILD)/fuzz/% $(BUILD)/bench/%: PKG_LIBS += $(PAPER_LIBS)

WARN     = -Wall -Wextra -Wformat=2 -Wshadow -Wstrict-prototypes \
           -Wmissing-prototypes -Wno-unused-parameter -Werror
CPPFLAGS += -I. -D_GNU_SOURCE -MMD -MP
CFLAGS  ?= $(OPT)
CFLAGS  += -std=c11 $(WARN) $(SANFLAGS) $(PKG_CFLAGS) -fstack-protector-strong
LDFLAGS += $(SANFLAGS)

# The programs' entry points: the desk's main is in ui/ (it opens the
# screens or runs the command line), the backend's beside its routes.
MAIN_SRC = ui/main-orderdesk.c app/orderdeskd/main.c
MAIN_OBJ = $(MAIN_SRC:%.c=$(BUILD)/%.o)
# Everything else goes into one static library (app/ by folder: what each
# serves); each program and test links against it and takes only what it uses.
LIB_SRC  = $(filter-out $(MAIN_SRC),$(wildcard lib/*.c storage/*.c net/*.c app/*/*.c ui/*.c))
LIB_OBJ  = $(LIB_SRC:%.c=$(BUILD)/%.o)
LIB      = $(BUILD)/libod.a

BIN      = $(BUILD)/bin
PROGS    = $(BIN)/orderdesk $(BIN)/orderdeskd
TESTS    = $(patsubst tests/unit/%.c,$(BUILD)/tests/%,$(wildcard tests/unit/test-*.c))
BENCHES  = $(patsubst tests/bench/%.c,$(BUILD)/bench/%,$(wildcard tests/bench/bench-*.c))
FUZZERS  = $(patsubst tests/fuzz/%.c,$(BUILD)/fuzz/%,$(wildcard tests/fuzz/fuzz-*.c))
TOOLS    = $(patsubst tests/tools/%.c,$(BUILD)/tools/%,$(wildcard tests/tools/*.c))
# Helpers the unit tests share (tests/unit/fixture-*.c), in an archive of
# their own so that each test takes only the ones it calls.
FIXTURE_OBJ = $(patsubst %.c,$(BUILD)/%.o,$(wildcard tests/unit/fixture-*.c))
FIXTURE_LIB = $(BUILD)/libfixture.a

.PHONY: all run check unit e2e bench bench-tsan fuzz clean demo lint-man install \
	uninstall check-package
# Keep test objects: make would otherwise delete them as intermediates.
.SECONDARY:
all: $(PROGS) $(PROGS:$(BIN)/%=bin/%)

# The one place the version is said: VERSION, compiled into the two files
# that print it (--version); debian/changelog's top entry must say the same
# (tests/package/test-package.sh checks).  After `all`: the first target
# is what a bare `make` builds.
VERSION := $(shell cat VERSION)
VERSION_OBJ = $(BUILD)/app/orderdesk/cli.o $(BUILD)/app/orderdeskd/main.o \
              $(BUILD)/fuzz-obj/app/orderdesk/cli.o
$(VERSION_OBJ): CPPFLAGS += -DOD_VERSION='"$(VERSION)"'
$(VERSION_OBJ): VERSION

# Stable paths for people and scripts, whatever the build directory.
bin/%: $(BIN)/%
	@mkdir -p bin
	ln -sf ../$(BUILD)/bin/$* $@

$(BUILD)/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(CFLAGS) -c -o $@ $<

$(LIB): $(LIB_OBJ)
	@rm -f $@
	$(AR) rcs $@ $^

# LeakSanitizer's hooks (lib/lsan-hooks.c) are linked into every program
# of a sanitizer build by name: nothing calls them, so the archive alone
# would never bring them in.
ifeq ($(SANITIZE),1)
LSAN_HOOKS = $(BUILD)/lib/lsan-hooks.o
endif
$(BIN)/orderdesk: $(BUILD)/ui/main-orderdesk.o $(LSAN_HOOKS) $(LIB)
$(BIN)/orderdeskd: $(BUILD)/app/orderdeskd/main.o $(LSAN_HOOKS) $(LIB)
$(PROGS):
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS) -o $@ $^ $(PKG_LIBS)

$(FIXTURE_LIB): $(FIXTURE_OBJ)
	@rm -f $@
	$(AR) rcs $@ $^

$(BUILD)/tests/%: $(BUILD)/tests/unit/%.o $(LSAN_HOOKS) $(FIXTURE_LIB) $(LIB)
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS) -o $@ $^ $(PKG_LIBS) $(TEST_LIBS)

# Imports orders made by gen-orders with the real binary.
$(BUILD)/tests/test-desk-page: | $(BUILD)/tools/gen-orders $(BIN)/orderdesk

$(BUILD)/bench/%: $(BUILD)/tests/bench/%.o $(LSAN_HOOKS) $(LIB)
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS) -o $@ $^ $(PKG_LIBS)

$(BUILD)/tools/%: $(BUILD)/tests/tools/%.o $(LSAN_HOOKS) $(LIB)
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS) -o $@ $^ $(PKG_LIBS)

# The README's first command: on a fresh Debian 12 machine this installs
# what is missing, builds, and opens the demo shop.
run:
	./.ci/deps
	$(MAKE) all
	./tests/demo.sh

# The demo as `make run` left it, with what was done there since.
demo: all
	./tests/demo.sh --reopen

# Every test; the last line printed is "N passed, N failed".
check: all $(TESTS) $(TOOLS)
	BUILD=$(BUILD) ./tests/run.sh $(TESTS)

unit: $(TESTS)
	BUILD=$(BUILD) ./tests/run.sh --unit-only $(TESTS)

bench: all $(BENCHES) $(TOOLS)
	BUILD=$(BUILD) ./tests/bench/run.sh $(N)

# orderdeskd built with ThreadSanitizer, serving 20 desks syncing at once
# (bench-desks, built as usual); fails on any report.  Not in check.
bench-tsan: all $(BUILD)/bench/bench-desks $(BUILD)/tools/gen-orders
	$(MAKE) SANITIZE=thread BUILD=build-tsan build-tsan/bin/orderdeskd
	BUILD=$(BUILD) ./tests/bench/run-tsan.sh build-tsan/bin/orderdeskd

# The fuzz targets need clang (libFuzzer); nothing else does.  The library
# is compiled once for all of them, with ASan and UBSan; UBSan must not
# recover, or undefined behaviour would print and never count as a crash.
FUZZ_CC  ?= clang
FUZZ_SAN  = -fsanitize=address,undefined -fno-sanitize-recover=all \
            -fno-omit-frame-pointer
FUZZ_OBJ  = $(LIB_SRC:%.c=$(BUILD)/fuzz-obj/%.o)
$(BUILD)/fuzz-obj/%.o: %.c
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(CPPFLAGS) -std=c11 -g -O1 $(FUZZ_SAN) \
		-fsanitize=fuzzer-no-link $(PKG_CFLAGS) -c -o $@ $<
$(BUILD)/fuzz/%: $(BUILD)/fuzz-obj/tests/fuzz/%.o $(FUZZ_OBJ)
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(FUZZ_SAN) -fsanitize=fuzzer -o $@ $^ $(PKG_LIBS)
fuzz: $(FUZZERS)

# The manual pages; tests/e2e/test-man.sh also lints them in `make check`.
MAN_PAGES = $(wildcard man/*.[1-8])
lint-man:
	mandoc -Tlint -W all $(MAN_PAGES)

# The Debian packages (debian/), built from a copy of the tree; a minute or
# more, so `make check` leaves it out.  The .deb files land in
# $(BUILD)/package/.
check-package:
	./.ci/deps --package
	BUILD=$(BUILD) bash tests/package/test-package.sh > $(BUILD)/package.log \
		2>&1; status=$$?; cat $(BUILD)/package.log; \
	echo "$$(grep -c '^ok ' $(BUILD)/package.log) passed, $$(grep -c \
		'^not ok ' $(BUILD)/package.log) failed"; exit $$status

# Installing: the layout a Debian administrator expects.  The backend's
# settings are /etc/orderdesk whatever PREFIX is (the unit reads them
# there); its state is /var/lib/orderdesk, made by systemd, not by make.
PREFIX      ?= /usr/local
BINDIR      ?= $(PREFIX)/bin
SBINDIR     ?= $(PREFIX)/sbin
MANDIR      ?= $(PREFIX)/share/man
UNITDIR     ?= $(PREFIX)/lib/systemd/system
SYSUSERSDIR ?= $(PREFIX)/lib/sysusers.d
TMPFILESDIR ?= $(PREFIX)/lib/tmpfiles.d
CONFDIR     ?= /etc/orderdesk
D            = $(DESTDIR)

install: all
	install -d -m 0755 $(D)$(BINDIR) $(D)$(SBINDIR) $(D)$(UNITDIR) \
		$(D)$(SYSUSERSDIR) $(D)$(TMPFILESDIR) $(D)$(CONFDIR) \
		$(D)$(MANDIR)/man1 $(D)$(MANDIR)/man5 $(D)$(MANDIR)/man8
	install -m 0755 $(BIN)/orderdesk $(D)$(BINDIR)/orderdesk
	install -m 0755 $(BIN)/orderdeskd $(D)$(SBINDIR)/orderdeskd
	for p in $(MAN_PAGES); do \
		install -m 0644 $$p $(D)$(MANDIR)/man$${p##*.}/ || exit 1; \
	done
	@# The unit names the installed orderdeskd.
	sed 's|@SBINDIR@|$(SBINDIR)|g' dist/orderdeskd.service.in \
		> $(D)$(UNITDIR)/orderdeskd.service
	chmod 0644 $(D)$(UNITDIR)/orderdeskd.service
	sed 's|@SBINDIR@|$(SBINDIR)|g' dist/orderdeskd-backup.service.in \
		> $(D)$(UNITDIR)/orderdeskd-backup.service
	chmod 0644 $(D)$(UNITDIR)/orderdeskd-backup.service
	install -m 0644 dist/orderdeskd-backup.timer $(D)$(UNITDIR)/
	install -m 0644 dist/sysusers.conf $(D)$(SYSUSERSDIR)/orderdesk.conf
	install -m 0644 dist/tmpfiles.conf $(D)$(TMPFILESDIR)/orderdesk.conf
	@# The administrator's settings are never overwritten.
	if [ -e $(D)$(CONFDIR)/orderdeskd.conf ]; then \
		echo "kept $(D)$(CONFDIR)/orderdeskd.conf as it is"; \
	else \
		install -m 0644 dist/orderdeskd.conf $(D)$(CONFDIR)/; \
	fi

uninstall:
	rm -f $(D)$(BINDIR)/orderdesk $(D)$(SBINDIR)/orderdeskd \
		$(D)$(UNITDIR)/orderdeskd.service \
		$(D)$(UNITDIR)/orderdeskd-backup.service \
		$(D)$(UNITDIR)/orderdeskd-backup.timer \
		$(D)$(SYSUSERSDIR)/orderdesk.conf \
		$(D)$(TMPFILESDIR)/orderdesk.conf
	for p in $(notdir $(MAN_PAGES)); do \
		rm -f $(D)$(MANDIR)/man$${p##*.}/$$p; \
	done
	@# The settings go only as installed; the state never.
	if cmp -s dist/orderdeskd.conf $(D)$(CONFDIR)/orderdeskd.conf; then \
		rm -f $(D)$(CONFDIR)/orderdeskd.conf; \
		rmdir $(D)$(CONFDIR) 2> /dev/null || true; \
	elif [ -e $(D)$(CONFDIR)/orderdeskd.conf ]; then \
		echo "kept $(D)$(CONFDIR)/orderdeskd.conf (changed since install)"; \
	fi

clean:
	rm -rf build build-san build-tsan bin

-include $(LIB_OBJ:.o=.d) $(MAIN_OBJ:.o=.d) \
	$(wildcard $(BUILD)/tests/*/*.d) $(wildcard $(FUZZ_OBJ:.o=.d)) \
	$(wildcard $(BUILD)/fuzz-obj/tests/fuzz/*.d)
