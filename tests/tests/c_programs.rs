//! C programs built against include/ddns.h with the system C compiler (found by the `cc`
//! crate), as strict C99 and as C++, linked against libddns.so and libddns.a, run, and
//! compared with their expected output; then run again under valgrind memcheck, and built
//! with clang's AddressSanitizer (with LeakSanitizer) and UndefinedBehaviorSanitizer.

use std::path::{Path, PathBuf};
use std::process::Command;

use ddns_core::{Catalog, CatalogFormat, MatcherBuilder};
use ddns_tests::{LibraryKind, ddns_library, repo_root, target_dir};

/// The system libraries a Rust static library needs on Linux
/// (`rustc --print native-static-libs`); also `Libs.private` in ddns.pc.
const STATIC_DEPS: &[&str] = &[
    "-lgcc_s",
    "-lutil",
    "-lrt",
    "-lpthread",
    "-lm",
    "-ldl",
    "-lc",
];

/// The list text api.c builds from catalog text; compiled here for its `open` test.
const LIST: &str = "duckdns.org duckdns\n!www.duckdns.org duckdns\nddns.net noip\n";

#[derive(Clone, Copy, Debug)]
enum Language {
    C99,
    Cxx,
}

fn compiler(language: Language) -> cc::Tool {
    let mut build = cc::Build::new();
    build
        .cargo_metadata(false)
        .target(env!("DDNS_TEST_TARGET"))
        .host(env!("DDNS_TEST_HOST"))
        .opt_level(0)
        .debug(true)
        .cpp(matches!(language, Language::Cxx));
    build
        .try_get_compiler()
        .expect("a C/C++ compiler (install gcc and g++)")
}

fn out_dir() -> PathBuf {
    let dir = target_dir().join("c-tests");
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// Compiles `sources` (under tests/c/) into an executable linked against libddns.
fn build(name: &str, sources: &[&str], language: Language, kind: LibraryKind) -> PathBuf {
    build_with(
        name,
        sources,
        language,
        kind,
        compiler(language).to_command(),
    )
}

/// Like [`build`], with a given compiler command (and its extra flags).
fn build_with(
    name: &str,
    sources: &[&str],
    language: Language,
    kind: LibraryKind,
    mut command: Command,
) -> PathBuf {
    let library = ddns_library(kind);
    let exe = out_dir().join(format!("{name}-{language:?}-{kind:?}").to_lowercase());
    command.arg("-I").arg(repo_root().join("include"));
    match language {
        Language::C99 => command.args(["-std=c99", "-Wall", "-Wextra", "-Wpedantic", "-Werror"]),
        Language::Cxx => command.args(["-x", "c++", "-std=c++17", "-Wall", "-Wextra", "-Werror"]),
    };
    for source in sources {
        command.arg(repo_root().join("tests/c").join(source));
    }
    // Back to guessing by extension, so the library is not read as C++ source.
    command.args(["-x", "none", "-o"]).arg(&exe);
    match kind {
        LibraryKind::Shared => {
            let dir = library.parent().unwrap();
            command.arg(format!("-L{}", dir.display())).arg("-lddns");
            command.arg(format!("-Wl,-rpath,{}", dir.display()));
        }
        LibraryKind::Static => {
            command.arg(&library).args(STATIC_DEPS);
        }
    }
    let out = command.output().expect("run the C compiler");
    assert!(
        out.status.success(),
        "{command:?} failed:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    exe
}

/// The compiled list the programs open, written once per test run: tests run at the same
/// time, and rewriting the file under another test's running program would hand it an
/// empty or half-written list.
fn compiled_list() -> PathBuf {
    static WRITTEN: std::sync::OnceLock<PathBuf> = std::sync::OnceLock::new();
    WRITTEN
        .get_or_init(|| {
            let catalog = Catalog::parse(LIST, CatalogFormat::List, "list.txt").unwrap();
            let bytes = MatcherBuilder::new().compile(&catalog).unwrap();
            let path = out_dir().join("api-list.ddns");
            let fresh = out_dir().join("api-list.ddns.new");
            std::fs::write(&fresh, bytes).unwrap();
            std::fs::rename(&fresh, &path).unwrap();
            path
        })
        .clone()
}

fn expected(name: &str) -> String {
    let text = std::fs::read_to_string(repo_root().join("tests/c").join(name)).unwrap();
    text.replace("@VERSION@", env!("CARGO_PKG_VERSION"))
}

fn run(exe: &Path, args: &[&Path], wrapper: Option<&[&str]>) -> String {
    let command = match wrapper {
        Some([tool, options @ ..]) => {
            let mut command = Command::new(tool);
            command.args(options).arg(exe);
            command
        }
        _ => Command::new(exe),
    };
    run_command(command, exe, args)
}

fn run_command(mut command: Command, exe: &Path, args: &[&Path]) -> String {
    let out = command.args(args).output().expect("run the C program");
    assert!(
        out.status.success(),
        "{} exited with {:?}:\n{}\n{}",
        exe.display(),
        out.status,
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

fn api_runs(language: Language, kind: LibraryKind) {
    let exe = build("api", &["api.c"], language, kind);
    let list = compiled_list();
    let missing = out_dir().join("no-such-list.ddns");
    assert_eq!(
        run(&exe, &[&list, &missing], None),
        expected("api.expected")
    );
}

#[test]
fn c99_program_against_the_shared_library_prints_the_expected_answers() {
    api_runs(Language::C99, LibraryKind::Shared);
}

#[test]
fn c99_program_against_the_static_library_prints_the_expected_answers() {
    api_runs(Language::C99, LibraryKind::Static);
}

#[test]
fn cxx_program_against_the_shared_library_prints_the_expected_answers() {
    api_runs(Language::Cxx, LibraryKind::Shared);
}

#[test]
fn cxx_program_against_the_static_library_prints_the_expected_answers() {
    api_runs(Language::Cxx, LibraryKind::Static);
}

#[test]
fn the_header_links_from_two_translation_units() {
    for language in [Language::C99, Language::Cxx] {
        let exe = build(
            "two-units",
            &["two_units_a.c", "two_units_b.c"],
            language,
            LibraryKind::Shared,
        );
        assert_eq!(run(&exe, &[], None), "1 1\n");
    }
}

#[test]
fn the_quickstart_example_builds_and_matches_a_default_name() {
    let library = ddns_library(LibraryKind::Shared);
    let dir = library.parent().unwrap();
    let exe = out_dir().join("quickstart");
    let mut command = compiler(Language::C99).to_command();
    command
        .args(["-std=c99", "-Wall", "-Wextra", "-Werror", "-I"])
        .arg(repo_root().join("include"))
        .arg(repo_root().join("examples/c/quickstart.c"))
        .arg("-o")
        .arg(&exe)
        .arg(format!("-L{}", dir.display()))
        .arg("-lddns")
        .arg(format!("-Wl,-rpath,{}", dir.display()));
    let out = command.output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let printed = run(&exe, &[], None);
    assert!(
        printed.starts_with("x7.duckdns.org: Duck DNS (duckdns), abuse unknown\n"),
        "{printed}"
    );
    assert!(printed.contains("www.example.com: no match\n"), "{printed}");
}

#[test]
fn worker_threads_match_through_a_thousand_reloads_from_c() {
    for kind in [LibraryKind::Shared, LibraryKind::Static] {
        let exe = build_threaded("reload-threads", kind);
        assert_eq!(
            run(&exe, &[], None),
            "reloads 1000, every answer from one whole list: yes\n"
        );
    }
}

#[test]
fn calls_from_a_thread_exit_destructor_work_without_a_message_and_never_panic() {
    for kind in [LibraryKind::Shared, LibraryKind::Static] {
        let exe = build("thread-exit", &["thread_exit.c"], Language::C99, kind);
        let out = Command::new(&exe).output().expect("run the C program");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(out.status.success(), "{kind:?}: {:?}\n{stderr}", out.status);
        assert_eq!(stderr, "", "{kind:?}: the library printed");
        assert_eq!(
            String::from_utf8_lossy(&out.stdout),
            "new_default: ok, last error \"\"\n\
             verify: ok, last error \"\"\n\
             open: io, last error \"\"\n\
             from_bytes: corrupt-list, last error \"\"\n\
             from_catalog: ok, last error \"\"\n\
             from_catalog (bad): catalog, last error \"\"\n",
            "{kind:?}"
        );
    }
}

/// Builds tests/c/reload_threads.c (C99 with POSIX threads, in glibc's libc).
fn build_threaded(name: &str, kind: LibraryKind) -> PathBuf {
    build(name, &["reload_threads.c"], Language::C99, kind)
}

/// valgrind memcheck: any error, or a definite or indirect leak, fails the run. valgrind
/// runs one thread at a time; `--fair-sched=yes` hands the lock round in turn, so that the
/// reload program's main thread, which yields after each of its 1,000 replacements, is not
/// starved by workers that never block (without it the run took from half a minute to over
/// twenty, depending on the machine's load).
const MEMCHECK: &[&str] = &[
    "valgrind",
    "--quiet",
    "--fair-sched=yes",
    "--error-exitcode=99",
    "--leak-check=full",
    "--errors-for-leak-kinds=definite,indirect",
    "--show-leak-kinds=definite,indirect",
];

#[test]
fn c_programs_run_clean_under_valgrind_memcheck() {
    let valgrind = Command::new("valgrind").arg("--version").output();
    assert!(
        valgrind.is_ok_and(|out| out.status.success()),
        "valgrind is not installed: install Debian's valgrind package (scripts/test.sh does)"
    );
    let list = compiled_list();
    let missing = out_dir().join("no-such-list.ddns");
    for kind in [LibraryKind::Shared, LibraryKind::Static] {
        let exe = build("api-valgrind", &["api.c"], Language::C99, kind);
        assert_eq!(
            run(&exe, &[&list, &missing], Some(MEMCHECK)),
            expected("api.expected")
        );
    }
}

#[test]
fn the_reload_threads_program_runs_clean_under_valgrind_memcheck() {
    let exe = build_threaded("reload-threads-valgrind", LibraryKind::Shared);
    assert_eq!(
        run(&exe, &[], Some(MEMCHECK)),
        "reloads 1000, every answer from one whole list: yes\n"
    );
}

/// clang with AddressSanitizer (LeakSanitizer included) and UndefinedBehaviorSanitizer,
/// every finding fatal. The Rust library itself is not instrumented: ASan watches every
/// allocation and free it makes through malloc, and every access the C side makes.
fn sanitizing_compiler(language: Language) -> Command {
    let clang = if matches!(language, Language::Cxx) {
        "clang++"
    } else {
        "clang"
    };
    let found = Command::new(clang).arg("--version").output();
    assert!(
        found.is_ok_and(|out| out.status.success()),
        "{clang} is not installed: install Debian's clang and libclang-rt-14-dev packages \
         (scripts/test.sh does)"
    );
    let mut command = Command::new(clang);
    command.args([
        "-g",
        "-O1",
        "-fno-omit-frame-pointer",
        "-fsanitize=address,undefined",
        "-fno-sanitize-recover=all",
    ]);
    command
}

fn run_sanitized(exe: &Path, args: &[&Path]) -> String {
    let mut command = Command::new(exe);
    command
        .env(
            "ASAN_OPTIONS",
            "detect_leaks=1:abort_on_error=0:exitcode=98",
        )
        .env(
            "UBSAN_OPTIONS",
            "print_stacktrace=1:halt_on_error=1:exitcode=97",
        );
    run_command(command, exe, args)
}

#[test]
fn c_programs_run_clean_under_address_and_undefined_behavior_sanitizers() {
    let list = compiled_list();
    let missing = out_dir().join("no-such-list.ddns");
    for kind in [LibraryKind::Shared, LibraryKind::Static] {
        for language in [Language::C99, Language::Cxx] {
            let exe = build_with(
                "api-asan-ubsan",
                &["api.c"],
                language,
                kind,
                sanitizing_compiler(language),
            );
            assert_eq!(
                run_sanitized(&exe, &[&list, &missing]),
                expected("api.expected")
            );
        }
        let exe = build_with(
            "reload-threads-asan-ubsan",
            &["reload_threads.c"],
            Language::C99,
            kind,
            sanitizing_compiler(Language::C99),
        );
        assert_eq!(
            run_sanitized(&exe, &[]),
            "reloads 1000, every answer from one whole list: yes\n"
        );
    }
}

#[test]
fn the_leak_sanitizer_sees_a_matcher_the_caller_never_frees() {
    // The control for the test above: a program that leaks a matcher must fail there.
    let exe = build_with(
        "leaks-a-matcher",
        &["leaks_a_matcher.c"],
        Language::C99,
        LibraryKind::Static,
        sanitizing_compiler(Language::C99),
    );
    let out = Command::new(&exe)
        .env("ASAN_OPTIONS", "detect_leaks=1:exitcode=98")
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(98), "{stderr}");
    assert!(
        stderr.contains("LeakSanitizer: detected memory leaks"),
        "{stderr}"
    );
    // The leaked blocks are the Rust library's own allocations.
    assert!(stderr.contains("alloc::alloc"), "{stderr}");
}
