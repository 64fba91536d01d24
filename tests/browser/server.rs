//! The real server in-process on port 0, on its own database, dropped at
//! the end (as in `tests/api/helpers.rs`, kept small here).

use serde_json::{json, Value};
use uuid::Uuid;
use werkplaats::config::Config;
use werkplaats::startup::Application;

#[path = "../common/scratch.rs"]
mod scratch;

use scratch::server_url as database_server;

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
        scratch::drop_database(&self.database);
    }
}
