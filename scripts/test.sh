#!/usr/bin/env bash
# The whole test suite, as CI runs it: installs what the tests need when it is missing,
# then checks formatting and lints and runs every test, the slow and tool-bound ones too.
set -euo pipefail
cd "$(dirname "$0")/.."

# Debian packages the tests read or run. Installed only when missing.
packages=()
# The Public Suffix List: evidence for the default catalog's psl-sourced entries.
[ -f /usr/share/publicsuffix/public_suffix_list.dat ] || packages+=(publicsuffix)
# libclang: bindgen reads include/ddns.h in the tests crate.
ls /usr/lib/llvm-*/lib/libclang.so* /usr/lib/*/libclang*.so* >/dev/null 2>&1 || packages+=(libclang-dev)
# A C and C++ compiler, nm and readelf, pkg-config, make, valgrind: the C ABI tests.
command -v cc >/dev/null 2>&1 || packages+=(gcc)
command -v c++ >/dev/null 2>&1 || packages+=(g++)
command -v nm >/dev/null 2>&1 || packages+=(binutils)
command -v pkg-config >/dev/null 2>&1 || packages+=(pkg-config)
command -v make >/dev/null 2>&1 || packages+=(make)
command -v valgrind >/dev/null 2>&1 || packages+=(valgrind)
if [ ${#packages[@]} -gt 0 ]; then
  echo "== installing ${packages[*]}"
  if [ "$(id -u)" -ne 0 ]; then
    echo "error: need root (or sudo) to install: ${packages[*]}" >&2
    exit 1
  fi
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${packages[@]}"
fi

echo "== cargo fmt --check"
cargo fmt --all --check
echo "== cargo clippy"
cargo clippy --workspace --all-targets --locked -- -D warnings
echo "== cargo test"
cargo test --workspace --locked -- --include-ignored
