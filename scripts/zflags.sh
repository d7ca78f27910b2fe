# Sourced by scripts/fuzz.sh and scripts/test.sh: picks how to pass unstable -Z flags (the
# sanitizers, cargo fuzz's coverage). Sets `toolchain` to (+nightly) when a nightly toolchain
# is installed; otherwise leaves it empty and lets the stable compiler accept them, which is
# what RUSTC_BOOTSTRAP is for (the sanitizer runtimes ship with stable's standard library for
# x86_64 Linux).
if rustup toolchain list 2>/dev/null | grep -q '^nightly'; then
  toolchain=(+nightly)
else
  toolchain=()
  export RUSTC_BOOTSTRAP=1
fi
