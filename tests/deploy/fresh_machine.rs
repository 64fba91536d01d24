//! A machine where nobody set up a database: `werkplaats serve` without
//! `DATABASE_URL`, the default address refusing, starts a private
//! PostgreSQL from the installed server binaries, serves the whole Almere
//! scenario on it, and stops it again on shutdown.

use std::path::Path;
use std::time::Duration;

use serde_json::{json, Value};

use crate::kit::process::Server;
use crate::kit::scenario::{run_steps, scenario_dir};

/// Nothing listens on port 1.
const UNREACHABLE: &str = "postgres://postgres@127.0.0.1:1/werkplaats";

fn cluster_running(data_dir: &Path) -> bool {
    // The socket lives in the data directory while the cluster runs.
    data_dir.join(".s.PGSQL.5432").exists()
}

#[tokio::test]
async fn serve_with_nothing_configured_runs_on_a_private_postgres_it_stops_again() {
    let data_dir = std::env::temp_dir().join(format!("werkplaats-fresh-{}", uuid::Uuid::new_v4()));
    let dir = data_dir.to_str().unwrap().to_owned();
    let admin = "fresh-admin";
    let mut server = Server::start_unconfigured(
        admin,
        &["--data-dir", &dir],
        &[("WERKPLAATS_DEFAULT_DATABASE_URL", UNREACHABLE)],
    );
    assert!(cluster_running(&data_dir), "a private cluster in {dir}");
    let logs = server.log_lines().join("\n");
    assert!(
        logs.contains("started a private one") && logs.contains(&dir),
        "the log says where it is: {logs}"
    );

    let http = reqwest::Client::new();
    let base = server.http();
    let file = scenario_dir().join("almere.json");
    let (_, steps) = run_steps(&file, admin, |token, query, variables| {
        let (http, base) = (&http, &base);
        async move {
            let mut request = http
                .post(format!("{base}/graphql"))
                .json(&json!({"query": query, "variables": variables}));
            if let Some(token) = token {
                request = request.bearer_auth(token);
            }
            let response = request.send().await.expect("an answer");
            assert!(
                !response.status().is_server_error(),
                "HTTP {}",
                response.status()
            );
            response.json::<Value>().await.expect("JSON")
        }
    })
    .await;
    assert!(steps > 10, "the whole scenario ran: {steps} steps");

    server.signal("-TERM");
    assert!(
        server.exited_within(Duration::from_secs(30)).is_some(),
        "the server stops on SIGTERM"
    );
    assert!(
        !cluster_running(&data_dir),
        "the private cluster stopped with it"
    );
    println!(
        "fresh machine: {steps} Almere steps on a private PostgreSQL in {dir}, stopped on SIGTERM"
    );
    let _ = std::fs::remove_dir_all(&data_dir);
}
