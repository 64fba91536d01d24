//! `werkplaatsEvents` over real websockets: stored events first, then live
//! ones, in version order, with no gaps and no repeats; both websocket
//! protocols; and who may subscribe to what.

use serde_json::{json, Value};

use crate::kit::app::{assert_ok, spawn_app, spawn_app_with, TestApp};
use crate::kit::seed::create_werkplaats;
use crate::kit::ws::{Incoming, Protocol, WsClient, QUIET};

const EVENTS: &str = "subscription($id: ID!, $after: Int) { werkplaatsEvents(werkplaatsId: $id, afterVersion: $after) { version type hash prevHash actor { name } data } }";

/// Subscribes to `werkplaatsEvents` under operation `id`.
async fn subscribe(client: &mut WsClient, id: &str, werkplaats: &str, after: Option<i64>) {
    let message = subscribe_message(client.protocol, id, werkplaats, after);
    client.send(message).await;
}

/// The next event delivered; panics on anything else.
async fn next_event(client: &mut WsClient) -> Value {
    client.next_data().await["werkplaatsEvents"].clone()
}

/// The next `count` events.
async fn next_events(client: &mut WsClient, count: usize) -> Vec<Value> {
    let mut events = Vec::with_capacity(count);
    for _ in 0..count {
        events.push(next_event(client).await);
    }
    events
}

/// A `werkplaatsEvents` subscription under operation `id`; without `after`
/// the variable is left out and the argument takes its default.
fn subscribe_message(protocol: Protocol, id: &str, werkplaats: &str, after: Option<i64>) -> Value {
    let mut variables = json!({"id": werkplaats});
    if let Some(after) = after {
        variables["after"] = json!(after);
    }
    json!({
        "id": id,
        "type": protocol.subscribe_type(),
        "payload": {"query": EVENTS, "variables": variables},
    })
}

/// Versions of a list of events.
fn versions(events: &[Value]) -> Vec<i64> {
    events
        .iter()
        .map(|e| e["version"].as_i64().unwrap())
        .collect()
}

/// Types of a list of events.
fn types(events: &[Value]) -> Vec<&str> {
    events.iter().map(|e| e["type"].as_str().unwrap()).collect()
}

/// Panics unless the events are exactly versions `from..=to`, in order, and
/// each links to the one before by its hash.
#[track_caller]
fn assert_contiguous(events: &[Value], from: i64, to: i64) {
    let expected: Vec<i64> = (from..=to).collect();
    assert_eq!(versions(events), expected, "versions in order, no gaps");
    for pair in events.windows(2) {
        assert_eq!(
            pair[1]["prevHash"], pair[0]["hash"],
            "event {} links to event {}",
            pair[1]["version"], pair[0]["version"]
        );
    }
    for event in events {
        let hash = event["hash"].as_str().unwrap();
        assert_eq!(hash.len(), 64, "a SHA-256 in hex: {event}");
        if event["version"] == 1 {
            assert!(event["prevHash"].is_null(), "version 1 has no prevHash");
        }
    }
}

/// The events of a werkplaats as `events` pages them over HTTP.
async fn stored_events(app: &TestApp, werkplaats: &str) -> Vec<Value> {
    let response = app
        .graphql(
            Some(&app.admin_token),
            "query($id: ID!) { werkplaats(id: $id) { events(first: 1000) { events { version type hash prevHash } } } }",
            json!({"id": werkplaats}),
        )
        .await;
    assert_ok(&response);
    response["data"]["werkplaats"]["events"]["events"]
        .as_array()
        .unwrap()
        .clone()
}

/// Panics unless the delivered events are the stored ones, hash for hash.
#[track_caller]
fn assert_same_as_stored(delivered: &[Value], stored: &[Value]) {
    assert_eq!(delivered.len(), stored.len(), "as many events as stored");
    for (d, s) in delivered.iter().zip(stored) {
        for field in ["version", "type", "hash", "prevHash"] {
            assert_eq!(d[field], s[field], "{field} of event {}", s["version"]);
        }
    }
}

/// What the problems these tests append events with are about.
const LATE: &str = "Inwoners melden zich pas laat bij de schuldhulp.";

/// The first error of a subscription that failed, as the server answers it
/// (`next`/`data` carrying errors, or an `error` message), followed by the
/// end of the operation. Panics if an event arrives instead.
async fn subscription_error(client: &mut WsClient) -> Value {
    let error = match client.recv().await {
        Incoming::Json(message) if message["type"] == client.protocol.result_type() => {
            let payload = &message["payload"];
            assert!(
                payload["data"].is_null() || payload["data"]["werkplaatsEvents"].is_null(),
                "an event was delivered: {message}"
            );
            payload["errors"][0].clone()
        }
        Incoming::Json(message) if message["type"] == "error" => {
            let payload = &message["payload"];
            if payload.is_array() {
                payload[0].clone()
            } else {
                payload.clone()
            }
        }
        other => panic!("expected a subscription error, got {other:?}"),
    };
    assert!(error.is_object(), "an error object: {error}");
    // The operation ends; no event follows.
    match client.recv_within(QUIET).await {
        Some(Incoming::Json(message)) => {
            assert_eq!(
                message["type"], "complete",
                "only complete follows: {message}"
            )
        }
        Some(Incoming::Closed(_)) | None => {}
    }
    error
}

#[tokio::test]
async fn a_subscriber_gets_the_stored_events_then_the_live_ones_in_order() {
    let app = spawn_app().await;
    let (werkplaats, facilitator) = create_werkplaats(&app, "SCHOUDERS_ERONDER").await;
    // Stored before anyone listens: versions 1..=5.
    for title in ["Late melding", "Stapeling van boetes", "Schaamte"] {
        app.record_problem(&facilitator, &werkplaats, title, LATE)
            .await;
    }
    let stored_before = 5;

    let mut client = WsClient::connect_as(&app.ws_url(), Protocol::TransportWs, &facilitator).await;
    subscribe(&mut client, "1", &werkplaats, Some(0)).await;
    let mut events = next_events(&mut client, stored_before).await;
    assert_eq!(
        types(&events),
        [
            "WerkplaatsCreated",
            "MemberInvited",
            "ProblemRecorded",
            "ProblemRecorded",
            "ProblemRecorded"
        ]
    );
    assert!(events[0]["actor"].is_null(), "the admin created it");
    assert_eq!(events[2]["actor"]["name"], "Procesbegeleider");
    assert_eq!(events[2]["data"]["title"], "Late melding");

    // Appended while the client listens: one at a time, each seen before
    // the next is written ...
    assert_eq!(
        app.add_partner(&facilitator, &werkplaats, "Gemeente Testdorp", "GEMEENTE")
            .await
            .version,
        6
    );
    events.push(next_event(&mut client).await);
    let partner = app
        .invite_member(&facilitator, &werkplaats, "Budgetcoach", "PARTNER", None)
        .await;
    assert_eq!(partner.version, 7);
    events.push(next_event(&mut client).await);
    // ... then a burst, written before any of it is read.
    assert_eq!(
        app.record_problem(&partner.token, &werkplaats, "Wachtlijsten", LATE)
            .await
            .version,
        8
    );
    assert_eq!(
        app.define_indicator(&facilitator, &werkplaats)
            .await
            .version,
        9
    );
    assert_eq!(
        app.record_problem(&facilitator, &werkplaats, "Brieven", LATE)
            .await
            .version,
        10
    );
    events.extend(next_events(&mut client, 3).await);
    client.assert_quiet().await;

    assert_contiguous(&events, 1, 10);
    assert_eq!(
        types(&events)[5..],
        [
            "PartnerAdded",
            "MemberInvited",
            "ProblemRecorded",
            "IndicatorDefined",
            "ProblemRecorded"
        ]
    );
    // The member invited during the subscription is known by name at once.
    assert_eq!(events[7]["actor"]["name"], "Budgetcoach");
    assert_eq!(events[9]["actor"]["name"], "Procesbegeleider");
    assert_same_as_stored(&events, &stored_events(&app, &werkplaats).await);
    client.close().await;
    println!(
        "subscriptions: {} events received in order ({stored_before} stored, {} live), 0 gaps, 0 repeats",
        events.len(),
        events.len() - stored_before
    );
}

#[tokio::test]
async fn a_reconnecting_subscriber_resumes_after_the_last_version_it_saw() {
    let app = spawn_app().await;
    let (werkplaats, facilitator) = create_werkplaats(&app, "NJI_ZEVEN_STAPPEN").await;
    for title in ["Een", "Twee", "Drie", "Vier"] {
        app.record_problem(&facilitator, &werkplaats, title, LATE)
            .await;
    }
    // Head is 6; the client sees 1..=4 and goes away.
    let seen = 4;
    let mut client = WsClient::connect_as(&app.ws_url(), Protocol::TransportWs, &facilitator).await;
    subscribe(&mut client, "1", &werkplaats, None).await;
    let first = next_events(&mut client, seen).await;
    assert_contiguous(&first, 1, seen as i64);
    client.close().await;

    // Written while nobody listens.
    app.record_problem(&facilitator, &werkplaats, "Vijf", LATE)
        .await;
    let head = app
        .add_partner(&facilitator, &werkplaats, "Gemeente Testdorp", "GEMEENTE")
        .await
        .version;
    assert_eq!(head, 8);

    let mut client = WsClient::connect_as(&app.ws_url(), Protocol::TransportWs, &facilitator).await;
    subscribe(&mut client, "1", &werkplaats, Some(seen as i64)).await;
    let mut resumed = next_events(&mut client, (head - seen as i64) as usize).await;
    assert_contiguous(&resumed, seen as i64 + 1, head);
    assert_eq!(
        resumed[0]["prevHash"],
        first[seen - 1]["hash"],
        "the resumed stream links to the last event seen"
    );
    // And then the new ones.
    app.record_problem(&facilitator, &werkplaats, "Zes", LATE)
        .await;
    app.record_problem(&facilitator, &werkplaats, "Zeven", LATE)
        .await;
    resumed.extend(next_events(&mut client, 2).await);
    client.assert_quiet().await;
    assert_contiguous(&resumed, seen as i64 + 1, head + 2);

    let all: Vec<Value> = first.into_iter().chain(resumed).collect();
    assert_contiguous(&all, 1, head + 2);
    assert_same_as_stored(&all, &stored_events(&app, &werkplaats).await);
    client.close().await;
    println!(
        "subscriptions: reconnect after version {seen}: {} events resumed ({seen}+1..={}), 0 gaps, 0 repeats",
        all.len() - seen,
        head + 2
    );
}

#[tokio::test]
async fn concurrent_subscribers_each_get_every_event_once_in_order() {
    const SUBSCRIBERS: usize = 5;
    const WRITES: i64 = 30;
    let app = spawn_app().await;
    let (werkplaats, facilitator) = create_werkplaats(&app, "MOVISIE_VIJF_STAPPEN").await;
    let head = 2 + WRITES;

    // Every subscriber is listening live (has the two stored events) before
    // the writer starts; the last one is the admin.
    let mut clients = Vec::new();
    for n in 0..SUBSCRIBERS {
        let token = if n + 1 == SUBSCRIBERS {
            app.admin_token.clone()
        } else {
            facilitator.clone()
        };
        let mut client = WsClient::connect_as(&app.ws_url(), Protocol::TransportWs, &token).await;
        subscribe(&mut client, "1", &werkplaats, Some(0)).await;
        let stored = next_events(&mut client, 2).await;
        assert_contiguous(&stored, 1, 2);
        clients.push((client, stored));
    }
    let readers: Vec<_> = clients
        .into_iter()
        .map(|(mut client, mut events)| {
            tokio::spawn(async move {
                events.extend(next_events(&mut client, (head - 2) as usize).await);
                client.assert_quiet().await;
                client.close().await;
                events
            })
        })
        .collect();

    for n in 1..=WRITES {
        let version = app
            .record_problem(&facilitator, &werkplaats, &format!("P{n}"), LATE)
            .await
            .version;
        assert_eq!(version, 2 + n);
    }

    let stored = stored_events(&app, &werkplaats).await;
    let mut received = 0;
    for reader in readers {
        let events = reader.await.expect("the subscriber finishes");
        assert_contiguous(&events, 1, head);
        assert_same_as_stored(&events, &stored);
        received += events.len();
    }
    println!(
        "subscriptions: {SUBSCRIBERS} subscribers x {head} events = {received} received in order while {WRITES} were appended, 0 gaps, 0 repeats"
    );
}

#[tokio::test]
async fn the_legacy_graphql_ws_protocol_delivers_events_too() {
    let app = spawn_app().await;
    let (werkplaats, facilitator) = create_werkplaats(&app, "SCHOUDERS_ERONDER").await;
    app.record_problem(&facilitator, &werkplaats, "Late melding", LATE)
        .await;

    let mut client = WsClient::connect_as(&app.ws_url(), Protocol::LegacyWs, &facilitator).await;
    subscribe(&mut client, "legacy", &werkplaats, Some(1)).await;
    let mut events = next_events(&mut client, 2).await;
    app.record_problem(&facilitator, &werkplaats, "Schaamte", LATE)
        .await;
    events.push(next_event(&mut client).await);
    assert_contiguous(&events, 2, 4);
    assert_eq!(
        types(&events),
        ["MemberInvited", "ProblemRecorded", "ProblemRecorded"]
    );

    // `stop` ends the operation with `complete`.
    client.send(json!({"id": "legacy", "type": "stop"})).await;
    match client.recv().await {
        Incoming::Json(message) => {
            assert_eq!(message["type"], "complete", "{message}");
            assert_eq!(message["id"], "legacy");
        }
        other => panic!("expected complete, got {other:?}"),
    }
    app.record_problem(&facilitator, &werkplaats, "Na stop", LATE)
        .await;
    client.assert_quiet().await;
    client.close().await;
    println!(
        "subscriptions: graphql-ws delivered {} events in order, nothing after stop",
        events.len()
    );
}

#[tokio::test]
async fn a_member_of_another_werkplaats_gets_not_found_and_no_events() {
    let app = spawn_app().await;
    let (werkplaats, _) = create_werkplaats(&app, "SCHOUDERS_ERONDER").await;
    let (_, outsider) = create_werkplaats(&app, "SCHOUDERS_ERONDER").await;

    for protocol in [Protocol::TransportWs, Protocol::LegacyWs] {
        let mut client = WsClient::connect_as(&app.ws_url(), protocol, &outsider).await;
        subscribe(&mut client, "1", &werkplaats, Some(0)).await;
        let error = subscription_error(&mut client).await;
        assert_eq!(
            error["extensions"]["code"], "NOT_FOUND",
            "{protocol:?}: {error}"
        );
        client.close().await;
    }

    // A werkplaats that does not exist answers the same, also for the admin.
    let mut client =
        WsClient::connect_as(&app.ws_url(), Protocol::TransportWs, &app.admin_token).await;
    subscribe(
        &mut client,
        "1",
        "00000000-0000-4000-8000-000000000000",
        Some(0),
    )
    .await;
    let error = subscription_error(&mut client).await;
    assert_eq!(error["extensions"]["code"], "NOT_FOUND", "{error}");
    // The connection stays usable: a bad afterVersion is bad input.
    subscribe(&mut client, "2", &werkplaats, Some(-1)).await;
    let error = subscription_error(&mut client).await;
    assert_eq!(error["extensions"]["code"], "BAD_USER_INPUT", "{error}");
    client.close().await;
    println!("subscriptions: other werkplaats and unknown id -> NOT_FOUND, 0 events");
}

#[tokio::test]
async fn subscribing_without_a_token_is_unauthenticated() {
    let app = spawn_app().await;
    let (werkplaats, _) = create_werkplaats(&app, "SCHOUDERS_ERONDER").await;

    // An init without authorization is acknowledged (anonymous), and the
    // subscription is then refused.
    for payload in [None, Some(json!({}))] {
        let mut client = WsClient::connect(&app.ws_url(), Protocol::TransportWs).await;
        match client.init(payload.clone()).await {
            Incoming::Json(message) if message["type"] == "connection_ack" => {
                subscribe(&mut client, "1", &werkplaats, Some(0)).await;
                let error = subscription_error(&mut client).await;
                assert_eq!(
                    error["extensions"]["code"], "UNAUTHENTICATED",
                    "payload {payload:?}: {error}"
                );
            }
            Incoming::Closed(_) => {}
            other => panic!("payload {payload:?}: unexpected {other:?}"),
        }
        client.close().await;
    }

    // Subscribing before connection_init closes the connection with 4401.
    let mut client = WsClient::connect(&app.ws_url(), Protocol::TransportWs).await;
    subscribe(&mut client, "1", &werkplaats, Some(0)).await;
    match client.recv().await {
        Incoming::Closed(Some((4401, reason))) => {
            println!("subscriptions: subscribe before init -> closed 4401 {reason:?}")
        }
        other => panic!("expected the connection to close with 4401, got {other:?}"),
    }
    println!("subscriptions: no token -> UNAUTHENTICATED, 0 events");
}

#[tokio::test]
async fn a_bad_token_in_connection_init_is_refused() {
    let app = spawn_app().await;
    let (werkplaats, _) = create_werkplaats(&app, "SCHOUDERS_ERONDER").await;

    for (protocol, authorization) in [
        (Protocol::TransportWs, "Bearer wpt_nobody-holds-this-token"),
        (Protocol::TransportWs, "Basic YWRtaW46YWRtaW4="),
        (Protocol::LegacyWs, "Bearer wpt_nobody-holds-this-token"),
    ] {
        let mut client = WsClient::connect(&app.ws_url(), protocol).await;
        let answer = client
            .init(Some(json!({"authorization": authorization})))
            .await;
        match (protocol, answer) {
            (Protocol::TransportWs, Incoming::Closed(Some((4403, reason)))) => {
                assert_eq!(reason, "Forbidden");
                println!(
                    "subscriptions: graphql-transport-ws with {authorization:?} -> closed 4403"
                );
            }
            (Protocol::LegacyWs, Incoming::Closed(frame)) => {
                println!(
                    "subscriptions: {} with {authorization:?} -> closed {frame:?}",
                    protocol.name()
                );
            }
            // The legacy protocol reports the refusal in a message first.
            (Protocol::LegacyWs, Incoming::Json(message))
                if message["type"] == "connection_error" =>
            {
                println!("subscriptions: graphql-ws with a bad token -> {message}");
            }
            (_, other) => panic!("{authorization:?}: expected a refusal, got {other:?}"),
        }
        // Nothing is delivered after the refusal, whatever the client tries.
        let sent = client
            .try_send(subscribe_message(protocol, "1", &werkplaats, Some(0)))
            .await;
        match client.recv_within(QUIET).await {
            None | Some(Incoming::Closed(_)) => {}
            Some(Incoming::Json(message)) => {
                panic!("{authorization:?}: a message after the refusal: {message}")
            }
        }
        let after = if sent.is_ok() {
            "subscribe sent, nothing delivered"
        } else {
            "socket already closed"
        };
        println!("subscriptions: after the refusal: {after}");
    }
}

#[tokio::test]
async fn a_malformed_subscription_gets_an_error_not_events() {
    let app = spawn_app().await;
    let (werkplaats, facilitator) = create_werkplaats(&app, "SCHOUDERS_ERONDER").await;
    let mut client = WsClient::connect_as(&app.ws_url(), Protocol::TransportWs, &facilitator).await;
    for (id, query) in [
        ("syntax", "subscription { werkplaatsEvents("),
        (
            "field",
            "subscription($id: ID!) { werkplaatsEvents(werkplaatsId: $id) { noSuchField } }",
        ),
    ] {
        client
            .send(json!({
                "id": id,
                "type": "subscribe",
                "payload": {"query": query, "variables": {"id": werkplaats}},
            }))
            .await;
        let error = subscription_error(&mut client).await;
        // Errors the engine raises itself carry the code HTTP gives them.
        assert_eq!(error["extensions"]["code"], "BAD_USER_INPUT", "{error}");
        println!(
            "subscriptions: malformed ({id}) -> error {:?} with code {}",
            error["message"].as_str().unwrap_or_default(),
            error["extensions"]["code"]
        );
    }
    // The connection still works.
    subscribe(&mut client, "ok", &werkplaats, None).await;
    assert_contiguous(&next_events(&mut client, 2).await, 1, 2);
    client.close().await;
}

#[tokio::test]
async fn the_legacy_protocol_has_the_same_limits_and_closes_when_access_ends() {
    let app = spawn_app_with(|config| config.ws_max_operations = 2).await;
    let (werkplaats, facilitator) = create_werkplaats(&app, "SCHOUDERS_ERONDER").await;
    let partner = app
        .invite_member(&facilitator, &werkplaats, "Petra Partner", "PARTNER", None)
        .await;
    let head = partner.version;
    let mut client = WsClient::connect_as(&app.ws_url(), Protocol::LegacyWs, &partner.token).await;
    subscribe(&mut client, "a", &werkplaats, Some(head)).await;
    subscribe(&mut client, "b", &werkplaats, Some(head)).await;
    subscribe(&mut client, "c", &werkplaats, Some(head)).await;
    // The third is refused with RATE_LIMITED and completed; the two run.
    let (mut refusal, mut completed) = (None, false);
    while !completed {
        let Incoming::Json(message) = client.recv().await else {
            panic!("the connection closed")
        };
        match (message["type"].as_str(), message["id"].as_str()) {
            (Some("data"), Some("c")) => refusal = Some(message["payload"].clone()),
            (Some("complete"), Some("c")) => completed = true,
            _ => panic!("unexpected {message}"),
        }
    }
    let refusal = refusal.expect("the extra operation is answered");
    assert_eq!(
        refusal["errors"][0]["extensions"]["code"], "RATE_LIMITED",
        "{refusal}"
    );
    app.record_problem(&facilitator, &werkplaats, "Late melding", LATE)
        .await;
    let mut running = Vec::new();
    for _ in 0..2 {
        let Incoming::Json(message) = client.recv().await else {
            panic!("the connection closed")
        };
        assert_eq!(message["type"], "data", "{message}");
        assert_eq!(
            message["payload"]["data"]["werkplaatsEvents"]["version"],
            head + 1
        );
        running.push(message["id"].as_str().unwrap().to_owned());
    }
    running.sort();
    assert_eq!(running, ["a", "b"]);

    // The member is removed: the legacy socket closes with 4403 too.
    app.command(
        &facilitator,
        "removeMember",
        "{ version }",
        json!({"werkplaatsId": werkplaats, "memberId": partner.member}),
    )
    .await;
    let closed = loop {
        match client.recv().await {
            Incoming::Closed(frame) => break frame,
            // The removal itself may still arrive first.
            Incoming::Json(message) if message["type"] == "data" => {}
            Incoming::Json(message) => panic!("unexpected {message}"),
        }
    };
    assert_eq!(
        closed.as_ref().map(|(code, _)| *code),
        Some(4403),
        "{closed:?}"
    );
    println!(
        "subscriptions: graphql-ws operation 3 of 2 -> RATE_LIMITED; removed member's socket closed with 4403"
    );
}
