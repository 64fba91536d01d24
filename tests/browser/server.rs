//! The real server in-process on port 0, on its own database, dropped at
//! the end (as in `tests/api/helpers.rs`, kept small here).

use serde_json::{json, Value};
use sqlx::postgres::PgPoolOptions;
use uuid::Uuid;
use werkplaats::config::Config;
use werkplaats::startup::Application;

fn database_server() -> String {
    std::env::var("WERKPLAATS_TEST_DATABASE_SERVER")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432".to_owned())
}

pub struct TestServer {
    /// `http://127.0.0.1:PORT`
    pub address: String,
    pub admin_token: String,
    database: String,
    client: reqwest::Client,
}

pub async fn spawn() -> TestServer {
    let database = format!("werkplaats_test_{}", Uuid::new_v4().simple());
    let admin_token = format!("admin-{}", Uuid::new_v4());
    let config = Config {
        database_url: format!("{}/{database}", database_server()),
        bind: "127.0.0.1:0".parse().unwrap(),
        admin_token: Some(admin_token.clone()),
        db_pool_size: 8,
        ..Config::default()
    };
    let app = Application::build(config)
        .await
        .expect("the application starts");
    let address = format!("http://{}", app.local_addr().unwrap());
    tokio::spawn(app.run());
    TestServer {
        address,
        admin_token,
        database,
        client: reqwest::Client::new(),
    }
}

impl TestServer {
    /// Runs one GraphQL operation and returns its `data`; any error fails
    /// the test, as the data a browser test starts from must be right.
    pub async fn graphql(&self, token: &str, query: &str, variables: Value) -> Value {
        let body: Value = self
            .client
            .post(format!("{}/graphql", self.address))
            .bearer_auth(token)
            .json(&json!({"query": query, "variables": variables}))
            .send()
            .await
            .expect("the server answers")
            .json()
            .await
            .expect("a JSON answer");
        assert!(body.get("errors").is_none(), "{query}: {body}");
        body["data"].clone()
    }

    pub async fn get(&self, path: &str, token: Option<&str>) -> reqwest::Response {
        let mut request = self.client.get(format!("{}{path}", self.address));
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        request.send().await.expect("the server answers")
    }
}

impl Drop for TestServer {
    fn drop(&mut self) {
        // On a thread of its own: the test's runtime is shutting down.
        let database = self.database.clone();
        let _ = std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .unwrap();
            runtime.block_on(async move {
                if let Ok(pool) = PgPoolOptions::new()
                    .max_connections(1)
                    .connect(&format!("{}/postgres", database_server()))
                    .await
                {
                    let _ = sqlx::query(&format!(
                        r#"drop database if exists "{database}" with (force)"#
                    ))
                    .execute(&pool)
                    .await;
                }
            });
        })
        .join();
    }
}
