//! Swapping a list while lookups go on: [`ReloadableMatcher`].

use std::fmt;
use std::ops::Deref;
use std::sync::Arc;

use crate::matcher::Matcher;

/// A handle to the current matcher that another thread can replace at any time.
///
/// # Sharing
/// Put it in an `Arc` (or a static) and call [`ReloadableMatcher::load`] in each lookup:
/// loading never blocks and never waits for a reload, and the matcher it returns stays valid
/// for as long as the guard lives, even if a reload happens meanwhile. Resolve providers on
/// the guard that produced the match.
///
/// ```
/// use ddns_core::{Catalog, CatalogFormat, Matcher, ReloadableMatcher};
///
/// let live = ReloadableMatcher::new(Matcher::default_ref().clone());
/// assert!(live.load().is_match("x7.duckdns.org"));
/// let mine = Catalog::parse("example.org\n", CatalogFormat::List, "mine.txt")?;
/// let old = live.replace(Matcher::new(&mine)?);
/// assert!(old.is_match("x7.duckdns.org"));
/// assert!(!live.load().is_match("x7.duckdns.org"));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
///
/// # Reloading a list file
/// Deploy a new list file by renaming it over the old path (`ddns compile -o` does), then
/// [`Matcher::open`] the path and [`ReloadableMatcher::replace`] the current matcher. A
/// memory-mapped list rewritten in place instead (`cp`, `curl -o`, `truncate` onto it) has
/// already changed under the lookups, or killed the process with `SIGBUS`; on a reload,
/// [`Matcher::mapped_file_changed`] on the matcher that `replace` returns tells that this
/// happened, so it can be logged and the deployment fixed.
pub struct ReloadableMatcher {
    current: arc_swap::ArcSwap<Matcher>,
    generation: std::sync::atomic::AtomicU64,
}

/// The matcher current when [`ReloadableMatcher::load`] was called.
pub struct MatcherGuard(arc_swap::Guard<Arc<Matcher>>);

impl Deref for MatcherGuard {
    type Target = Matcher;

    fn deref(&self) -> &Matcher {
        &self.0
    }
}

impl ReloadableMatcher {
    /// Starts with `matcher`.
    pub fn new(matcher: Matcher) -> ReloadableMatcher {
        ReloadableMatcher {
            current: arc_swap::ArcSwap::from_pointee(matcher),
            generation: std::sync::atomic::AtomicU64::new(0),
        }
    }

    /// The current matcher. Wait-free for the caller; hold the guard only for a lookup or
    /// a few.
    pub fn load(&self) -> MatcherGuard {
        MatcherGuard(self.current.load())
    }

    /// Makes `matcher` current and returns the previous one. Lookups in progress finish on
    /// the previous matcher; its memory is freed when the last guard on it is dropped.
    pub fn replace(&self, matcher: Matcher) -> Matcher {
        let old = self.current.swap(Arc::new(matcher));
        self.generation
            .fetch_add(1, std::sync::atomic::Ordering::Release);
        Arc::try_unwrap(old).unwrap_or_else(|shared| (*shared).clone())
    }

    /// How many times [`ReloadableMatcher::replace`] has run. A worker that keeps its own
    /// clone of the matcher compares this number (one atomic load) to know when to reload
    /// its clone.
    pub fn generation(&self) -> u64 {
        self.generation.load(std::sync::atomic::Ordering::Acquire)
    }
}

impl fmt::Debug for ReloadableMatcher {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("ReloadableMatcher")
            .field(&**self.current.load())
            .finish()
    }
}
