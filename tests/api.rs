//! Integration tests: the real server, started in-process on port 0 against
//! a fresh PostgreSQL database per test, spoken to over real HTTP and
//! websockets. One binary, one link step.

pub mod kit;

mod api {
    mod audit_changes;
    mod audit_trail;
    mod bad_input;
    mod fuzz;
    mod graphql_http;
    mod library;
    mod limits;
    mod live;
    mod logs;
    mod method_bad_input;
    mod oidc;
    mod report;
    mod role_matrix;
    mod scenarios;
    mod schema;
    mod sharing;
    mod snapshots;
    mod store;
    mod subscriptions;
    mod time_travel;
    mod trust;
    mod ws_protocol;
}
