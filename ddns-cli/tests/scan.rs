//! Golden tests of `ddns scan` on generated logs: Zeek TSV and JSON (dns, ssl, http), Suricata
//! EVE, plain names; headers exactly as Zeek's ASCII writer and Suricata's EVE output write
//! them; hostile lines, compressed input, standard input and exit codes.

mod common;

use std::io::Write;

use common::{assert_exit, ddns, temp, text};

const GROUP: &str = "scan";

/// The test list's path (see `common::list_file`).
fn list() -> String {
    common::list_file(GROUP)
}

/// A Zeek TSV log laid out as Zeek's ASCII writer writes it.
fn zeek_log(path: &str, fields: &[&str], types: &[&str], rows: &[String]) -> String {
    let mut log = format!(
        "#separator \\x09\n#set_separator\t,\n#empty_field\t(empty)\n#unset_field\t-\n\
         #path\t{path}\n#open\t2024-03-01-10-00-00\n#fields\t{}\n#types\t{}\n",
        fields.join("\t"),
        types.join("\t")
    );
    for row in rows {
        log.push_str(row);
        log.push('\n');
    }
    log.push_str("#close\t2024-03-01-10-05-00\n");
    log
}

const DNS_FIELDS: [&str; 24] = [
    "ts",
    "uid",
    "id.orig_h",
    "id.orig_p",
    "id.resp_h",
    "id.resp_p",
    "proto",
    "trans_id",
    "rtt",
    "query",
    "qclass",
    "qclass_name",
    "qtype",
    "qtype_name",
    "rcode",
    "rcode_name",
    "AA",
    "TC",
    "RD",
    "RA",
    "Z",
    "answers",
    "TTLs",
    "rejected",
];

const DNS_TYPES: [&str; 24] = [
    "time",
    "string",
    "addr",
    "port",
    "addr",
    "port",
    "enum",
    "count",
    "interval",
    "string",
    "count",
    "string",
    "count",
    "string",
    "count",
    "string",
    "bool",
    "bool",
    "bool",
    "bool",
    "count",
    "vector[string]",
    "vector[interval]",
    "bool",
];

/// The columns of one dns.log row, in DNS_FIELDS order.
fn dns_columns(ts: &str, client: &str, query: &str, answers: &str) -> Vec<String> {
    let ttls = match answers {
        "-" | "(empty)" => answers.to_string(),
        _ => vec!["60.000000"; answers.split(',').count()].join(","),
    };
    let (rcode, rcode_name) = if answers == "-" {
        ("3", "NXDOMAIN")
    } else {
        ("0", "NOERROR")
    };
    [
        ts,
        "CHhAvVGS1DHFjwGM9",
        client,
        "50432",
        "10.0.0.53",
        "53",
        "udp",
        "4242",
        "0.001207",
        query,
        "1",
        "C_INTERNET",
        "1",
        "A",
        rcode,
        rcode_name,
        "F",
        "F",
        "T",
        "T",
        "0",
        answers,
        &ttls,
        "F",
    ]
    .iter()
    .map(|column| column.to_string())
    .collect()
}

/// (ts, client, query, answers) of the dns.log records most tests scan.
const DNS_RECORDS: [(&str, &str, &str, &str); 8] = [
    (
        "1709287200.000100",
        "10.0.0.5",
        "x7.duckdns.org",
        "192.0.2.10",
    ),
    (
        "1709287201.500000",
        "10.0.0.6",
        "shop.example.com",
        "cdn.ddns.net,192.0.2.11",
    ),
    (
        "1709287202.000000",
        "10.0.0.5",
        "www.duckdns.org",
        "192.0.2.12",
    ),
    ("1709287203.000000", "10.0.0.5", "notduckdns.org", "-"),
    ("1709287204.000000", "10.0.0.6", "-", "-"),
    (
        "1709287205.000000",
        "10.0.0.7",
        "cam\\x09one.duckdns.org",
        "(empty)",
    ),
    (
        "1709287206.000000",
        "2001:db8::7",
        "Cam-01.Home.DuckDNS.org.",
        "192.0.2.13",
    ),
    (
        "1709287207.000000",
        "10.0.0.5",
        "evil.www.duckdns.org",
        "192.0.2.14",
    ),
];

fn dns_log() -> String {
    let rows: Vec<String> = DNS_RECORDS
        .iter()
        .map(|&(ts, client, query, answers)| dns_columns(ts, client, query, answers).join("\t"))
        .collect();
    zeek_log("dns", &DNS_FIELDS, &DNS_TYPES, &rows)
}

/// What `ddns scan` prints for `dns_log()`.
const DNS_HITS: &str = "\
1709287200.000100\t10.0.0.5\tdns.query\tx7.duckdns.org\tduckdns\tduckdns.org
1709287201.500000\t10.0.0.6\tdns.answer\tcdn.ddns.net\tnoip\tddns.net
1709287205.000000\t10.0.0.7\tdns.query\tcam\\tone.duckdns.org\tduckdns\tduckdns.org
1709287206.000000\t2001:db8::7\tdns.query\tCam-01.Home.DuckDNS.org.\tduckdns\tduckdns.org
1709287207.000000\t10.0.0.5\tdns.query\tevil.www.duckdns.org\tduckdns\tevil.www.duckdns.org
";

#[test]
fn zeek_dns_log_hits_are_printed_one_per_line_and_exit_0() {
    let log = temp(GROUP, "dns.log", dns_log().as_bytes());
    let out = ddns(&["--list", &list(), "scan", log.to_str().unwrap()], None);
    assert_exit(&out, 0);
    assert_eq!(text(&out.stdout), DNS_HITS);
    assert!(out.stderr.is_empty(), "{}", text(&out.stderr));
}

#[test]
fn zeek_columns_are_found_by_name_with_any_separators() {
    // The same records with the columns in reverse order, `|` between fields and `;`
    // between vector elements: the header says so and the scan follows it.
    let mut fields = DNS_FIELDS;
    fields.reverse();
    let mut types = DNS_TYPES;
    types.reverse();
    let mut log = format!(
        "#separator \\x7c\n#set_separator|;\n#empty_field|(empty)\n#unset_field|-\n#path|dns\n\
         #open|2024-03-01-10-00-00\n#fields|{}\n#types|{}\n",
        fields.join("|"),
        types.join("|")
    );
    for &(ts, client, query, answers) in &DNS_RECORDS {
        let mut columns = dns_columns(ts, client, query, &answers.replace(',', ";"));
        columns.reverse();
        log.push_str(
            &columns
                .join("|")
                .replace("60.000000,60.000000", "60.000000;60.000000"),
        );
        log.push('\n');
    }
    let path = temp(GROUP, "dns-pipes.log", log.as_bytes());
    let out = ddns(
        &[
            "--list",
            &list(),
            "scan",
            "--format",
            "zeek",
            path.to_str().unwrap(),
        ],
        None,
    );
    assert_exit(&out, 0);
    assert_eq!(text(&out.stdout), DNS_HITS);
}

#[test]
fn zeek_ssl_and_http_logs_give_sni_and_host_hits() {
    let ssl_fields = [
        "ts",
        "uid",
        "id.orig_h",
        "id.orig_p",
        "id.resp_h",
        "id.resp_p",
        "version",
        "cipher",
        "curve",
        "server_name",
        "resumed",
        "last_alert",
        "next_protocol",
        "established",
        "ssl_history",
        "cert_chain_fps",
        "client_cert_chain_fps",
        "sni_matches_cert",
    ];
    let ssl_types = [
        "time",
        "string",
        "addr",
        "port",
        "addr",
        "port",
        "string",
        "string",
        "string",
        "string",
        "bool",
        "string",
        "string",
        "bool",
        "string",
        "vector[string]",
        "vector[string]",
        "bool",
    ];
    let ssl_row = |ts: &str, client: &str, sni: &str| {
        format!(
            "{ts}\tCsxknGIi1\t{client}\t51234\t198.51.100.7\t443\tTLSv13\t\
             TLS_AES_128_GCM_SHA256\tx25519\t{sni}\tF\t-\th2\tT\tCsiI\t(empty)\t(empty)\t-"
        )
    };
    let ssl = zeek_log(
        "ssl",
        &ssl_fields,
        &ssl_types,
        &[
            ssl_row("1709287300.000001", "10.0.0.8", "x9.duckdns.org"),
            ssl_row("1709287301.000001", "10.0.0.8", "-"),
            ssl_row("1709287302.000001", "10.0.0.8", "www.example.org"),
        ],
    );
    let http_fields = [
        "ts",
        "uid",
        "id.orig_h",
        "id.orig_p",
        "id.resp_h",
        "id.resp_p",
        "trans_depth",
        "method",
        "host",
        "uri",
        "referrer",
        "version",
        "user_agent",
        "origin",
        "request_body_len",
        "response_body_len",
        "status_code",
        "status_msg",
        "info_code",
        "info_msg",
        "tags",
        "username",
        "password",
        "proxied",
        "orig_fuids",
        "orig_filenames",
        "orig_mime_types",
        "resp_fuids",
        "resp_filenames",
        "resp_mime_types",
    ];
    let http_types = [
        "time",
        "string",
        "addr",
        "port",
        "addr",
        "port",
        "count",
        "string",
        "string",
        "string",
        "string",
        "string",
        "string",
        "string",
        "count",
        "count",
        "count",
        "string",
        "count",
        "string",
        "set[enum]",
        "string",
        "string",
        "set[string]",
        "vector[string]",
        "vector[string]",
        "vector[string]",
        "vector[string]",
        "vector[string]",
        "vector[string]",
    ];
    let http_row = |ts: &str, host: &str| {
        format!(
            "{ts}\tCLXprb1oqPCRZQKJM2\t10.0.0.9\t49157\t203.0.113.80\t8080\t1\tGET\t{host}\t\
             /ncsi.txt\t-\t1.1\tcurl/8.5.0\t-\t0\t14\t200\tOK\t-\t-\t(empty)\t-\t-\t-\t-\t-\t-\t\
             Fpgan59p6uvNzLFja\t-\ttext/plain"
        )
    };
    let http = zeek_log(
        "http",
        &http_fields,
        &http_types,
        &[
            http_row("1709287400.000002", "cam.ddns.net:8080"),
            http_row("1709287401.000002", "203.0.113.80:8080"),
        ],
    );
    let ssl = temp(GROUP, "ssl.log", ssl.as_bytes());
    let http = temp(GROUP, "http.log", http.as_bytes());
    let out = ddns(
        &[
            "--list",
            &list(),
            "scan",
            ssl.to_str().unwrap(),
            http.to_str().unwrap(),
        ],
        None,
    );
    assert_exit(&out, 0);
    assert_eq!(
        text(&out.stdout),
        "1709287300.000001\t10.0.0.8\ttls.sni\tx9.duckdns.org\tduckdns\tduckdns.org\n\
         1709287400.000002\t10.0.0.9\thttp.host\tcam.ddns.net:8080\tnoip\tddns.net\n"
    );
}

/// Zeek's JSON logs: dns.log (epoch and ISO 8601 timestamps), ssl.log, http.log, and a
/// conn.log record that has no names.
const ZEEK_JSON: &str = r#"{"ts":1709287200.0001,"uid":"CHhAvVGS1DHFjwGM9","id.orig_h":"10.0.0.5","id.orig_p":50432,"id.resp_h":"10.0.0.53","id.resp_p":53,"proto":"udp","trans_id":4242,"rtt":0.001207,"query":"x7.duckdns.org","qclass":1,"qclass_name":"C_INTERNET","qtype":1,"qtype_name":"A","rcode":0,"rcode_name":"NOERROR","AA":false,"TC":false,"RD":true,"RA":true,"Z":0,"answers":["cdn.ddns.net","192.0.2.10"],"TTLs":[60.0,60.0],"rejected":false}
{"ts":"2024-03-01T10:00:01.500000Z","uid":"C2","id.orig_h":"10.0.0.6","id.orig_p":50433,"id.resp_h":"10.0.0.53","id.resp_p":53,"proto":"udp","query":"www.duckdns.org","answers":["192.0.2.12"],"rejected":false}
{"ts":1709287300.000001,"uid":"Csxkn","id.orig_h":"10.0.0.8","id.orig_p":51234,"id.resp_h":"198.51.100.7","id.resp_p":443,"version":"TLSv13","cipher":"TLS_AES_128_GCM_SHA256","curve":"x25519","server_name":"x9.duckdns.org","resumed":false,"next_protocol":"h2","established":true}
{"ts":1709287400.000002,"uid":"CLXprb","id.orig_h":"10.0.0.9","id.orig_p":49157,"id.resp_h":"203.0.113.80","id.resp_p":8080,"trans_depth":1,"method":"GET","host":"cam.ddns.net:8080","uri":"/","version":"1.1","user_agent":"curl/8.5.0","request_body_len":0,"response_body_len":14,"status_code":200,"status_msg":"OK","tags":[]}
{"ts":1709287500.0,"uid":"C9","id.orig_h":"10.0.0.5","id.orig_p":1,"id.resp_h":"10.0.0.6","id.resp_p":2,"proto":"tcp","conn_state":"S0"}
"#;

#[test]
fn zeek_json_logs_give_the_same_fields() {
    let log = temp(GROUP, "zeek.json", ZEEK_JSON.as_bytes());
    let out = ddns(&["--list", &list(), "scan", log.to_str().unwrap()], None);
    assert_exit(&out, 0);
    assert_eq!(
        text(&out.stdout),
        "1709287200.0001\t10.0.0.5\tdns.query\tx7.duckdns.org\tduckdns\tduckdns.org\n\
         1709287200.0001\t10.0.0.5\tdns.answer\tcdn.ddns.net\tnoip\tddns.net\n\
         1709287300.000001\t10.0.0.8\ttls.sni\tx9.duckdns.org\tduckdns\tduckdns.org\n\
         1709287400.000002\t10.0.0.9\thttp.host\tcam.ddns.net:8080\tnoip\tddns.net\n"
    );
    let forced = ddns(
        &[
            "--list",
            &list(),
            "scan",
            "--format",
            "zeek-json",
            log.to_str().unwrap(),
        ],
        None,
    );
    assert_eq!(forced.stdout, out.stdout);
}

/// Suricata 7 EVE records (dns query and answer in logging version 2, detailed and grouped;
/// tls; http; an alert and a flow that repeat names), and a Suricata 8 dns request.
const EVE: &str = r#"{"timestamp":"2024-03-01T10:00:00.000100+0000","flow_id":1215843187311412,"in_iface":"eth0","event_type":"dns","src_ip":"10.0.0.5","src_port":50432,"dest_ip":"10.0.0.53","dest_port":53,"proto":"UDP","pkt_src":"wire/pcap","dns":{"type":"query","id":4242,"rrname":"x7.duckdns.org","rrtype":"A","tx_id":0,"opcode":0}}
{"timestamp":"2024-03-01T10:00:00.001300+0000","flow_id":1215843187311412,"in_iface":"eth0","event_type":"dns","src_ip":"10.0.0.5","src_port":50432,"dest_ip":"10.0.0.53","dest_port":53,"proto":"UDP","pkt_src":"wire/pcap","dns":{"version":2,"type":"answer","id":4242,"flags":"8180","qr":true,"rd":true,"ra":true,"opcode":0,"rrname":"x7.duckdns.org","rrtype":"A","rcode":"NOERROR","answers":[{"rrname":"x7.duckdns.org","rrtype":"A","ttl":60,"rdata":"192.0.2.10"}],"grouped":{"A":["192.0.2.10"]}}}
{"timestamp":"2024-03-01T10:00:01.500000+0000","flow_id":2,"in_iface":"eth0","event_type":"dns","src_ip":"10.0.0.6","src_port":50433,"dest_ip":"10.0.0.53","dest_port":53,"proto":"UDP","pkt_src":"wire/pcap","dns":{"version":2,"type":"answer","id":4243,"flags":"8180","qr":true,"rd":true,"ra":true,"opcode":0,"rrname":"shop.example.com","rrtype":"A","rcode":"NOERROR","answers":[{"rrname":"shop.example.com","rrtype":"CNAME","ttl":60,"rdata":"cdn.ddns.net"},{"rrname":"cdn.ddns.net","rrtype":"A","ttl":60,"rdata":"192.0.2.11"}],"grouped":{"CNAME":["cdn.ddns.net"],"A":["192.0.2.11"]}}}
{"timestamp":"2024-03-01T10:00:02.000000+0000","flow_id":3,"in_iface":"eth0","event_type":"dns","src_ip":"10.0.0.5","src_port":50434,"dest_ip":"10.0.0.53","dest_port":53,"proto":"UDP","pkt_src":"wire/pcap","dns":{"type":"query","id":4244,"rrname":"www.duckdns.org","rrtype":"A","tx_id":0,"opcode":0}}
{"timestamp":"2024-03-01T10:00:03.000000+0000","flow_id":4,"in_iface":"eth0","event_type":"dns","src_ip":"10.0.0.7","src_port":50435,"dest_ip":"10.0.0.53","dest_port":53,"proto":"UDP","pkt_src":"wire/pcap","dns":{"version":3,"type":"request","tx_id":0,"id":4245,"flags":"100","rd":true,"opcode":0,"rcode":"NOERROR","queries":[{"rrname":"y.ddns.net","rrtype":"A"}]}}
{"timestamp":"2024-03-01T10:01:00.000001+0000","flow_id":5,"in_iface":"eth0","event_type":"tls","src_ip":"10.0.0.8","src_port":51234,"dest_ip":"198.51.100.7","dest_port":443,"proto":"TCP","pkt_src":"wire/pcap","tls":{"subject":"CN=x9.duckdns.org","issuerdn":"C=US, O=Let's Encrypt, CN=R3","serial":"04:A1","fingerprint":"aa:bb","sni":"x9.duckdns.org","version":"TLS 1.3","notbefore":"2024-01-01T00:00:00","notafter":"2024-04-01T00:00:00"}}
{"timestamp":"2024-03-01T10:02:00.000002+0000","flow_id":6,"in_iface":"eth0","event_type":"http","src_ip":"10.0.0.9","src_port":49157,"dest_ip":"203.0.113.80","dest_port":8080,"proto":"TCP","pkt_src":"wire/pcap","tx_id":0,"http":{"hostname":"cam.ddns.net","http_port":8080,"url":"/","http_user_agent":"curl/8.5.0","http_method":"GET","protocol":"HTTP/1.1","status":200,"length":14}}
{"timestamp":"2024-03-01T10:00:00.000100+0000","flow_id":1215843187311412,"in_iface":"eth0","event_type":"alert","src_ip":"10.0.0.5","src_port":50432,"dest_ip":"10.0.0.53","dest_port":53,"proto":"UDP","pkt_src":"wire/pcap","alert":{"action":"allowed","gid":1,"signature_id":9400000,"rev":1,"signature":"DDNS query to duckdns.org (Duck DNS)","category":"Potentially Bad Traffic","severity":2},"dns":{"query":[{"type":"query","id":4242,"rrname":"x7.duckdns.org","rrtype":"A","tx_id":0,"opcode":0}]},"app_proto":"dns"}
{"timestamp":"2024-03-01T10:05:00.000000+0000","flow_id":1215843187311412,"event_type":"flow","src_ip":"10.0.0.5","src_port":50432,"dest_ip":"10.0.0.53","dest_port":53,"proto":"UDP","app_proto":"dns","flow":{"pkts_toserver":1,"pkts_toclient":1,"bytes_toserver":74,"bytes_toclient":90,"start":"2024-03-01T10:00:00.000100+0000","end":"2024-03-01T10:00:00.001300+0000","age":0,"state":"established","reason":"timeout","alerted":true}}
"#;

const EVE_HITS: &str = "\
2024-03-01T10:00:00.000100+0000\t10.0.0.5\tdns.query\tx7.duckdns.org\tduckdns\tduckdns.org
2024-03-01T10:00:00.001300+0000\t10.0.0.5\tdns.query\tx7.duckdns.org\tduckdns\tduckdns.org
2024-03-01T10:00:01.500000+0000\t10.0.0.6\tdns.answer\tcdn.ddns.net\tnoip\tddns.net
2024-03-01T10:00:03.000000+0000\t10.0.0.7\tdns.query\ty.ddns.net\tnoip\tddns.net
2024-03-01T10:01:00.000001+0000\t10.0.0.8\ttls.sni\tx9.duckdns.org\tduckdns\tduckdns.org
2024-03-01T10:02:00.000002+0000\t10.0.0.9\thttp.host\tcam.ddns.net\tnoip\tddns.net
";

#[test]
fn eve_dns_tls_and_http_events_are_read_and_alerts_are_not_counted_twice() {
    let log = temp(GROUP, "eve.json", EVE.as_bytes());
    for format in ["auto", "eve"] {
        let out = ddns(
            &[
                "--list",
                &list(),
                "scan",
                "--format",
                format,
                log.to_str().unwrap(),
            ],
            None,
        );
        assert_exit(&out, 0);
        assert_eq!(text(&out.stdout), EVE_HITS, "--format {format}");
        assert!(out.stderr.is_empty(), "{}", text(&out.stderr));
    }
}

#[test]
fn plain_names_come_from_standard_input_or_dash() {
    let names =
        b"x7.duckdns.org\n# a comment\n\n  www.example.com  \ncam.ddns.net:443\n192.0.2.1\r\n";
    for args in [
        vec!["scan"],
        vec!["scan", "-"],
        vec!["scan", "--format", "text"],
    ] {
        let mut all = vec!["--list".to_string(), list()];
        all.extend(args.iter().map(|a| a.to_string()));
        let all: Vec<&str> = all.iter().map(String::as_str).collect();
        let out = ddns(&all, Some(names));
        assert_exit(&out, 0);
        assert_eq!(
            text(&out.stdout),
            "-\t-\ttext\tx7.duckdns.org\tduckdns\tduckdns.org\n\
             -\t-\ttext\tcam.ddns.net:443\tnoip\tddns.net\n",
            "{args:?}"
        );
    }
}

#[test]
fn json_output_has_one_object_per_hit_with_file_and_line() {
    let rows = [
        dns_columns(
            "1709287200.000100",
            "10.0.0.5",
            "x7.duckdns.org",
            "192.0.2.10",
        )
        .join("\t"),
        dns_columns("1709287205.000000", "10.0.0.7", "a_b.ddns.net", "-").join("\t"),
    ];
    let log = temp(
        GROUP,
        "dns-json-out.log",
        zeek_log("dns", &DNS_FIELDS, &DNS_TYPES, &rows).as_bytes(),
    );
    let path = log.to_str().unwrap();
    let out = ddns(&["--list", &list(), "scan", "--json", path], None);
    assert_exit(&out, 0);
    assert_eq!(
        text(&out.stdout),
        format!(
            "{{\"ts\":\"1709287200.000100\",\"client\":\"10.0.0.5\",\"field\":\"dns.query\",\
             \"name\":\"x7.duckdns.org\",\"provider\":\"duckdns\",\"provider_name\":\"duckdns\",\
             \"abuse\":\"unknown\",\"class\":\"unclassified\",\"base\":\"duckdns.org\",\
             \"malformed\":false,\"file\":\"{path}\",\"line\":9}}\n\
             {{\"ts\":\"1709287205.000000\",\"client\":\"10.0.0.7\",\"field\":\"dns.query\",\
             \"name\":\"a_b.ddns.net\",\"provider\":\"noip\",\"provider_name\":\"noip\",\
             \"abuse\":\"unknown\",\"class\":\"unclassified\",\"base\":\"ddns.net\",\
             \"malformed\":true,\"file\":\"{path}\",\"line\":10}}\n"
        )
    );
    let out = ddns(
        &["--list", &list(), "scan", "--json"],
        Some(b"x7.duckdns.org\n"),
    );
    assert_eq!(
        text(&out.stdout),
        "{\"ts\":null,\"client\":null,\"field\":\"text\",\"name\":\"x7.duckdns.org\",\
         \"provider\":\"duckdns\",\"provider_name\":\"duckdns\",\"abuse\":\"unknown\",\
         \"class\":\"unclassified\",\"base\":\"duckdns.org\",\"malformed\":false,\
         \"file\":\"<stdin>\",\"line\":1}\n"
    );
}

#[test]
fn summary_counts_providers_and_clients_with_first_and_last_seen() {
    // The Zeek log and the EVE file cover the same minutes in different timestamp formats;
    // first and last seen are ordered by time, not by text (ties keep the first seen).
    let zeek = temp(GROUP, "summary-dns.log", dns_log().as_bytes());
    let eve = temp(GROUP, "summary-eve.json", EVE.as_bytes());
    let args = [
        "--list",
        &list(),
        "scan",
        "--summary",
        zeek.to_str().unwrap(),
        eve.to_str().unwrap(),
    ];
    let out = ddns(&args, None);
    assert_exit(&out, 0);
    assert_eq!(
        text(&out.stdout),
        "11 hits in 17 records from 2 inputs, 0 bad records

PROVIDER  NAME     CLASS         HITS  FIRST SEEN         LAST SEEN
duckdns   duckdns  unclassified  7     1709287200.000100  2024-03-01T10:01:00.000001+0000
noip      noip     unclassified  4     1709287201.500000  2024-03-01T10:02:00.000002+0000

CLIENT       HITS  FIRST SEEN                       LAST SEEN
10.0.0.5     4     1709287200.000100                1709287207.000000
10.0.0.6     2     1709287201.500000                1709287201.500000
10.0.0.7     2     2024-03-01T10:00:03.000000+0000  1709287205.000000
10.0.0.8     1     2024-03-01T10:01:00.000001+0000  2024-03-01T10:01:00.000001+0000
10.0.0.9     1     2024-03-01T10:02:00.000002+0000  2024-03-01T10:02:00.000002+0000
2001:db8::7  1     1709287206.000000                1709287206.000000
"
    );
    let mut json_args = args.to_vec();
    json_args.insert(3, "--json");
    let out = ddns(&json_args, None);
    assert_exit(&out, 0);
    let summary: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(summary["hits"], 11);
    assert_eq!(summary["records"], 17);
    assert_eq!(summary["providers"][0]["id"], "duckdns");
    assert_eq!(summary["providers"][0]["hits"], 7);
    assert_eq!(summary["providers"][0]["class"], "unclassified");
    assert_eq!(summary["providers"][0]["status"], "active");
    assert_eq!(
        summary["providers"][1]["last_seen"],
        "2024-03-01T10:02:00.000002+0000"
    );
    assert_eq!(summary["clients"].as_array().unwrap().len(), 6);
}

#[test]
fn hostile_lines_are_reported_with_file_and_line_and_skipped() {
    let mut log = dns_log().into_bytes();
    // Drop `#close` so the hostile lines sit among the records.
    log.truncate(log.len() - "#close\t2024-03-01-10-05-00\n".len());
    let garbage: Vec<u8> = (0u32..4096).map(|i| (i * 7919 % 251) as u8).collect();
    let garbage: Vec<u8> = garbage.into_iter().filter(|&b| b != b'\n').collect();
    log.extend(&garbage); // line 17: binary garbage (NUL, 0xff, tabs)
    log.push(b'\n');
    log.extend(vec![b'a'; 1 << 20]); // line 18: a 1 MB line
    log.push(b'\n');
    // Line 19: a valid record whose query is not UTF-8: matched, flagged, shown escaped.
    let columns = dns_columns("1709287208.000000", "10.0.0.5", "@", "-");
    let row = columns.join("\t").replace('@', "\u{1}");
    let mut row = row.into_bytes();
    let at = row.iter().position(|&b| b == 1).unwrap();
    row.splice(at..=at, b"\xff\xfecam.duckdns.org".iter().copied());
    log.extend(&row);
    log.push(b'\n');
    log.extend(b"1709287209.000000\tCx\t10.0.0.5\n"); // line 20: too few fields
    log.extend(b"#close\t2024-03-01-10-05-00\n");
    let path = temp(GROUP, "hostile.log", &log);
    let path = path.to_str().unwrap();
    let out = ddns(&["--list", &list(), "scan", path], None);
    assert_exit(&out, 0);
    assert_eq!(
        text(&out.stdout),
        format!(
            "{DNS_HITS}1709287208.000000\t10.0.0.5\tdns.query\t\\xff\\xfecam.duckdns.org\tduckdns\t\
             duckdns.org\n"
        )
    );
    let stderr = text(&out.stderr);
    let garbage_fields = garbage.iter().filter(|&&b| b == b'\t').count() + 1;
    assert_eq!(
        stderr,
        format!(
            "ddns: {path}:17: {garbage_fields} fields, the #fields header names 24\n\
             ddns: {path}:18: 1 field, the #fields header names 24\n\
             ddns: {path}:20: 3 fields, the #fields header names 24\n"
        )
    );

    let strict = ddns(&["--list", &list(), "scan", "--strict", path], None);
    assert_exit(&strict, 2);
    assert_eq!(text(&strict.stdout), DNS_HITS);
    assert!(
        text(&strict.stderr).starts_with(&format!("ddns: {path}:17: ")),
        "{}",
        text(&strict.stderr)
    );
    assert!(text(&strict.stderr).ends_with("stopping at the first bad record (--strict)\n"));
}

#[test]
fn hostile_json_lines_are_bad_records() {
    let mut log = Vec::new();
    log.extend(EVE.lines().next().unwrap().as_bytes());
    log.push(b'\n');
    log.extend(br#"{"timestamp":"2024-03-01T10:00:00.000100+0000","event_type":"dns","dns":{"rrname":"y7.du"#);
    log.push(b'\n');
    log.extend(b"{\"event_type\":\"dns\",\"dns\":{\"rrname\":\"\xff.duckdns.org\"}}\n");
    log.extend(b"\x00\x01\x02 binary\n");
    log.extend(b"[1,2,3]\n");
    log.extend(format!("{{\"event_type\":\"http\",\"http\":{{\"hostname\":\"a.ddns.net\",\"url\":\"/{}\"}}}}\n", "x".repeat(1 << 20)).as_bytes());
    let path = temp(GROUP, "hostile.json", &log);
    let path = path.to_str().unwrap();
    let out = ddns(&["--list", &list(), "scan", path], None);
    assert_exit(&out, 0);
    assert_eq!(
        text(&out.stdout),
        "2024-03-01T10:00:00.000100+0000\t10.0.0.5\tdns.query\tx7.duckdns.org\tduckdns\tduckdns.org\n\
         -\t-\thttp.host\ta.ddns.net\tnoip\tddns.net\n"
    );
    let stderr = text(&out.stderr);
    let lines: Vec<&str> = stderr.lines().collect();
    assert_eq!(lines.len(), 4, "{stderr}");
    for (line, number) in lines.iter().zip([2, 3, 4, 5]) {
        assert!(
            line.starts_with(&format!("ddns: {path}:{number}: not a JSON object")),
            "{line}"
        );
    }
}

#[test]
fn a_line_over_16_mib_is_skipped_in_bounded_memory() {
    let mut log = Vec::with_capacity(17 << 20);
    log.extend(b"x7.duckdns.org\n");
    log.extend(vec![b'z'; (16 << 20) + 5]);
    log.extend(b"\ncam.ddns.net\n");
    let path = temp(GROUP, "long-line.txt", &log);
    let path = path.to_str().unwrap();
    let out = ddns(&["--list", &list(), "scan", "--format", "text", path], None);
    assert_exit(&out, 0);
    assert_eq!(
        text(&out.stdout),
        "-\t-\ttext\tx7.duckdns.org\tduckdns\tduckdns.org\n\
         -\t-\ttext\tcam.ddns.net\tnoip\tddns.net\n"
    );
    assert_eq!(
        text(&out.stderr),
        format!(
            "ddns: {path}:2: line of {} bytes is longer than 16 MiB, skipped\n",
            (16 << 20) + 5
        )
    );
    std::fs::remove_file(path).unwrap();
}

#[test]
fn many_bad_records_are_counted_after_the_first_twenty() {
    let mut log = String::from("x7.duckdns.org\n");
    for _ in 0..25 {
        log.push_str("{truncated\n");
    }
    let path = temp(GROUP, "many-bad.json", format!("{{}}\n{log}").as_bytes());
    let path = path.to_str().unwrap();
    let out = ddns(&["--list", &list(), "scan", path], None);
    assert_exit(&out, 1);
    let stderr = text(&out.stderr);
    assert_eq!(stderr.lines().count(), 21, "{stderr}");
    assert!(stderr.ends_with(&format!(
        "ddns: {path}: 26 bad records in all, the first 20 shown above\n"
    )));
}

fn gzip(bytes: &[u8]) -> Vec<u8> {
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    encoder.write_all(bytes).unwrap();
    encoder.finish().unwrap()
}

#[test]
fn gzip_and_zstd_input_is_read_transparently_from_files_and_stdin() {
    let log = dns_log();
    // Two gzip members back to back, as concatenated rotated logs are.
    let (first, second) = log.as_bytes().split_at(log.len() / 2);
    let mut gz = gzip(first);
    gz.extend(gzip(second));
    let zst = zstd::encode_all(log.as_bytes(), 3).unwrap();
    let gz_path = temp(GROUP, "dns.log.gz", &gz);
    let zst_path = temp(GROUP, "dns.log.zst", &zst);
    for path in [&gz_path, &zst_path] {
        let out = ddns(&["--list", &list(), "scan", path.to_str().unwrap()], None);
        assert_exit(&out, 0);
        assert_eq!(text(&out.stdout), DNS_HITS, "{}", path.display());
    }
    for bytes in [&gz, &zst] {
        let out = ddns(&["--list", &list(), "scan"], Some(bytes));
        assert_exit(&out, 0);
        assert_eq!(text(&out.stdout), DNS_HITS);
    }
    // A truncated archive: the records before the cut are scanned, then an error.
    let cut = temp(GROUP, "cut.log.gz", &gz[..gz.len() / 3]);
    let out = ddns(&["--list", &list(), "scan", cut.to_str().unwrap()], None);
    assert_exit(&out, 2);
    assert!(
        text(&out.stderr).contains("cannot read"),
        "{}",
        text(&out.stderr)
    );
}

#[test]
fn exit_status_is_1_without_hits_and_2_when_an_input_is_missing() {
    let clean = temp(GROUP, "clean.txt", b"www.example.com\nwww.duckdns.org\n");
    let out = ddns(&["--list", &list(), "scan", clean.to_str().unwrap()], None);
    assert_exit(&out, 1);
    assert!(out.stdout.is_empty());

    let log = temp(GROUP, "some.txt", b"x7.duckdns.org\n");
    let missing = common::temp_dir(GROUP).join("missing.log");
    let out = ddns(
        &[
            "--list",
            &list(),
            "scan",
            missing.to_str().unwrap(),
            log.to_str().unwrap(),
        ],
        None,
    );
    assert_exit(&out, 2);
    assert_eq!(
        text(&out.stdout),
        "-\t-\ttext\tx7.duckdns.org\tduckdns\tduckdns.org\n"
    );
    assert!(
        text(&out.stderr).starts_with(&format!("ddns: {}: cannot open: ", missing.display())),
        "{}",
        text(&out.stderr)
    );
}

#[test]
fn the_default_list_is_used_without_list() {
    let out = ddns(&["scan"], Some(b"x7.duckdns.org\n"));
    assert_exit(&out, 0);
    assert_eq!(
        text(&out.stdout),
        "-\t-\ttext\tx7.duckdns.org\tduckdns\tduckdns.org\n"
    );
}

/// `--class` keeps the hits of the classes it names, `--ignore-class` drops those of the
/// classes it names (both repeatable or comma-separated); the summary counts only what is
/// reported, and an unknown class is a usage error.
#[test]
fn class_filters_keep_or_drop_hits_by_provider_class() {
    // Default list: Duck DNS is free-anonymous, QNAP device-assigned.
    let names = b"x7.duckdns.org\nnas.myqnapcloud.com\ncam.ddns.net\n";
    let hits = |args: &[&str]| -> (i32, String) {
        let mut all = vec!["scan"];
        all.extend_from_slice(args);
        let out = ddns(&all, Some(names));
        (
            out.status.code().unwrap_or(-1),
            text(&out.stdout).to_string(),
        )
    };
    let duck = "-\t-\ttext\tx7.duckdns.org\tduckdns\tduckdns.org\n";
    let qnap = "-\t-\ttext\tnas.myqnapcloud.com\tqnap\tmyqnapcloud.com\n";
    let noip = "-\t-\ttext\tcam.ddns.net\tnoip\tddns.net\n";
    assert_eq!(hits(&[]), (0, format!("{duck}{qnap}{noip}")));
    assert_eq!(hits(&["--class", "device-assigned"]), (0, qnap.to_string()));
    assert_eq!(
        hits(&["--ignore-class", "device-assigned"]),
        (0, format!("{duck}{noip}"))
    );
    assert_eq!(
        hits(&["--class", "paid", "--class", "device-assigned"]),
        (0, qnap.to_string())
    );
    assert_eq!(
        hits(&["--ignore-class", "free-anonymous,device-assigned"]),
        (1, String::new()),
        "nothing reported: exit status 1"
    );
    assert_eq!(
        hits(&[
            "--class",
            "free-anonymous",
            "--ignore-class",
            "free-anonymous"
        ]),
        (1, String::new())
    );
    let (status, summary) = hits(&["--summary", "--ignore-class", "free-anonymous"]);
    assert_eq!(status, 0);
    assert!(
        summary.starts_with("1 hit in 3 records"),
        "the summary counts reported hits only:\n{summary}"
    );
    let out = ddns(&["scan", "--class", "cheap"], Some(names));
    assert_exit(&out, 2);
    assert!(
        text(&out.stderr).contains("unknown class 'cheap'"),
        "{}",
        text(&out.stderr)
    );
}
