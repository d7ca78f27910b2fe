//! `make install PREFIX=...` puts the header, both libraries, ddns.pc and the command under a
//! prefix, and the quickstart builds exactly as README shows:
//! `cc quickstart.c $(pkg-config --cflags --libs ddns)`.

use std::path::Path;
use std::process::Command;

use ddns_tests::{repo_root, target_dir};

fn run(command: &mut Command) -> String {
    let out = command
        .output()
        .unwrap_or_else(|err| panic!("{command:?}: {err}"));
    assert!(
        out.status.success(),
        "{command:?} failed:\n{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn make_install_then_pkg_config_builds_the_quickstart_against_the_prefix() {
    let prefix = target_dir().join("install-test");
    let _ = std::fs::remove_dir_all(&prefix);
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    run(Command::new("make")
        .arg("-s")
        .arg("install")
        .arg(format!("PREFIX={}", prefix.display()))
        .arg("PROFILE=debug")
        .arg(format!("CARGO={cargo}"))
        .arg(format!("TARGET_DIR={}", target_dir().display()))
        .current_dir(repo_root()));

    let lib = prefix.join("lib");
    for file in [
        "include/ddns.h",
        "lib/libddns.a",
        "lib/libddns.so",
        "lib/libddns.so.1",
        "lib/pkgconfig/ddns.pc",
        "bin/ddns",
    ] {
        assert!(prefix.join(file).exists(), "{file} was not installed");
    }

    let pkg_config = |args: &[&str]| {
        run(Command::new("pkg-config")
            .args(args)
            .arg("ddns")
            .env("PKG_CONFIG_PATH", lib.join("pkgconfig")))
    };
    assert_eq!(
        pkg_config(&["--modversion"]).trim(),
        env!("CARGO_PKG_VERSION")
    );
    let flags = pkg_config(&["--cflags", "--libs"]);

    let exe = prefix.join("quickstart");
    let quickstart = repo_root().join("examples/c/quickstart.c");
    run(Command::new("sh").arg("-c").arg(format!(
        "cc {} {} -o {}",
        quickstart.display(),
        flags.trim(),
        exe.display()
    )));
    let printed = run(Command::new(&exe).env("LD_LIBRARY_PATH", &lib));
    assert_eq!(
        printed,
        "x7.duckdns.org: Duck DNS (duckdns), abuse unknown\n\
         www.example.com: no match\n\
         cam01.ddns.net:8080: No-IP (noip), abuse responsive\n"
    );
    assert!(Path::new(&lib.join("libddns.so.1")).is_symlink());
}
