//! The distribution of single-lookup latency: each name of the workload is timed on its own
//! with the CPU's time-stamp counter, and the median, 90th and 99th percentiles are printed
//! for ddns and for the alternatives of the lookup bench, at each list size. Criterion's
//! figures (lookup bench) are means over a million names; these are medians over names, the
//! figure an engine sees for a typical packet.
//!
//! Where the counter advances in coarse steps (about 10 ns on a VM), a percentile below one
//! step is printed as `< step`: the counter cannot tell it apart from zero.
//!
//! `cargo bench -p ddns-core --bench latency` (sizes: `DDNS_BENCH_SIZES`, as for lookup).
//! x86-64 only (it reads the TSC); elsewhere it says so and exits.

#[path = "alternatives/mod.rs"]
mod alternatives;

use std::hint::black_box;
use std::time::Instant;

use alternatives::{
    AHO_CORASICK_MAX, HashSuffixWalk, PlainFstWalk, REGEX_MAX, RegexAlternation,
    ReversedAhoCorasick,
};
use ddns_core::Matcher;
use ddns_test_support::workload;

const NAMES: usize = 1_000_000;

#[cfg(target_arch = "x86_64")]
fn ticks() -> u64 {
    // SAFETY: RDTSCP exists on every x86-64 CPU this runs on; it waits for earlier
    // instructions, so the lookup being timed has finished.
    unsafe {
        let mut aux = 0;
        std::arch::x86_64::__rdtscp(&mut aux)
    }
}

#[cfg(not(target_arch = "x86_64"))]
fn ticks() -> u64 {
    0
}

/// Nanoseconds per tick, measured against the monotonic clock.
fn tick_ns() -> f64 {
    let (start, clock) = (ticks(), Instant::now());
    while clock.elapsed().as_millis() < 200 {}
    clock.elapsed().as_nanos() as f64 / (ticks() - start) as f64
}

/// Times `find` on every name; returns (p50, p90, p99) in ns, less the timer's own cost.
fn percentiles(
    names: &workload::Names,
    overhead: u64,
    ns: f64,
    mut find: impl FnMut(&[u8]),
) -> [f64; 3] {
    let mut samples = Vec::with_capacity(names.len());
    for name in names.iter() {
        let start = ticks();
        find(black_box(name));
        samples.push((ticks() - start).saturating_sub(overhead));
    }
    samples.sort_unstable();
    [0.5, 0.9, 0.99].map(|q| samples[(q * (samples.len() - 1) as f64) as usize] as f64 * ns)
}

fn main() {
    if cfg!(not(target_arch = "x86_64")) || std::env::args().any(|a| a == "--list") {
        eprintln!("latency: x86-64 only (reads the time-stamp counter)");
        return;
    }
    let ns = tick_ns();
    let spec = std::env::var("DDNS_BENCH_SIZES")
        .unwrap_or_else(|_| "default,20000,200000,2000000,10000000".into());
    println!("| list | implementation | p50 | p90 | p99 |");
    println!("| --- | --- | ---: | ---: | ---: |");
    for size in spec.split(',') {
        let default_len = workload::default_entries().len();
        let len = if size == "default" {
            default_len
        } else {
            size.parse().expect("a list size")
        };
        let (catalog, entries) = workload::synthetic_catalog(len);
        let matcher = Matcher::new(&catalog).unwrap();
        drop(catalog);
        let names = workload::names(&entries, NAMES);
        // The timer's own cost: the median of timing nothing.
        let mut empty: Vec<u64> = (0..10_000)
            .map(|_| {
                let start = ticks();
                ticks() - start
            })
            .collect();
        empty.sort_unstable();
        let overhead = empty[empty.len() / 2];
        // The counter's resolution: on some machines (VMs) it advances in steps of many
        // ticks, and a lookup faster than one step reads as 0 or 1 step.
        let step = empty
            .windows(2)
            .map(|pair| pair[1] - pair[0])
            .filter(|&gap| gap > 0)
            .min()
            .unwrap_or(1) as f64
            * ns;
        let shown = |value: f64| {
            if value < step {
                format!("< {step:.0} ns")
            } else {
                format!("{value:.1} ns")
            }
        };
        let row = |label: &str, p: [f64; 3]| {
            println!(
                "| {size} | {label} | {} | {} | {} |",
                shown(p[0]),
                shown(p[1]),
                shown(p[2])
            );
        };
        // Twice each, keeping the second run: the first warms caches and branch predictors.
        let run = |f: &mut dyn FnMut(&[u8])| {
            percentiles(&names, overhead, ns, &mut *f);
            percentiles(&names, overhead, ns, f)
        };
        row(
            "ddns",
            run(&mut |n| {
                black_box(matcher.find(n));
            }),
        );
        let mut buffer = Vec::with_capacity(300);
        let fx = HashSuffixWalk::<rustc_hash::FxBuildHasher>::new(&entries);
        row(
            "hashmap-fx",
            run(&mut |n| {
                black_box(fx.find(&mut buffer, n));
            }),
        );
        drop(fx);
        let plain = PlainFstWalk::new(&entries);
        row(
            "fst-plain",
            run(&mut |n| {
                black_box(plain.find(&mut buffer, n));
            }),
        );
        drop(plain);
        if entries.len() <= AHO_CORASICK_MAX {
            let aho = ReversedAhoCorasick::new(&entries);
            row(
                "aho-corasick",
                run(&mut |n| {
                    black_box(aho.find(&mut buffer, n));
                }),
            );
        }
        if entries.len() <= REGEX_MAX {
            let regex = RegexAlternation::new(&entries);
            row(
                "regex",
                run(&mut |n| {
                    black_box(regex.find(&mut buffer, n));
                }),
            );
        }
    }
}
