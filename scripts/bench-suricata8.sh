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
#      DNS queries, and on 200,000 TLS sessions and 200,000 HTTP sessions (whole TCP
#      connections carrying one name each as SNI or Host), 5% of the names under a
#      default-list domain (tests/src/bin/bench-suricata-inputs), with each of those rule
#      sets, and with rules on the plugin's transform that never alert ("silent": the
#      lookups alone, without the alerts). For TLS and HTTP the ET-style and tld rules are the
#      DNS ones with the buffer swapped (`tls.sni` or `http.host` for `dns.query`, as ET's
#      own SNI rules are written); the plugin's rules file has all three. "time elapsed"
#      counts from "Engine started" to the end, so rule loading is left out; per-query cost
#      is (elapsed - elapsed with no rules) / queries (or sessions).
#      Because a shared machine makes wall time noisy, the CPU time (user + sys) of the run
#      less that of `suricata -T` with the same rules (start-up) is given too, and the
#      per-query cost from it.
#
# Every configuration runs RUNS times (default 3), interleaved; the tables give the median
# and the range. The ET-style rules at 200,000 entries take minutes and 5 GB to load: their
# `suricata -T` runs once, and so do their TLS and HTTP runs. PROTOCOLS (default
# "dns tls http") picks the traffic. Inputs go under WORK (default target/bench-suricata8; never committed); the
# inputs of scripts/bench-suricata.sh are made the same way (default list as a plain list plus
# synthetic `domain provider` lines, compiled with `ddns compile`).
#
#   bash scripts/bench-suricata8.sh [RUNS]
set -euo pipefail
cd "$(dirname "$0")/.."

runs=${1:-3}
work=${WORK:-target/bench-suricata8}
queries=1000000
sessions=200000
protocols=${PROTOCOLS:-dns tls http}
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
grep -v '^[#!]' "$work/list-default.txt" | awk 'NF { sub(/^[*][.]/, "", $1); print $1 }' > "$work/bases.txt"
[ -s "$work/dns.pcap" ] || "$inputs" pcap "$queries" "$percent" "$work/bases.txt" "$work/dns.pcap"
for protocol in tls http; do
  [ -s "$work/$protocol.pcap" ] \
    || "$inputs" "pcap-$protocol" "$sessions" "$percent" "$work/bases.txt" "$work/$protocol.pcap"
done
: > "$work/empty.rules"
for size in default 200000; do
  # ET-style rules.
  "$ddns" export --list "$work/list-$size.ddns" --format suricata-rules -o "$work/et-$size.rules"
  sed -e 's/^alert dns /alert tls /' -e 's/ dns\.query;/ tls.sni;/' "$work/et-$size.rules" > "$work/et-$size-tls.rules"
  sed -e 's/^alert dns /alert http /' -e 's/ dns\.query;/ http.host;/' "$work/et-$size.rules" > "$work/et-$size-http.rules"
  # The plugin's rules with the provider dataset of this list beside them.
  mkdir -p "$work/plugin-$size"
  cp plugins/suricata8/ddns.rules "$work/plugin-$size/ddns.rules"
  "$ddns" providers --json --list "$work/list-$size.ddns" > "$work/plugin-$size/ddns-providers.json"
  # The plugin's lookup alone: a rule on its transform that never alerts.
  mkdir -p "$work/silent-$size"
  {
    echo 'alert dns any any -> any any (msg:"ddns lookup, never alerts"; flow:to_server; dns.query; ddns_provider; content:"no-such-provider"; sid:1995196; rev:1;)'
    echo 'alert tls any any -> any any (msg:"ddns lookup, never alerts"; flow:established,to_server; tls.sni; ddns_provider; content:"no-such-provider"; sid:1995197; rev:1;)'
    echo 'alert http any any -> any any (msg:"ddns lookup, never alerts"; flow:established,to_server; http.host; ddns_provider; content:"no-such-provider"; sid:1995198; rev:1;)'
  } > "$work/silent-$size/silent.rules"
  # The tld rule and its JSON dataset, as `ddns export --format suricata-datasets` writes them.
  mkdir -p "$work/tld-$size"
  "$ddns" export --list "$work/list-$size.ddns" --format suricata-datasets -o "$work/tld-$size/ddns-bases.json"
  perl -MJSON::PP -0777 -ne 'print decode_json($_)->{rule}, "\n"' "$work/tld-$size/ddns-bases.json" \
    > "$work/tld-$size/tld.rules"
  sed -e 's/^alert dns /alert tls /' -e 's/ dns\.query;/ tls.sni;/' "$work/tld-$size/tld.rules" > "$work/tld-$size/tld-tls.rules"
  sed -e 's/^alert dns /alert http /' -e 's/ dns\.query;/ http.host;/' "$work/tld-$size/tld.rules" > "$work/tld-$size/tld-http.rules"
done

# Memory caps raised for every run: the TLS and HTTP pcaps hold 200,000 connections in 22
# seconds of capture time, and at the default flow and stream caps Suricata stops taking new
# flows after some 65,000 of them (closed flows are kept for a minute).
memcaps=(--set flow.memcap=1gb --set stream.memcap=1gb --set stream.reassembly.memcap=2gb)

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

# rules_for KIND SIZE [PROTOCOL]: the rules file of a configuration; list_for SIZE: its DDNS_LIST.
rules_for() {
  local suffix=
  [ "${3:-dns}" = dns ] || suffix=-$3
  case $1 in
    none) echo "$work/empty.rules" ;;
    plugin) echo "$work/plugin-$2/ddns.rules" ;;
    silent) echo "$work/silent-$2/silent.rules" ;;
    et) echo "$work/et-$2$suffix.rules" ;;
    tld) echo "$work/tld-$2/tld$suffix.rules" ;;
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
        "$suricata" -T -c "$work/suricata.yaml" "${memcaps[@]}" -S "$(rules_for $kind "$size")" -l "$log" \
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

echo "== suricata -r on $queries DNS queries, $sessions TLS and HTTP sessions ($protocols), $runs runs each" >&2
for run in $(seq "$runs"); do
  for protocol in $protocols; do
    for size in default 200000; do
      for kind in $kinds; do
        skip "$kind" "$size" && continue
        [ "$protocol-$kind-$size" != dns-et-200000 ] && [ "$kind-$size" = et-200000 ] && [ "$run" -gt 1 ] && continue
        log=$work/log-r-$protocol-$kind-$size
        rm -rf "$log" && mkdir -p "$log"
        DDNS_LIBRARY=$library DDNS_LIST=$(list_for "$size") /usr/bin/time -f 'TIME %e %M %U %S' -o "$log/time.txt" \
          "$suricata" --runmode single -c "$work/suricata.yaml" "${memcaps[@]}" -S "$(rules_for $kind "$size" "$protocol")" \
          -r "$work/$protocol.pcap" -l "$log" \
          >"$log/out.txt" 2>&1
        elapsed=$(sed -n 's/.*time elapsed \([0-9.]*\)s.*/\1/p' "$log/suricata.log")
        alerts=$(grep -c '"event_type":"alert"' "$log/eve.json" || true)
        read -r _ wall rss user sys < "$log/time.txt"
        cpu=$(awk -v u="$user" -v s="$sys" 'BEGIN { print u + s }')
        echo "R $kind $size $elapsed $alerts $wall $rss $cpu $protocol" >> "$results"
        echo "   run $run: -r $protocol $kind $size: ${elapsed}s, $alerts alerts" >&2
      done
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
for protocol in $protocols; do
  count=$queries unit=query
  [ "$protocol" = dns ] || { count=$sessions unit=session; }
  none=$(awk -v p=$protocol '$1 == "R" && $2 == "none" && $3 == "default" && $9 == p { print $4 }' "$results" | summary | cut -d' ' -f1)
  none_cpu=$(awk -v p=$protocol -v t="$(startup_cpu none default)" '$1 == "R" && $2 == "none" && $3 == "default" && $9 == p { print $8 - t }' "$results" | summary | cut -d' ' -f1)
  echo
  echo "| suricata -r --runmode single, $count ${protocol^^} ${unit}s | alerts | time elapsed s, median (range) | µs per $unit over no rules | CPU s less start-up, median (range) | CPU µs per $unit over no rules | wall s, median | peak RSS MB, median |"
  echo "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"
  for size in default 200000; do
    for kind in $kinds; do
      skip "$kind" "$size" && continue
      pick() { awk -v k=$kind -v s=$size -v p=$protocol "\$1 == \"R\" && \$2 == k && \$3 == s && \$9 == p { $1 }" "$results"; }
      alerts=$(pick 'print $5' | sort -u | paste -sd/)
      elapsed=$(pick 'print $4' | summary)
      median=$(echo "$elapsed" | cut -d' ' -f1)
      extra=$(awk -v e="$median" -v n="$none" -v q=$count 'BEGIN { printf "%.2f", (e - n) / q * 1e6 }')
      cpu=$(pick "print \$8 - $(startup_cpu $kind $size)" | summary)
      cpu_median=$(echo "$cpu" | cut -d' ' -f1)
      cpu_extra=$(awk -v e="$cpu_median" -v n="$none_cpu" -v q=$count 'BEGIN { printf "%.2f", (e - n) / q * 1e6 }')
      wall=$(pick 'print $6' | summary | cut -d' ' -f1)
      rss=$(pick 'printf "%.0f\n", $7 / 1024' | summary | cut -d' ' -f1)
      echo "| $kind, $size list | $alerts | $elapsed | $extra | $cpu | $cpu_extra | $wall | $rss |"
    done
  done
done
