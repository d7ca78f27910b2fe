##! The cost of one name's check inside Zeek's script interpreter, with no packets around it:
##! 1,000 names (one in 20 under duckdns.org) checked 1,000 times, best of five rounds, for
##! PerName::mode "plugin" (DDNS::is_listed), "script" (the last two and three labels against
##! a table loaded with the Input framework, as script-only.zeek does) and "none" (the loop
##! alone). scripts/bench-zeek.sh runs it; it prints "<mode> <ns per name> <hits per round>".

@load-plugin DDNS::Lookup
@load base/frameworks/input

module PerName;

export {
	const mode = "none" &redef;
	## The tab-separated base domains for mode "script" (as script-only.zeek reads them).
	const bases_file = "" &redef;
}

type Base: record {
	domain: string;
};

type Provider: record {
	provider: string;
};

global bases: table[string] of Provider = table();

function script_check(name: string): bool
	{
	local labels = split_string(name, /\./);
	local n = |labels|;
	for ( _, take in vector(2, 3) )
		{
		if ( n < take )
			break;
		if ( join_string_vec(labels[n - take:], ".") in bases )
			return T;
		}
	return F;
	}

function check(name: string): bool
	{
	if ( mode == "plugin" )
		return DDNS::is_listed(name);
	if ( mode == "script" )
		return script_check(name);
	return F;
	}

function measure()
	{
	local names: vector of string = vector();
	local i = 0;
	while ( i < 1000 )
		{
		names += i % 20 == 0 ? fmt("h%d.duckdns.org", i) : fmt("www.shop%d.com", i);
		++i;
		}
	local best = 1e9;
	local hits = 0;
	local round = 0;
	while ( round < 5 )
		{
		local started = current_time();
		hits = 0;
		local pass = 0;
		while ( pass < 1000 )
			{
			for ( _, name in names )
				if ( check(name) )
					++hits;
			++pass;
			}
		local took = interval_to_double(current_time() - started);
		if ( took < best )
			best = took;
		++round;
		}
	print fmt("%s %.0f %d", mode, best * 1e9 / 1e6, hits);
	terminate();
	}

event zeek_init()
	{
	if ( mode != "script" )
		{
		measure();
		return;
		}
	Input::add_table([$source=bases_file, $name="bases", $idx=Base, $val=Provider,
	                  $destination=bases]);
	}

event Input::end_of_data(name: string, source: string)
	{
	if ( name == "bases" )
		measure();
	}
