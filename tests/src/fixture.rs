//! The names the engine tests (tests/suricata.rs, tests/suricata8.rs) feed their engine, and
//! the pcap that carries them: one fixture, so that every engine is held to the same cases.

use crate::pcap::{
    Endpoint, Pcap, dns_over_tcp, dns_query, dns_response, http_get, http_ok, tls_client_finish,
    tls_client_hello, tls_server_hello,
};

/// Where a name travels.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Carrier {
    /// A DNS query over UDP, answered.
    DnsUdp,
    /// A DNS query inside a TCP connection (several queries share it), answered.
    DnsTcp,
    /// The server name of a TLS ClientHello.
    TlsSni,
    /// The Host header of an HTTP/1.1 request, answered.
    HttpHost,
}

/// One name in the fixture and what must come of it: `Some((provider id, base domain))` for
/// an alert, `None` for silence.
pub struct Case {
    pub carrier: Carrier,
    pub name: &'static str,
    pub expect: Option<(&'static str, &'static str)>,
}

pub const fn case(
    carrier: Carrier,
    name: &'static str,
    expect: Option<(&'static str, &'static str)>,
) -> Case {
    Case {
        carrier,
        name,
        expect,
    }
}

use Carrier::{DnsTcp, DnsUdp, HttpHost, TlsSni};

/// The fixture: positives from several providers of the default list, near misses, upper
/// case, trailing dots, ports, and an allow entry (www.duckdns.org).
pub const CASES: &[Case] = &[
    case(DnsUdp, "x7.duckdns.org", Some(("duckdns", "duckdns.org"))),
    case(
        DnsUdp,
        "CAM-01.HOME.DUCKDNS.ORG",
        Some(("duckdns", "duckdns.org")),
    ),
    case(DnsUdp, "foo.no-ip.org", Some(("noip", "no-ip.org"))),
    case(DnsUdp, "x.mooo.com", Some(("freedns-afraid", "mooo.com"))),
    case(DnsUdp, "a.3322.org", Some(("pubyun", "3322.org"))),
    case(DnsUdp, "nas.synology.me", Some(("synology", "synology.me"))),
    // A byte DNS host names may not hold does not hide the match.
    case(
        DnsUdp,
        "c2_beacon.duckdns.org",
        Some(("duckdns", "duckdns.org")),
    ),
    case(DnsUdp, "notduckdns.org", None),
    case(DnsUdp, "duckdns.org.evil.com", None),
    case(DnsUdp, "www.duckdns.org", None),
    case(DnsUdp, "www.example.com", None),
    case(DnsTcp, "tcp-c2.hopto.org", Some(("noip", "hopto.org"))),
    case(DnsTcp, "www.example.org", None),
    case(TlsSni, "c2.ddns.net", Some(("noip", "ddns.net"))),
    case(TlsSni, "Upper.DynDNS.ORG.", Some(("dyn", "dyndns.org"))),
    // A name dressed as an IP literal is still a name (issue 17): no evasion.
    case(
        TlsSni,
        "[x7.duckdns.org]:443",
        Some(("duckdns", "duckdns.org")),
    ),
    case(TlsSni, "www.duckdns.org", None),
    case(TlsSni, "duckdns.org.evil.com", None),
    case(HttpHost, "myhost.dynu.net", Some(("dynu", "dynu.net"))),
    case(
        HttpHost,
        "X7.DuckDNS.org:8080",
        Some(("duckdns", "duckdns.org")),
    ),
    case(
        HttpHost,
        "evil.duckdns.org.",
        Some(("duckdns", "duckdns.org")),
    ),
    case(
        HttpHost,
        "cam.duckdns.org:443:443",
        Some(("duckdns", "duckdns.org")),
    ),
    case(HttpHost, "notduckdns.org", None),
    case(HttpHost, "www.duckdns.org:80", None),
    case(HttpHost, "192.168.1.1:8080", None),
    // A zone's apex is the provider's own name (its web site here): no alert.
    case(DnsUdp, "duckdns.org", None),
    case(HttpHost, "freemyip.com", None),
];

/// The resolver, TLS server and web server every client talks to.
pub const RESOLVER: Endpoint = Endpoint::new([192, 0, 2, 53], 53);
pub const TLS_SERVER: Endpoint = Endpoint::new([192, 0, 2, 43], 443);
pub const WEB_SERVER: Endpoint = Endpoint::new([192, 0, 2, 80], 80);
/// The address the resolver answers with.
pub const ANSWER: [u8; 4] = [198, 51, 100, 7];

/// The client of case number `index`: its source port tells the alerts apart. The DNS-over-TCP
/// cases share one connection, from the port of the first of them.
pub fn client(index: usize) -> Endpoint {
    Endpoint::new([10, 0, 0, 10], 40_000 + index as u16)
}

/// Writes the fixture pcap: one flow per case, except the DNS-over-TCP cases, which share
/// one connection. Returns the pcap and, per case, the source port its alert comes from.
pub fn fixture_pcap(cases: &[Case]) -> (Vec<u8>, Vec<u16>) {
    let mut pcap = Pcap::new();
    let mut ports = Vec::new();
    let mut tcp_dns: Option<(crate::pcap::TcpConnection, u16)> = None;
    for (index, case) in cases.iter().enumerate() {
        let name = case.name.as_bytes();
        let id = 0x1000 + index as u16;
        let me = client(index);
        match case.carrier {
            DnsUdp => {
                pcap.udp(me, RESOLVER, &dns_query(id, name));
                pcap.udp(RESOLVER, me, &dns_response(id, name, ANSWER));
                ports.push(me.port);
            }
            DnsTcp => {
                let (connection, port) =
                    tcp_dns.get_or_insert_with(|| (pcap.tcp_connect(me, RESOLVER), me.port));
                connection.client_sends(&mut pcap, &dns_over_tcp(&dns_query(id, name)));
                connection.server_sends(&mut pcap, &dns_over_tcp(&dns_response(id, name, ANSWER)));
                ports.push(*port);
            }
            TlsSni => {
                let mut connection = pcap.tcp_connect(me, TLS_SERVER);
                connection.client_sends(&mut pcap, &tls_client_hello(name));
                connection.server_sends(&mut pcap, &tls_server_hello());
                connection.client_sends(&mut pcap, &tls_client_finish());
                connection.close(&mut pcap);
                ports.push(me.port);
            }
            HttpHost => {
                let mut connection = pcap.tcp_connect(me, WEB_SERVER);
                connection.client_sends(&mut pcap, &http_get(name));
                connection.server_sends(&mut pcap, &http_ok());
                connection.close(&mut pcap);
                ports.push(me.port);
            }
        }
    }
    if let Some((connection, _)) = tcp_dns {
        connection.close(&mut pcap);
    }
    (pcap.into_bytes(), ports)
}
