#!/usr/bin/env bash
# The whole test suite, as CI runs it: installs what the tests need when it is missing,
# then checks formatting and lints and runs every test, the slow and tool-bound ones too.
set -euo pipefail
cd "$(dirname "$0")/.."

# Debian packages the tests read or run. Installed only when missing.
packages=()
[ -f /usr/share/publicsuffix/public_suffix_list.dat ] || packages+=(publicsuffix)
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
