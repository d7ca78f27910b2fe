//! `ddns import`: third-party lists into catalogs and compiled lists, with one message per
//! line that cannot be used and a count of lines used and skipped; and every list `ddns
//! export` writes imports back into the same entries.

mod common;

use std::collections::BTreeSet;

use common::{assert_exit, ddns, temp, temp_dir, text};

const GROUP: &str = "import";

/// Imports `input` (written to `name`) and returns the output file's text and stderr.
fn import(format: &str, name: &str, input: &str, extra: &[&str]) -> (String, String) {
    let path = temp(GROUP, name, input.as_bytes());
    let output = temp_dir(GROUP).join(format!("{name}.out.txt"));
    let mut args = vec![
        "import",
        "--format",
        format,
        path.to_str().unwrap(),
        "-o",
        output.to_str().unwrap(),
    ];
    args.extend(extra);
    let out = ddns(&args, None);
    assert_exit(&out, 0);
    let stderr = text(&out.stderr).replace(&format!("{}/", temp_dir(GROUP).display()), "");
    (std::fs::read_to_string(&output).unwrap(), stderr)
}

#[test]
fn hosts_files_give_their_names_and_leave_local_names_out() {
    let (list, stderr) = import(
        "hosts",
        "hosts",
        "# StevenBlack-style header\n127.0.0.1 localhost\n::1 localhost ip6-localhost\n\
         0.0.0.0 x7.duckdns.org\n0.0.0.0 a.ddns.net b.ddns.net  # two names\n\
         0.0.0.0 bad_name.org\nduckdns.org\n0.0.0.0\n",
        &[],
    );
    assert_eq!(
        list,
        "x7.duckdns.org custom\na.ddns.net custom\nb.ddns.net custom\n"
    );
    assert_eq!(
        stderr,
        "ddns: hosts:6: 'bad_name.org': '_' is not allowed in a host name (letters, digits and '-' only)\n\
         ddns: hosts:7: 'duckdns.org' is not an IP address (a hosts line is 'ADDRESS NAME...')\n\
         ddns: hosts:8: no host name after the address\n\
         ddns: hosts: 2 lines used, 3 skipped, 3 ignored\n\
         ddns: wrote hosts.out.txt: 3 block and 0 allow entries from 1 file\n"
    );
}

#[test]
fn adblock_rules_give_blocks_and_exceptions() {
    let (list, stderr) = import(
        "adblock",
        "filters.txt",
        "[Adblock Plus 2.0]\n! Title: DDNS\n||duckdns.org^\n@@||www.duckdns.org^\n\
         ||evil.www.duckdns.org^$important\n||ads.example^$third-party\n##.banner\n\
         ||ddns.net\n/ads/*\n",
        &["--provider", "ddns-feed"],
    );
    assert_eq!(
        list,
        "duckdns.org ddns-feed\n!www.duckdns.org ddns-feed\nevil.www.duckdns.org ddns-feed\n"
    );
    assert_eq!(
        stderr,
        "ddns: filters.txt:6: rule option '$third-party' is not supported\n\
         ddns: filters.txt:7: cosmetic (element hiding) rule, not a domain rule\n\
         ddns: filters.txt:8: no '^' after the domain: '||name' alone also matches longer names\n\
         ddns: filters.txt:9: not a ||domain^ rule\n\
         ddns: filters.txt: 3 lines used, 4 skipped, 2 ignored\n\
         ddns: wrote filters.txt.out.txt: 2 block and 1 allow entries from 1 file\n"
    );
}

#[test]
fn dnsmasq_address_local_and_server_lines() {
    let (list, stderr) = import(
        "dnsmasq",
        "dnsmasq.conf",
        "# blocks\naddress=/duckdns.org/ddns.net/\nserver=/www.duckdns.org/#\n\
         local=/hopto.org/\naddress=/x.example/0.0.0.0 # sinkhole\nserver=/corp.example/10.1.1.1\n\
         cache-size=1000\naddress=/#/0.0.0.0\n",
        &[],
    );
    assert_eq!(
        list,
        "duckdns.org custom\nddns.net custom\n!www.duckdns.org custom\nhopto.org custom\n\
         x.example custom\n"
    );
    assert_eq!(
        stderr,
        "ddns: dnsmasq.conf:6: forwards to 10.1.1.1: neither a block nor an exception\n\
         ddns: dnsmasq.conf:8: '/#/' matches every domain\n\
         ddns: dnsmasq.conf: 4 lines used, 2 skipped, 2 ignored\n\
         ddns: wrote dnsmasq.conf.out.txt: 4 block and 1 allow entries from 1 file\n"
    );
}

#[test]
fn rpz_triggers_with_origin_wildcards_and_passthru() {
    let zone = "$TTL 300\n@ IN SOA ns.example. hostmaster.example. (\n  1 ; serial\n  3600 600 \
                86400 300 )\n  IN NS ns.example.\n\
                duckdns.org CNAME .\n*.duckdns.org CNAME .\n\
                www.duckdns.org.rpz.example. CNAME rpz-passthru.\n\
                ddns.net 300 IN CNAME *.\n24.0.2.0.192.rpz-ip CNAME .\n\
                sinkholed.org A 192.0.2.1\n\tAAAA 2001:db8::1\nfoo.other.zone. CNAME .\n";
    let (list, stderr) = import("rpz", "policy.rpz", zone, &["--origin", "rpz.example."]);
    assert_eq!(
        list,
        "duckdns.org custom\n!www.duckdns.org custom\nddns.net custom\nsinkholed.org custom\n"
    );
    assert_eq!(
        stderr,
        "ddns: policy.rpz:10: rpz-ip trigger: only QNAME triggers name domains\n\
         ddns: policy.rpz:13: 'foo.other.zone.' is outside the zone rpz.example.\n\
         ddns: policy.rpz: 6 lines used, 2 skipped, 5 ignored\n\
         ddns: wrote policy.rpz.out.txt: 3 block and 1 allow entries from 1 file\n"
    );
}

#[test]
fn unbound_local_zones_and_local_data() {
    let (list, stderr) = import(
        "unbound",
        "unbound.conf",
        "server:\n    verbosity: 1\n    local-zone: \"duckdns.org.\" always_nxdomain\n\
         local-zone: \"www.duckdns.org.\" transparent\n\
         local-zone: \"ddns.net\" redirect\nlocal-data: \"ddns.net. A 0.0.0.0\"\n\
         local-zone: \"x.org.\" wrong_type\nlocal-data: \"cam.example. A 192.0.2.9\"\n",
        &[],
    );
    assert_eq!(
        list,
        "duckdns.org custom\n!www.duckdns.org custom\nddns.net custom\ncam.example custom\n"
    );
    assert_eq!(
        stderr,
        "ddns: unbound.conf:7: local-zone type 'wrong_type' is neither a block nor an exception\n\
         ddns: unbound.conf: 5 lines used, 1 skipped, 2 ignored\n\
         ddns: wrote unbound.conf.out.txt: 3 block and 1 allow entries from 1 file\n"
    );
}

#[test]
fn wildcard_and_text_lists() {
    let (list, stderr) = import(
        "wildcard",
        "wild.txt",
        "*.duckdns.org\n.ddns.net\nhopto.org\n# comment\nfoo.*.org\n*.duckdns.org\n",
        &[],
    );
    assert_eq!(
        list,
        "duckdns.org custom\nddns.net custom\nhopto.org custom\n"
    );
    assert_eq!(
        stderr,
        "ddns: wild.txt:5: 'foo.*.org': only a leading '*.' wildcard can be imported\n\
         ddns: wild.txt: 4 lines used, 1 skipped, 1 ignored\n\
         ddns: wrote wild.txt.out.txt: 3 block and 0 allow entries from 1 file\n"
    );
    let (list, stderr) = import(
        "text",
        "plain.txt",
        "duckdns.org duckdns\n!www.duckdns.org duckdns\nddns.net\nwww.duckdns.org other\n\
         a b c\n",
        &[],
    );
    assert_eq!(
        list,
        "duckdns.org duckdns\n!www.duckdns.org duckdns\nddns.net custom\n"
    );
    assert_eq!(
        stderr,
        "ddns: plain.txt:4: 'www.duckdns.org' is an exception at plain.txt:2 and blocked here; \
         the first is kept\n\
         ddns: plain.txt:5: unexpected third column 'c': a line is 'DOMAIN [PROVIDER-ID]'\n\
         ddns: plain.txt: 3 lines used, 2 skipped, 0 ignored\n\
         ddns: wrote plain.txt.out.txt: 2 block and 1 allow entries from 1 file\n"
    );
}

#[test]
fn output_extension_picks_catalog_or_compiled_list() {
    let input = temp(
        GROUP,
        "several.txt",
        b"0.0.0.0 x7.duckdns.org\n0.0.0.0 cam.ddns.net\n",
    );
    for extension in ["toml", "json", "ddns", "list"] {
        let output = temp_dir(GROUP).join(format!("several.{extension}"));
        let out = ddns(
            &[
                "import",
                "--format",
                "hosts",
                "--provider",
                "feed",
                input.to_str().unwrap(),
                "-o",
                output.to_str().unwrap(),
            ],
            None,
        );
        assert_exit(&out, 0);
        let check = ddns(
            &[
                "--list",
                output.to_str().unwrap(),
                "check",
                "a.x7.duckdns.org",
                "duckdns.org",
            ],
            None,
        );
        assert_exit(&check, 0);
        assert_eq!(
            text(&check.stdout),
            "a.x7.duckdns.org: feed [feed], base x7.duckdns.org, sub-domain a\n\
             duckdns.org: no match\n",
            "{extension}"
        );
    }
    let toml = std::fs::read_to_string(temp_dir(GROUP).join("several.toml")).unwrap();
    assert!(toml.contains("id = \"feed\""), "{toml}");
}

#[test]
fn strict_bad_provider_missing_files_and_empty_results_exit_2() {
    let input = temp(
        GROUP,
        "mixed.txt",
        b"0.0.0.0 x7.duckdns.org\nnot a hosts line\n",
    );
    let output = temp_dir(GROUP).join("never-written.txt");
    let run = |extra: &[&str], input: &str| {
        let mut args = vec!["import", "--format", "hosts", input, "-o"];
        args.push(output.to_str().unwrap());
        args.extend(extra);
        ddns(&args, None)
    };
    let out = run(&["--strict"], input.to_str().unwrap());
    assert_exit(&out, 2);
    assert!(text(&out.stderr).ends_with("ddns: 1 line skipped (--strict): nothing written\n"));
    assert!(!output.exists());

    let out = run(&["--provider", "Bad Id"], input.to_str().unwrap());
    assert_exit(&out, 2);
    assert!(
        text(&out.stderr).starts_with("ddns: --provider: "),
        "{}",
        text(&out.stderr)
    );

    let missing = temp_dir(GROUP).join("missing.txt");
    let out = run(&[], missing.to_str().unwrap());
    assert_exit(&out, 2);
    assert!(
        text(&out.stderr).contains("cannot read"),
        "{}",
        text(&out.stderr)
    );

    let empty = temp(GROUP, "empty.txt", b"# nothing\n127.0.0.1 localhost\n");
    let out = run(&[], empty.to_str().unwrap());
    assert_exit(&out, 2);
    assert_eq!(
        text(&out.stderr).lines().last().unwrap(),
        "ddns: no entries found: no line of the input is a hosts entry"
    );
    assert!(!output.exists());
}

/// (block, allow) entries of a plain list.
fn entries(list: &str) -> (BTreeSet<String>, BTreeSet<String>) {
    let mut block = BTreeSet::new();
    let mut allow = BTreeSet::new();
    for line in list
        .lines()
        .filter(|l| !l.starts_with('#') && !l.is_empty())
    {
        let domain = line.split_whitespace().next().unwrap();
        match domain.strip_prefix('!') {
            Some(domain) => allow.insert(domain.to_string()),
            // A zone (`*.domain`) and a listed domain are the same block entry here.
            None => block.insert(domain.trim_start_matches("*.").to_string()),
        };
    }
    (block, allow)
}

#[test]
fn every_export_of_the_default_list_imports_back() {
    let out = ddns(&["export", "--format", "text"], None);
    assert_exit(&out, 0);
    let (block, allow) = entries(text(&out.stdout));
    for (export_format, import_format, keeps_exceptions) in [
        ("rpz", "rpz", true),
        ("unbound", "unbound", true),
        ("dnsmasq", "dnsmasq", true),
        ("adblock", "adblock", true),
        ("text", "text", true),
        ("hosts", "hosts", false),
    ] {
        let exported = ddns(&["export", "--format", export_format], None);
        assert_exit(&exported, 0);
        let (list, stderr) = import(
            import_format,
            &format!("default-{export_format}"),
            text(&exported.stdout),
            &[],
        );
        assert!(stderr.contains(" 0 skipped, "), "{export_format}: {stderr}");
        let (imported_block, imported_allow) = entries(&list);
        assert_eq!(imported_block, block, "{export_format}");
        if keeps_exceptions {
            assert_eq!(imported_allow, allow, "{export_format}");
        } else {
            assert!(imported_allow.is_empty());
        }
    }
}
