//! Starting the real application against a fresh database, and talking to it.

use std::time::Duration;

use serde_json::{json, Value};
use sqlx::postgres::PgPoolOptions;
use sqlx::PgPool;
use uuid::Uuid;
use werkplaats::api::LiveCounts;
use werkplaats::config::Config;
use werkplaats::startup::Application;
use werkplaats::store::EventStore;

use super::db::{self, server_url};

pub struct TestApp {
    /// `http://127.0.0.1:PORT`
    pub address: String,
    pub admin_token: String,
    /// A pool on the test's own database, for looking behind the API.
    pub pool: PgPool,
    pub store: EventStore,
    /// How widely this server shared its live results.
    pub live: LiveCounts,
    database: String,
    client: reqwest::Client,
}

/// The defaults, but with a small database pool, and without the per-caller
/// limits on mutations and websockets: tests send hundreds of commands and
/// open many sockets with one token. (`limits.rs` tests the limits.)
fn test_config() -> Config {
    Config {
        db_pool_size: 8,
        mutation_burst: 1_000_000,
        mutations_per_second: 1_000_000,
        ws_max_connections_per_token: 100_000,
        ..Config::default()
    }
}

/// Builds and starts the server on a new, migrated database.
pub async fn spawn_app() -> TestApp {
    spawn_app_with(|_| {}).await
}

/// [`spawn_app`] with the shipped per-caller limits, as a browser meets them.
pub async fn spawn_app_as_shipped() -> TestApp {
    spawn_app_with(|config| {
        *config = Config {
            db_pool_size: 8,
            ..Config::default()
        }
    })
    .await
}

/// [`spawn_app`] with the per-caller mutation rate limit out of the way, for
/// tests that send hundreds of mutations as one caller within seconds and
/// are about the answers, not the limit.
pub async fn spawn_app_unthrottled() -> TestApp {
    spawn_app_with(|config| {
        config.mutation_burst = 100_000;
        config.mutations_per_second = 100_000;
    })
    .await
}

/// A UUID that names nothing anywhere.
pub const UNKNOWN: &str = "00000000-0000-4000-8000-000000000000";
/// A well-formed token nobody holds.
pub const UNKNOWN_TOKEN: &str =
    "wpt_0000000000000000000000000000000000000000000000000000000000000000";

/// [`spawn_app`] with the configuration adjusted first, e.g. to shorten the
/// websocket timeouts. The database, address and admin token stay the test's.
pub async fn spawn_app_with(adjust: impl FnOnce(&mut Config)) -> TestApp {
    let database = format!("werkplaats_test_{}", Uuid::new_v4().simple());
    let database_url = format!("{}/{database}", server_url());
    let admin_token = format!("admin-{}", Uuid::new_v4());
    let mut config = test_config();
    adjust(&mut config);
    let config = Config {
        database_url: database_url.clone(),
        bind: "127.0.0.1:0".parse().unwrap(),
        admin_token: Some(admin_token.clone()),
        ..config
    };
    let app = Application::build(config)
        .await
        .expect("the application starts");
    let address = format!("http://{}", app.local_addr().unwrap());
    let live = app.live.clone();
    tokio::spawn(app.run());
    let pool = PgPoolOptions::new()
        .max_connections(4)
        .connect(&database_url)
        .await
        .expect("the test database is reachable");
    TestApp {
        address,
        admin_token,
        store: EventStore::new(pool.clone()),
        pool,
        live,
        database,
        client: reqwest::Client::builder()
            .timeout(Duration::from_secs(60))
            .build()
            .unwrap(),
    }
}

impl TestApp {
    /// `ws://127.0.0.1:PORT/graphql`
    pub fn ws_url(&self) -> String {
        format!("{}/graphql", self.address.replacen("http", "ws", 1))
    }

    /// Posts a GraphQL request and returns the JSON response.
    pub async fn graphql(&self, token: Option<&str>, query: &str, variables: Value) -> Value {
        let response = self
            .post_raw(
                token,
                json!({"query": query, "variables": variables}).to_string(),
            )
            .await;
        assert!(
            !response.status().is_server_error(),
            "HTTP {} for {query}",
            response.status()
        );
        response.json().await.expect("a JSON response")
    }

    /// Posts any body to /graphql.
    pub async fn post_raw(
        &self,
        token: Option<&str>,
        body: impl Into<reqwest::Body>,
    ) -> reqwest::Response {
        let mut request = self
            .client
            .post(format!("{}/graphql", self.address))
            .header("content-type", "application/json")
            .body(body);
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        request.send().await.expect("the server answers")
    }

    /// Runs one GraphQL operation and returns its `data`; any error fails
    /// the test, as for the data a test starts from.
    pub async fn data(&self, token: &str, query: &str, variables: Value) -> Value {
        let response = self.graphql(Some(token), query, variables).await;
        assert!(response.get("errors").is_none(), "{query}: {response}");
        response["data"].clone()
    }

    pub async fn get(&self, path: &str) -> reqwest::Response {
        self.get_as(path, None).await
    }

    /// `GET path`, with a bearer token if there is one.
    pub async fn get_as(&self, path: &str, token: Option<&str>) -> reqwest::Response {
        let mut request = self.client.get(format!("{}{path}", self.address));
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        request.send().await.expect("the server answers")
    }

    /// The URL of the test's own database, for running the CLI against it.
    pub fn database_url(&self) -> String {
        format!("{}/{}", server_url(), self.database)
    }

    /// Number of events stored for a werkplaats.
    pub async fn stored_events(&self, werkplaats: &str) -> i64 {
        sqlx::query_scalar("select count(*) from events where stream_id = $1::uuid")
            .bind(werkplaats)
            .fetch_one(&self.pool)
            .await
            .unwrap()
    }
}

impl Drop for TestApp {
    fn drop(&mut self) {
        db::drop_database(&self.database);
    }
}

/// Another server instance on a [`TestApp`]'s database, as a second
/// instance behind a load balancer would be; it lives as long as the test.
pub struct Instance {
    /// `http://127.0.0.1:PORT`
    pub address: String,
}

impl Instance {
    /// `ws://127.0.0.1:PORT/graphql`
    pub fn ws_url(&self) -> String {
        format!("{}/graphql", self.address.replacen("http", "ws", 1))
    }

    /// Posts a GraphQL request to this instance and returns the JSON response.
    pub async fn graphql(&self, token: &str, query: &str, variables: Value) -> Value {
        reqwest::Client::new()
            .post(format!("{}/graphql", self.address))
            .bearer_auth(token)
            .json(&json!({"query": query, "variables": variables}))
            .send()
            .await
            .expect("the other instance answers")
            .json()
            .await
            .expect("a JSON response")
    }
}

impl TestApp {
    /// Starts a second instance on this app's database, with the same admin token.
    pub async fn another_instance(&self) -> Instance {
        self.another_instance_with(|_| {}).await
    }

    /// [`TestApp::another_instance`] with the configuration adjusted first.
    pub async fn another_instance_with(&self, adjust: impl FnOnce(&mut Config)) -> Instance {
        let mut config = test_config();
        adjust(&mut config);
        let config = Config {
            database_url: format!("{}/{}", server_url(), self.database),
            bind: "127.0.0.1:0".parse().unwrap(),
            admin_token: Some(self.admin_token.clone()),
            ..config
        };
        let app = Application::build(config)
            .await
            .expect("another instance starts");
        let address = format!("http://{}", app.local_addr().unwrap());
        tokio::spawn(app.run());
        Instance { address }
    }
}

/// The error code of the first error, if any.
pub fn error_code(response: &Value) -> Option<&str> {
    response["errors"][0]["extensions"]["code"].as_str()
}

/// The `extensions.code` of each error of a response.
pub fn error_codes(response: &Value) -> Vec<&str> {
    response["errors"]
        .as_array()
        .map(|errors| {
            errors
                .iter()
                .filter_map(|e| e["extensions"]["code"].as_str())
                .collect()
        })
        .unwrap_or_default()
}

/// Panics with the response unless it carries an error with `code`.
#[track_caller]
pub fn assert_error(response: &Value, code: &str) {
    let codes = error_codes(response);
    assert!(codes.contains(&code), "expected {code}, got {response}");
}

/// Panics with the response if it carries errors.
#[track_caller]
pub fn assert_ok(response: &Value) {
    assert!(
        response.get("errors").is_none(),
        "unexpected errors: {response}"
    );
}
