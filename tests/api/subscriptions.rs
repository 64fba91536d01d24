//! `werkplaatsEvents` over real websockets: stored events first, then live
//! ones, in version order, with no gaps and no repeats; both websocket
//! protocols; and who may subscribe to what.

use std::time::Duration;

use futures::{SinkExt, StreamExt};
use serde_json::{json, Value};
use tokio::net::TcpStream;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::http::HeaderValue;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream};

use crate::helpers::{assert_ok, create_werkplaats, spawn_app, TestApp};

/// Longest wait for any one websocket message.
const READ_TIMEOUT: Duration = Duration::from_secs(10);

/// How long a finished subscription must stay silent to show it repeats
/// nothing: longer than the follower's one-second poll.
const QUIET: Duration = Duration::from_millis(1_500);

const EVENTS: &str = "subscription($id: ID!, $after: Int) { werkplaatsEvents(werkplaatsId: $id, afterVersion: $after) { version type hash prevHash actor { name } data } }";

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Protocol {
    /// `graphql-transport-ws`: `subscribe` / `next` / `error` / `complete`.
    TransportWs,
    /// The legacy `graphql-ws`: `start` / `data` / `error` / `complete`.
    LegacyWs,
}

impl Protocol {
    fn name(self) -> &'static str {
        match self {
            Protocol::TransportWs => "graphql-transport-ws",
            Protocol::LegacyWs => "graphql-ws",
        }
    }

    fn subscribe_type(self) -> &'static str {
        match self {
            Protocol::TransportWs => "subscribe",
            Protocol::LegacyWs => "start",
        }
    }

    fn result_type(self) -> &'static str {
        match self {
            Protocol::TransportWs => "next",
            Protocol::LegacyWs => "data",
        }
    }
}

/// What the server sent.
#[derive(Debug)]
enum Incoming {
    /// A protocol message.
    Json(Value),
    /// A close frame (code, reason), or the socket ended without one.
    Closed(Option<(u16, String)>),
}

/// A websocket GraphQL client, just enough for these tests.
struct WsClient {
    socket: WebSocketStream<MaybeTlsStream<TcpStream>>,
    protocol: Protocol,
}

impl WsClient {
    /// Opens a websocket on `/graphql`, asking for `protocol`.
    async fn connect(app: &TestApp, protocol: Protocol) -> WsClient {
        let mut request = app.ws_url().into_client_request().unwrap();
        request.headers_mut().insert(
            "Sec-WebSocket-Protocol",
            HeaderValue::from_static(protocol.name()),
        );
        let (socket, response) =
            tokio::time::timeout(READ_TIMEOUT, tokio_tungstenite::connect_async(request))
                .await
                .expect("the websocket handshake finishes in time")
                .expect("the server accepts the websocket");
        assert_eq!(
            response
                .headers()
                .get("sec-websocket-protocol")
                .and_then(|v| v.to_str().ok()),
            Some(protocol.name()),
            "the server speaks the protocol asked for"
        );
        WsClient { socket, protocol }
    }

    async fn send(&mut self, message: Value) {
        assert!(self.try_send(message).await, "the message is sent");
    }

    /// Sends a message; `false` when the connection is already closed.
    async fn try_send(&mut self, message: Value) -> bool {
        self.socket
            .send(Message::text(message.to_string()))
            .await
            .is_ok()
    }

    /// The next protocol message or the close, within [`READ_TIMEOUT`].
    async fn recv(&mut self) -> Incoming {
        self.recv_within(READ_TIMEOUT)
            .await
            .expect("a websocket message within the timeout")
    }

    /// The next protocol message or the close, or `None` when `wait` passes
    /// without one. Keep-alives are skipped.
    async fn recv_within(&mut self, wait: Duration) -> Option<Incoming> {
        let deadline = tokio::time::Instant::now() + wait;
        loop {
            let message = tokio::time::timeout_at(deadline, self.socket.next())
                .await
                .ok()?;
            match message {
                None | Some(Err(_)) => return Some(Incoming::Closed(None)),
                Some(Ok(Message::Close(frame))) => {
                    return Some(Incoming::Closed(
                        frame.map(|f| (u16::from(f.code), f.reason.to_string())),
                    ))
                }
                Some(Ok(Message::Text(text))) => {
                    let value: Value = serde_json::from_str(text.as_str())
                        .unwrap_or_else(|e| panic!("not JSON ({e}): {text}"));
                    match value["type"].as_str() {
                        Some("ka") => continue,
                        Some("ping") => {
                            self.send(json!({"type": "pong"})).await;
                            continue;
                        }
                        _ => return Some(Incoming::Json(value)),
                    }
                }
                // Websocket pings are answered by tungstenite itself.
                Some(Ok(_)) => continue,
            }
        }
    }

    /// Sends `connection_init` and returns the server's answer.
    async fn init(&mut self, payload: Option<Value>) -> Incoming {
        let message = match payload {
            Some(payload) => json!({"type": "connection_init", "payload": payload}),
            None => json!({"type": "connection_init"}),
        };
        self.send(message).await;
        self.recv().await
    }

    /// Connects and initialises with a bearer token; panics unless acknowledged.
    async fn connect_as(app: &TestApp, protocol: Protocol, token: &str) -> WsClient {
        let mut client = WsClient::connect(app, protocol).await;
        let answer = client
            .init(Some(json!({"authorization": format!("Bearer {token}")})))
            .await;
        match answer {
            Incoming::Json(message) if message["type"] == "connection_ack" => client,
            other => panic!("expected connection_ack, got {other:?}"),
        }
    }

    /// Subscribes to `werkplaatsEvents` under operation `id`.
    async fn subscribe(&mut self, id: &str, werkplaats: &str, after: Option<i64>) {
        let message = subscribe_message(self.protocol, id, werkplaats, after);
        self.send(message).await;
    }

    /// The next event delivered; panics on anything else.
    async fn next_event(&mut self) -> Value {
        match self.recv().await {
            Incoming::Json(message) if message["type"] == self.protocol.result_type() => {
                let payload = &message["payload"];
                assert!(
                    payload.get("errors").is_none(),
                    "an error instead of an event: {message}"
                );
                payload["data"]["werkplaatsEvents"].clone()
            }
            other => panic!("expected an event, got {other:?}"),
        }
    }

    /// The next `count` events.
    async fn next_events(&mut self, count: usize) -> Vec<Value> {
        let mut events = Vec::with_capacity(count);
        for _ in 0..count {
            events.push(self.next_event().await);
        }
        events
    }

    /// Panics if anything but silence follows for [`QUIET`].
    async fn assert_quiet(&mut self) {
        if let Some(incoming) = self.recv_within(QUIET).await {
            panic!("expected nothing more, got {incoming:?}");
        }
    }

    async fn close(mut self) {
        let _ = self.socket.close(None).await;
    }
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

/// The mutations these tests append events with; each returns the new version.
async fn record_problem(app: &TestApp, token: &str, werkplaats: &str, title: &str) -> i64 {
    let response = app
        .graphql(
            Some(token),
            "mutation($input: RecordProblemInput!) { recordProblem(input: $input) { version } }",
            json!({"input": {
                "werkplaatsId": werkplaats,
                "title": title,
                "description": "Inwoners melden zich pas laat bij de schuldhulp.",
                "perspective": "CLIENT",
            }}),
        )
        .await;
    assert_ok(&response);
    response["data"]["recordProblem"]["version"]
        .as_i64()
        .unwrap()
}

async fn add_partner(app: &TestApp, token: &str, werkplaats: &str) -> i64 {
    let response = app
        .graphql(
            Some(token),
            "mutation($input: AddPartnerInput!) { addPartner(input: $input) { version } }",
            json!({"input": {"werkplaatsId": werkplaats, "name": "Gemeente Testdorp", "kind": "GEMEENTE"}}),
        )
        .await;
    assert_ok(&response);
    response["data"]["addPartner"]["version"].as_i64().unwrap()
}

async fn define_indicator(app: &TestApp, token: &str, werkplaats: &str) -> i64 {
    let response = app
        .graphql(
            Some(token),
            "mutation($input: DefineIndicatorInput!) { defineIndicator(input: $input) { version } }",
            json!({"input": {
                "werkplaatsId": werkplaats,
                "name": "Eerder in beeld",
                "unit": "%",
                "baseline": 20.0,
                "norm": 40.0,
                "direction": "INCREASE",
            }}),
        )
        .await;
    assert_ok(&response);
    response["data"]["defineIndicator"]["version"]
        .as_i64()
        .unwrap()
}

/// Invites a member; returns (token, version).
async fn invite_member(
    app: &TestApp,
    token: &str,
    werkplaats: &str,
    name: &str,
    role: &str,
) -> (String, i64) {
    let response = app
        .graphql(
            Some(token),
            "mutation($input: InviteMemberInput!) { inviteMember(input: $input) { token version } }",
            json!({"input": {"werkplaatsId": werkplaats, "name": name, "role": role}}),
        )
        .await;
    assert_ok(&response);
    let payload = &response["data"]["inviteMember"];
    (
        payload["token"].as_str().unwrap().to_owned(),
        payload["version"].as_i64().unwrap(),
    )
}

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
        record_problem(&app, &facilitator, &werkplaats, title).await;
    }
    let stored_before = 5;

    let mut client = WsClient::connect_as(&app, Protocol::TransportWs, &facilitator).await;
    client.subscribe("1", &werkplaats, Some(0)).await;
    let mut events = client.next_events(stored_before).await;
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
    assert_eq!(add_partner(&app, &facilitator, &werkplaats).await, 6);
    events.push(client.next_event().await);
    let (partner_token, version) =
        invite_member(&app, &facilitator, &werkplaats, "Budgetcoach", "PARTNER").await;
    assert_eq!(version, 7);
    events.push(client.next_event().await);
    // ... then a burst, written before any of it is read.
    assert_eq!(
        record_problem(&app, &partner_token, &werkplaats, "Wachtlijsten").await,
        8
    );
    assert_eq!(define_indicator(&app, &facilitator, &werkplaats).await, 9);
    assert_eq!(
        record_problem(&app, &facilitator, &werkplaats, "Brieven").await,
        10
    );
    events.extend(client.next_events(3).await);
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
        record_problem(&app, &facilitator, &werkplaats, title).await;
    }
    // Head is 6; the client sees 1..=4 and goes away.
    let seen = 4;
    let mut client = WsClient::connect_as(&app, Protocol::TransportWs, &facilitator).await;
    client.subscribe("1", &werkplaats, None).await;
    let first = client.next_events(seen).await;
    assert_contiguous(&first, 1, seen as i64);
    client.close().await;

    // Written while nobody listens.
    record_problem(&app, &facilitator, &werkplaats, "Vijf").await;
    let head = add_partner(&app, &facilitator, &werkplaats).await;
    assert_eq!(head, 8);

    let mut client = WsClient::connect_as(&app, Protocol::TransportWs, &facilitator).await;
    client.subscribe("1", &werkplaats, Some(seen as i64)).await;
    let mut resumed = client.next_events((head - seen as i64) as usize).await;
    assert_contiguous(&resumed, seen as i64 + 1, head);
    assert_eq!(
        resumed[0]["prevHash"],
        first[seen - 1]["hash"],
        "the resumed stream links to the last event seen"
    );
    // And then the new ones.
    record_problem(&app, &facilitator, &werkplaats, "Zes").await;
    record_problem(&app, &facilitator, &werkplaats, "Zeven").await;
    resumed.extend(client.next_events(2).await);
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
        let mut client = WsClient::connect_as(&app, Protocol::TransportWs, &token).await;
        client.subscribe("1", &werkplaats, Some(0)).await;
        let stored = client.next_events(2).await;
        assert_contiguous(&stored, 1, 2);
        clients.push((client, stored));
    }
    let readers: Vec<_> = clients
        .into_iter()
        .map(|(mut client, mut events)| {
            tokio::spawn(async move {
                events.extend(client.next_events((head - 2) as usize).await);
                client.assert_quiet().await;
                client.close().await;
                events
            })
        })
        .collect();

    for n in 1..=WRITES {
        let version = record_problem(&app, &facilitator, &werkplaats, &format!("P{n}")).await;
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
    record_problem(&app, &facilitator, &werkplaats, "Late melding").await;

    let mut client = WsClient::connect_as(&app, Protocol::LegacyWs, &facilitator).await;
    client.subscribe("legacy", &werkplaats, Some(1)).await;
    let mut events = client.next_events(2).await;
    record_problem(&app, &facilitator, &werkplaats, "Schaamte").await;
    events.push(client.next_event().await);
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
    record_problem(&app, &facilitator, &werkplaats, "Na stop").await;
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
        let mut client = WsClient::connect_as(&app, protocol, &outsider).await;
        client.subscribe("1", &werkplaats, Some(0)).await;
        let error = subscription_error(&mut client).await;
        assert_eq!(
            error["extensions"]["code"], "NOT_FOUND",
            "{protocol:?}: {error}"
        );
        client.close().await;
    }

    // A werkplaats that does not exist answers the same, also for the admin.
    let mut client = WsClient::connect_as(&app, Protocol::TransportWs, &app.admin_token).await;
    client
        .subscribe("1", "00000000-0000-4000-8000-000000000000", Some(0))
        .await;
    let error = subscription_error(&mut client).await;
    assert_eq!(error["extensions"]["code"], "NOT_FOUND", "{error}");
    // The connection stays usable: a bad afterVersion is bad input.
    client.subscribe("2", &werkplaats, Some(-1)).await;
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
        let mut client = WsClient::connect(&app, Protocol::TransportWs).await;
        match client.init(payload.clone()).await {
            Incoming::Json(message) if message["type"] == "connection_ack" => {
                client.subscribe("1", &werkplaats, Some(0)).await;
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
    let mut client = WsClient::connect(&app, Protocol::TransportWs).await;
    client.subscribe("1", &werkplaats, Some(0)).await;
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
        let mut client = WsClient::connect(&app, protocol).await;
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
        let after = if sent {
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
    let mut client = WsClient::connect_as(&app, Protocol::TransportWs, &facilitator).await;
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
    client.subscribe("ok", &werkplaats, None).await;
    assert_contiguous(&client.next_events(2).await, 1, 2);
    client.close().await;
}
