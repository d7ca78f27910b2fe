#!/usr/bin/env bash
# Zeek 8.0: the ddns plugin (plugins/zeek/) against the script-only way Zeek sites spot
# dynamic-DNS names today (plugins/zeek/bench/script-only.zeek: the base domains in a table
# loaded with the Input framework, a look at each query's last two and three labels, a
# notice), on this machine, in one run:
#
#   1. throughput: `zeek -r` (full mode, base scripts, dns.log written) on 1,000,000 DNS
#      queries over UDP (5% under a default-list domain; the pcap of scripts/bench-suricata.sh)
#      with no DDNS script, with the script-only way, with the plugin raising notices
#      (DDNS::log_enabled=F, as the script-only way writes no log of its own) and with the
#      plugin as shipped (ddns.log too), at the default list and at 200,000 entries;
#   2. start-up: the same commands on a pcap of one query;
#   3. the check alone, inside Zeek's script interpreter with no packets around it
#      (plugins/zeek/bench/per-name.zeek): DDNS::is_listed against the script-only way's label
#      loop over the same names, best of five rounds of 1,000,000 names per run.
#
# Wall time, CPU time (user + system) and peak RSS come from /usr/bin/time. "µs per query over
# none" is the CPU time of a configuration less its start-up's, minus the same for no DDNS
# script, over the number of queries: CPU time, because the machine is shared and wall time
# swings with the load of other processes (Zeek works on one core here).
# Every configuration runs RUNS times (default 3), interleaved; the tables give the median and
# the range. Inputs and builds go under WORK (default target/bench-zeek; tens of MB, never
# committed): the lists are the default list (`ddns export --format text`) plus synthetic
# `domain provider` lines, compiled with `ddns compile` for the plugin and turned into the
# Input framework's tab-separated format with awk for the script-only way.
#
#   bash scripts/bench-zeek.sh [RUNS]
set -euo pipefail
cd "$(dirname "$0")/.."

runs=${1:-3}
work=${WORK:-target/bench-zeek}
queries=1000000
percent=5
zeek=/opt/zeek/bin/zeek
[ -x "$zeek" ] || zeek=$(command -v zeek || true)
[ -n "$zeek" ] || { echo "error: zeek is missing (bash ../shared/engines/install-zeek.sh)" >&2; exit 1; }
for tool in /usr/bin/time cargo cmake make; do
  command -v "$tool" >/dev/null 2>&1 || { echo "error: $tool is missing" >&2; exit 1; }
done

mkdir -p "$work"
work=$(cd "$work" && pwd)
here=$(pwd)

echo "== building (release): libddns, ddns, the inputs generator, the plugin" >&2
cargo build --quiet --release -p ddns-ffi -p ddns-cli
cargo build --quiet --release -p ddns-tests --bin bench-suricata-inputs
release=$(cargo metadata --format-version 1 --no-deps | sed -n 's/.*"target_directory":"\([^"]*\)".*/\1/p')/release
ddns=$release/ddns
inputs=$release/bench-suricata-inputs
make --quiet install PREFIX="$work/prefix" >/dev/null
(cd plugins/zeek && PATH=$(dirname "$zeek"):$PATH ./configure --with-ddns="$work/prefix" \
  --build-dir="$work/build" >/dev/null && make --quiet -C "$work/build" >/dev/null)

echo "== generating inputs in $work" >&2
"$ddns" export --format text -o "$work/list-default.txt"
grep -v '^[#!]' "$work/list-default.txt" | awk 'NF { sub(/^[*][.]/, "", $1); print $1 }' > "$work/bases.txt"
default_entries=$(grep -c -v -e '^#' -e '^$' "$work/list-default.txt")
# The Input framework's format: a #fields header, then domain TAB provider (exceptions left
# out: the script-only way cannot express them).
to_tsv() {
  awk 'BEGIN { print "#fields\tdomain\tprovider" } /^[#!]/ || NF == 0 { next } { sub(/^[*][.]/, "", $1); print $1 "\t" ($2 == "" ? "-" : $2) }' "$1"
}
to_tsv "$work/list-default.txt" > "$work/bases-default.tsv"
size=200000
"$inputs" list $((size - default_entries)) "$work/synthetic-$size.txt"
cat "$work/list-default.txt" "$work/synthetic-$size.txt" > "$work/list-$size.txt"
"$ddns" compile "$work/list-$size.txt" -o "$work/list-$size.ddns" 2>/dev/null
to_tsv "$work/list-$size.txt" > "$work/bases-$size.tsv"
[ -s "$work/dns.pcap" ] || "$inputs" pcap "$queries" "$percent" "$work/bases.txt" "$work/dns.pcap"
[ -s "$work/one.pcap" ] || "$inputs" pcap 1 0 "$work/bases.txt" "$work/one.pcap"

# args_for KIND SIZE: the scripts and settings of a configuration, one per line.
args_for() {
  case $1 in
    none) ;;
    script) printf '%s\n' "$here/plugins/zeek/bench/script-only.zeek" "ScriptOnly::bases_file=$work/bases-$2.tsv" ;;
    plugin | plugin-log)
      [ "$1" = plugin ] && echo "DDNS::log_enabled=F"
      [ "$2" = default ] || echo "DDNS::list_file=$work/list-$2.ddns" ;;
  esac
}

# run KIND SIZE PCAP LOGDIR: runs Zeek once; prints "wall rss cpu notices ddns-rows".
run() {
  local kind=$1 size=$2 pcap=$3 log=$4
  rm -rf "$log" && mkdir -p "$log"
  local plugin_path=""
  case $kind in plugin*) plugin_path=$work/build ;; esac
  mapfile -t args < <(args_for "$kind" "$size")
  (cd "$log" && ZEEK_PLUGIN_PATH=$plugin_path /usr/bin/time -f 'TIME %e %M %U %S' -o time.txt \
    "$zeek" -r "$pcap" "${args[@]}" > out.txt 2>&1) \
    || { echo "error: zeek failed, see $log/out.txt" >&2; exit 1; }
  if grep -q -i 'error' "$log/out.txt"; then
    echo "error: zeek reported an error, see $log/out.txt" >&2; exit 1
  fi
  local notices=0 rows=0
  [ -f "$log/notice.log" ] && notices=$(grep -c -v '^#' "$log/notice.log" || true)
  [ -f "$log/ddns.log" ] && rows=$(grep -c -v '^#' "$log/ddns.log" || true)
  echo "$(awk '/^TIME / { printf "%s %s %.2f", $2, $3, $4 + $5 }' "$log/time.txt") $notices $rows"
}

configs="none:default script:default plugin:default plugin-log:default script:200000 plugin:200000 plugin-log:200000"
results=$work/results.txt
: > "$results"
load_before=$(cut -d' ' -f1-3 /proc/loadavg)

for run_number in $(seq "$runs"); do
  for config in $configs; do
    kind=${config%%:*} size=${config#*:}
    started=$(run "$kind" "$size" "$work/one.pcap" "$work/log-start-$kind-$size")
    echo "S $kind $size $started" >> "$results"
    measured=$(run "$kind" "$size" "$work/dns.pcap" "$work/log-r-$kind-$size")
    echo "R $kind $size $measured" >> "$results"
    echo "   run $run_number: $kind $size: start-up $started; 1M queries $measured (wall RSS CPU notices rows)" >&2
  done
done

for run_number in $(seq "$runs"); do
  for size in default 200000; do
    for mode in none plugin script; do
      [ "$mode" = none ] && [ "$size" != default ] && continue
      list=""
      [ "$size" = default ] || list="DDNS::list_file=$work/list-$size.ddns"
      measured=$(cd "$work" && ZEEK_PLUGIN_PATH=$work/build "$zeek" -b "$here/plugins/zeek/bench/per-name.zeek" \
        PerName::mode=$mode PerName::bases_file="$work/bases-$size.tsv" $list 2>&1 | tail -n1)
      echo "N $mode $size ${measured#* }" >> "$results"
      echo "   run $run_number: per name, $mode $size: $measured (mode, ns per name, hits per round)" >&2
    done
  done
done

# median of the numbers on standard input, then min-max
summary() {
  sort -g | awk '{ v[NR] = $1 } END {
    m = (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
    printf "%s (%s-%s)", m, v[1], v[NR] }'
}
median() { summary | cut -d' ' -f1; }
pick() { awk -v t="$1" -v k="$2" -v s="$3" "\$1 == t && \$2 == k && \$3 == s { $4 }" "$results"; }

echo
echo "Machine: $(nproc) CPUs, $(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n1)," \
  "$(awk '/MemTotal/ { printf "%.0f GiB", $2 / 1048576 }' /proc/meminfo);" \
  "$("$zeek" --version | sed 's/.*version/Zeek/'); $(uname -sr); load average before the runs: $load_before"
echo "Lists: default $default_entries entries; 200,000 = default + synthetic. Runs: $runs per configuration."
echo
none_r=$(pick R none default 'print $6' | median)
none_s=$(pick S none default 'print $6' | median)
echo "| zeek -r, $queries DNS queries | notices | ddns.log rows | wall s, median (range) | CPU s, median (range) | µs CPU per query over none | peak RSS MB, median | start-up wall s, median (range) | start-up CPU s | start-up RSS MB |"
echo "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"
for config in $configs; do
  kind=${config%%:*} size=${config#*:}
  wall=$(pick R "$kind" "$size" 'print $4' | summary)
  cpu=$(pick R "$kind" "$size" 'print $6' | summary)
  cpu_m=$(pick R "$kind" "$size" 'print $6' | median)
  start=$(pick S "$kind" "$size" 'print $4' | summary)
  start_cpu=$(pick S "$kind" "$size" 'print $6' | median)
  rss=$(pick R "$kind" "$size" 'printf "%.0f\n", $5 / 1024' | median)
  start_rss=$(pick S "$kind" "$size" 'printf "%.0f\n", $5 / 1024' | median)
  notices=$(pick R "$kind" "$size" 'print $7' | sort -u | paste -sd/)
  rows=$(pick R "$kind" "$size" 'print $8' | sort -u | paste -sd/)
  extra=$(awk -v c="$cpu_m" -v s="$start_cpu" -v nc="$none_r" -v ns="$none_s" -v q=$queries \
    'BEGIN { printf "%.2f", ((c - s) - (nc - ns)) / q * 1e6 }')
  [ "$kind" = none ] && extra="-"
  echo "| $kind, $size list | $notices | $rows | $wall | $cpu | $extra | $rss | $start | $start_cpu | $start_rss |"
done
echo
loop=$(pick N none default 'print $4' | median)
echo "| per-name.zeek, 1,000,000 names (5% under duckdns.org) | ns per name, median (range) | ns per name over the bare loop | hits per round |"
echo "| --- | ---: | ---: | ---: |"
for config in none:default plugin:default script:default plugin:200000 script:200000; do
  mode=${config%%:*} size=${config#*:}
  ns=$(pick N "$mode" "$size" 'print $4' | summary)
  ns_m=$(pick N "$mode" "$size" 'print $4' | median)
  hits=$(pick N "$mode" "$size" 'print $5' | sort -u | paste -sd/)
  over=$(awk -v n="$ns_m" -v l="$loop" 'BEGIN { printf "%.0f", n - l }')
  [ "$mode" = none ] && over="-"
  echo "| $mode, $size list | $ns | $over | $hits |"
done
