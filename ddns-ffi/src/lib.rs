//! libddns: the C ABI of ddns-core, declared in `include/ddns.h`.
//!
//! This crate holds no matching logic: every function checks its arguments, calls
//! ddns-core, and translates the answer. The rules every export follows:
//!
//! - its body runs inside the `guard!` macro (`panic.rs`), so a panic becomes `DDNS_ERR_PANIC`
//!   (or the return type's [`Fallback`]) and never unwinds into C;
//! - NULL and zero-length inputs are checked before any Rust reference or slice is made;
//! - outputs are written only on `DDNS_OK`;
//! - only load and build functions touch the thread-local last-error message.

//!
//! Layout, one question per file: `status.rs` (status codes, their messages, the last-error
//! message), `panic.rs` (the guard), `types.rs` (the C structs and constants, conversions
//! and argument helpers), `handle.rs` (how handles are owned), and the exports by family:
//! `version.rs`, `matcher.rs`, `lookup.rs`, `reloadable.rs`.

#![allow(non_camel_case_types)]
#![deny(missing_docs)]

#[macro_use]
mod panic;
mod handle;
mod lookup;
mod matcher;
mod reloadable;
mod status;
mod types;
mod version;

pub use lookup::*;
pub use matcher::*;
pub use panic::Fallback;
pub use reloadable::*;
pub use status::*;
pub use types::*;
pub use version::*;
