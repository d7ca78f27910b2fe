##! Dynamic-DNS detection: every DNS query name, TLS server name (client side) and HTTP Host
##! is looked up in the current list (libddns, through the plugin's BiFs). Names under a
##! provider go to ddns.log and raise a :zeek:see:`DDNS::Dynamic_DNS_Name` notice, once
##! per client and base domain per :zeek:see:`DDNS::suppression_interval`; names under an
##! exception of the list are logged with verdict "allow" and raise nothing.

@load base/frameworks/config
@load base/frameworks/notice
@load base/protocols/conn
@load base/protocols/dns
@load base/protocols/http
@load base/protocols/ssl

module DDNS;

export {
	redef enum Log::ID += { LOG };

	## Filters ddns.log records: break out of it to drop a record.
	global log_policy: Log::PolicyHook;

	redef enum Notice::Type += {
		## A client asked for, connected to or requested a host name under a
		## dynamic-DNS provider's base domain.
		Dynamic_DNS_Name,
	};

	## One name seen on the wire and the list's verdict on it.
	type Info: record {
		## When the name was seen.
		ts: time &log;
		## The connection it came in.
		uid: string &log;
		## The connection's endpoints.
		id: conn_id &log;
		## Where the name came from: "dns" (a query), "tls" (a client's server name) or
		## "http" (a request's Host header).
		source: string &log;
		## The name as seen, HTTP port included.
		name: string &log;
		## The provider's short id.
		provider: string &log &optional;
		## The provider's display name.
		provider_name: string &log &optional;
		## The provider's class, such as "free-anonymous" or "device-assigned".
		provider_class: string &log &optional;
		## The base domain (the winning list entry).
		base: string &log &optional;
		## "block" (a provider's name), "allow" (an exception of the list) or "known"
		## (one of :zeek:see:`DDNS::known_hosts`).
		verdict: string &log;
		## The name breaks host name rules; the verdict stands all the same.
		malformed: bool &log;
	};

	## The compiled list file (``ddns compile``) to use; "" for the list embedded in
	## libddns. Change it at run time with the Config framework (a line in one of
	## Config::config_files, or Config::set_value): the new list is checked and takes over
	## with no restart; on failure the previous list stays and the reporter says why.
	option list_file = "";

	## Check a list file's whole index before using it (``ddns_matcher_verify``: about
	## 0.3 s per 200,000 entries), not only its header and checksum. Turn it off for lists
	## that only ever come from ``ddns compile``, to start as fast with any list size.
	option verify_list = T;

	## Provider ids (such as "synology") whose names are neither logged nor noticed.
	option ignored_providers: set[string] = {};

	## Provider classes (such as "device-assigned": names that come with a NAS, router or
	## camera the user owns) whose names are neither logged nor noticed.
	option ignored_classes: set[string] = {};

	## The site's own known host names under DDNS providers (employees' home VPNs, say),
	## lower case, without a trailing dot: logged with verdict "known", never noticed.
	option known_hosts: set[string] = {};

	## Raise :zeek:see:`DDNS::Dynamic_DNS_Name` notices.
	option notice_enabled = T;

	## Write ddns.log.
	option log_enabled = T;

	## How long a notice for one client and base domain suppresses the next ones.
	option suppression_interval = 1 hr;

	## Raised for each ddns.log record.
	global log_ddns: event(rec: Info);

	## Looks up one name from the wire and logs and notices it as configured. The event
	## handlers below call it; other scripts may too (source names where it came from).
	global check: function(c: connection, source: string, name: string, host_form: bool);
}

function list_file_changed(id: string, new_value: string): string
	{
	if ( DDNS::load_list(new_value, verify_list) )
		return new_value;
	return list_file;
	}

event zeek_init() &priority=5
	{
	Log::create_stream(DDNS::LOG, [$columns=Info, $ev=log_ddns, $path="ddns",
	                               $policy=log_policy]);
	Option::set_change_handler("DDNS::list_file", list_file_changed);
	if ( list_file != "" )
		DDNS::load_list(list_file, verify_list);
	}

function normalized(name: string): string
	{
	local lower = to_lower(name);
	if ( |lower| > 0 && lower[-1] == "." )
		lower = lower[:-1];
	return lower;
	}

function check(c: connection, source: string, name: string, host_form: bool)
	{
	local found = host_form ? DDNS::lookup_host(name) : DDNS::lookup(name);
	if ( ! found$matched && ! found$allowed )
		return;
	if ( found?$provider && found$provider in ignored_providers )
		return;
	if ( found?$provider_class && found$provider_class in ignored_classes )
		return;

	local verdict = found$matched ? "block" : "allow";
	if ( found$matched && |known_hosts| > 0 )
		{
		# A host string's port goes; IPv6 literals never match, so no name has a ':'.
		local host = normalized(host_form ? split_string1(name, /:/)[0] : name);
		if ( host in known_hosts )
			verdict = "known";
		}

	local info = Info($ts=network_time(), $uid=c$uid, $id=c$id, $source=source, $name=name,
	                  $verdict=verdict, $malformed=found$malformed);
	if ( found?$provider )
		info$provider = found$provider;
	if ( found?$provider_name )
		info$provider_name = found$provider_name;
	if ( found?$provider_class )
		info$provider_class = found$provider_class;
	if ( found?$base )
		info$base = found$base;

	if ( log_enabled )
		Log::write(DDNS::LOG, info);

	if ( notice_enabled && verdict == "block" )
		NOTICE([$note=Dynamic_DNS_Name,
		        $msg=fmt("%s name %s is under %s (%s)", source, name,
		                 info?$provider_name ? info$provider_name : "?",
		                 info?$base ? info$base : "?"),
		        $sub=info?$provider ? info$provider : "",
		        $conn=c,
		        $identifier=cat(c$id$orig_h, "/", info?$base ? info$base : name),
		        $suppress_for=suppression_interval]);
	}

event dns_request(c: connection, msg: dns_msg, query: string, qtype: count, qclass: count,
                  original_query: string)
	{
	if ( DDNS::is_listed(original_query) )
		check(c, "dns", original_query, F);
	}

event ssl_extension_server_name(c: connection, is_client: bool, names: string_vec)
	{
	if ( ! is_client )
		return;
	for ( _, name in names )
		if ( DDNS::is_listed_host(name) )
			check(c, "tls", name, T);
	}

event http_header(c: connection, is_orig: bool, original_name: string, name: string,
                  value: string)
	{
	if ( is_orig && name == "HOST" && DDNS::is_listed_host(value) )
		check(c, "http", value, T);
	}
