//! What the C ABI adds to a lookup: the Rust call, the same lookup through
//! `ddns_matcher_find` resolved from libddns.so with dlopen (as a host engine calls it), and
//! `ddns_matcher_find_batch` from the same library, on the shared workload
//! (ddns-core/benches/workload). The library is the one cargo built with this bench (next to
//! its executable), so both sides run the same code.
//!
//! `cargo bench -p ddns-ffi --bench ffi`

use std::hint::black_box;
use std::path::PathBuf;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use ddns::{DDNS_INPUT_NAME, DDNS_OK, ddns_match, ddns_matcher, ddns_name, ddns_status};
use ddns_core::{Matcher, MatcherBuilder};
use ddns_test_support::workload;

type FindFn =
    unsafe extern "C" fn(*const ddns_matcher, *const u8, usize, *mut ddns_match) -> ddns_status;
type FromBytesFn = unsafe extern "C" fn(*const u8, usize, *mut *mut ddns_matcher) -> ddns_status;
type BatchFn = unsafe extern "C" fn(
    *const ddns_matcher,
    *const ddns_name,
    usize,
    u32,
    *mut ddns_match,
) -> ddns_status;
type FreeFn = unsafe extern "C" fn(*mut ddns_matcher);

/// libddns.so of this profile, built by `cargo bench -p ddns-ffi` next to the bench binary.
/// The libddns.so cargo built for this bench run: `deps/`, beside the bench executable. (The
/// copy one level up is only refreshed by `cargo build`, and a stale one would time old
/// code, or crash when handed a matcher of another layout.)
fn shared_library() -> PathBuf {
    let exe = std::env::current_exe().unwrap();
    let path = exe.parent().unwrap().join("libddns.so");
    assert!(
        path.exists(),
        "{} is missing: cargo builds it with the bench; run `cargo bench -p ddns-ffi`",
        path.display()
    );
    path
}

fn c_abi(c: &mut Criterion) {
    let size = workload::default_entries().len();
    let (catalog, entries) = workload::synthetic_catalog(size);
    let bytes = MatcherBuilder::new().compile(&catalog).unwrap();
    let matcher = Matcher::from_bytes(bytes.clone()).unwrap();
    let names = workload::names(&entries, 1_000_000);

    // SAFETY: loading our own library; the symbols have the header's types.
    let library = unsafe { libloading::Library::new(shared_library()) }.unwrap();
    let find: libloading::Symbol<FindFn> = unsafe { library.get(b"ddns_matcher_find") }.unwrap();
    let from_bytes: libloading::Symbol<FromBytesFn> =
        unsafe { library.get(b"ddns_matcher_from_bytes") }.unwrap();
    let find_batch: libloading::Symbol<BatchFn> =
        unsafe { library.get(b"ddns_matcher_find_batch") }.unwrap();
    let free: libloading::Symbol<FreeFn> = unsafe { library.get(b"ddns_matcher_free") }.unwrap();
    let mut handle: *mut ddns_matcher = std::ptr::null_mut();
    // SAFETY: valid pointers; the handle is never freed (the bench ends the process).
    assert_eq!(
        unsafe { from_bytes(bytes.as_ptr(), bytes.len(), &mut handle) },
        DDNS_OK
    );

    // The same answers through every path before timing.
    let mut result = ddns_match::default();
    for name in names.iter().take(100_000) {
        // SAFETY: live handle, valid name and output.
        assert_eq!(
            unsafe { find(handle, name.as_ptr(), name.len(), &mut result) },
            DDNS_OK
        );
        let expected = matcher.find(name).map_or(0, |m| m.base_span().start);
        assert_eq!(result.base_offset, expected);
    }

    let mut group = c.benchmark_group("c-abi");
    group.throughput(Throughput::Elements(names.len() as u64));
    group.sample_size(10);
    group.bench_function("rust-find", |b| {
        b.iter(|| {
            for name in names.iter() {
                black_box(matcher.find(black_box(name)));
            }
        })
    });
    group.bench_function("c-find-dlopen", |b| {
        b.iter(|| {
            for name in names.iter() {
                // SAFETY: as above.
                black_box(unsafe { find(handle, name.as_ptr(), name.len(), &mut result) });
                black_box(&result);
            }
        })
    });
    let batch: Vec<ddns_name> = names
        .iter()
        .map(|n| ddns_name {
            ptr: n.as_ptr(),
            len: n.len(),
        })
        .collect();
    let mut results = vec![ddns_match::default(); 256];
    group.bench_function("c-batch-256", |b| {
        b.iter(|| {
            for chunk in batch.chunks(256) {
                // SAFETY: `chunk.len()` names and as many results.
                let status = unsafe {
                    find_batch(
                        handle,
                        chunk.as_ptr(),
                        chunk.len(),
                        DDNS_INPUT_NAME,
                        results.as_mut_ptr(),
                    )
                };
                black_box(status);
            }
        })
    });
    group.finish();
    unsafe { free(handle) };
}

criterion_group!(benches, c_abi);
criterion_main!(benches);
