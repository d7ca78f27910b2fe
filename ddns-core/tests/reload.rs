//! The reload holder: lookups on other threads keep answering while the list is swapped,
//! and every answer comes from one whole list, old or new.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

use ddns_core::{Catalog, CatalogFormat, Matcher, ReloadableMatcher};

fn list(text: &str) -> Matcher {
    Matcher::new(&Catalog::parse(text, CatalogFormat::List, "list.txt").unwrap()).unwrap()
}

#[test]
fn lookups_continue_across_a_thousand_reloads_and_never_mix_lists() {
    // List A knows one.example under provider "a"; list B knows two.example under "b".
    let a = list("one.example a\n");
    let b = list("two.example b\n");
    let live = Arc::new(ReloadableMatcher::new(a.clone()));
    let stop = Arc::new(AtomicBool::new(false));
    let lookups = Arc::new(AtomicUsize::new(0));

    let workers: Vec<_> = (0..3)
        .map(|_| {
            let (live, stop, lookups) = (live.clone(), stop.clone(), lookups.clone());
            std::thread::spawn(move || {
                while !stop.load(Ordering::Relaxed) {
                    let matcher = live.load();
                    let one = matcher.find("x.one.example");
                    let two = matcher.find("x.two.example");
                    // Exactly one of the two names matches, on either list, never both or none.
                    assert!(one.is_some() != two.is_some(), "mixed or empty answers");
                    let hit = one.or(two).unwrap();
                    let provider = matcher.provider(hit.provider()).id();
                    assert_eq!(provider, if one.is_some() { "a" } else { "b" });
                    lookups.fetch_add(1, Ordering::Relaxed);
                }
            })
        })
        .collect();

    for round in 0..1000 {
        let next = if round % 2 == 0 { b.clone() } else { a.clone() };
        live.replace(next);
        std::thread::yield_now();
    }
    stop.store(true, Ordering::Relaxed);
    for worker in workers {
        worker.join().expect("a lookup thread panicked");
    }
    assert!(lookups.load(Ordering::Relaxed) > 0);
    assert!(live.load().is_match("x.one.example"));
    assert_eq!(live.generation(), 1000);
}
