//! What an operator sees of one server process: JSON log lines with
//! request ids and no personal data, the configuration printed at start
//! with its secrets masked (file, environment and defaults combined), and
//! the metrics on `/metrics`.

use serde_json::{json, Value};
use uuid::Uuid;

use crate::kit::db::server_url;
use crate::kit::process::{create_werkplaats, post, Database, Server};
use crate::kit::seed::RECORD_PROBLEM;

/// A name that must never reach a log.
const FACILITATOR: &str = "Procesbegeleider Vermeulen-Oosterhout";

#[tokio::test]
async fn logs_metrics_and_configuration_are_what_operators_expect() {
    let database = Database::fresh();
    let admin = format!("admin-{}", Uuid::new_v4());
    // A password in the URL: trust authentication ignores it, the log must mask it.
    let url = database.url().replacen(
        "postgres://postgres@",
        "postgres://postgres:hunter2secret@",
        1,
    );
    let file = std::env::temp_dir().join(format!("werkplaats-{}.toml", Uuid::new_v4()));
    std::fs::write(
        &file,
        "db-pool-size = 3\nsnapshot_cache = 7\nws-ping-interval-secs = 15\n",
    )
    .unwrap();
    let server = Server::start(
        &url,
        &admin,
        &["--config", file.to_str().unwrap()],
        &[("WERKPLAATS_DB_POOL_SIZE", "5")],
    );
    std::fs::remove_file(&file).unwrap();
    let http = reqwest::Client::new();

    // A request id from the client is kept and echoed; free text is not.
    let response = http
        .post(format!("{}/graphql", server.http()))
        .header("x-request-id", "lb-7f3a9c")
        .bearer_auth(&admin)
        .json(&json!({"query": "{ __typename }"}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.headers()["x-request-id"], "lb-7f3a9c");
    let response = http
        .get(format!("{}/healthz", server.http()))
        .header("x-request-id", "Jan Jansen, Dorpsstraat 1")
        .send()
        .await
        .unwrap();
    let replaced = response.headers()["x-request-id"]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(replaced.parse::<Uuid>().is_ok(), "a new id: {replaced}");

    let (werkplaats, facilitator) = create_werkplaats(&server.http(), &admin, FACILITATOR).await;
    for n in 0..3 {
        let response = post(
            &http,
            &server.http(),
            &facilitator,
            RECORD_PROBLEM,
            json!({"input": {
                "werkplaatsId": werkplaats,
                "title": format!("Probleem {n}"),
                "description": "Inwoners melden zich laat.",
                "perspective": "CLIENT",
            }}),
        )
        .await
        .unwrap();
        assert!(response.get("errors").is_none(), "{response}");
    }

    let response = http
        .get(format!("{}/metrics", server.http()))
        .send()
        .await
        .unwrap();
    assert!(response.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/plain"));
    let metrics = response.text().await.unwrap();
    for name in [
        "werkplaats_graphql_request_duration_seconds_bucket{field=\"recordProblem\",type=\"mutation\"",
        "werkplaats_graphql_request_duration_seconds_count{field=\"createWerkplaats\",type=\"mutation\"} 1",
        "werkplaats_appends_total 4",
        "werkplaats_appended_events_total 5",
        "werkplaats_conflicts_total 0",
        "werkplaats_active_subscriptions 0",
        "werkplaats_websocket_connections 0",
        "werkplaats_delivery_lag_seconds_count",
        "werkplaats_db_pool_connections{state=\"idle\"}",
        "werkplaats_db_pool_connections{state=\"in_use\"}",
        "werkplaats_db_pool_max_connections 5",
        concat!("werkplaats_build_info{version=\"", env!("CARGO_PKG_VERSION"), "\"} 1"),
    ] {
        assert!(metrics.contains(name), "{name} missing from\n{metrics}");
    }

    // Let the last response's log line out of the pipe.
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    let lines = server.log_lines();
    let logs: Vec<Value> = lines
        .iter()
        .map(|line| serde_json::from_str(line).unwrap_or_else(|e| panic!("not JSON ({e}): {line}")))
        .collect();
    let joined = lines.join("\n");
    for secret in [
        FACILITATOR,
        "Vermeulen",
        &admin,
        &facilitator,
        "hunter2secret",
        "Jan Jansen",
        "Dorpsstraat",
    ] {
        assert!(
            !joined.contains(secret),
            "`{secret}` is in the logs:\n{joined}"
        );
    }
    let setting = |name: &str| {
        logs.iter()
            .find(|log| log["message"] == "configuration" && log["setting"] == name)
            .unwrap_or_else(|| panic!("no configuration line for {name}:\n{joined}"))
    };
    assert_eq!(setting("admin-token")["value"], "***");
    assert_eq!(setting("admin-token")["source"], "environment");
    let masked_url = format!("{}/{}", server_url(), database.name).replacen(
        "postgres://postgres@",
        "postgres://postgres:***@",
        1,
    );
    assert_eq!(setting("database-url")["value"], masked_url.as_str());
    assert_eq!(setting("db-pool-size")["value"], "5");
    assert_eq!(setting("db-pool-size")["source"], "environment");
    assert_eq!(setting("snapshot-cache")["value"], "7");
    assert_eq!(setting("snapshot-cache")["source"], "file");
    assert_eq!(setting("max-query-depth")["source"], "default");

    // Every line of the first request carries its id, the response line
    // its status and the operation.
    let of_request = |id: &str| -> Vec<&Value> {
        logs.iter()
            .filter(|log| {
                log["spans"]
                    .as_array()
                    .is_some_and(|spans| spans.iter().any(|span| span["request_id"] == id))
            })
            .collect()
    };
    let first = of_request("lb-7f3a9c");
    let response_line = first
        .iter()
        .find(|log| log["status"] == 200)
        .unwrap_or_else(|| panic!("no response line for the request:\n{joined}"));
    assert_eq!(response_line["spans"][0]["operation_type"], "query");
    assert_eq!(response_line["spans"][0]["operation"], "__typename");
    assert_eq!(of_request(&replaced).len(), 1, "the health check's line");
    println!(
        "observability: {} JSON log lines, none with a name, token or password; request ids kept \
         and made; {} metric lines",
        logs.len(),
        metrics.lines().filter(|l| !l.starts_with('#')).count()
    );
}
