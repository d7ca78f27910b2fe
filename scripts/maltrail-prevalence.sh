#!/usr/bin/env bash
# Counts, per provider of the default catalog, the host names that maltrail's static
# malware trails list under the provider's base domains (the `prevalence` data in
# ddns-core/data/, see docs/catalog.md "Prevalence").
#
# Usage: scripts/maltrail-prevalence.sh MALTRAIL_CHECKOUT [DDNS_BINARY]
#
# A trail line is a host, a URL or an address; the host is what stands before the first
# '/', ':', '?' or '#' once a scheme is cut, lower-cased, without a trailing dot. Addresses
# are skipped. A host counts for a provider when `ddns check` gives it a block verdict with
# at least one label in front of the base domain (the provider's apex itself is its own
# name, not a user's). Output: one `provider<TAB>hosts<TAB>families` line per provider with
# a hit, sorted by provider id; a family is a trail file (one malware family or campaign).
set -euo pipefail

trails=${1:?usage: $0 MALTRAIL_CHECKOUT [DDNS_BINARY]}/trails/static/malware
ddns=${2:-ddns}
[ -d "$trails" ] || { echo "$0: no $trails" >&2; exit 2; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# host<TAB>family, one line per distinct pair.
for file in "$trails"/*.txt; do
  family=$(basename "$file" .txt)
  grep -v '^[[:space:]]*#' "$file" | awk -v family="$family" '
    NF {
      host = tolower($1)
      sub(/^[a-z][a-z0-9+.-]*:\/\//, "", host)
      sub(/[\/:?#].*$/, "", host)
      sub(/\.$/, "", host)
      if (host ~ /\./ && host !~ /^[0-9.]+$/) print host "\t" family
    }'
done | sort -u >"$work/pairs"

cut -f1 "$work/pairs" | sort -u >"$work/hosts"
# host<TAB>provider for user names under a block entry.
"$ddns" check --json <"$work/hosts" | sed -n \
  's/^{"name":"\([^"]*\)","verdict":"block","provider":"\([^"]*\)".*"sub_labels":\([1-9][0-9]*\),.*/\1\t\2/p' \
  | sort >"$work/hits" || true

join -t "$(printf '\t')" "$work/hits" "$work/pairs" >"$work/joined"
# provider<TAB>distinct hosts, provider<TAB>distinct families, joined on the provider.
cut -f1,2 "$work/joined" | sort -u | cut -f2 | sort | uniq -c \
  | awk '{ print $2 "\t" $1 }' >"$work/host_counts"
cut -f2,3 "$work/joined" | sort -u | cut -f1 | sort | uniq -c \
  | awk '{ print $2 "\t" $1 }' >"$work/family_counts"
join -t "$(printf '\t')" "$work/host_counts" "$work/family_counts"
