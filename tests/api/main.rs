//! Integration tests: the real server, started in-process on port 0 against
//! a fresh PostgreSQL database per test, spoken to over real HTTP and
//! websockets. One binary, one link step.

mod audit_changes;
mod audit_trail;
mod bad_input;
mod helpers;
mod live;
mod report;
mod scenarios;
mod schema;
mod snapshots;
mod store;
mod subscriptions;
mod time_travel;
mod ws_protocol;
