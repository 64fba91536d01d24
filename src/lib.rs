//! werkplaats: an event-sourced collaboration server for multi-partner
//! action-research werkplaatsen on debt and poverty.
//!
//! Dependencies point one way: [`api`] → [`app`] → {[`domain`], [`store`],
//! [`projections`]}; the domain depends on nothing of ours.
//!
//! - [`domain`]: commands, events, the rules (`decide`) and the state fold.
//! - [`store`]: the event store on PostgreSQL — append, read, hash chain,
//!   notifications.
//! - [`projections`]: read models folded from events; any version of a
//!   werkplaats is the fold of its first events.
//! - [`app`]: authenticate, load, decide, append; reads and live follows.
//! - [`api`]: the GraphQL schema and its HTTP/websocket shell.
//! - [`trail`]: the JSON Lines export and its offline verifier.
//! - [`ops`]: metrics, logs and the configuration file, for operators.
//! - [`web`]: the browser client, embedded and served at `/`.

pub mod api;
pub mod app;
pub mod config;
pub mod domain;
pub mod ops;
pub mod progress;
pub mod projections;
pub mod report;
pub mod startup;
pub mod store;
pub mod timestamp;
pub mod trail;
pub mod web;

// mimalloc's thread-local free lists instead of glibc's arenas: a command
// allocates and frees hundreds of small objects across worker threads, and
// glibc spent a quarter of the server's CPU on it (malloc, free, arena
// trimming). Declared in the library, so every binary and test runs on it.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;
