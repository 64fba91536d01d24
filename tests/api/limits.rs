//! The abuse limits, each at its edge: the deepest legitimate query passes
//! and one past a limit is refused; the mutation rate limit answers
//! `RATE_LIMITED` with a wait that suffices and appends nothing; the
//! switches for introspection and GraphiQL; the websocket limits; and the
//! per-token limits counted over two instances on one database, a dead
//! instance's websockets included.

use std::time::{Duration, Instant};

use serde_json::{json, Value};
use uuid::Uuid;
use werkplaats::app::{Caller, CallerKey, RateLimiter};
use werkplaats::config::Config;

use crate::kit::app::{assert_error, assert_ok, spawn_app, spawn_app_with, TestApp};
use crate::kit::process::Server;
use crate::kit::seed::{create_werkplaats, RECORD_PROBLEM};
use crate::kit::ws::{Incoming, Protocol, WsClient};

const INTROSPECTION: &str = "{ __schema { types { name kind fields { name args { name type { kind name ofType { kind name ofType { kind name ofType { kind name } } } } } type { kind name ofType { kind name ofType { kind name ofType { kind name } } } } } } } }";

fn problem(werkplaats: &str, n: usize) -> Value {
    json!({"input": {
        "werkplaatsId": werkplaats,
        "title": format!("Probleem {n}"),
        "description": "Brieven zijn onleesbaar.",
        "perspective": "CLIENT",
    }})
}

/// The named type under any list and non-null wrappers.
fn named(ty: &Value) -> &str {
    match ty["name"].as_str() {
        Some(name) => name,
        None => named(&ty["ofType"]),
    }
}

/// A selection of every field of `ty`, never entering a type already on
/// the path (so no recursion: `Decision.supersedes` stays out), with the
/// arguments a field requires. Returns it with its depth and field count.
fn every_field(types: &[Value], ty: &str, path: &mut Vec<String>) -> (String, usize, usize) {
    let definition = types.iter().find(|t| t["name"] == ty).unwrap();
    let mut parts = Vec::new();
    let (mut depth, mut fields) = (0, 0);
    path.push(ty.to_owned());
    for field in definition["fields"].as_array().unwrap() {
        let name = field["name"].as_str().unwrap();
        let target = named(&field["type"]);
        let required: Vec<String> = field["args"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|a| a["type"]["kind"] == "NON_NULL")
            .map(|a| match named(&a["type"]) {
                "Int" => format!("{}: 1", a["name"].as_str().unwrap()),
                "Date" => format!("{}: \"2026-01-01\"", a["name"].as_str().unwrap()),
                _ if a["type"]["ofType"]["kind"] == "LIST" => {
                    format!("{}: []", a["name"].as_str().unwrap())
                }
                _ => format!("{}: \"x\"", a["name"].as_str().unwrap()),
            })
            .collect();
        let arguments = if required.is_empty() {
            String::new()
        } else {
            format!("({})", required.join(", "))
        };
        let kind = types.iter().find(|t| t["name"] == target).unwrap()["kind"].clone();
        if kind == "OBJECT" {
            if path.iter().any(|p| p == target) {
                continue;
            }
            let (inner, d, f) = every_field(types, target, path);
            parts.push(format!("{name}{arguments} {inner}"));
            depth = depth.max(d + 1);
            fields += f + 1;
        } else {
            parts.push(format!("{name}{arguments}"));
            depth = depth.max(1);
            fields += 1;
        }
    }
    path.pop();
    (format!("{{ {} }}", parts.join(" ")), depth, fields)
}

/// `depth` nested levels: `werkplaats { decisionLog { supersedes { … id } } }`.
fn nested(depth: usize) -> String {
    let chain = depth - 3;
    format!(
        "query($id: ID!) {{ werkplaats(id: $id) {{ decisionLog {{ {}id{} }} }} }}",
        "supersedes { ".repeat(chain),
        " }".repeat(chain)
    )
}

/// `fields` fields in all: `me` and `fields - 1` times its `id`.
fn wide(fields: usize) -> String {
    format!("{{ me {{ {} }} }}", "id ".repeat(fields - 1))
}

/// `aliases` aliased fields.
fn aliased(aliases: usize) -> String {
    let fields: Vec<String> = (0..aliases).map(|n| format!("m{n}: me {{ id }}")).collect();
    format!("{{ {} }}", fields.join(" "))
}

#[tokio::test]
async fn the_deepest_legitimate_query_passes_and_one_past_each_limit_is_refused() {
    let app = spawn_app().await;
    let (wp, fac) = create_werkplaats(&app, "SCHOUDERS_ERONDER").await;
    let defaults = Config::default();

    // The whole werkplaats as createWerkplaats answers it: every field.
    let schema = app.graphql(Some(&fac), INTROSPECTION, json!({})).await;
    assert_ok(&schema);
    let types = schema["data"]["__schema"]["types"]
        .as_array()
        .unwrap()
        .clone();
    let (selection, depth, fields) =
        every_field(&types, "CreateWerkplaatsPayload", &mut Vec::new());
    let create = format!(
        "mutation($input: CreateWerkplaatsInput!) {{ createWerkplaats(input: $input) {selection} }}"
    );
    let response = app
        .graphql(
            Some(&app.admin_token),
            &create,
            json!({"input": {
                "name": "Alles",
                "municipality": "Overal",
                "question": "Alles in één keer?",
                "methodology": "NJI_ZEVEN_STAPPEN",
                "facilitatorName": "Procesbegeleider",
            }}),
        )
        .await;
    assert_ok(&response);
    let (depth, fields) = (depth + 1, fields + 1);
    assert!(depth + 3 <= defaults.max_query_depth, "depth {depth}");
    assert!(
        2 * fields <= defaults.max_query_complexity,
        "{fields} fields"
    );
    println!(
        "limits: the whole createWerkplaats payload (depth {depth}, {fields} fields) passes \
         under depth {} and complexity {}",
        defaults.max_query_depth, defaults.max_query_complexity
    );

    let cases = [
        (
            "depth",
            nested(defaults.max_query_depth),
            nested(defaults.max_query_depth + 1),
        ),
        (
            "complexity",
            wide(defaults.max_query_complexity),
            wide(defaults.max_query_complexity + 1),
        ),
        (
            "aliases",
            aliased(defaults.max_aliases),
            aliased(defaults.max_aliases + 1),
        ),
    ];
    for (limit, at, past) in cases {
        let response = app.graphql(Some(&fac), &at, json!({"id": wp})).await;
        assert_ok(&response);
        let response = app.graphql(Some(&fac), &past, json!({"id": wp})).await;
        assert_error(&response, "BAD_USER_INPUT");
        println!("limits: {limit}: at the limit passes, one past is BAD_USER_INPUT");
    }

    // Twenty fragments that each spread the next twice: a million fields
    // from 700 bytes, refused at once instead of walked.
    let mut bomb = String::from("query { ...F0 }");
    for n in 0..20 {
        bomb.push_str(&format!(
            " fragment F{n} on Query {{ ...F{m} ...F{m} }}",
            m = n + 1
        ));
    }
    bomb.push_str(" fragment F20 on Query { me { id } }");
    let started = Instant::now();
    let response = app.graphql(Some(&fac), &bomb, json!({})).await;
    assert_error(&response, "BAD_USER_INPUT");
    assert!(started.elapsed() < Duration::from_secs(1));
    println!(
        "limits: a fragment bomb ({} bytes, 2^20 fields) refused in {:?}",
        bomb.len(),
        started.elapsed()
    );
}

#[tokio::test]
async fn batches_are_limited_as_configured() {
    let app = spawn_app_with(|config| config.max_batch = 2).await;
    let (_, fac) = create_werkplaats(&app, "SCHOUDERS_ERONDER").await;
    let batch = |n: usize| json!(vec![json!({"query": "{ me { id } }"}); n]).to_string();
    let response = app.post_raw(Some(&fac), batch(2)).await;
    assert_eq!(response.status(), 200);
    let response = app.post_raw(Some(&fac), batch(3)).await;
    assert_eq!(response.status(), 400);
    assert_error(&response.json().await.unwrap(), "BAD_USER_INPUT");
}

/// A burst of 3 mutations, refilled at 1 per second.
fn burst_of_three(config: &mut Config) {
    config.mutation_burst = 3;
    config.mutations_per_second = 1;
}

/// A werkplaats whose facilitator spent the whole burst on three problems
/// (createWerkplaats is a mutation of the admin's own bucket), and the
/// events stored then.
async fn burst_spent(app: &TestApp) -> (String, String, i64) {
    let (wp, fac) = create_werkplaats(app, "SCHOUDERS_ERONDER").await;
    for n in 0..3 {
        assert_ok(
            &app.graphql(Some(&fac), RECORD_PROBLEM, problem(&wp, n))
                .await,
        );
    }
    let stored = app.stored_events(&wp).await;
    (wp, fac, stored)
}

#[tokio::test]
async fn mutations_beyond_the_rate_are_refused_with_a_wait_that_suffices() {
    let app = spawn_app_with(burst_of_three).await;
    let (wp, fac, stored) = burst_spent(&app).await;

    let refused = app
        .post_raw(
            Some(&fac),
            json!({"query": RECORD_PROBLEM, "variables": problem(&wp, 3)}).to_string(),
        )
        .await;
    assert_eq!(refused.status(), 429);
    let header: u64 = refused.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    let refused: Value = refused.json().await.unwrap();
    assert_error(&refused, "RATE_LIMITED");
    let retry_after = refused["errors"][0]["extensions"]["retryAfter"]
        .as_u64()
        .unwrap();
    assert_eq!((retry_after, header), (1, 1), "{refused}");
    assert_eq!(
        app.stored_events(&wp).await,
        stored,
        "a refused mutation appends nothing"
    );

    // Reads are not limited; two mutations in one document cost two, and
    // a batch refused as a whole is a 429 too.
    assert_ok(&app.graphql(Some(&fac), "{ me { id } }", json!({})).await);
    let two = "mutation($a: RecordProblemInput!, $b: RecordProblemInput!) { \
               a: recordProblem(input: $a) { version } b: recordProblem(input: $b) { version } }";
    let both = json!({"a": problem(&wp, 4)["input"], "b": problem(&wp, 5)["input"]});
    let batch = json!([{"query": two, "variables": both}]).to_string();
    assert_eq!(app.post_raw(Some(&fac), batch).await.status(), 429);

    tokio::time::sleep(Duration::from_secs(retry_after)).await;
    assert_ok(
        &app.graphql(Some(&fac), RECORD_PROBLEM, problem(&wp, 6))
            .await,
    );
    assert_eq!(app.stored_events(&wp).await, stored + 1);
    println!(
        "limits: burst 3 at 1/s: the 4th mutation RATE_LIMITED (retryAfter {retry_after} s, \
         HTTP 429, 0 appended), accepted after waiting it"
    );
}

/// A command's charge is taken with its append; these are the requests
/// that never reach one, and must cost the same.
#[tokio::test]
async fn commands_that_append_nothing_spend_the_budget_all_the_same() {
    let app = spawn_app_with(burst_of_three).await;
    let (wp, fac) = create_werkplaats(&app, "SCHOUDERS_ERONDER").await;
    let stored = app.stored_events(&wp).await;

    // Refused by the rule (an empty title), refused by validation (a
    // field the input does not have), and sent again under a command id
    // that was appended already: none of them appends.
    let mut empty = problem(&wp, 0);
    empty["input"]["title"] = json!("");
    assert_error(
        &app.graphql(Some(&fac), RECORD_PROBLEM, empty).await,
        "BAD_USER_INPUT",
    );
    let mut unknown = problem(&wp, 1);
    unknown["input"]["colour"] = json!("blauw");
    let invalid = app.graphql(Some(&fac), RECORD_PROBLEM, unknown).await;
    assert!(
        invalid["errors"][0]["extensions"]["code"] != "RATE_LIMITED",
        "{invalid}"
    );
    let mut once = problem(&wp, 2);
    once["input"]["commandId"] = json!(Uuid::new_v4().to_string());
    assert_ok(&app.graphql(Some(&fac), RECORD_PROBLEM, once.clone()).await);
    assert_eq!(app.stored_events(&wp).await, stored + 1);

    // Three spent: the replay of the same command id is refused too.
    let again = app.graphql(Some(&fac), RECORD_PROBLEM, once).await;
    assert_error(&again, "RATE_LIMITED");
    let refused = app
        .graphql(Some(&fac), RECORD_PROBLEM, problem(&wp, 3))
        .await;
    assert_error(&refused, "RATE_LIMITED");
    assert!(refused["data"].is_null(), "{refused}");
    assert!(
        refused["errors"][0].get("path").is_none(),
        "refused up front: {refused}"
    );
    assert_eq!(app.stored_events(&wp).await, stored + 1);
}

#[tokio::test]
async fn introspection_and_graphiql_can_be_switched_off() {
    let app = spawn_app().await;
    let (_, fac) = create_werkplaats(&app, "SCHOUDERS_ERONDER").await;
    assert_ok(&app.graphql(Some(&fac), INTROSPECTION, json!({})).await);
    let graphiql = app.get("/graphql").await;
    assert_eq!(graphiql.status(), 200);
    assert!(graphiql.text().await.unwrap().contains("graphiql"));

    let app = spawn_app_with(|config| {
        config.introspection = false;
        config.graphiql = false;
    })
    .await;
    let (_, fac) = create_werkplaats(&app, "SCHOUDERS_ERONDER").await;
    for query in [INTROSPECTION, "{ __type(name: \"Werkplaats\") { name } }"] {
        let response = app.graphql(Some(&fac), query, json!({})).await;
        assert_error(&response, "BAD_USER_INPUT");
    }
    // Ordinary queries still work, `__typename` included.
    let response = app
        .graphql(Some(&fac), "{ __typename me { id } }", json!({}))
        .await;
    assert_ok(&response);
    assert_eq!(app.get("/graphql").await.status(), 404);
    println!("limits: introspection off -> BAD_USER_INPUT; GraphiQL off -> 404");
}

/// A new `graphql-transport-ws` connection, not yet initialised.
async fn socket(app: &TestApp) -> WsClient {
    WsClient::connect(&app.ws_url(), Protocol::TransportWs).await
}

#[tokio::test]
async fn websockets_are_limited_per_token_per_connection_and_per_message() {
    let app = spawn_app_with(|config| {
        config.ws_max_connections_per_token = 2;
        config.ws_max_operations = 1;
        config.ws_max_message_bytes = 4_096;
    })
    .await;
    let (wp, fac) = create_werkplaats(&app, "SCHOUDERS_ERONDER").await;

    // Two connections per token; a third is closed with 4429 at init, and
    // closing one makes room again. Another token has its own two.
    let mut first = socket(&app).await;
    first.init_as(&fac).await;
    let mut second = socket(&app).await;
    second.init_as(&fac).await;
    let mut third = socket(&app).await;
    assert_eq!(third.init_with_token(&fac).await.close_code(), Some(4429));
    let mut admin = socket(&app).await;
    admin.init_as(&app.admin_token).await;
    drop(second);
    let mut again = None;
    for _ in 0..50 {
        let mut retry = socket(&app).await;
        if matches!(retry.init_with_token(&fac).await, Incoming::Json(_)) {
            again = Some(retry);
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(again.is_some(), "a closed connection frees its place");

    // One operation per connection: a second one is RATE_LIMITED.
    let events = "subscription($id: ID!) { werkplaatsEvents(werkplaatsId: $id) { version } }";
    let subscribe = |id: &str| json!({"id": id, "type": "subscribe", "payload": {"query": events, "variables": {"id": wp}}});
    first.send(subscribe("a")).await;
    first.recv().await.json();
    first.send(subscribe("b")).await;
    let refusal = loop {
        let message = first.recv().await.json();
        if message["id"] == "b" {
            break message;
        }
    };
    assert_eq!(
        refusal["payload"]["errors"][0]["extensions"]["code"],
        "RATE_LIMITED"
    );

    // A message over 4 KiB closes the connection with 1009.
    let big = json!({"id": "c", "type": "subscribe", "payload": {"query": "x".repeat(5_000)}});
    admin.send(big).await;
    assert_eq!(admin.recv().await.close_code(), Some(1009));
    println!(
        "limits: websockets: 3rd connection of a token closed 4429, 2nd operation RATE_LIMITED, \
         a 5 KB message closed 1009"
    );
}

/// Waits until `instances` instances have said they live (each does at its
/// start, a moment after it listens).
async fn registered(app: &TestApp, instances: i64) {
    for _ in 0..100 {
        let seen: i64 = sqlx::query_scalar("select count(*) from limit_instances")
            .fetch_one(&app.pool)
            .await
            .unwrap();
        if seen == instances {
            return;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("not {instances} instances registered");
}

/// Initialises new `graphql-transport-ws` connections on `url` as `token`
/// until one is acknowledged (a place freed elsewhere reaches the database
/// a moment later); panics after `within`. Returns it and how many were
/// refused with 4429 first.
async fn connect_when_free(url: &str, token: &str, within: Duration) -> (WsClient, usize) {
    let start = Instant::now();
    let mut refused = 0;
    loop {
        let mut client = WsClient::connect(url, Protocol::TransportWs).await;
        match client.init_with_token(token).await {
            Incoming::Json(message) if message["type"] == "connection_ack" => {
                return (client, refused)
            }
            closed => assert_eq!(closed.close_code(), Some(4429), "{closed:?}"),
        }
        refused += 1;
        assert!(
            start.elapsed() < within,
            "no place came free within {within:?}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

#[tokio::test]
async fn a_tokens_websockets_are_counted_over_all_instances() {
    let limit = |config: &mut Config| config.ws_max_connections_per_token = 2;
    let app = spawn_app_with(limit).await;
    let other = app.another_instance_with(limit).await;
    let (_, fac) = create_werkplaats(&app, "SCHOUDERS_ERONDER").await;
    registered(&app, 2).await;

    // One on each instance: the third is refused on either.
    let _on_a = WsClient::connect_as(&app.ws_url(), Protocol::TransportWs, &fac).await;
    let mut on_b = WsClient::connect_as(&other.ws_url(), Protocol::TransportWs, &fac).await;
    for url in [app.ws_url(), other.ws_url()] {
        let mut third = WsClient::connect(&url, Protocol::TransportWs).await;
        assert_eq!(third.init_with_token(&fac).await.close_code(), Some(4429));
    }
    // The admin's websockets are counted apart.
    let _admin =
        WsClient::connect_as(&other.ws_url(), Protocol::TransportWs, &app.admin_token).await;

    // Closing the one on B frees a place on A.
    on_b.close().await;
    let (_again, refused) = connect_when_free(&app.ws_url(), &fac, Duration::from_secs(5)).await;
    let mut over = WsClient::connect(&other.ws_url(), Protocol::TransportWs).await;
    assert_eq!(over.init_with_token(&fac).await.close_code(), Some(4429));
    println!(
        "limits: 2 websockets per token over instances A and B: the 3rd refused 4429 on both; \
         closing B's freed a place on A ({refused} refused before)"
    );
}

#[tokio::test]
async fn a_burst_spent_on_one_instance_leaves_nothing_on_another() {
    let app = spawn_app_with(burst_of_three).await;
    let other = app.another_instance_with(burst_of_three).await;
    let (wp, fac, stored) = burst_spent(&app).await;

    let refused = other.graphql(&fac, RECORD_PROBLEM, problem(&wp, 3)).await;
    assert_error(&refused, "RATE_LIMITED");
    let retry_after = refused["errors"][0]["extensions"]["retryAfter"]
        .as_u64()
        .unwrap();
    assert_eq!(retry_after, 1, "{refused}");
    assert_eq!(app.stored_events(&wp).await, stored);

    // It refills for both: after the wait B takes one, and then A has none.
    tokio::time::sleep(Duration::from_secs(retry_after)).await;
    assert_ok(&other.graphql(&fac, RECORD_PROBLEM, problem(&wp, 4)).await);
    let refused = app
        .graphql(Some(&fac), RECORD_PROBLEM, problem(&wp, 5))
        .await;
    assert_error(&refused, "RATE_LIMITED");
    assert_eq!(app.stored_events(&wp).await, stored + 1);
    println!(
        "limits: burst 3 at 1/s spent on A: the 4th mutation on B RATE_LIMITED (retryAfter \
         {retry_after} s); after it B takes one and A is refused again"
    );
}

#[tokio::test]
async fn a_dead_instances_websockets_stop_counting_after_the_ttl() {
    const TTL: Duration = Duration::from_secs(2);
    let app = spawn_app_with(|config| {
        config.ws_max_connections_per_token = 2;
        config.instance_ttl_secs = TTL.as_secs();
    })
    .await;
    let (_, fac) = create_werkplaats(&app, "SCHOUDERS_ERONDER").await;
    // A real server process, so that it can die without a goodbye.
    let mut doomed = Server::start(
        &app.database_url(),
        &app.admin_token,
        &[],
        &[
            ("WERKPLAATS_WS_MAX_CONNECTIONS_PER_TOKEN", "2"),
            ("WERKPLAATS_INSTANCE_TTL_SECS", "2"),
        ],
    );
    let url = format!("ws://{}/graphql", doomed.address);
    registered(&app, 2).await;
    let _first = WsClient::connect_as(&url, Protocol::TransportWs, &fac).await;
    let _second = WsClient::connect_as(&url, Protocol::TransportWs, &fac).await;
    let mut refused = WsClient::connect(&app.ws_url(), Protocol::TransportWs).await;
    assert_eq!(refused.init_with_token(&fac).await.close_code(), Some(4429));

    // SIGKILL: its rows stay, but once it has not been seen for the TTL
    // they no longer count, and a heartbeat deletes them.
    doomed.kill();
    let killed = Instant::now();
    let (_one, _) = connect_when_free(&app.ws_url(), &fac, TTL * 4).await;
    let freed_after = killed.elapsed();
    let (_two, _) = connect_when_free(&app.ws_url(), &fac, TTL).await;
    let mut third = WsClient::connect(&app.ws_url(), Protocol::TransportWs).await;
    assert_eq!(third.init_with_token(&fac).await.close_code(), Some(4429));
    registered(&app, 1).await;
    println!(
        "limits: a killed instance's 2 websockets stopped counting {} ms after the kill \
         (TTL {} s); its rows were swept",
        freed_after.as_millis(),
        TTL.as_secs()
    );
}

#[tokio::test]
async fn the_shared_bucket_keeps_the_gcra_on_the_database_clock() {
    let app = spawn_app().await;
    let ms = Duration::from_millis;
    let take = |caller: Uuid, cost: Duration, capacity: Duration| {
        let store = app.store.clone();
        async move {
            store
                .take_from_bucket(caller, cost, capacity)
                .await
                .unwrap()
        }
    };
    // A burst of 3 refilled at 2 per second: a mutation costs 500 ms of a
    // 1500 ms bucket.
    let (one, bucket, caller) = (ms(500), ms(1_500), Uuid::new_v4());
    for _ in 0..3 {
        assert_eq!(take(caller, one, bucket).await, Ok(()));
    }
    let wait = take(caller, one, bucket).await.unwrap_err();
    assert!(wait > ms(400) && wait <= ms(500), "{wait:?}");
    // Other callers, the admin (nil) among them, have buckets of their own.
    assert_eq!(take(Uuid::nil(), bucket, bucket).await, Ok(()));
    assert!(take(Uuid::nil(), one, bucket).await.is_err());
    tokio::time::sleep(wait).await;
    assert_eq!(take(caller, one, bucket).await, Ok(()));
    assert!(take(caller, one, bucket).await.is_err());

    // A refused cost takes nothing: of a burst of 4 at 1 per second, 3
    // pass, 2 more wait about a second, 1 more passes.
    let (one, bucket, caller) = (ms(1_000), ms(4_000), Uuid::new_v4());
    assert_eq!(take(caller, one * 3, bucket).await, Ok(()));
    let wait = take(caller, one * 2, bucket).await.unwrap_err();
    assert!(wait > ms(900) && wait <= ms(1_000), "{wait:?}");
    assert_eq!(take(caller, one, bucket).await, Ok(()));
}

#[tokio::test]
async fn a_limit_above_a_million_a_second_never_refuses_concurrent_requests() {
    let app = spawn_app().await;
    // Nanosecond costs would round to nothing in PostgreSQL's intervals, and
    // requests of one caller then raced on the row's `now()`.
    let limiter = RateLimiter::new(u32::MAX, u32::MAX).shared(app.store.clone());
    let caller = CallerKey::from(Caller::Admin);
    let checks = (0..64).map(|_| {
        let limiter = limiter.clone();
        tokio::spawn(async move { limiter.check(caller, 1).await })
    });
    for check in futures::future::join_all(checks).await {
        assert_eq!(check.unwrap(), Ok(()));
    }
}

#[tokio::test]
async fn takes_of_many_callers_at_once_on_two_instances_share_statements_and_count_exactly() {
    let app = spawn_app().await;
    // Two stores on one database, as two instances would have: each batches
    // the takes waiting at one moment into one statement, a caller's
    // repeated takes into later ones.
    let instances = [
        app.store.clone(),
        werkplaats::store::EventStore::new(app.pool.clone()),
    ];
    let (one, bucket) = (Duration::from_secs(10), Duration::from_secs(50));
    let callers: Vec<Uuid> = (0..6).map(|_| Uuid::new_v4()).collect();
    let takes = (0..96).map(|n| {
        let store = instances[n % 2].clone();
        let caller = callers[n % callers.len()];
        tokio::spawn(async move { (caller, store.take_from_bucket(caller, one, bucket).await) })
    });
    let mut passed = std::collections::HashMap::new();
    for take in futures::future::join_all(takes).await {
        let (caller, taken) = take.unwrap();
        match taken.unwrap() {
            Ok(()) => *passed.entry(caller).or_insert(0) += 1,
            Err(wait) => assert!(wait > Duration::from_secs(9), "{wait:?}"),
        }
    }
    // A burst of 5 per caller, 16 tries each: exactly 5 pass, on either.
    for caller in &callers {
        assert_eq!(passed.get(caller), Some(&5), "{caller}");
    }
}
