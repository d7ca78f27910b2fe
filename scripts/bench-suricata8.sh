#!/usr/bin/env bash
# Suricata 8: the ddns plugin (plugins/suricata8/) against ET-style rules for the same entries
# (`ddns export --format suricata-rules`, one `dns.query; dotprefix; content; endswith` rule
# per block entry) and against the best rule stock Suricata 8 has without the plugin
# (`dns.query; to_lowercase; tld; dataset:isset` over a JSON dataset of the base domains, as
# `ddns export --format suricata-datasets` writes them), in one run:
#
#   1. start-up: `suricata -T` wall time and peak RSS (/usr/bin/time) with no rules, with the
#      plugin's three rules, the ET-style rules and the tld rule, at the default list and at
#      200,000 entries;
#   2. throughput: `suricata -r --runmode single` (one thread does everything) on 1,000,000
#      DNS queries (5% under a default-list domain; tests/src/bin/bench-suricata-inputs) with
#      each of those rule sets, and with one rule on the plugin's transform that never alerts
#      ("silent": the lookups alone, without the alerts). "time elapsed" counts from "Engine started" to the end, so rule
#      loading is left out; per-query cost is (elapsed - elapsed with no rules) / queries.
#      Because a shared machine makes wall time noisy, the CPU time (user + sys) of the run
#      less that of `suricata -T` with the same rules (start-up) is given too, and the
#      per-query cost from it.
#
# Every configuration runs RUNS times (default 3), interleaved; the tables give the median
# and the range. The ET-style rules at 200,000 entries take minutes and 5 GB to load: their
# `suricata -T` runs once. Inputs go under WORK (default target/bench-suricata8; never committed); the
# inputs of scripts/bench-suricata.sh are made the same way (default list as a plain list plus
# synthetic `domain provider` lines, compiled with `ddns compile`).
#
#   bash scripts/bench-suricata8.sh [RUNS]
set -euo pipefail
cd "$(dirname "$0")/.."

runs=${1:-3}
work=${WORK:-target/bench-suricata8}
queries=1000000
percent=5
suricata=${SURICATA8:-/opt/suricata8/bin/suricata}
config_dir=$(dirname "$(dirname "$suricata")")/etc/suricata

for tool in "$suricata" /usr/bin/time cargo perl make; do
  command -v "$tool" >/dev/null 2>&1 || { echo "error: $tool is missing" >&2; exit 1; }
done

echo "== building (release) and the plugin" >&2
cargo build --quiet --release -p ddns-ffi -p ddns-cli
cargo build --quiet --release -p ddns-tests --bin bench-suricata-inputs
release=$(cargo metadata --format-version 1 --no-deps | sed -n 's/.*"target_directory":"\([^"]*\)".*/\1/p')/release
ddns=$release/ddns
library=$release/libddns.so
inputs=$release/bench-suricata-inputs

mkdir -p "$work"
work=$(cd "$work" && pwd)
make --quiet -C plugins/suricata8 OUT="$work" DDNS="$ddns" DDNS_CFLAGS="-I$(pwd)/include" \
  LIBSURICATA_CONFIG="$(dirname "$suricata")/libsuricata-config" "$work/ddns.so" >&2

echo "== generating inputs in $work" >&2
"$ddns" export --format text -o "$work/list-default.txt"
default_entries=$(grep -c -v -e '^#' -e '^$' "$work/list-default.txt")
size=200000
"$inputs" list $((size - default_entries)) "$work/synthetic-$size.txt"
cat "$work/list-default.txt" "$work/synthetic-$size.txt" > "$work/list-$size.txt"
"$ddns" compile "$work/list-$size.txt" -o "$work/list-$size.ddns" 2>/dev/null
"$ddns" compile "$work/list-default.txt" -o "$work/list-default.ddns" 2>/dev/null
grep -v '^[#!]' "$work/list-default.txt" | awk 'NF { print $1 }' > "$work/bases.txt"
[ -s "$work/dns.pcap" ] || "$inputs" pcap "$queries" "$percent" "$work/bases.txt" "$work/dns.pcap"
: > "$work/empty.rules"
for size in default 200000; do
  # ET-style rules.
  "$ddns" export --list "$work/list-$size.ddns" --format suricata-rules -o "$work/et-$size.rules"
  # The plugin's rules with the provider dataset of this list beside them.
  mkdir -p "$work/plugin-$size"
  cp plugins/suricata8/ddns.rules "$work/plugin-$size/ddns.rules"
  "$ddns" providers --json --list "$work/list-$size.ddns" > "$work/plugin-$size/ddns-providers.json"
  # The plugin's lookup alone: a rule on its transform that never alerts.
  mkdir -p "$work/silent-$size"
  echo 'alert dns any any -> any any (msg:"ddns lookup, never alerts"; flow:to_server; dns.query; ddns_provider; content:"no-such-provider"; sid:1995198; rev:1;)' \
    > "$work/silent-$size/silent.rules"
  # The tld rule and its JSON dataset, as `ddns export --format suricata-datasets` writes them.
  mkdir -p "$work/tld-$size"
  "$ddns" export --list "$work/list-$size.ddns" --format suricata-datasets -o "$work/tld-$size/ddns-bases.json"
  perl -MJSON::PP -0777 -ne 'print decode_json($_)->{rule}, "\n"' "$work/tld-$size/ddns-bases.json" \
    > "$work/tld-$size/tld.rules"
done

# The packaged configuration and the plugin; EVE writes alerts only, no command socket.
cat > "$work/suricata.yaml" <<EOF
%YAML 1.1
---
include:
  - $config_dir/suricata.yaml
plugins:
  - $work/ddns.so
unix-command.enabled: no
outputs:
  - eve-log:
      enabled: yes
      filetype: regular
      filename: eve.json
      types:
        - alert
EOF

# rules_for KIND SIZE: the rules file of a configuration; list_for SIZE: its DDNS_LIST.
rules_for() {
  case $1 in
    none) echo "$work/empty.rules" ;;
    plugin) echo "$work/plugin-$2/ddns.rules" ;;
    silent) echo "$work/silent-$2/silent.rules" ;;
    et) echo "$work/et-$2.rules" ;;
    tld) echo "$work/tld-$2/tld.rules" ;;
  esac
}
list_for() {
  [ "$1" = default ] || echo "$work/list-$1.ddns"
}

# median of the numbers on standard input, then min-max
summary() {
  sort -g | awk '{ v[NR] = $1 } END {
    m = (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
    printf "%s (%s-%s)", m, v[1], v[NR] }'
}

kinds="none plugin silent et tld"
skip() { [ "$1" = none ] && [ "$2" != default ]; }
results=$work/results.txt
: > "$results"
load_before=$(cut -d' ' -f1-3 /proc/loadavg)

echo "== suricata -T, $runs runs each" >&2
for run in $(seq "$runs"); do
  for size in default 200000; do
    for kind in $kinds; do
      skip "$kind" "$size" && continue
      [ "$kind-$size" = et-200000 ] && [ "$run" -gt 1 ] && continue
      log=$work/log-T-$kind-$size
      rm -rf "$log" && mkdir -p "$log"
      DDNS_LIBRARY=$library DDNS_LIST=$(list_for "$size") /usr/bin/time -f 'TIME %e %M %U %S' -o "$log/time.txt" \
        "$suricata" -T -c "$work/suricata.yaml" -S "$(rules_for $kind "$size")" -l "$log" \
        >"$log/out.txt" 2>&1
      grep -q "Configuration provided was successfully loaded" "$log/out.txt" \
        || { echo "error: suricata -T failed, see $log/out.txt" >&2; exit 1; }
      read -r _ wall rss user sys < "$log/time.txt"
      measured="$wall $rss $(awk -v u="$user" -v s="$sys" 'BEGIN { print u + s }')"
      echo "T $kind $size $measured" >> "$results"
      echo "   run $run: -T $kind $size: $measured" >&2
    done
  done
done

echo "== suricata -r on $queries queries, $runs runs each" >&2
for run in $(seq "$runs"); do
  for size in default 200000; do
    for kind in $kinds; do
      skip "$kind" "$size" && continue
      log=$work/log-r-$kind-$size
      rm -rf "$log" && mkdir -p "$log"
      DDNS_LIBRARY=$library DDNS_LIST=$(list_for "$size") /usr/bin/time -f 'TIME %e %M %U %S' -o "$log/time.txt" \
        "$suricata" --runmode single -c "$work/suricata.yaml" -S "$(rules_for $kind "$size")" \
        -r "$work/dns.pcap" -l "$log" \
        >"$log/out.txt" 2>&1
      elapsed=$(sed -n 's/.*time elapsed \([0-9.]*\)s.*/\1/p' "$log/suricata.log")
      alerts=$(grep -c '"event_type":"alert"' "$log/eve.json" || true)
      read -r _ wall rss user sys < "$log/time.txt"
      cpu=$(awk -v u="$user" -v s="$sys" 'BEGIN { print u + s }')
      echo "R $kind $size $elapsed $alerts $wall $rss $cpu" >> "$results"
      echo "   run $run: -r $kind $size: ${elapsed}s, $alerts alerts" >&2
    done
  done
done

echo
echo "Machine: $(nproc) CPUs, $(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n1)," \
  "$(awk '/MemTotal/ { printf "%.0f GiB", $2 / 1048576 }' /proc/meminfo);" \
  "$("$suricata" -V | sed 's/This is //'); $(uname -sr); load average before the runs: $load_before"
echo "Lists: default $default_entries entries; 200,000 = default + synthetic. ET-style rules:" \
  "default $(grep -c '^alert' "$work/et-default.rules"), 200,000 list $(grep -c '^alert' "$work/et-200000.rules")."
echo
echo "| suricata -T | rules | wall s, median (range) | peak RSS MB, median (range) |"
echo "| --- | ---: | ---: | ---: |"
for size in default 200000; do
  for kind in $kinds; do
    skip "$kind" "$size" && continue
    count=$(grep -c '^alert' "$(rules_for $kind "$size")" || true)
    wall=$(awk -v k=$kind -v s=$size '$1 == "T" && $2 == k && $3 == s { print $4 }' "$results" | summary)
    rss=$(awk -v k=$kind -v s=$size '$1 == "T" && $2 == k && $3 == s { printf "%.0f\n", $5 / 1024 }' "$results" | summary)
    echo "| $kind, $size list | $count | $wall | $rss |"
  done
done
echo
# CPU seconds of a configuration's start-up (median of its -T runs).
startup_cpu() {
  awk -v k=$1 -v s=$2 '$1 == "T" && $2 == k && $3 == s { print $6 }' "$results" | summary | cut -d' ' -f1
}
none=$(awk '$1 == "R" && $2 == "none" && $3 == "default" { print $4 }' "$results" | summary | cut -d' ' -f1)
none_cpu=$(awk -v t="$(startup_cpu none default)" '$1 == "R" && $2 == "none" && $3 == "default" { print $8 - t }' "$results" | summary | cut -d' ' -f1)
echo "| suricata -r --runmode single, $queries DNS queries | alerts | time elapsed s, median (range) | µs per query over no rules | CPU s less start-up, median (range) | CPU µs per query over no rules | wall s, median | peak RSS MB, median |"
echo "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"
for size in default 200000; do
  for kind in $kinds; do
    skip "$kind" "$size" && continue
    pick() { awk -v k=$kind -v s=$size "\$1 == \"R\" && \$2 == k && \$3 == s { $1 }" "$results"; }
    alerts=$(pick 'print $5' | sort -u | paste -sd/)
    elapsed=$(pick 'print $4' | summary)
    median=$(echo "$elapsed" | cut -d' ' -f1)
    extra=$(awk -v e="$median" -v n="$none" -v q=$queries 'BEGIN { printf "%.2f", (e - n) / q * 1e6 }')
    cpu=$(pick "print \$8 - $(startup_cpu $kind $size)" | summary)
    cpu_median=$(echo "$cpu" | cut -d' ' -f1)
    cpu_extra=$(awk -v e="$cpu_median" -v n="$none_cpu" -v q=$queries 'BEGIN { printf "%.2f", (e - n) / q * 1e6 }')
    wall=$(pick 'print $6' | summary | cut -d' ' -f1)
    rss=$(pick 'printf "%.0f\n", $7 / 1024' | summary | cut -d' ' -f1)
    echo "| $kind, $size list | $alerts | $elapsed | $extra | $cpu | $cpu_extra | $wall | $rss |"
  done
done
