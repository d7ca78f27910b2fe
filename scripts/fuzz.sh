#!/usr/bin/env bash
# Runs every fuzz target (fuzz/fuzz_targets/) for SECONDS each (default 60) on the committed
# corpus and the saved findings, with AddressSanitizer. New inputs go to a scratch folder,
# so the committed corpus only changes when someone minimises a long run into it
# (docs/reliability.md says how). Exits non-zero on the first crash or failed invariant.
#
#   bash scripts/fuzz.sh [SECONDS] [TARGET...]
set -euo pipefail
cd "$(dirname "$0")/../fuzz"
seconds=${1:-60}
shift || true
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(lookup load catalog)

command -v cargo-fuzz >/dev/null 2>&1 || cargo install --locked --quiet cargo-fuzz
# cargo fuzz passes -Z flags (the sanitizer, coverage).
source ../scripts/zflags.sh

scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
for target in "${targets[@]}"; do
  mkdir -p "$scratch/$target" "regressions/$target"
  echo "== fuzz $target for ${seconds}s"
  status=0
  cargo "${toolchain[@]}" fuzz run --release --debug-assertions "$target" \
    "$scratch/$target" "corpus/$target" "regressions/$target" -- \
    -max_total_time="$seconds" -print_final_stats=1 -artifact_prefix="$scratch/" \
    > "$scratch/$target.log" 2>&1 || status=$?
  grep -E '^(stat::number_of_executed_units|INFO: seed corpus|Done )' "$scratch/$target.log" || true
  if [ "$status" -ne 0 ]; then
    tail -n 40 "$scratch/$target.log" >&2
    echo "error: fuzz target $target failed (exit $status)" >&2
    mkdir -p artifacts
    cp "$scratch"/crash-* "$scratch"/leak-* "$scratch"/timeout-* "$scratch"/oom-* artifacts/ \
      2>/dev/null && echo "its input is in fuzz/artifacts/; once fixed, add it to fuzz/regressions/$target" >&2
    exit 1
  fi
done
