-- ddns-dns.lua: Suricata 7 rule script for DNS query names (dns.rrname), sid 1995101 in
-- ddns.rules. The work is done by ddns.lua, which must sit in the same directory.
local here = string.match(debug.getinfo(1, "S").source, "^@(.*/)") or ""
dofile(here .. "ddns.lua").rule("dns")
