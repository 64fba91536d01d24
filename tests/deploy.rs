//! Running beyond one machine: the real binary as separate processes,
//! nginx in front of two of them, the migration lock, the manifests in
//! `deploy/`, and what operators see (metrics, logs, configuration). One
//! binary, one link step.

pub mod kit;

mod deploy {
    mod failover;
    mod fresh_machine;
    mod healthcheck;
    mod manifests;
    mod migrations;
    mod observability;
    mod restore;
    mod standby;
}
