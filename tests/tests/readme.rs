//! README.md is executable: its set-up commands are the ones CI runs, and every `$ ddns`
//! line in a `console` block prints exactly what the README shows under it.

use std::process::Command;

use ddns_tests::{ddns_binary, repo_root};

fn readme() -> String {
    std::fs::read_to_string(repo_root().join("README.md")).expect("read README.md")
}

/// The fenced code blocks of `text` with their info strings.
fn code_blocks(text: &str) -> Vec<(String, Vec<String>)> {
    let mut blocks = Vec::new();
    let mut current: Option<(String, Vec<String>)> = None;
    for line in text.lines() {
        match (line.strip_prefix("```"), current.take()) {
            (Some(info), None) => current = Some((info.trim().to_string(), Vec::new())),
            (Some(_), Some(block)) => blocks.push(block),
            (None, Some(mut block)) => {
                block.1.push(line.to_string());
                current = Some(block);
            }
            (None, None) => {}
        }
    }
    blocks
}

#[test]
fn readme_opens_with_two_setup_commands_and_ci_runs_the_test_one() {
    let text = readme();
    let (info, lines) = code_blocks(&text).into_iter().next().expect("a code block");
    assert_eq!(info, "sh");
    assert_eq!(
        lines,
        [
            "cargo run --release -p ddns-cli -- check x7.duckdns.org www.example.com",
            "bash scripts/test.sh",
        ]
    );
    let ci = std::fs::read_to_string(repo_root().join(".ci/run")).expect("read .ci/run");
    assert!(
        ci.lines()
            .any(|line| line.trim() == "exec bash scripts/test.sh"),
        ".ci/run must run the README's test command"
    );
}

#[test]
fn every_console_example_prints_what_the_readme_shows() {
    let ddns = ddns_binary();
    let mut ran = 0;
    for (info, lines) in code_blocks(&readme()) {
        if info != "console" {
            continue;
        }
        let mut lines = lines.into_iter().peekable();
        while let Some(line) = lines.next() {
            let command = line
                .strip_prefix("$ ddns ")
                .expect("console blocks start with '$ ddns '");
            let mut expected = String::new();
            while let Some(output) = lines.next_if(|l| !l.starts_with("$ ")) {
                expected.push_str(&output);
                expected.push('\n');
            }
            let out = Command::new(&ddns)
                .args(command.split_whitespace())
                .output()
                .expect("run ddns");
            assert_eq!(
                String::from_utf8_lossy(&out.stdout),
                expected,
                "$ ddns {command}"
            );
            ran += 1;
        }
    }
    assert!(ran >= 2, "README lost its console examples");
}
