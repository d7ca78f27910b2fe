# Builds and installs libddns (shared and static), include/ddns.h, ddns.pc and the ddns
# command under a prefix:
#
#   make install PREFIX=/usr/local          # or DESTDIR=... for packaging
#   cc quickstart.c $(pkg-config --cflags --libs ddns)
#
# PROFILE=debug installs the debug build instead of the release build.
#
# cargo: CARGO=/path/to/cargo, else the cargo on PATH, else rustup's $HOME/.cargo/bin/cargo.
# Where there is none (root's PATH and home seldom have it), `make install` installs the
# build an earlier `make` left in target/, and says so: build as the user who has Rust, then
#
#   make && sudo make install PREFIX=/usr/local

PREFIX ?= /usr/local
LIBDIR ?= $(PREFIX)/lib
INCLUDEDIR ?= $(PREFIX)/include
BINDIR ?= $(PREFIX)/bin
PROFILE ?= release
CARGO ?= $(firstword $(shell command -v cargo 2>/dev/null) $(wildcard $(HOME)/.cargo/bin/cargo))

VERSION := $(shell sed -n 's/^\#define DDNS_VERSION_STRING "\(.*\)"/\1/p' include/ddns.h)
ABI := $(shell sed -n 's/^\#define DDNS_ABI_VERSION \([0-9]*\)/\1/p' include/ddns.h)
TARGET_DIR ?= target
OUT := $(TARGET_DIR)/$(PROFILE)
CARGO_PROFILE := $(if $(filter release,$(PROFILE)),--release,)

.PHONY: all build install uninstall

all: build

BUILT := $(OUT)/libddns.so $(OUT)/libddns.a $(OUT)/ddns

build:
ifneq ($(strip $(CARGO)),)
	$(CARGO) build $(CARGO_PROFILE) -p ddns-ffi -p ddns-cli
else
	@for built in $(BUILT); do \
	  if [ ! -f "$$built" ]; then \
	    echo "make: cargo not found (not on PATH, not in $(HOME)/.cargo/bin) and $$built is not built: run make as the user who has Rust first, or give CARGO=/path/to/cargo" >&2; \
	    exit 1; \
	  fi; \
	done
	@echo "make: cargo not found (not on PATH, not in $(HOME)/.cargo/bin): installing the build already in $(OUT)"
endif

install: build
	install -d $(DESTDIR)$(LIBDIR)/pkgconfig $(DESTDIR)$(INCLUDEDIR) $(DESTDIR)$(BINDIR)
	install -m 644 include/ddns.h $(DESTDIR)$(INCLUDEDIR)/ddns.h
	install -m 755 $(OUT)/libddns.so $(DESTDIR)$(LIBDIR)/libddns.so.$(VERSION)
	ln -sf libddns.so.$(VERSION) $(DESTDIR)$(LIBDIR)/libddns.so.$(ABI)
	ln -sf libddns.so.$(ABI) $(DESTDIR)$(LIBDIR)/libddns.so
	install -m 644 $(OUT)/libddns.a $(DESTDIR)$(LIBDIR)/libddns.a
	sed -e 's|@PREFIX@|$(PREFIX)|' -e 's|@LIBDIR@|$(LIBDIR)|' \
	    -e 's|@INCLUDEDIR@|$(INCLUDEDIR)|' -e 's|@VERSION@|$(VERSION)|' \
	    ddns.pc.in > $(DESTDIR)$(LIBDIR)/pkgconfig/ddns.pc
	install -m 755 $(OUT)/ddns $(DESTDIR)$(BINDIR)/ddns

uninstall:
	rm -f $(DESTDIR)$(INCLUDEDIR)/ddns.h $(DESTDIR)$(LIBDIR)/libddns.so* \
	      $(DESTDIR)$(LIBDIR)/libddns.a $(DESTDIR)$(LIBDIR)/pkgconfig/ddns.pc $(DESTDIR)$(BINDIR)/ddns
