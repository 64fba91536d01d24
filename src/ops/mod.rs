//! Running the server as operators expect: Prometheus metrics
//! ([`metrics`]), structured logs with request ids ([`logging`]) and the
//! configuration file with its masked print at start ([`settings`]), and a
//! private PostgreSQL where none was set up ([`postgres`]).
//!
//! Cross-cutting on purpose: the rest of the crate reaches it through a few
//! one-line hooks (an append, a feed delivery, a websocket, the schema's
//! extension), and it depends on none of our other modules.

pub mod logging;
pub mod metrics;
pub mod postgres;
pub mod settings;
