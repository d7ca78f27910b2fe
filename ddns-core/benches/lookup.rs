//! Lookup speed of the matcher against the alternatives a user would otherwise write, on the
//! same list and the same million names, in one run; plus the floors (touching every byte,
//! hashing every name once), threads, load and build costs.
//!
//! `cargo bench -p ddns-core --bench lookup` runs every list size; set
//! `DDNS_BENCH_SIZES=default,20000` to pick sizes and `DDNS_BENCH_THREADS=1,2,4,8,16` for the
//! thread counts. `scripts/bench-summary.py` turns criterion's results into the tables of
//! docs/benchmarks.md.

#[path = "alternatives/mod.rs"]
mod alternatives;

use std::alloc::{GlobalAlloc, Layout, System};
use std::hash::Hasher;
use std::hint::black_box;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use alternatives::{
    AHO_CORASICK_MAX, Answer, FstFrontTable, HashSuffixWalk, PlainFstWalk, REGEX_MAX,
    RegexAlternation, ReversedAhoCorasick, TunedHashWalk, ours,
};
use criterion::{BatchSize, Criterion, Throughput, criterion_group, criterion_main};
use ddns_core::{Matcher, MatcherBuilder};
use ddns_test_support::workload;

const NAMES: usize = 1_000_000;

/// Counts the bytes allocated and not yet freed, so that each implementation's resident heap
/// can be reported: what building it leaves allocated. Lookups allocate nothing, so the
/// counting costs the timed loops nothing.
struct CountingAllocator;

static LIVE_BYTES: AtomicUsize = AtomicUsize::new(0);

// SAFETY: every call is passed on to the system allocator unchanged; only a counter is kept.
unsafe impl GlobalAlloc for CountingAllocator {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        LIVE_BYTES.fetch_add(layout.size(), Ordering::Relaxed);
        // SAFETY: forwarded as is.
        unsafe { System.alloc(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        LIVE_BYTES.fetch_sub(layout.size(), Ordering::Relaxed);
        // SAFETY: forwarded as is.
        unsafe { System.dealloc(ptr, layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        LIVE_BYTES.fetch_add(new_size, Ordering::Relaxed);
        LIVE_BYTES.fetch_sub(layout.size(), Ordering::Relaxed);
        // SAFETY: forwarded as is.
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static ALLOCATOR: CountingAllocator = CountingAllocator;

/// Builds something and reports the heap it keeps.
fn built<T>(label: &str, size_label: &str, build: impl FnOnce() -> T) -> T {
    let before = LIVE_BYTES.load(Ordering::Relaxed);
    let value = build();
    let kept = LIVE_BYTES.load(Ordering::Relaxed).saturating_sub(before);
    eprintln!("heap {size_label} {label}: {kept} bytes");
    value
}

/// What a list costs in memory when it is mapped from a file, as engines load it
/// (`Matcher::open`, `ddns_matcher_open`): the pages of the mapping that one pass of the
/// workload made resident (`Rss` in /proc/self/smaps), plus what loading built on the heap.
/// Sections lookups never read, such as the FST, stay on disk.
fn resident_when_mapped(size_label: &str, bytes: &[u8], names: &workload::Names) {
    let path = std::env::temp_dir().join(format!(
        "ddns-bench-{}-{size_label}.ddns",
        std::process::id()
    ));
    std::fs::write(&path, bytes).unwrap();
    let before = LIVE_BYTES.load(Ordering::Relaxed);
    let matcher = Matcher::open(&path).unwrap();
    let heap = LIVE_BYTES.load(Ordering::Relaxed).saturating_sub(before);
    let hits = names.iter().filter(|n| matcher.find(n).is_some()).count();
    let smaps = std::fs::read_to_string("/proc/self/smaps").unwrap_or_default();
    let wanted = path.to_string_lossy().into_owned();
    let mut in_mapping = false;
    let mut mapped_kib = 0usize;
    for line in smaps.lines() {
        // A mapping's header line starts with its address range, `start-end`.
        let first = line.split_whitespace().next().unwrap_or("");
        if first.contains('-') && first.chars().all(|c| c.is_ascii_hexdigit() || c == '-') {
            in_mapping = line.ends_with(&wanted);
        } else if in_mapping && let Some(kib) = line.strip_prefix("Rss:") {
            mapped_kib += kib
                .trim()
                .trim_end_matches("kB")
                .trim()
                .parse::<usize>()
                .unwrap_or(0);
        }
    }
    eprintln!(
        "resident {size_label} ddns mapped: {} bytes of the {}-byte file resident after {} names ({hits} matched), plus {heap} heap bytes",
        mapped_kib * 1024,
        bytes.len(),
        names.len(),
    );
    drop(matcher);
    let _ = std::fs::remove_file(&path);
}

fn sizes() -> Vec<(String, Option<usize>)> {
    let spec = std::env::var("DDNS_BENCH_SIZES")
        .unwrap_or_else(|_| "default,20000,200000,2000000,10000000".into());
    spec.split(',')
        .map(|size| match size.trim() {
            "default" => ("default".to_string(), None),
            number => (
                number.to_string(),
                Some(number.parse().expect("a list size")),
            ),
        })
        .collect()
}

/// Checks an alternative against the matcher on every name before it is timed.
fn agree(
    label: &str,
    names: &workload::Names,
    matcher: &Matcher,
    mut find: impl FnMut(&[u8]) -> Answer,
) {
    for name in names.iter() {
        assert_eq!(
            find(name),
            ours(matcher, name),
            "{label} disagrees on {}",
            name.escape_ascii()
        );
    }
}

fn lookups(c: &mut Criterion) {
    for (size_label, size) in sizes() {
        let default_len = workload::default_entries().len();
        let (catalog, entries) = workload::synthetic_catalog(size.unwrap_or(default_len));
        let started = Instant::now();
        let bytes = MatcherBuilder::new().compile(&catalog).unwrap();
        let build = started.elapsed();
        drop(catalog);
        // The compiled bytes, owned by the matcher, and what loading derives from them.
        let matcher = built("ddns", &size_label, || {
            Matcher::from_bytes(bytes.clone()).unwrap()
        });
        let names = workload::names(&entries, NAMES);
        resident_when_mapped(&size_label, &bytes, &names);
        drop(bytes);
        let hits = names.iter().filter(|n| matcher.is_match(n)).count();
        eprintln!(
            "list {size_label}: {} entries, compiled {} bytes in {build:.2?}, {} heap bytes once loaded; {hits} of {NAMES} names match",
            entries.len(),
            matcher.as_bytes().len(),
            matcher.memory_usage(),
        );

        let mut group = c.benchmark_group(format!("lookup/{size_label}"));
        group.throughput(Throughput::Elements(NAMES as u64));
        group.sample_size(10);
        group.warm_up_time(Duration::from_secs(1));
        group.measurement_time(Duration::from_secs(3));

        group.bench_function("ddns", |b| {
            b.iter(|| {
                for name in names.iter() {
                    black_box(matcher.find(black_box(name)));
                }
            })
        });

        let mut buffer = Vec::with_capacity(300);
        let tuned = built("hashset-tuned", &size_label, || {
            TunedHashWalk::new(&entries)
        });
        agree("hashset-tuned", &names, &matcher, |n| {
            tuned.find(&mut buffer, n)
        });
        group.bench_function("hashset-tuned", |b| {
            b.iter(|| {
                for name in names.iter() {
                    black_box(tuned.find(&mut buffer, black_box(name)));
                }
            })
        });
        drop(tuned);

        let front = built("fst-front-table", &size_label, || {
            FstFrontTable::new(&entries)
        });
        agree("fst-front-table", &names, &matcher, |n| {
            front.find(&mut buffer, n)
        });
        group.bench_function("fst-front-table", |b| {
            b.iter(|| {
                for name in names.iter() {
                    black_box(front.find(&mut buffer, black_box(name)));
                }
            })
        });
        drop(front);

        let std_hash = built("hashmap-std", &size_label, || {
            HashSuffixWalk::<std::hash::RandomState>::new(&entries)
        });
        agree("hashmap-std", &names, &matcher, |n| {
            std_hash.find(&mut buffer, n)
        });
        group.bench_function("hashmap-std", |b| {
            b.iter(|| {
                for name in names.iter() {
                    black_box(std_hash.find(&mut buffer, black_box(name)));
                }
            })
        });
        drop(std_hash);

        let fx_hash = built("hashmap-fx", &size_label, || {
            HashSuffixWalk::<rustc_hash::FxBuildHasher>::new(&entries)
        });
        agree("hashmap-fx", &names, &matcher, |n| {
            fx_hash.find(&mut buffer, n)
        });
        group.bench_function("hashmap-fx", |b| {
            b.iter(|| {
                for name in names.iter() {
                    black_box(fx_hash.find(&mut buffer, black_box(name)));
                }
            })
        });
        drop(fx_hash);

        let plain = built("fst-plain", &size_label, || PlainFstWalk::new(&entries));
        agree("fst-plain", &names, &matcher, |n| {
            plain.find(&mut buffer, n)
        });
        group.bench_function("fst-plain", |b| {
            b.iter(|| {
                for name in names.iter() {
                    black_box(plain.find(&mut buffer, black_box(name)));
                }
            })
        });
        drop(plain);

        if entries.len() <= AHO_CORASICK_MAX {
            let aho = ReversedAhoCorasick::new(&entries);
            agree("aho-corasick", &names, &matcher, |n| {
                aho.find(&mut buffer, n)
            });
            group.bench_function("aho-corasick", |b| {
                b.iter(|| {
                    for name in names.iter() {
                        black_box(aho.find(&mut buffer, black_box(name)));
                    }
                })
            });
        }

        if entries.len() <= REGEX_MAX {
            let regex = RegexAlternation::new(&entries);
            agree("regex", &names, &matcher, |n| regex.find(&mut buffer, n));
            group.bench_function("regex", |b| {
                b.iter(|| {
                    for name in names.iter() {
                        black_box(regex.find(&mut buffer, black_box(name)));
                    }
                })
            });
        }

        group.bench_function("floor-touch-bytes", |b| {
            b.iter(|| {
                for name in names.iter() {
                    black_box(black_box(name).iter().fold(0u8, |acc, &b| acc ^ b));
                }
            })
        });
        group.bench_function("floor-hash-once", |b| {
            b.iter(|| {
                for name in names.iter() {
                    let mut hasher = rustc_hash::FxHasher::default();
                    hasher.write(black_box(name));
                    black_box(hasher.finish());
                }
            })
        });
        group.finish();

        threads(c, &size_label, &matcher, &names);
        loading(c, &size_label, &matcher);
    }
}

/// Lookups per second with several threads sharing one matcher.
fn threads(c: &mut Criterion, size_label: &str, matcher: &Matcher, names: &workload::Names) {
    let counts: Vec<usize> = std::env::var("DDNS_BENCH_THREADS")
        .unwrap_or_else(|_| "1,2".into())
        .split(',')
        .map(|n| n.trim().parse().expect("a thread count"))
        .collect();
    let mut group = c.benchmark_group(format!("threads/{size_label}"));
    group.sample_size(10);
    group.warm_up_time(Duration::from_secs(1));
    group.measurement_time(Duration::from_secs(3));
    for count in counts {
        group.throughput(Throughput::Elements((NAMES * count) as u64));
        group.bench_function(format!("{count}"), |b| {
            b.iter_custom(|iterations| {
                let started = Instant::now();
                for _ in 0..iterations {
                    std::thread::scope(|scope| {
                        for _ in 0..count {
                            scope.spawn(|| {
                                for name in names.iter() {
                                    black_box(matcher.find(black_box(name)));
                                }
                            });
                        }
                    });
                }
                started.elapsed()
            })
        });
    }
    group.finish();
}

/// Loading a compiled list from bytes and from a memory-mapped file.
fn loading(c: &mut Criterion, size_label: &str, matcher: &Matcher) {
    let bytes = matcher.as_bytes().to_vec();
    let path = std::env::temp_dir().join(format!(
        "ddns-bench-{}-{size_label}.ddns",
        std::process::id()
    ));
    std::fs::write(&path, &bytes).unwrap();
    let mut group = c.benchmark_group(format!("load/{size_label}"));
    group.sample_size(10);
    group.bench_function("from_bytes", |b| {
        b.iter_batched(
            || bytes.clone(),
            |copy| Matcher::from_bytes(copy).unwrap(),
            BatchSize::PerIteration,
        )
    });
    group.bench_function("open_mmap", |b| b.iter(|| Matcher::open(&path).unwrap()));
    // The full index check for lists from untrusted sources (`Matcher::verify`).
    group.bench_function("verify", |b| b.iter(|| matcher.verify().unwrap()));
    group.finish();
    std::fs::remove_file(&path).unwrap();
}

criterion_group!(benches, lookups);
criterion_main!(benches);
