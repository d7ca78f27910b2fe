# Loaded when Zeek loads the DDNS::Lookup plugin: the detection (ddns.log, notices).
@load ./main
