//! GraphQL as the ecosystem's clients speak it: GraphQL over HTTP (media
//! types, status codes, GET), field errors that null only their field,
//! graphql-js's standard introspection query, graphql-transport-ws `error`
//! messages, and automatic persisted queries — all over raw HTTP and
//! websockets.

use std::collections::BTreeSet;

use reqwest::header::{HeaderMap, ACCEPT, ALLOW, CONTENT_TYPE};
use serde_json::{json, Value};
use sha2::{Digest, Sha256};

use crate::kit::app::{spawn_app, spawn_app_with, TestApp};
use crate::kit::seed::{create_werkplaats, werkplaats_input, CREATE_WERKPLAATS};
use crate::kit::ws::{Incoming, Protocol, WsClient};

const GRAPHQL_RESPONSE: &str = "application/graphql-response+json";

/// graphql-js's `getIntrospectionQuery()` with every option on
/// (descriptions, `specifiedByURL`, `isRepeatable`, the schema's
/// description, deprecated input values), as schema loaders send it, with
/// its nine levels of `ofType`.
const INTROSPECTION_QUERY: &str = r#"
    query IntrospectionQuery {
      __schema {
        description
        queryType { name }
        mutationType { name }
        subscriptionType { name }
        types {
          ...FullType
        }
        directives {
          name
          description
          isRepeatable
          locations
          args(includeDeprecated: true) {
            ...InputValue
          }
        }
      }
    }

    fragment FullType on __Type {
      kind
      name
      description
      specifiedByURL
      fields(includeDeprecated: true) {
        name
        description
        args(includeDeprecated: true) {
          ...InputValue
        }
        type {
          ...TypeRef
        }
        isDeprecated
        deprecationReason
      }
      inputFields(includeDeprecated: true) {
        ...InputValue
      }
      interfaces {
        ...TypeRef
      }
      enumValues(includeDeprecated: true) {
        name
        description
        isDeprecated
        deprecationReason
      }
      possibleTypes {
        ...TypeRef
      }
    }

    fragment InputValue on __InputValue {
      name
      description
      type { ...TypeRef }
      defaultValue
      isDeprecated
      deprecationReason
    }

    fragment TypeRef on __Type {
      kind
      name
      ofType {
        kind
        name
        ofType {
          kind
          name
          ofType {
            kind
            name
            ofType {
              kind
              name
              ofType {
                kind
                name
                ofType {
                  kind
                  name
                  ofType {
                    kind
                    name
                    ofType {
                      kind
                      name
                      ofType {
                        kind
                        name
                      }
                    }
                  }
                }
              }
            }
          }
        }
      }
    }
"#;

fn content_type(headers: &HeaderMap) -> String {
    headers
        .get(CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .unwrap_or_default()
        .to_owned()
}

/// POSTs `body` as JSON accepting `accept`; the status, content type and body.
async fn post(
    app: &TestApp,
    token: Option<&str>,
    accept: &str,
    body: Value,
) -> (u16, String, Value) {
    let mut request = reqwest::Client::new()
        .post(format!("{}/graphql", app.address))
        .header(ACCEPT, accept)
        .json(&body);
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    let response = request.send().await.expect("the server answers");
    let status = response.status().as_u16();
    let media = content_type(response.headers());
    (status, media, response.json().await.expect("a JSON body"))
}

/// GET /graphql with `params` in the URL, accepting `accept`.
async fn get(app: &TestApp, accept: &str, params: &[(&str, &str)]) -> reqwest::Response {
    reqwest::Client::new()
        .get(format!("{}/graphql", app.address))
        .header(ACCEPT, accept)
        .query(params)
        .send()
        .await
        .expect("the server answers")
}

#[tokio::test]
async fn graphql_over_http_media_types_status_codes_and_get() {
    let app = spawn_app().await;
    let admin = Some(app.admin_token.as_str());

    // The spec's media type when accepted; 200 for a request that ran.
    let accept = "application/graphql-response+json, application/json;q=0.9";
    let (status, media, body) = post(&app, admin, accept, json!({"query": "{ __typename }"})).await;
    assert_eq!(
        (status, body.clone()),
        (200, json!({"data": {"__typename": "Query"}}))
    );
    assert!(media.starts_with(GRAPHQL_RESPONSE), "{media}");
    assert!(media.contains("utf-8"), "{media}");

    // Requests that never execute: 400 and no `data`, codes as ever.
    for (what, request) in [
        ("parse", json!({"query": "{"})),
        ("validation", json!({"query": "{ noSuchField }"})),
        (
            "variable coercion",
            json!({"query": "query($id: ID!) { werkplaats(id: $id) { id } }", "variables": {"id": {"a": 1}}}),
        ),
        (
            "missing variable",
            json!({"query": "query($id: ID!) { werkplaats(id: $id) { id } }"}),
        ),
        ("missing query", json!({"notquery": "{ __typename }"})),
    ] {
        let (status, media, body) = post(&app, admin, GRAPHQL_RESPONSE, request).await;
        assert_eq!(status, 400, "{what}: {body}");
        assert!(media.starts_with(GRAPHQL_RESPONSE), "{what}: {media}");
        assert!(body.get("data").is_none(), "{what}: {body}");
        assert_eq!(
            body["errors"][0]["extensions"]["code"], "BAD_USER_INPUT",
            "{what}: {body}"
        );
    }

    // The legacy media type otherwise: 200 with `data: null`, as before.
    for accept in ["application/json", "*/*"] {
        let (status, media, body) = post(&app, admin, accept, json!({"query": "{"})).await;
        assert_eq!(status, 200, "{body}");
        assert!(media.starts_with("application/json"), "{media}");
        assert_eq!(body.get("data"), Some(&Value::Null), "{body}");
        assert_eq!(body["errors"][0]["extensions"]["code"], "BAD_USER_INPUT");
    }

    // A POST that does not say it is JSON: 415.
    let client = reqwest::Client::new();
    for content_type in [
        None,
        Some("text/plain"),
        Some("application/json; charset=latin1"),
    ] {
        let mut request = client
            .post(format!("{}/graphql", app.address))
            .body(r#"{"query": "{ __typename }"}"#);
        if let Some(content_type) = content_type {
            request = request.header(CONTENT_TYPE, content_type);
        }
        let response = request.send().await.unwrap();
        assert_eq!(response.status(), 415, "{content_type:?}");
    }
    let (status, _, body) = post(
        &app,
        admin,
        "application/json",
        json!({"query": "{ __typename }"}),
    )
    .await;
    assert_eq!(
        (status, body),
        (200, json!({"data": {"__typename": "Query"}}))
    );

    // GET runs queries, with variables and an operation name.
    let query = "query A { __typename } query B($n: String!) { __type(name: $n) { name } }";
    let response = get(
        &app,
        GRAPHQL_RESPONSE,
        &[
            ("query", query),
            ("operationName", "B"),
            ("variables", r#"{"n": "Werkplaats"}"#),
        ],
    )
    .await;
    assert_eq!(response.status(), 200);
    assert!(content_type(response.headers()).starts_with(GRAPHQL_RESPONSE));
    let body: Value = response.json().await.unwrap();
    assert_eq!(body, json!({"data": {"__type": {"name": "Werkplaats"}}}));
    let response = get(&app, "application/json", &[("query", "{ __typename }")]).await;
    assert_eq!(response.status(), 200);
    assert!(content_type(response.headers()).starts_with("application/json"));
    let body: Value = response.json().await.unwrap();
    assert_eq!(body, json!({"data": {"__typename": "Query"}}));
    // GET's bad requests are 400 too.
    let response = get(&app, GRAPHQL_RESPONSE, &[("query", "{")]).await;
    assert_eq!(response.status(), 400);
    let response = get(
        &app,
        GRAPHQL_RESPONSE,
        &[("query", "{ __typename }"), ("variables", "[")],
    )
    .await;
    assert_eq!(response.status(), 400);
    let response = get(&app, GRAPHQL_RESPONSE, &[]).await;
    assert_eq!(
        response.status(),
        400,
        "a client that wants JSON gets no page"
    );

    // A mutation over GET: 405, POST allowed; nothing runs.
    for accept in [GRAPHQL_RESPONSE, "application/json"] {
        let response = get(
            &app,
            accept,
            &[("query", "mutation { rotateToken { token } }")],
        )
        .await;
        assert_eq!(response.status(), 405);
        assert_eq!(response.headers()[ALLOW], "POST");
    }
    let response = get(
        &app,
        GRAPHQL_RESPONSE,
        &[
            (
                "query",
                "query Q { __typename } mutation M { rotateToken { token } }",
            ),
            ("operationName", "M"),
        ],
    )
    .await;
    assert_eq!(response.status(), 405);

    // GraphiQL for a browser only.
    let browser = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8";
    let response = get(&app, browser, &[]).await;
    assert_eq!(response.status(), 200);
    assert!(content_type(response.headers()).starts_with("text/html"));

    // The rate limit's 429 stays, in either media type.
    let limited = spawn_app_with(|config| {
        config.mutation_burst = 1;
        config.mutations_per_second = 1;
    })
    .await;
    let create = json!({
        "query": CREATE_WERKPLAATS,
        "variables": {"input": werkplaats_input("SCHOUDERS_ERONDER", "Procesbegeleider")},
    });
    let mut statuses = Vec::new();
    for _ in 0..3 {
        let (status, media, body) = post(
            &limited,
            Some(&limited.admin_token),
            GRAPHQL_RESPONSE,
            create.clone(),
        )
        .await;
        assert!(media.starts_with(GRAPHQL_RESPONSE));
        statuses.push((status, body["errors"][0]["extensions"]["code"].clone()));
    }
    assert!(
        statuses.contains(&(429, json!("RATE_LIMITED"))),
        "{statuses:?}"
    );
    println!("graphql_http: media types, 400 for request errors, 415, GET, 405, 429 as expected");
}

#[tokio::test]
async fn a_field_error_nulls_the_field_not_the_response() {
    let app = spawn_app().await;
    let (werkplaats, facilitator) = create_werkplaats(&app, "SCHOUDERS_ERONDER").await;

    let query = "query($id: ID!) { __typename werkplaats(id: $id, asOfVersion: 99999) { id } }";
    let response = app
        .graphql(Some(&facilitator), query, json!({"id": werkplaats}))
        .await;
    assert_eq!(
        response["data"],
        json!({"__typename": "Query", "werkplaats": null}),
        "{response}"
    );
    assert_eq!(
        response["errors"][0]["path"],
        json!(["werkplaats"]),
        "{response}"
    );
    let code = response["errors"][0]["extensions"]["code"].clone();
    assert!(code.is_string(), "{response}");

    // Alone, too: `data` stays, with the field null.
    let query = "query($id: ID!) { werkplaats(id: $id, asOfVersion: 99999) { id } }";
    let (status, _, response) = post(
        &app,
        Some(&facilitator),
        GRAPHQL_RESPONSE,
        json!({"query": query, "variables": {"id": werkplaats}}),
    )
    .await;
    assert_eq!(status, 200, "the request ran: {response}");
    assert_eq!(response["data"], json!({"werkplaats": null}), "{response}");
    assert_eq!(response["errors"][0]["extensions"]["code"], code);

    // Beside a sibling that succeeds.
    let query = "query($id: ID!) { now: werkplaats(id: $id) { id } then: werkplaats(id: $id, asOfVersion: 99999) { id } }";
    let response = app
        .graphql(Some(&facilitator), query, json!({"id": werkplaats}))
        .await;
    assert_eq!(
        response["data"],
        json!({"now": {"id": werkplaats}, "then": null}),
        "{response}"
    );
    assert_eq!(response["errors"].as_array().unwrap().len(), 1);
    assert_eq!(response["errors"][0]["path"], json!(["then"]));

    // An unknown werkplaats, for someone signed in elsewhere.
    let query = "{ __typename werkplaats(id: \"00000000-0000-4000-8000-000000000000\") { id } }";
    let response = app.graphql(Some(&facilitator), query, json!({})).await;
    assert_eq!(
        response["data"],
        json!({"__typename": "Query", "werkplaats": null}),
        "{response}"
    );
    assert!(response["errors"][0]["extensions"]["code"].is_string());
    println!("graphql_http: a failed nullable root field is null, its error {code}");
}

/// The names of the types `graphql/schema.graphql` declares.
fn contract_types() -> BTreeSet<String> {
    let sdl = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/graphql/schema.graphql"
    ))
    .expect("the contract's schema");
    sdl.lines()
        .filter_map(|line| {
            let mut words = line.split_whitespace();
            let kind = words.next()?;
            matches!(
                kind,
                "type" | "input" | "enum" | "scalar" | "interface" | "union"
            )
            .then(|| words.next())
            .flatten()
            .map(|name| name.trim_end_matches('{').to_owned())
        })
        .collect()
}

#[tokio::test]
async fn graphql_js_introspection_query_passes_and_introspection_stays_switchable() {
    let app = spawn_app().await;
    let body = json!({"query": INTROSPECTION_QUERY, "operationName": "IntrospectionQuery"});
    // Anonymous, as schema loaders are.
    let (status, _, response) = post(&app, None, GRAPHQL_RESPONSE, body.clone()).await;
    assert_eq!(status, 200, "{response}");
    assert!(response.get("errors").is_none(), "{response}");
    let schema = &response["data"]["__schema"];
    assert_eq!(schema["description"], Value::Null);
    assert_eq!(schema["queryType"]["name"], "Query");
    assert_eq!(schema["mutationType"]["name"], "Mutation");
    assert_eq!(schema["subscriptionType"]["name"], "Subscription");
    let served: BTreeSet<String> = schema["types"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|t| t["name"].as_str().map(str::to_owned))
        .collect();
    let contract = contract_types();
    assert!(contract.len() > 20, "{contract:?}");
    let missing: Vec<_> = contract.difference(&served).collect();
    assert!(
        missing.is_empty(),
        "types of the contract not introspected: {missing:?}"
    );
    let werkplaats = schema["types"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["name"] == "Werkplaats")
        .unwrap();
    assert_eq!(werkplaats["kind"], "OBJECT");
    assert!(werkplaats["fields"]
        .as_array()
        .unwrap()
        .iter()
        .any(|f| f["name"] == "id"));

    // Other queries keep their limits: as deep without introspection is refused.
    let deep = "{ werkplaatsen { actions { werkplaats { actions { werkplaats { actions { werkplaats { actions { werkplaats { actions { werkplaats { actions { id } } } } } } } } } } } }";
    let (_, _, response) = post(
        &app,
        Some(&app.admin_token),
        GRAPHQL_RESPONSE,
        json!({"query": deep}),
    )
    .await;
    assert!(
        response["errors"][0]["extensions"]["code"].is_string(),
        "{response}"
    );
    // Mixed with another field, introspection is no exemption either.
    let mixed = INTROSPECTION_QUERY.replacen("__schema {", "me { id } __schema {", 1);
    let (_, _, response) = post(
        &app,
        Some(&app.admin_token),
        GRAPHQL_RESPONSE,
        json!({"query": mixed}),
    )
    .await;
    assert!(response["errors"].is_array(), "{response}");

    // Switched off, it is refused as before.
    let closed = spawn_app_with(|config| config.introspection = false).await;
    let (_, _, response) = post(&closed, Some(&closed.admin_token), GRAPHQL_RESPONSE, body).await;
    assert_eq!(
        response["errors"][0]["extensions"]["code"], "BAD_USER_INPUT",
        "{response}"
    );
    assert!(
        response["data"].is_null() || response["data"]["__schema"].is_null(),
        "{response}"
    );
    println!(
        "graphql_http: getIntrospectionQuery() passes, {} types, all {} of the contract's",
        served.len(),
        contract.len()
    );
}

#[tokio::test]
async fn subscribe_requests_that_fail_before_execution_get_an_error_message() {
    let app = spawn_app().await;
    let (werkplaats, facilitator) = create_werkplaats(&app, "SCHOUDERS_ERONDER").await;
    let mut client = WsClient::connect_as(&app.ws_url(), Protocol::TransportWs, &facilitator).await;
    let two = "subscription($id: ID!) { a: werkplaatsEvents(werkplaatsId: $id) { version } b: werkplaatsEvents(werkplaatsId: $id) { version } }";
    for (id, query) in [
        ("parse", "subscription {"),
        ("validation", "subscription { noSuchField }"),
        (
            "variables",
            "subscription($id: ID!) { werkplaatsEvents(werkplaatsId: $id) { version } }",
        ),
        ("two", two),
    ] {
        let variables = if id == "variables" {
            json!({})
        } else {
            json!({"id": werkplaats})
        };
        client.subscribe(id, query, variables).await;
        let message = client.expect("error", id).await;
        let errors = message["payload"].as_array().expect("a list of errors");
        assert!(!errors.is_empty(), "{message}");
        assert_eq!(
            errors[0]["extensions"]["code"], "BAD_USER_INPUT",
            "{message}"
        );
    }
    // The connection goes on; a good subscription gets its events.
    client
        .subscribe(
            "good",
            "subscription($id: ID!) { werkplaatsEvents(werkplaatsId: $id, afterVersion: 0) { version } }",
            json!({"id": werkplaats}),
        )
        .await;
    match client.recv().await {
        Incoming::Json(message) => {
            assert_eq!(message["type"], "next", "{message}");
            assert_eq!(message["payload"]["data"]["werkplaatsEvents"]["version"], 1);
        }
        other => panic!("expected an event, got {other:?}"),
    }
    client.close().await;
    println!("graphql_http: parse, validation, variable and two-root-field subscriptions -> error");
}

#[tokio::test]
async fn automatic_persisted_queries_round_trip() {
    let app = spawn_app().await;
    let query = "{ __typename }";
    let hash = hex::encode(Sha256::digest(query.as_bytes()));
    let extensions = json!({"persistedQuery": {"version": 1, "sha256Hash": hash}});

    // Unknown hash: the error Apollo's link falls back on.
    let (status, _, response) = post(
        &app,
        None,
        GRAPHQL_RESPONSE,
        json!({"extensions": extensions}),
    )
    .await;
    assert_eq!(status, 200, "{response}");
    assert_eq!(
        response["errors"][0]["message"], "PersistedQueryNotFound",
        "{response}"
    );
    assert_eq!(
        response["errors"][0]["extensions"]["code"],
        "PERSISTED_QUERY_NOT_FOUND"
    );

    // A hash that does not match its query is refused, and not remembered.
    let wrong = json!({"persistedQuery": {"version": 1, "sha256Hash": "00".repeat(32)}});
    let (_, _, response) = post(
        &app,
        None,
        GRAPHQL_RESPONSE,
        json!({"query": query, "extensions": wrong}),
    )
    .await;
    assert_eq!(
        response["errors"][0]["extensions"]["code"], "BAD_USER_INPUT",
        "{response}"
    );

    // Hash and query: runs, and is remembered.
    let (status, _, response) = post(
        &app,
        None,
        GRAPHQL_RESPONSE,
        json!({"query": query, "extensions": extensions}),
    )
    .await;
    assert_eq!(
        (status, response),
        (200, json!({"data": {"__typename": "Query"}}))
    );
    let (_, _, response) = post(
        &app,
        None,
        GRAPHQL_RESPONSE,
        json!({"extensions": extensions}),
    )
    .await;
    assert_eq!(response, json!({"data": {"__typename": "Query"}}));
    // Also over GET, as Apollo's link sends queries with useGETForHashedQueries.
    let response = get(
        &app,
        GRAPHQL_RESPONSE,
        &[("extensions", &extensions.to_string())],
    )
    .await;
    assert_eq!(response.status(), 200);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body, json!({"data": {"__typename": "Query"}}));
    println!("graphql_http: APQ not found, then registered, then found (POST and GET)");
}

/// Runs graphql-http's `serverAudits` (the GraphQL-over-HTTP spec's
/// reference audits) and prints one line per audit: status, then name.
const AUDITS: &str = r#"
const { serverAudits } = require('graphql-http');
(async () => {
  for (const audit of serverAudits({ url: process.env.GRAPHQL_URL })) {
    const result = await audit.fn();
    const reason = result.status === 'ok' ? '' : ' -- ' + String(result.reason).replace(/\n/g, ' ');
    console.log(result.status + ' ' + audit.name + reason);
  }
})().catch((error) => { console.error(error); process.exit(1); });
"#;

/// Where `.ci/run` installs the Node packages the tests use.
fn node_modules() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("target/node/node_modules")
}

#[tokio::test]
async fn graphql_http_server_audits_pass() {
    let modules = node_modules();
    if !modules.join("graphql-http").is_dir() {
        println!(
            "graphql_http: audits skipped, no {} (.ci/run installs it)",
            modules.join("graphql-http").display()
        );
        return;
    }
    let app = spawn_app().await;
    let output = tokio::process::Command::new("node")
        .arg("-e")
        .arg(AUDITS)
        .env("NODE_PATH", &modules)
        .env("GRAPHQL_URL", format!("{}/graphql", app.address))
        .output()
        .await
        .expect("node runs");
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "{stdout}{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let lines: Vec<&str> = stdout.lines().collect();
    assert!(lines.len() > 20, "{stdout}");
    let failing: Vec<&&str> = lines
        .iter()
        .filter(|line| {
            let (status, name) = line.split_once(' ').unwrap_or_default();
            status != "ok" && (name.starts_with("MUST") || name.starts_with("SHOULD"))
        })
        .collect();
    assert!(failing.is_empty(), "audits not ok:\n{failing:#?}");
    for line in lines.iter().filter(|line| !line.starts_with("ok ")) {
        println!("graphql_http: audit {line}");
    }
    let ok = lines.iter().filter(|line| line.starts_with("ok ")).count();
    println!(
        "graphql_http: graphql-http serverAudits: {ok} of {} ok, every MUST and SHOULD",
        lines.len()
    );
}

#[tokio::test]
async fn graphiql_is_served_from_the_binary_and_loads_nothing_from_elsewhere() {
    let app = spawn_app().await;
    let browser = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8";
    let response = get(&app, browser, &[]).await;
    assert_eq!(response.status(), 200);
    let policy = response.headers()["content-security-policy"]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(policy.contains("default-src 'self'"), "{policy}");
    assert!(!policy.contains("http"), "{policy}");
    let page = response.text().await.unwrap();
    assert!(
        !page.contains("unpkg") && !page.contains("https://"),
        "{page}"
    );
    let mut files = 0;
    for (at, _) in page.match_indices("/graphiql/") {
        let rest = &page[at..];
        let path = &rest[..rest.find('"').unwrap()];
        let asset = app.get(path).await;
        assert_eq!(asset.status(), 200, "{path}");
        assert!(asset.bytes().await.unwrap().len() > 100, "{path}");
        files += 1;
    }
    assert_eq!(files, 5, "{page}");

    // In Chromium, with every other host unreachable, the editor appears.
    if !std::path::Path::new("/usr/bin/chromium").exists() {
        println!("graphql_http: GraphiQL's {files} files served; Chromium check skipped");
        return;
    }
    let profile = std::env::temp_dir().join(format!("graphiql-{}", uuid::Uuid::new_v4()));
    let output = tokio::process::Command::new("/usr/bin/chromium")
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--proxy-server=127.0.0.1:9",
            "--proxy-bypass-list=127.0.0.1",
            "--virtual-time-budget=15000",
            "--dump-dom",
        ])
        .arg(format!("--user-data-dir={}", profile.display()))
        .arg(format!("{}/graphql", app.address))
        .output()
        .await
        .expect("chromium runs");
    let _ = std::fs::remove_dir_all(&profile);
    let dom = String::from_utf8_lossy(&output.stdout);
    assert!(
        dom.contains("graphiql-container"),
        "GraphiQL did not start: {}",
        &dom[..dom.len().min(2000)]
    );
    println!("graphql_http: GraphiQL's {files} files served from the binary; Chromium shows the editor offline");
}

/// graphql-ws's own client subscribes with a validation error and with two
/// root fields, then to a werkplaats's events; prints what its sink saw.
const GRAPHQL_WS_CLIENT: &str = r#"
const { createClient } = require('graphql-ws');
const WebSocket = require('ws');
const client = createClient({
  url: process.env.WS_URL,
  webSocketImpl: WebSocket,
  connectionParams: { authorization: 'Bearer ' + process.env.TOKEN },
  retryAttempts: 0,
});
function run(query, variables) {
  return new Promise((resolve) => {
    const seen = [];
    client.subscribe({ query, variables }, {
      next: (value) => { seen.push({ next: value }); if (seen.length === 1) resolve(seen); },
      error: (error) => { seen.push({ error: Array.isArray(error) ? error : String(error) }); resolve(seen); },
      complete: () => { seen.push('complete'); resolve(seen); },
    });
  });
}
(async () => {
  const id = process.env.WERKPLAATS;
  const results = {
    invalid: await run('subscription { noSuchField }', {}),
    two: await run('subscription($id: ID!) { a: werkplaatsEvents(werkplaatsId: $id) { version } b: werkplaatsEvents(werkplaatsId: $id) { version } }', { id }),
    good: await run('subscription($id: ID!) { werkplaatsEvents(werkplaatsId: $id, afterVersion: 0) { version } }', { id }),
  };
  console.log(JSON.stringify(results));
  await client.dispose();
  process.exit(0);
})().catch((error) => { console.error(error); process.exit(1); });
"#;

#[tokio::test]
async fn graphql_ws_client_sees_errors_before_execution_as_errors() {
    let modules = node_modules();
    if !modules.join("graphql-ws").is_dir() || !modules.join("ws").is_dir() {
        println!("graphql_http: graphql-ws client skipped, not installed (.ci/run installs it)");
        return;
    }
    let app = spawn_app().await;
    let (werkplaats, facilitator) = create_werkplaats(&app, "SCHOUDERS_ERONDER").await;
    let output = tokio::time::timeout(
        std::time::Duration::from_secs(60),
        tokio::process::Command::new("node")
            .arg("-e")
            .arg(GRAPHQL_WS_CLIENT)
            .env("NODE_PATH", &modules)
            .env("WS_URL", app.ws_url())
            .env("TOKEN", &facilitator)
            .env("WERKPLAATS", &werkplaats)
            .output(),
    )
    .await
    .expect("the client finishes")
    .expect("node runs");
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "{stdout}{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let results: Value = serde_json::from_str(stdout.trim()).expect("the client's JSON");
    for case in ["invalid", "two"] {
        let errors = &results[case][0]["error"];
        assert!(errors.is_array(), "{case}: {results}");
        assert_eq!(
            errors[0]["extensions"]["code"], "BAD_USER_INPUT",
            "{case}: {results}"
        );
    }
    assert_eq!(
        results["good"][0]["next"]["data"]["werkplaatsEvents"]["version"], 1,
        "{results}"
    );
    println!("graphql_http: graphql-ws's createClient gets `error` for a validation error and two root fields, events otherwise");
}
