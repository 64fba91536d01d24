//! `graphql-transport-ws` conformance over real websockets: each close code,
//! pings both ways, `complete`, operations that are not subscriptions, the
//! per-connection operation limit, clean shutdown, and that a client that
//! does not read neither stalls other subscribers nor stays connected.

use std::time::Duration;

use serde_json::json;
use tokio::time::Instant;

use crate::kit::app::{spawn_app, spawn_app_with};
use crate::kit::seed::{create_werkplaats, RECORD_PROBLEM};
use crate::kit::ws::{Incoming, Protocol::TransportWs, WsClient, READ_TIMEOUT};

const EVENTS: &str = "subscription($id: ID!, $after: Int) { werkplaatsEvents(werkplaatsId: $id, afterVersion: $after) { version type data } }";

/// The title of every problem these tests record.
const TITLE: &str = "Stapeling van boetes";

/// Subscribes to `werkplaatsEvents` after version `after` under operation `id`.
async fn subscribe(client: &mut WsClient, id: &str, werkplaats: &str, after: i64) {
    let variables = json!({"id": werkplaats, "after": after});
    client.subscribe(id, EVENTS, variables).await;
}

/// The version of the next event of operation `id`.
async fn next_version(client: &mut WsClient, id: &str) -> i64 {
    let next = client.expect("next", id).await;
    assert!(next["payload"].get("errors").is_none(), "{next}");
    next["payload"]["data"]["werkplaatsEvents"]["version"]
        .as_i64()
        .unwrap()
}

/// A description near the contract's 10,000-character limit.
fn long_description() -> String {
    "Inwoners melden zich pas laat bij de schuldhulp. ".repeat(180)
}

#[tokio::test]
async fn no_connection_init_within_the_timeout_closes_with_4408() {
    let app = spawn_app_with(|config| config.ws_init_timeout_secs = 1).await;
    let (_, facilitator) = create_werkplaats(&app, "SCHOUDERS_ERONDER").await;

    let started = Instant::now();
    let mut silent = WsClient::connect(&app.ws_url(), TransportWs).await;
    let mut prompt = WsClient::connect_as(&app.ws_url(), TransportWs, &facilitator).await;
    let frame = silent.expect_close().await;
    let waited = started.elapsed();
    assert_eq!(
        frame,
        (4408, "Connection initialisation timeout".to_owned())
    );
    assert!(
        waited >= Duration::from_millis(900),
        "closed after {waited:?}"
    );

    // A client that initialised in time stays connected past the timeout.
    tokio::time::sleep(Duration::from_millis(500)).await;
    prompt.send(json!({"type": "ping"})).await;
    match prompt.recv().await {
        Incoming::Json(message) => assert_eq!(message["type"], "pong", "{message}"),
        other => panic!("expected pong, got {other:?}"),
    }
    println!("ws_protocol: no connection_init -> 4408 after {waited:?}");
}

#[tokio::test]
async fn a_second_connection_init_closes_with_4429() {
    let app = spawn_app().await;
    let (_, facilitator) = create_werkplaats(&app, "SCHOUDERS_ERONDER").await;
    let mut client = WsClient::connect_as(&app.ws_url(), TransportWs, &facilitator).await;
    let answer = client
        .init(Some(
            json!({"authorization": format!("Bearer {facilitator}")}),
        ))
        .await;
    match answer {
        Incoming::Closed(Some((code, reason))) => {
            assert_eq!(code, 4429, "{reason}");
            println!("ws_protocol: second connection_init -> {code} {reason:?}");
        }
        other => panic!("expected close 4429, got {other:?}"),
    }
}

#[tokio::test]
async fn a_token_nobody_holds_closes_with_4403() {
    let app = spawn_app().await;
    for authorization in [
        "Bearer wpt_nobody-holds-this-token",
        "Basic YWRtaW46YWRtaW4=",
    ] {
        let mut client = WsClient::connect(&app.ws_url(), TransportWs).await;
        let answer = client
            .init(Some(json!({"authorization": authorization})))
            .await;
        match answer {
            Incoming::Closed(Some(frame)) => {
                assert_eq!(frame, (4403, "Forbidden".to_owned()), "{authorization:?}")
            }
            other => panic!("{authorization:?}: expected close 4403, got {other:?}"),
        }
    }
    // The admin's token is acknowledged.
    WsClient::connect_as(&app.ws_url(), TransportWs, &app.admin_token).await;
    println!("ws_protocol: unknown or malformed token -> 4403 Forbidden");
}

#[tokio::test]
async fn subscribing_before_connection_ack_closes_with_4401() {
    let app = spawn_app().await;
    let (werkplaats, _) = create_werkplaats(&app, "SCHOUDERS_ERONDER").await;
    let mut client = WsClient::connect(&app.ws_url(), TransportWs).await;
    subscribe(&mut client, "1", &werkplaats, 0).await;
    assert_eq!(
        client.expect_close().await,
        (4401, "Unauthorized".to_owned())
    );
    println!("ws_protocol: subscribe before connection_ack -> 4401 Unauthorized");
}

#[tokio::test]
async fn reusing_the_id_of_a_running_subscription_closes_with_4409() {
    let app = spawn_app().await;
    let (werkplaats, facilitator) = create_werkplaats(&app, "SCHOUDERS_ERONDER").await;
    let mut client = WsClient::connect_as(&app.ws_url(), TransportWs, &facilitator).await;
    subscribe(&mut client, "live", &werkplaats, 0).await;
    assert_eq!(next_version(&mut client, "live").await, 1);
    assert_eq!(next_version(&mut client, "live").await, 2);
    subscribe(&mut client, "live", &werkplaats, 0).await;
    assert_eq!(
        client.expect_close().await,
        (4409, "Subscriber for live already exists".to_owned())
    );
    println!("ws_protocol: duplicate running id -> 4409");
}

#[tokio::test]
async fn an_invalid_message_closes_with_4400() {
    let app = spawn_app().await;
    let (_, facilitator) = create_werkplaats(&app, "SCHOUDERS_ERONDER").await;
    for (initialised, message) in [
        (false, "not json".to_owned()),
        (
            false,
            json!({"type": "connection_init", "payload": "Bearer x"}).to_string(),
        ),
        (true, json!({"type": "no_such_type"}).to_string()),
        (
            true,
            json!({"type": "subscribe", "payload": {"query": "{ __typename }"}}).to_string(),
        ),
        (
            true,
            json!({"type": "subscribe", "id": "1", "payload": {}}).to_string(),
        ),
        (
            true,
            json!({"type": "subscribe", "id": "", "payload": {"query": "{ __typename }"}})
                .to_string(),
        ),
        (true, json!({"type": "complete"}).to_string()),
    ] {
        let mut client = if initialised {
            WsClient::connect_as(&app.ws_url(), TransportWs, &facilitator).await
        } else {
            WsClient::connect(&app.ws_url(), TransportWs).await
        };
        client.send_text(&message).await;
        let (code, reason) = client.expect_close().await;
        assert_eq!(code, 4400, "{message}: {reason}");
        assert!(reason.len() <= 123, "a close reason fits a frame: {reason}");
    }
    println!("ws_protocol: 7 kinds of invalid message -> 4400");
}

#[tokio::test]
async fn the_server_pings_every_interval_and_answers_pings() {
    let app = spawn_app_with(|config| config.ws_ping_interval_secs = 1).await;
    let (_, facilitator) = create_werkplaats(&app, "SCHOUDERS_ERONDER").await;
    let mut client = WsClient::connect_as(&app.ws_url(), TransportWs, &facilitator).await;

    let started = Instant::now();
    for n in 1..=2 {
        match client.recv_any_within(Duration::from_millis(2_500)).await {
            Some(Incoming::Json(message)) => {
                assert_eq!(message, json!({"type": "ping"}), "ping {n}");
                client.send(json!({"type": "pong"})).await;
            }
            other => panic!("expected ping {n}, got {other:?}"),
        }
    }
    let two_pings = started.elapsed();
    assert!(two_pings < Duration::from_secs(4), "{two_pings:?}");

    for ping in [
        json!({"type": "ping"}),
        json!({"type": "ping", "payload": {"t": 1}}),
    ] {
        client.send(ping).await;
        match client.recv().await {
            Incoming::Json(message) => assert_eq!(message, json!({"type": "pong"})),
            other => panic!("expected pong, got {other:?}"),
        }
    }
    println!("ws_protocol: 2 server pings in {two_pings:?}; ping -> pong");
}

#[tokio::test]
async fn complete_stops_a_subscription_and_frees_its_id() {
    let app = spawn_app().await;
    let (werkplaats, facilitator) = create_werkplaats(&app, "SCHOUDERS_ERONDER").await;
    let mut client = WsClient::connect_as(&app.ws_url(), TransportWs, &facilitator).await;
    subscribe(&mut client, "a", &werkplaats, 0).await;
    subscribe(&mut client, "b", &werkplaats, 0).await;
    let mut seen = Vec::new();
    for _ in 0..4 {
        let next = client.recv().await;
        let Incoming::Json(next) = next else {
            panic!("expected an event, got {next:?}")
        };
        seen.push((
            next["id"].as_str().unwrap().to_owned(),
            next["type"].clone(),
        ));
    }
    assert_eq!(
        seen.iter().filter(|(id, _)| id == "a").count(),
        2,
        "{seen:?}"
    );

    client.send(json!({"type": "complete", "id": "a"})).await;
    // "b" still runs; "a" sends nothing more, not even `complete`.
    let version = app
        .record_problem(&facilitator, &werkplaats, TITLE, "Laat")
        .await
        .version;
    assert_eq!(next_version(&mut client, "b").await, version);
    client.assert_quiet().await;

    // The id is free again.
    subscribe(&mut client, "a", &werkplaats, version - 1).await;
    assert_eq!(next_version(&mut client, "a").await, version);
    // Completing an id that is not running is no error.
    client
        .send(json!({"type": "complete", "id": "never"}))
        .await;
    let version = app
        .record_problem(&facilitator, &werkplaats, TITLE, "Laat")
        .await
        .version;
    let mut versions = [client.recv().await, client.recv().await].map(|incoming| match incoming {
        Incoming::Json(m) => (
            m["id"].as_str().unwrap().to_owned(),
            m["payload"]["data"]["werkplaatsEvents"]["version"].as_i64(),
        ),
        other => panic!("expected an event, got {other:?}"),
    });
    versions.sort();
    assert_eq!(
        versions,
        [
            ("a".to_owned(), Some(version)),
            ("b".to_owned(), Some(version))
        ]
    );
    println!("ws_protocol: complete stops one subscription, the other runs on, the id is reusable");
}

#[tokio::test]
async fn queries_and_mutations_answer_one_next_and_complete() {
    let app = spawn_app().await;
    let (werkplaats, facilitator) = create_werkplaats(&app, "SCHOUDERS_ERONDER").await;
    let mut client = WsClient::connect_as(&app.ws_url(), TransportWs, &facilitator).await;

    client
        .send(json!({"id": "q", "type": "subscribe", "payload": {
            "query": "query($id: ID!) { werkplaats(id: $id) { version } }",
            "variables": {"id": werkplaats},
        }}))
        .await;
    assert_eq!(
        client.single_result("q").await,
        json!({"data": {"werkplaats": {"version": 2}}})
    );

    client
        .send(json!({"id": "m", "type": "subscribe", "payload": {
            "query": RECORD_PROBLEM,
            "variables": {"input": {
                "werkplaatsId": werkplaats,
                "title": "Schaamte",
                "description": "Inwoners schamen zich.",
                "perspective": "CLIENT",
            }},
        }}))
        .await;
    assert_eq!(
        client.single_result("m").await,
        json!({"data": {"recordProblem": {"version": 3}}})
    );
    assert_eq!(app.stored_events(&werkplaats).await, 3);

    // A request that fails before execution is an `error` message, as
    // graphql-transport-ws has it, with the code it would carry over HTTP.
    client
        .send(json!({"id": "bad", "type": "subscribe", "payload": {"query": "{ werkplaats("}}))
        .await;
    let answer = client.expect("error", "bad").await;
    assert_eq!(
        answer["payload"][0]["extensions"]["code"], "BAD_USER_INPUT",
        "{answer}"
    );

    // Without a token: acknowledged, and every operation is unauthenticated.
    let mut anonymous = WsClient::connect(&app.ws_url(), TransportWs).await;
    let ack = anonymous.init(Some(json!({}))).await;
    assert!(
        matches!(&ack, Incoming::Json(m) if m["type"] == "connection_ack"),
        "{ack:?}"
    );
    anonymous
        .send(json!({"id": "1", "type": "subscribe", "payload": {"query": "{ werkplaatsen { id } }"}}))
        .await;
    let answer = anonymous.single_result("1").await;
    assert_eq!(
        answer["errors"][0]["extensions"]["code"], "UNAUTHENTICATED",
        "{answer}"
    );
    anonymous
        .send(json!({"id": "2", "type": "subscribe", "payload": {"query": "{ werkplaats("}}))
        .await;
    let answer = anonymous.expect("error", "2").await;
    assert_eq!(
        answer["payload"][0]["extensions"]["code"], "UNAUTHENTICATED",
        "{answer}"
    );
    println!(
        "ws_protocol: query and mutation over the socket -> next + complete; a bad query -> error"
    );
}

#[tokio::test]
async fn a_connection_runs_at_most_100_operations_at_a_time() {
    let app = spawn_app().await;
    let (werkplaats, facilitator) = create_werkplaats(&app, "SCHOUDERS_ERONDER").await;
    let mut client = WsClient::connect_as(&app.ws_url(), TransportWs, &facilitator).await;
    for n in 0..100 {
        subscribe(&mut client, &format!("s{n}"), &werkplaats, 0).await;
    }
    subscribe(&mut client, "one-too-many", &werkplaats, 0).await;
    // Every running subscription delivers its two stored events; the extra
    // one is refused and completed.
    let (mut events, mut refusal, mut completed) = (0, None, false);
    while events < 200 || !completed {
        let Incoming::Json(message) = client.recv().await else {
            panic!("the connection closed")
        };
        match (message["type"].as_str(), message["id"].as_str()) {
            (Some("next"), Some("one-too-many")) => refusal = Some(message["payload"].clone()),
            (Some("complete"), Some("one-too-many")) => completed = true,
            (Some("next"), Some(id)) if id.starts_with('s') => events += 1,
            _ => panic!("unexpected {message}"),
        }
    }
    let refusal = refusal.expect("the extra operation is answered");
    assert_eq!(
        refusal["errors"][0]["extensions"]["code"], "RATE_LIMITED",
        "{refusal}"
    );

    // Completing one makes room for another.
    client.send(json!({"type": "complete", "id": "s0"})).await;
    subscribe(&mut client, "one-more", &werkplaats, 1).await;
    assert_eq!(next_version(&mut client, "one-more").await, 2);
    println!("ws_protocol: operation 101 -> RATE_LIMITED; room again after a complete");
}

/// Tasks alive in the test's runtime, which also runs the server.
fn alive_tasks() -> usize {
    tokio::runtime::Handle::current()
        .metrics()
        .num_alive_tasks()
}

#[tokio::test]
async fn closing_the_socket_ends_every_operation_task() {
    const OPERATIONS: usize = 20;
    let app = spawn_app().await;
    let (werkplaats, facilitator) = create_werkplaats(&app, "SCHOUDERS_ERONDER").await;
    let before = alive_tasks();

    for polite in [true, false] {
        let mut client = WsClient::connect_as(&app.ws_url(), TransportWs, &facilitator).await;
        for n in 0..OPERATIONS {
            subscribe(&mut client, &n.to_string(), &werkplaats, 0).await;
        }
        for _ in 0..2 * OPERATIONS {
            assert!(matches!(client.recv().await, Incoming::Json(m) if m["type"] == "next"));
        }
        let during = alive_tasks();
        assert!(
            during >= before + OPERATIONS,
            "{during} tasks while {OPERATIONS} operations run, {before} before"
        );
        if polite {
            assert!(client.close().await, "the close frame is sent");
        }
        drop(client);

        let deadline = Instant::now() + READ_TIMEOUT;
        while alive_tasks() > before {
            assert!(
                Instant::now() < deadline,
                "{} tasks still alive, {before} before",
                alive_tasks()
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        let how = if polite { "closed" } else { "dropped" };
        println!(
            "ws_protocol: socket {how}: {during} tasks -> {} ({before} before)",
            alive_tasks()
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_subscriber_that_never_reads_does_not_stall_another_on_the_same_werkplaats() {
    const WRITES: i64 = 220;
    const STALLED_OPERATIONS: usize = 10;
    // Longer than the test: the stalled client must stay connected, to show
    // afterwards that it was held back, not dropped.
    let app = spawn_app_with(|config| config.ws_send_timeout_secs = 300).await;
    let (werkplaats, facilitator) = create_werkplaats(&app, "SCHOUDERS_ERONDER").await;
    let description = long_description();

    let mut stalled = WsClient::connect_with(&app.ws_url(), TransportWs, Some(4_096)).await;
    stalled.init_as(&facilitator).await;
    for n in 0..STALLED_OPERATIONS {
        subscribe(&mut stalled, &n.to_string(), &werkplaats, 0).await;
    }

    let mut reader = WsClient::connect_as(&app.ws_url(), TransportWs, &facilitator).await;
    subscribe(&mut reader, "live", &werkplaats, 2).await;
    let received = tokio::spawn(async move {
        let mut arrivals = Vec::new();
        for version in 3..=2 + WRITES {
            assert_eq!(next_version(&mut reader, "live").await, version);
            arrivals.push(Instant::now());
        }
        arrivals
    });

    let mut sent = Vec::new();
    for n in 1..=WRITES {
        sent.push(Instant::now());
        assert_eq!(
            app.record_problem(&facilitator, &werkplaats, TITLE, &description)
                .await
                .version,
            2 + n
        );
    }
    let arrivals = received.await.expect("the reader gets every event");
    // From before the mutation was sent: an upper bound on commit → delivery.
    let latencies: Vec<Duration> = sent.iter().zip(&arrivals).map(|(s, a)| *a - *s).collect();
    let slowest = *latencies.iter().max().unwrap();
    assert!(
        slowest < Duration::from_secs(1),
        "an event took {slowest:?}"
    );

    // The stalled client was held back, not dropped or starved of events:
    // reading now, it gets every event of every subscription, in order.
    let payload = description.len() as i64 * WRITES * STALLED_OPERATIONS as i64;
    let mut next_version = [1; STALLED_OPERATIONS];
    while next_version.iter().any(|&v| v <= 2 + WRITES) {
        match stalled.recv().await {
            Incoming::Json(message) if message["type"] == "next" => {
                let n: usize = message["id"].as_str().unwrap().parse().unwrap();
                let version = message["payload"]["data"]["werkplaatsEvents"]["version"].as_i64();
                assert_eq!(version, Some(next_version[n]), "subscription {n}");
                next_version[n] += 1;
            }
            other => panic!("the stalled client got {other:?}"),
        }
    }
    println!(
        "ws_protocol: while a client held {STALLED_OPERATIONS} unread subscriptions (~{} MB), another received {WRITES} events, slowest {slowest:?}; the stalled one then got all of them in order",
        payload / 1_000_000
    );
}

#[tokio::test]
async fn a_client_that_stops_reading_is_closed_with_4499() {
    const WRITES: i64 = 60;
    const OPERATIONS: usize = 20;
    let app = spawn_app_with(|config| config.ws_send_timeout_secs = 1).await;
    let (werkplaats, facilitator) = create_werkplaats(&app, "SCHOUDERS_ERONDER").await;
    let description = long_description();

    let mut stalled = WsClient::connect_with(&app.ws_url(), TransportWs, Some(4_096)).await;
    stalled.init_as(&facilitator).await;
    for n in 0..OPERATIONS {
        subscribe(&mut stalled, &n.to_string(), &werkplaats, 0).await;
    }
    for _ in 1..=WRITES {
        app.record_problem(&facilitator, &werkplaats, TITLE, &description)
            .await;
    }
    // Longer than the send timeout and the closing grace.
    tokio::time::sleep(Duration::from_secs(3)).await;

    // Reading now, the client finds the connection closed before it got
    // everything. The close frame gets out only if the socket drained within
    // the grace period, so its absence is allowed.
    let total = OPERATIONS * (2 + WRITES as usize);
    let mut events = 0;
    let frame = loop {
        match stalled.recv().await {
            Incoming::Json(message) if message["type"] == "next" => events += 1,
            Incoming::Json(message) => panic!("unexpected {message}"),
            Incoming::Closed(frame) => break frame,
        }
    };
    assert!(
        events < total,
        "all {total} events arrived: the client was not closed"
    );
    if let Some((code, reason)) = &frame {
        assert_eq!((*code, reason.as_str()), (4499, "too slow; resubscribe"));
    }
    println!("ws_protocol: a client that stopped reading was closed ({frame:?}) after {events} of {total} events");

    // Other clients are unaffected.
    let mut client = WsClient::connect_as(&app.ws_url(), TransportWs, &facilitator).await;
    subscribe(&mut client, "1", &werkplaats, 2 + WRITES - 1).await;
    assert_eq!(next_version(&mut client, "1").await, 2 + WRITES);
}
