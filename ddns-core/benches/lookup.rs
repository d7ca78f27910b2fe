//! Lookup speed of the matcher against the alternatives a user would otherwise write, on the
//! same list and the same million names, in one run; plus the floors (touching every byte,
//! hashing every name once), threads, load and build costs.
//!
//! `cargo bench -p ddns-core --bench lookup` runs every list size; set
//! `DDNS_BENCH_SIZES=default,20000` to pick sizes and `DDNS_BENCH_THREADS=1,2,4,8,16` for the
//! thread counts. `scripts/bench-summary.py` turns criterion's results into the tables of
//! docs/benchmarks.md.

#[path = "workload/mod.rs"]
mod workload;

use std::collections::HashMap;
use std::hash::{BuildHasher, Hasher};
use std::hint::black_box;
use std::time::{Duration, Instant};

use aho_corasick::{AhoCorasick, Anchored, Input, MatchKind, StartKind};
use criterion::{BatchSize, Criterion, Throughput, criterion_group, criterion_main};
use ddns_core::{Matcher, MatcherBuilder};
use fst::raw::Output;

const NAMES: usize = 1_000_000;
/// The largest list each costly alternative is built for (their build time and memory grow
/// far faster than the FST's).
const AHO_CORASICK_MAX: usize = 200_000;
const REGEX_MAX: usize = 20_000;

/// An answer every implementation gives: where the base domain starts, and its provider.
type Answer = Option<(usize, u32)>;

fn strip_dot(name: &[u8]) -> &[u8] {
    name.strip_suffix(b".").unwrap_or(name)
}

fn ours(matcher: &Matcher, name: &[u8]) -> Answer {
    matcher
        .find(name)
        .map(|found| (found.base_span().start, found.provider().index() as u32))
}

/// A hash map from entry to provider, probed with every label-boundary suffix of a
/// lower-cased copy, longest first.
struct HashSuffixWalk<S> {
    map: HashMap<Box<[u8]>, u32, S>,
}

impl<S: BuildHasher + Default> HashSuffixWalk<S> {
    fn new(entries: &[String]) -> Self {
        let mut map = HashMap::with_capacity_and_hasher(entries.len(), S::default());
        for (index, entry) in entries.iter().enumerate() {
            map.insert(entry.as_bytes().into(), (index % 100) as u32);
        }
        HashSuffixWalk { map }
    }

    fn find(&self, buffer: &mut Vec<u8>, name: &[u8]) -> Answer {
        buffer.clear();
        buffer.extend(strip_dot(name).iter().map(u8::to_ascii_lowercase));
        let mut start = 0;
        loop {
            if let Some(&provider) = self.map.get(&buffer[start..]) {
                return Some((start, provider));
            }
            start += buffer[start..].iter().position(|&b| b == b'.')? + 1;
        }
    }
}

/// An `fst::Map` over reversed entries, walked byte by byte over a reversed lower-cased copy.
struct PlainFstWalk {
    map: fst::Map<Vec<u8>>,
}

impl PlainFstWalk {
    fn new(entries: &[String]) -> Self {
        let mut keys: Vec<(Vec<u8>, u64)> = entries
            .iter()
            .enumerate()
            .map(|(i, e)| (e.bytes().rev().collect(), (i % 100) as u64))
            .collect();
        keys.sort();
        PlainFstWalk {
            map: fst::Map::from_iter(keys).unwrap(),
        }
    }

    fn find(&self, buffer: &mut Vec<u8>, name: &[u8]) -> Answer {
        buffer.clear();
        buffer.extend(strip_dot(name).iter().rev().map(u8::to_ascii_lowercase));
        let fst = self.map.as_fst();
        let mut node = fst.root();
        let mut out = Output::zero();
        let mut found = None;
        for (at, &byte) in buffer.iter().enumerate() {
            let Some(index) = node.find_input(byte) else {
                break;
            };
            let transition = node.transition(index);
            out = out.cat(transition.out);
            node = fst.node(transition.addr);
            if node.is_final() && buffer.get(at + 1).is_none_or(|&b| b == b'.') {
                let value = out.cat(node.final_output()).value();
                found = Some((buffer.len() - at - 1, value as u32));
            }
        }
        found
    }
}

/// Aho-Corasick over reversed entries with a `.` after each, searched anchored and
/// leftmost-longest in the reversed lower-cased name followed by a `.`.
struct ReversedAhoCorasick {
    automaton: AhoCorasick,
}

impl ReversedAhoCorasick {
    fn new(entries: &[String]) -> Self {
        let patterns: Vec<Vec<u8>> = entries
            .iter()
            .map(|e| e.bytes().rev().chain([b'.']).collect())
            .collect();
        let automaton = AhoCorasick::builder()
            .match_kind(MatchKind::LeftmostLongest)
            .start_kind(StartKind::Anchored)
            .build(patterns)
            .unwrap();
        ReversedAhoCorasick { automaton }
    }

    fn find(&self, buffer: &mut Vec<u8>, name: &[u8]) -> Answer {
        let name = strip_dot(name);
        buffer.clear();
        buffer.extend(name.iter().rev().map(u8::to_ascii_lowercase));
        buffer.push(b'.');
        let found = self
            .automaton
            .find(Input::new(buffer.as_slice()).anchored(Anchored::Yes))?;
        let entry_len = found.end() - 1;
        Some((
            name.len() - entry_len,
            (found.pattern().as_usize() % 100) as u32,
        ))
    }
}

/// One case-insensitive alternation `(?:^|\.)(?:e1|e2|...)$`, then a map from the matched
/// entry to its provider.
struct RegexAlternation {
    regex: regex::bytes::Regex,
    providers: HashMap<Box<[u8]>, u32, rustc_hash::FxBuildHasher>,
}

impl RegexAlternation {
    fn new(entries: &[String]) -> Self {
        let alternatives: Vec<String> = entries.iter().map(|e| regex::escape(e)).collect();
        let pattern = format!("(?i-u)(?:^|\\.)(?:{})$", alternatives.join("|"));
        let regex = regex::bytes::RegexBuilder::new(&pattern)
            .size_limit(1 << 30)
            .dfa_size_limit(1 << 30)
            .build()
            .unwrap();
        let providers = entries
            .iter()
            .enumerate()
            .map(|(i, e)| (e.as_bytes().into(), (i % 100) as u32))
            .collect();
        RegexAlternation { regex, providers }
    }

    fn find(&self, buffer: &mut Vec<u8>, name: &[u8]) -> Answer {
        let name = strip_dot(name);
        let found = self.regex.find(name)?;
        let start = found.start() + usize::from(name[found.start()] == b'.');
        buffer.clear();
        buffer.extend(name[start..].iter().map(u8::to_ascii_lowercase));
        Some((start, *self.providers.get(buffer.as_slice())?))
    }
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
fn agree(label: &str, names: &[Vec<u8>], matcher: &Matcher, mut find: impl FnMut(&[u8]) -> Answer) {
    for name in names {
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
        let matcher = Matcher::from_bytes(bytes).unwrap();
        let names = workload::names(&entries, NAMES);
        let hits = names.iter().filter(|n| matcher.is_match(n)).count();
        eprintln!(
            "list {size_label}: {} entries, compiled {} bytes in {build:.2?}; {hits} of {NAMES} names match",
            entries.len(),
            matcher.as_bytes().len(),
        );

        let mut group = c.benchmark_group(format!("lookup/{size_label}"));
        group.throughput(Throughput::Elements(NAMES as u64));
        group.sample_size(10);
        group.warm_up_time(Duration::from_secs(1));
        group.measurement_time(Duration::from_secs(3));

        group.bench_function("ddns", |b| {
            b.iter(|| {
                for name in &names {
                    black_box(matcher.find(black_box(name)));
                }
            })
        });

        let mut buffer = Vec::with_capacity(300);
        let std_hash = HashSuffixWalk::<std::hash::RandomState>::new(&entries);
        agree("hashmap-std", &names, &matcher, |n| {
            std_hash.find(&mut buffer, n)
        });
        group.bench_function("hashmap-std", |b| {
            b.iter(|| {
                for name in &names {
                    black_box(std_hash.find(&mut buffer, black_box(name)));
                }
            })
        });
        drop(std_hash);

        let fx_hash = HashSuffixWalk::<rustc_hash::FxBuildHasher>::new(&entries);
        agree("hashmap-fx", &names, &matcher, |n| {
            fx_hash.find(&mut buffer, n)
        });
        group.bench_function("hashmap-fx", |b| {
            b.iter(|| {
                for name in &names {
                    black_box(fx_hash.find(&mut buffer, black_box(name)));
                }
            })
        });
        drop(fx_hash);

        let plain = PlainFstWalk::new(&entries);
        agree("fst-plain", &names, &matcher, |n| {
            plain.find(&mut buffer, n)
        });
        group.bench_function("fst-plain", |b| {
            b.iter(|| {
                for name in &names {
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
                    for name in &names {
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
                    for name in &names {
                        black_box(regex.find(&mut buffer, black_box(name)));
                    }
                })
            });
        }

        group.bench_function("floor-touch-bytes", |b| {
            b.iter(|| {
                for name in &names {
                    black_box(black_box(name).iter().fold(0u8, |acc, &b| acc ^ b));
                }
            })
        });
        group.bench_function("floor-hash-once", |b| {
            b.iter(|| {
                for name in &names {
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
fn threads(c: &mut Criterion, size_label: &str, matcher: &Matcher, names: &[Vec<u8>]) {
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
                                for name in names {
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
    group.finish();
    std::fs::remove_file(&path).unwrap();
}

criterion_group!(benches, lookups);
criterion_main!(benches);
