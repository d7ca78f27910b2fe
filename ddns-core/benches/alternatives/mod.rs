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

/// The hash walk a careful engineer would write: every label-boundary suffix of two labels
/// or more of every entry is a key (so the key set is closed under taking suffixes), each
/// marked with whether it is itself an entry and whether longer keys end in it. A lookup
/// lower-cases the name once, probes its last two labels, and moves one label left only
/// while longer keys exist, stopping at the first unknown suffix: most names cost one probe.
pub struct TunedHashWalk {
    map: HashMap<Box<[u8]>, u32, rustc_hash::FxBuildHasher>,
}

impl TunedHashWalk {
    /// The key is an entry; the low bits are its provider.
    const ENTRY: u32 = 1 << 31;
    /// Longer keys end in this one.
    const LONGER: u32 = 1 << 30;

    pub fn new(entries: &[String]) -> Self {
        let mut map: HashMap<Box<[u8]>, u32, _> = HashMap::default();
        for (index, entry) in entries.iter().enumerate() {
            let bytes = entry.as_bytes();
            *map.entry(bytes.into()).or_insert(0) |= Self::ENTRY | (index % 100) as u32;
            // Every shorter suffix of two labels or more leads further left.
            let dots: Vec<usize> = (0..bytes.len()).filter(|&at| bytes[at] == b'.').collect();
            for (nth, &dot) in dots.iter().enumerate() {
                // bytes[dot + 1..] has dots.len() - nth labels.
                if dots.len() - nth >= 2 {
                    *map.entry(bytes[dot + 1..].into()).or_insert(0) |= Self::LONGER;
                }
            }
        }
        TunedHashWalk { map }
    }

    pub fn find(&self, buffer: &mut Vec<u8>, name: &[u8]) -> Answer {
        buffer.clear();
        buffer.extend(strip_dot(name).iter().map(u8::to_ascii_lowercase));
        let name = buffer.as_slice();
        let last_dot = name.iter().rposition(|&b| b == b'.')?;
        let mut start = name[..last_dot]
            .iter()
            .rposition(|&b| b == b'.')
            .map_or(0, |at| at + 1);
        let mut found = None;
        while let Some(&value) = self.map.get(&name[start..]) {
            if value & Self::ENTRY != 0 {
                found = Some((start, value & 0xffff));
            }
            if value & Self::LONGER == 0 || start == 0 {
                break;
            }
            start = name[..start - 1]
                .iter()
                .rposition(|&b| b == b'.')
                .map_or(0, |at| at + 1);
        }
        found
    }
}

/// An `fst::Map` over reversed entries, entered through a hash table keyed by the reversed
/// last two labels that holds the FST node (and output so far) those bytes lead to; the walk
/// goes on from there only for names whose last two labels are an entry's.
pub struct FstFrontTable {
    map: fst::Map<Vec<u8>>,
    /// Reversed last two labels -> (node address, output along the way).
    front: HashMap<Box<[u8]>, (usize, u64), rustc_hash::FxBuildHasher>,
}

impl FstFrontTable {
    pub fn new(entries: &[String]) -> Self {
        let plain = PlainFstWalk::new(entries);
        let fst = plain.map.as_fst();
        let mut front = HashMap::default();
        for entry in entries {
            let reversed: Vec<u8> = entry.bytes().rev().collect();
            let key = &reversed[..second_dot(&reversed)];
            if front.contains_key(key) {
                continue;
            }
            let mut node = fst.root();
            let mut out = Output::zero();
            for &byte in key {
                let transition = node.transition(node.find_input(byte).expect("a key prefix"));
                out = out.cat(transition.out);
                node = fst.node(transition.addr);
            }
            front.insert(key.into(), (node.addr(), out.value()));
        }
        FstFrontTable {
            map: plain.map,
            front,
        }
    }

    pub fn find(&self, buffer: &mut Vec<u8>, name: &[u8]) -> Answer {
        buffer.clear();
        buffer.extend(strip_dot(name).iter().rev().map(u8::to_ascii_lowercase));
        let reversed = buffer.as_slice();
        let key_end = second_dot(reversed);
        let &(addr, out) = self.front.get(&reversed[..key_end])?;
        let fst = self.map.as_fst();
        let mut node = fst.node(addr);
        let mut out = Output::new(out);
        let mut found = None;
        let mut at = key_end;
        loop {
            if node.is_final() && reversed.get(at).is_none_or(|&b| b == b'.') {
                found = Some((
                    reversed.len() - at,
                    out.cat(node.final_output()).value() as u32,
                ));
            }
            let Some(&byte) = reversed.get(at) else {
                break;
            };
            let Some(index) = node.find_input(byte) else {
                break;
            };
            let transition = node.transition(index);
            out = out.cat(transition.out);
            node = fst.node(transition.addr);
            at += 1;
        }
        found
    }
}

/// Where the second `.` of a reversed name is (its end when it has fewer): the reversed
/// name's first two labels end there.
fn second_dot(reversed: &[u8]) -> usize {
    let mut dots = reversed.iter().enumerate().filter(|&(_, &b)| b == b'.');
    dots.nth(1).map_or(reversed.len(), |(at, _)| at)
}
