//! The test kit every test binary shares: the app in-process on port 0
//! ([`app`]), scratch databases ([`db`]), the real binary and nginx as
//! processes ([`process`]), the contract scenarios ([`scenario`]), one
//! websocket client ([`ws`]), typed mutation
//! helpers and one seed world ([`seed`]).
//!
//! Each binary's crate root (`tests/api.rs`, `tests/browser.rs`,
//! `tests/deploy.rs`, `tests/faults.rs`) declares `pub mod kit;`: a crate
//! root in `tests/` finds `tests/kit/` without `#[path]`, and being public
//! from the root, the kit is to each binary what a library would be, so
//! what one binary does not use is not dead code there. The price: the
//! compiler no longer sees an item that no binary uses (declare `mod kit;`
//! in all four roots to look).
//!
//! `tests/faults.rs` stays a binary apart: it stops the shared PostgreSQL,
//! which would break any test running beside it in the same binary; cargo
//! runs test binaries one after another, never two at once.

pub mod app;
pub mod db;
pub mod process;
pub mod scenario;
pub mod seed;
pub mod ws;
