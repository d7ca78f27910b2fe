# Loaded before Zeek's own scripts: the types the plugin's BiFs (src/ddns.bif) return.

module DDNS;

export {
	## The answer of :zeek:see:`DDNS::lookup` and :zeek:see:`DDNS::lookup_host`.
	type Match: record {
		## The name is under a dynamic-DNS provider's base domain (a block entry).
		matched: bool;
		## The name is under an exception of the list (an allow entry), which wins over
		## any block entry above it.
		allowed: bool;
		## The provider's short id, such as "duckdns" (when matched or allowed).
		provider: string &optional;
		## The provider's display name, such as "Duck DNS".
		provider_name: string &optional;
		## The winning entry as it appears in the name, lower case: "duckdns.org".
		base: string &optional;
		## Labels in front of the base domain (0 for the base domain itself).
		sub_labels: count;
		## The provider's abuse posture: "unknown", "responsive", "slow", "unresponsive".
		abuse: string &optional;
		## The provider's class: "free-anonymous", "device-assigned" (names that come with
		## a router, NAS or camera), "business-firewall", "paid" or "unclassified"
		## (docs/catalog.md in the ddns repository).
		provider_class: string &optional;
		## The name breaks host name rules (bytes DNS forbids, over-long labels, a bad
		## port); the verdict stands all the same.
		malformed: bool;
	};
}
