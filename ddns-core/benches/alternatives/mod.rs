//! The alternatives a user would write instead of ddns, each returning the same answer as
//! [`ours`]: where the base domain starts in the name, and its provider (entry `i` of a
//! workload list belongs to provider `i % 100`). Shared by the lookup and latency benches.

#![allow(dead_code)]

use std::collections::HashMap;
use std::hash::BuildHasher;

use aho_corasick::{AhoCorasick, Anchored, Input, MatchKind, StartKind};
use ddns_core::Matcher;
use fst::raw::Output;

/// The largest list each costly alternative is built for (their build time and memory grow
/// far faster than the FST's).
pub const AHO_CORASICK_MAX: usize = 200_000;
pub const REGEX_MAX: usize = 20_000;

/// An answer every implementation gives: where the base domain starts, and its provider.
pub type Answer = Option<(usize, u32)>;

pub fn strip_dot(name: &[u8]) -> &[u8] {
    name.strip_suffix(b".").unwrap_or(name)
}

pub fn ours(matcher: &Matcher, name: &[u8]) -> Answer {
    matcher
        .find(name)
        .map(|found| (found.base_span().start, found.provider().index() as u32))
}

/// A hash map from entry to provider, probed with every label-boundary suffix of a
/// lower-cased copy, longest first.
pub struct HashSuffixWalk<S> {
    map: HashMap<Box<[u8]>, u32, S>,
}

impl<S: BuildHasher + Default> HashSuffixWalk<S> {
    pub fn new(entries: &[String]) -> Self {
        let mut map = HashMap::with_capacity_and_hasher(entries.len(), S::default());
        for (index, entry) in entries.iter().enumerate() {
            map.insert(entry.as_bytes().into(), (index % 100) as u32);
        }
        HashSuffixWalk { map }
    }

    pub fn find(&self, buffer: &mut Vec<u8>, name: &[u8]) -> Answer {
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
pub struct PlainFstWalk {
    map: fst::Map<Vec<u8>>,
}

impl PlainFstWalk {
    pub fn new(entries: &[String]) -> Self {
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

    pub fn find(&self, buffer: &mut Vec<u8>, name: &[u8]) -> Answer {
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
pub struct ReversedAhoCorasick {
    automaton: AhoCorasick,
}

impl ReversedAhoCorasick {
    pub fn new(entries: &[String]) -> Self {
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

    pub fn find(&self, buffer: &mut Vec<u8>, name: &[u8]) -> Answer {
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
pub struct RegexAlternation {
    regex: regex::bytes::Regex,
    providers: HashMap<Box<[u8]>, u32, rustc_hash::FxBuildHasher>,
}

impl RegexAlternation {
    pub fn new(entries: &[String]) -> Self {
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

    pub fn find(&self, buffer: &mut Vec<u8>, name: &[u8]) -> Answer {
        let name = strip_dot(name);
        let found = self.regex.find(name)?;
        let start = found.start() + usize::from(name[found.start()] == b'.');
        buffer.clear();
        buffer.extend(name[start..].iter().map(u8::to_ascii_lowercase));
        Some((start, *self.providers.get(buffer.as_slice())?))
    }
}
