##! The script-only way to spot dynamic-DNS names in Zeek, as sites write it today without the
##! plugin: the providers' base domains in a table (loaded with the Input framework from a
##! tab-separated file), and for every DNS query a look at the name's last two and three
##! labels. It knows no exceptions (allow entries) and no base domain of four labels or
##! more. scripts/bench-zeek.sh measures it against the plugin; it is not part of the plugin.
##!
##!   zeek -r dns.pcap script-only.zeek ScriptOnly::bases_file=bases.tsv
##!
##! bases.tsv: "#fields<TAB>domain<TAB>provider", then one base domain and its provider per
##! line (scripts/bench-zeek.sh writes it from `ddns export --format text` with awk).

@load base/frameworks/input
@load base/frameworks/notice
@load base/protocols/dns

module ScriptOnly;

export {
	redef enum Notice::Type += { Dynamic_DNS_Name };

	## The tab-separated list of base domains.
	const bases_file = "bases.tsv" &redef;
}

type Base: record {
	domain: string;
};

type Provider: record {
	provider: string;
};

global bases: table[string] of Provider = table();

event zeek_init()
	{
	# Hold the packets back until the whole list is in the table, or the first queries
	# would be checked against a part of it.
	suspend_processing();
	Input::add_table([$source=bases_file, $name="ddns-bases", $idx=Base, $val=Provider,
	                  $destination=bases]);
	}

event Input::end_of_data(name: string, source: string)
	{
	if ( name == "ddns-bases" )
		continue_processing();
	}

event dns_request(c: connection, msg: dns_msg, query: string, qtype: count, qclass: count,
                  original_query: string)
	{
	local labels = split_string(query, /\./);
	local n = |labels|;
	for ( _, take in vector(2, 3) )
		{
		if ( n < take )
			break;
		local suffix = join_string_vec(labels[n - take:], ".");
		if ( suffix in bases )
			{
			NOTICE([$note=Dynamic_DNS_Name,
			        $msg=fmt("dns name %s is under %s (%s)", query, bases[suffix]$provider,
			                 suffix),
			        $conn=c, $identifier=cat(c$id$orig_h, "/", suffix),
			        $suppress_for=1 hr]);
			break;
			}
		}
	}
