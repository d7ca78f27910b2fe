#!/bin/sh
# The package's own check (zkg.meta's test_command): Zeek loads the plugin and a BiF answers.
# Run it from the package directory after the build; ZEEK_PLUGIN_PATH names the plugin's
# build directory (default: ./build).
set -eu
ZEEK_PLUGIN_PATH=${ZEEK_PLUGIN_PATH:-$(pwd)/build}
export ZEEK_PLUGIN_PATH
if ! zeek -N DDNS::Lookup | grep -q '^DDNS::Lookup - '; then
    echo "tests/run.sh: zeek -N does not show DDNS::Lookup (ZEEK_PLUGIN_PATH=$ZEEK_PLUGIN_PATH)" >&2
    exit 1
fi
answer=$(zeek -e 'event zeek_init() { local m = DDNS::lookup("x7.duckdns.org"); print m$matched, m$provider, DDNS::lookup("www.example.com")$matched; }')
if [ "$answer" != "T, duckdns, F" ]; then
    echo "tests/run.sh: DDNS::lookup answered '$answer', expected 'T, duckdns, F'" >&2
    exit 1
fi
echo "DDNS::Lookup loads and answers"
