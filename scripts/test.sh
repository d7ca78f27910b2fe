#!/usr/bin/env bash
# The whole test suite, as CI runs it: installs what the tests need when it is missing,
# then checks formatting and lints, runs every test, the slow and tool-bound ones too, and
# runs each fuzz target for a minute (DDNS_FUZZ_SECONDS) on its committed corpus.
set -euo pipefail
cd "$(dirname "$0")/.."

# Debian packages the tests read or run. Installed only when missing.
packages=()
# libclang and clang's own headers: bindgen reads include/ddns.h in the tests crate. (A
# fresh machine may carry libclang-cpp, which bindgen cannot use: ask dpkg for the package.)
dpkg -s libclang-dev >/dev/null 2>&1 || packages+=(libclang-dev)
# A C and C++ compiler, nm and readelf, pkg-config, make, valgrind: the C ABI tests.
command -v cc >/dev/null 2>&1 || packages+=(gcc)
command -v c++ >/dev/null 2>&1 || packages+=(g++)
command -v nm >/dev/null 2>&1 || packages+=(binutils)
command -v pkg-config >/dev/null 2>&1 || packages+=(pkg-config)
command -v make >/dev/null 2>&1 || packages+=(make)
command -v valgrind >/dev/null 2>&1 || packages+=(valgrind)
# clang with its sanitizer runtimes: the C programs again under AddressSanitizer,
# LeakSanitizer and UndefinedBehaviorSanitizer (tests/tests/c_programs.rs).
command -v clang >/dev/null 2>&1 || packages+=(clang)
dpkg -s libclang-rt-14-dev >/dev/null 2>&1 || packages+=(libclang-rt-14-dev)
# The resolvers whose own checkers test `ddns export`'s formats (ddns-cli/tests/export.rs):
# unbound-checkconf, dnsmasq --test, BIND's named-checkzone for the response policy zone
# (and Suricata, below, loads and runs the exported rules).
command -v unbound-checkconf >/dev/null 2>&1 || packages+=(unbound)
command -v dnsmasq >/dev/null 2>&1 || packages+=(dnsmasq-base)
command -v named-checkzone >/dev/null 2>&1 || packages+=(bind9-utils)
# Suricata 7 (LuaJIT with ffi), from bookworm-backports: the Suricata shim's end-to-end tests
# (tests/tests/suricata.rs) run it. Debian 12 itself ships Suricata 6.
need_suricata=false
command -v suricata >/dev/null 2>&1 || need_suricata=true
if [ ${#packages[@]} -gt 0 ] || $need_suricata; then
  echo "== installing ${packages[*]} $($need_suricata && echo suricata)"
  if [ "$(id -u)" -ne 0 ]; then
    echo "error: need root (or sudo) to install: ${packages[*]} $($need_suricata && echo suricata)" >&2
    exit 1
  fi
  if $need_suricata; then
    # Add the bookworm-backports suite (component main) on the Debian mirror apt already uses.
    if ! grep -rqs '^[^#]*bookworm-backports' /etc/apt/sources.list /etc/apt/sources.list.d/; then
      mirror=$(awk 'BEGIN { RS = "" } /(^|\n)Suites:([^\n]*[ \t])?bookworm([ \t\n]|$)/ {
          if (match($0, /URIs:[ \t]*[^ \t\n]+/)) {
            uri = substr($0, RSTART, RLENGTH); sub(/^URIs:[ \t]*/, "", uri); print uri; exit } }' \
        /etc/apt/sources.list.d/*.sources 2>/dev/null || true)
      [ -n "$mirror" ] || mirror=$(awk '$1 == "deb" { for (i = 2; i < NF; i++)
          if ($i ~ /^[a-z+]+:\/\// && $(i + 1) == "bookworm") { print $i; exit } }' \
        /etc/apt/sources.list 2>/dev/null || true)
      if [ -z "$mirror" ]; then
        echo "error: cannot tell which Debian mirror apt uses; add the bookworm-backports suite" \
          "(component main) to apt's sources and run this again" >&2
        exit 1
      fi
      echo "== adding bookworm-backports from $mirror"
      printf 'Types: deb\nURIs: %s\nSuites: bookworm-backports\nComponents: main\nSigned-By: %s\n' \
        "$mirror" /usr/share/keyrings/debian-archive-keyring.gpg \
        > /etc/apt/sources.list.d/bookworm-backports.sources
    fi
  fi
  apt-get update -qq
  if [ ${#packages[@]} -gt 0 ]; then
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${packages[@]}"
  fi
  if $need_suricata; then
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
      -t bookworm-backports suricata
  fi
fi
# Zeek 8.0 (not packaged for Debian 12), with its plugin CMake files, cmake and g++: the Zeek
# plugin's end-to-end tests (tests/tests/zeek.rs) build the plugin and run /opt/zeek/bin/zeek.
if ! { /opt/zeek/bin/zeek --version 2>/dev/null || zeek --version 2>/dev/null; } | grep -q 'version 8\.0\.'; then
  engines=${DDNS_ENGINES:-$(pwd)/../shared/engines}
  [ -f "$engines/install-zeek.sh" ] || engines=/work/shared/engines
  if [ ! -f "$engines/install-zeek.sh" ]; then
    echo "error: Zeek 8.0 is missing and install-zeek.sh is not in \$DDNS_ENGINES, ../shared/engines" \
      "or /work/shared/engines: install Zeek 8.0 into /opt/zeek, or set DDNS_ENGINES" >&2
    exit 1
  fi
  echo "== installing Zeek 8.0 ($engines/install-zeek.sh)"
  if [ "$(id -u)" -ne 0 ]; then
    echo "error: need root (or sudo) to run $engines/install-zeek.sh" >&2
    exit 1
  fi
  bash "$engines/install-zeek.sh"
fi

# Suricata 8.0 with its plugin headers in /opt/suricata8 (not packaged for Debian 12): the
# Suricata 8 plugin's end-to-end tests (tests/tests/suricata8.rs) build the plugin against it.
if ! /opt/suricata8/bin/suricata -V 2>/dev/null | grep -q "version 8\.0\."; then
  engines=${DDNS_ENGINES:-$PWD/../shared/engines}
  [ -f "$engines/install-suricata8.sh" ] || engines=/work/shared/engines
  if [ ! -f "$engines/install-suricata8.sh" ]; then
    echo "error: Suricata 8.0 is not in /opt/suricata8 and no install-suricata8.sh is in" \
      "\$DDNS_ENGINES, ../shared/engines or /work/shared/engines" >&2
    exit 1
  fi
  if [ "$(id -u)" -ne 0 ]; then
    echo "error: need root to run $engines/install-suricata8.sh (Suricata 8.0)" >&2
    exit 1
  fi
  echo "== installing Suricata 8 with $engines/install-suricata8.sh"
  bash "$engines/install-suricata8.sh"
fi

echo "== cargo fmt --check"
cargo fmt --all --check
echo "== cargo clippy"
cargo clippy --workspace --all-targets --locked -- -D warnings
echo "== cargo doc (warnings are errors: broken links, missing docs)"
RUSTDOCFLAGS="-D warnings" cargo doc --workspace --no-deps --locked --quiet
echo "== cargo test"
cargo test --workspace --locked -- --include-ignored
echo "== ddns-core's unit tests and reload holder under AddressSanitizer (LeakSanitizer on)"
source scripts/zflags.sh
ASAN_OPTIONS=detect_leaks=1 RUSTFLAGS="-Zsanitizer=address" CARGO_TARGET_DIR=target/asan \
  cargo "${toolchain[@]}" test --locked -p ddns-core \
  --target "$(rustc -vV | sed -n 's/^host: //p')" --lib --test reload
echo "== fuzz targets, briefly (scripts/fuzz.sh; the long runs are in docs/reliability.md)"
bash scripts/fuzz.sh "${DDNS_FUZZ_SECONDS:-60}"
