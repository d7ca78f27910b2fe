#!/usr/bin/env bash
# Suricata 7: the ddns Lua shim (plugins/suricata/) against ET-style rules for the same entries
# (`ddns export --format suricata-rules`, one `dns.query; dotprefix; content; endswith` rule
# per block entry), on this machine, in one run:
#
#   1. start-up: `suricata -T` wall time and peak RSS (/usr/bin/time) with no rules, with the
#      shim and with the ET-style rules, at the default list, 20,000 and 200,000 entries;
#   2. throughput: packets per second of `suricata -r --runmode single` (one thread does
#      everything, so the figures are per core) on 1,000,000 DNS queries (5% under a
#      default-list domain) with no rules, with one Lua rule that asks for dns.rrname and
#      returns 0 (what Suricata's Lua call costs by itself), with the shim and with the
#      ET-style rules, at the default list and at 200,000 entries. Packets per second count
#      from "Engine started" to the end (Suricata's "time elapsed"), so rule loading is left
#      out; wall time includes it;
#   3. with the luajit command installed: the shim's own Lua and lookup work per call, timed
#      in a LuaJIT loop outside Suricata.
#
# Every configuration runs RUNS times (default 5), interleaved; the tables give the median
# and the range. Inputs are generated under WORK (default target/bench-suricata; tens of MB,
# never committed): the lists are the default list as a plain list (`ddns export --format
# text`) plus synthetic `domain provider` lines, compiled with `ddns compile`.
#
#   bash scripts/bench-suricata.sh [RUNS]
set -euo pipefail
cd "$(dirname "$0")/.."

runs=${1:-5}
work=${WORK:-target/bench-suricata}
queries=1000000
percent=5

for tool in suricata /usr/bin/time cargo; do
  command -v "$tool" >/dev/null 2>&1 || { echo "error: $tool is missing" >&2; exit 1; }
done

echo "== building (release)" >&2
cargo build --quiet --release -p ddns-ffi -p ddns-cli
cargo build --quiet --release -p ddns-tests --bin bench-suricata-inputs
release=$(cargo metadata --format-version 1 --no-deps | sed -n 's/.*"target_directory":"\([^"]*\)".*/\1/p')/release
ddns=$release/ddns
library=$release/libddns.so
inputs=$release/bench-suricata-inputs

mkdir -p "$work"
work=$(cd "$work" && pwd)
plugin=$(pwd)/plugins/suricata

echo "== generating inputs in $work" >&2
"$ddns" export --format text -o "$work/list-default.txt"
grep -v '^[#!]' "$work/list-default.txt" | awk 'NF { sub(/^[*][.]/, "", $1); print $1 }' > "$work/bases.txt"
default_entries=$(grep -c -v -e '^#' -e '^$' "$work/list-default.txt")
"$ddns" export --format suricata-rules -o "$work/et-default.rules"
for size in 20000 200000; do
  "$inputs" list $((size - default_entries)) "$work/synthetic-$size.txt"
  cat "$work/list-default.txt" "$work/synthetic-$size.txt" > "$work/list-$size.txt"
  "$ddns" compile "$work/list-$size.txt" -o "$work/list-$size.ddns" 2>/dev/null
  "$ddns" export --list "$work/list-$size.ddns" --format suricata-rules -o "$work/et-$size.rules"
done
[ -s "$work/dns.pcap" ] || "$inputs" pcap "$queries" "$percent" "$work/bases.txt" "$work/dns.pcap"
: > "$work/empty.rules"
cat > "$work/lua-noop.lua" <<'EOF'
function init(args) return { ["dns.rrname"] = tostring(true) } end
function match(args) return 0 end
EOF
echo "alert dns any any -> any any (msg:\"Lua call, no work\"; flow:to_server; lua:$work/lua-noop.lua; sid:1; rev:1;)" \
  > "$work/lua-noop.rules"

# The packaged configuration, the shim's snippet, its scripts in default-rule-path; EVE writes
# alerts only (no per-query DNS records), no command socket.
cat > "$work/suricata.yaml" <<EOF
%YAML 1.1
---
include:
  - /etc/suricata/suricata.yaml
  - $plugin/ddns.yaml
default-rule-path: $plugin
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
    lua-noop) echo "$work/lua-noop.rules" ;;
    shim) echo "$plugin/ddns.rules" ;;
    et) echo "$work/et-$2.rules" ;;
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

results=$work/results.txt
: > "$results"
load_before=$(cut -d' ' -f1-3 /proc/loadavg)

echo "== suricata -T, $runs runs each" >&2
for run in $(seq "$runs"); do
  for size in default 20000 200000; do
    for kind in none shim et; do
      [ "$kind" = none ] && [ "$size" != default ] && continue
      log=$work/log-T-$kind-$size
      rm -rf "$log" && mkdir -p "$log"
      DDNS_LIBRARY=$library DDNS_LIST=$(list_for "$size") /usr/bin/time -f 'TIME %e %M' -o "$log/time.txt" \
        suricata -T -c "$work/suricata.yaml" -S "$(rules_for $kind "$size")" -l "$log" \
        >"$log/out.txt" 2>&1
      grep -q "Configuration provided was successfully loaded" "$log/out.txt" \
        || { echo "error: suricata -T failed, see $log/out.txt" >&2; exit 1; }
      measured=$(sed -n 's/^TIME //p' "$log/time.txt")
      echo "T $kind $size $measured" >> "$results"
      echo "   run $run: -T $kind $size: $measured" >&2
    done
  done
done

echo "== suricata -r on $queries queries, $runs runs each" >&2
for run in $(seq "$runs"); do
  for size in default 200000; do
    for kind in none lua-noop shim et; do
      [ "$size" != default ] && [ "$kind" = none -o "$kind" = lua-noop ] && continue
      log=$work/log-r-$kind-$size
      rm -rf "$log" && mkdir -p "$log"
      DDNS_LIBRARY=$library DDNS_LIST=$(list_for "$size") /usr/bin/time -f 'TIME %e %M' -o "$log/time.txt" \
        suricata --runmode single -c "$work/suricata.yaml" -S "$(rules_for $kind "$size")" \
        -r "$work/dns.pcap" -l "$log" \
        >"$log/out.txt" 2>&1
      elapsed=$(sed -n 's/.*time elapsed \([0-9.]*\)s.*/\1/p' "$log/suricata.log")
      alerts=$(grep -c '"event_type":"alert"' "$log/eve.json" || true)
      read -r _ wall rss _ < "$log/time.txt"
      echo "R $kind $size $elapsed $alerts $wall $rss" >> "$results"
      echo "   run $run: -r $kind $size: ${elapsed}s, $alerts alerts" >&2
    done
  done
done

# 3. The shim's own work, without Suricata: match() called 1,000,000 times from a Lua loop
#    (JIT on, as in Suricata), 5% DDNS names, flowvars stubbed. Needs the luajit command
#    (Debian package luajit, the same LuaJIT 2.1 as Suricata's); skipped without it.
micro=""
if command -v luajit >/dev/null 2>&1; then
  cat > "$work/match-loop.lua" <<EOF
DDNS_LIBRARY = "$library"
DDNS_LIST = os.getenv("LIST")
function ScFlowvarSet() end
dofile("$plugin/ddns.lua").rule("dns")
local names = {}
for i = 1, 1000 do
  names[i] = (i % 20 == 0) and ("h" .. i .. ".duckdns.org") or ("www.shop" .. i .. ".com")
end
local best = math.huge
for _ = 1, 5 do
  local started, hits = os.clock(), 0
  for i = 1, 1000000 do
    hits = hits + match({ offset = 1, ["dns.rrname"] = names[i % 1000 + 1] })
  end
  assert(hits == 50000)
  best = math.min(best, os.clock() - started)
end
io.write(string.format("%.0f", best * 1000))
EOF
  micro="match() in a LuaJIT loop, best of 5 x 1,000,000 calls: $(luajit "$work/match-loop.lua") ns per call with the default list,"
  micro="$micro $(LIST=$work/list-200000.ddns luajit "$work/match-loop.lua") ns with the 200,000-entry list ($(luajit -v | cut -d' ' -f1-2))."
fi

echo
echo "Machine: $(nproc) CPUs, $(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n1)," \
  "$(awk '/MemTotal/ { printf "%.0f GiB", $2 / 1048576 }' /proc/meminfo);" \
  "$(suricata -V | sed 's/This is //'); $(uname -sr); load average before the runs: $load_before"
echo "Lists: default $default_entries entries; 20,000 and 200,000 = default + synthetic."
[ -z "$micro" ] || echo "$micro"
echo "ET-style rules: default $(grep -c '^alert' "$work/et-default.rules")," \
  "20,000 list $(grep -c '^alert' "$work/et-20000.rules"), 200,000 list $(grep -c '^alert' "$work/et-200000.rules")."
echo
echo "| suricata -T | rules | wall s, median (range) | peak RSS MB, median (range) |"
echo "| --- | ---: | ---: | ---: |"
for size in default 20000 200000; do
  for kind in none shim et; do
    [ "$kind" = none ] && [ "$size" != default ] && continue
    count=$(grep -c '^alert' "$(rules_for $kind "$size")" || true)
    wall=$(awk -v k=$kind -v s=$size '$1 == "T" && $2 == k && $3 == s { print $4 }' "$results" | summary)
    rss=$(awk -v k=$kind -v s=$size '$1 == "T" && $2 == k && $3 == s { printf "%.0f\n", $5 / 1024 }' "$results" | summary)
    echo "| $kind, $size list | $count | $wall | $rss |"
  done
done
echo
none=$(awk '$1 == "R" && $2 == "none" && $3 == "default" { print $4 }' "$results" | summary | cut -d' ' -f1)
echo "| suricata -r --runmode single, $queries DNS queries | alerts | packets/s, median (range) | time elapsed s, median | µs per packet over no rules | wall s, median | peak RSS MB, median |"
echo "| --- | ---: | ---: | ---: | ---: | ---: | ---: |"
for size in default 200000; do
  for kind in none lua-noop shim et; do
    [ "$size" != default ] && [ "$kind" = none -o "$kind" = lua-noop ] && continue
    pick() { awk -v k=$kind -v s=$size "\$1 == \"R\" && \$2 == k && \$3 == s { $1 }" "$results"; }
    alerts=$(pick 'print $5' | sort -u | paste -sd/)
    pps=$(pick "printf \"%.0f\\n\", $queries / \$4" | summary)
    elapsed=$(pick 'print $4' | summary | cut -d' ' -f1)
    extra=$(awk -v e="$elapsed" -v n="$none" -v q=$queries 'BEGIN { printf "%.2f", (e - n) / q * 1e6 }')
    wall=$(pick 'print $6' | summary | cut -d' ' -f1)
    rss=$(pick 'printf "%.0f\n", $7 / 1024' | summary | cut -d' ' -f1)
    echo "| $kind, $size list | $alerts | $pps | $elapsed | $extra | $wall | $rss |"
  done
done
