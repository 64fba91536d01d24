//! `graphql-transport-ws` conformance over real websockets: each close code,
//! pings both ways, `complete`, operations that are not subscriptions, the
//! per-connection operation limit, clean shutdown, and that a client that
//! does not read neither stalls other subscribers nor stays connected.

use std::net::SocketAddr;
use std::time::Duration;

use futures::{SinkExt, StreamExt};
use serde_json::{json, Value};
use tokio::net::{TcpSocket, TcpStream};
use tokio::time::Instant;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::http::HeaderValue;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::WebSocketStream;

use crate::helpers::{assert_ok, create_werkplaats, spawn_app, spawn_app_with, TestApp};

/// Longest wait for any one message.
const READ_TIMEOUT: Duration = Duration::from_secs(10);

/// How long a stopped operation must stay silent: longer than the
/// follower's one-second poll.
const QUIET: Duration = Duration::from_millis(1_500);

const EVENTS: &str = "subscription($id: ID!, $after: Int) { werkplaatsEvents(werkplaatsId: $id, afterVersion: $after) { version type data } }";

const RECORD_PROBLEM: &str =
    "mutation($input: RecordProblemInput!) { recordProblem(input: $input) { version } }";

/// What the server sent.
#[derive(Debug)]
enum Incoming {
    Json(Value),
    /// A close frame (code, reason), or the socket ended without one.
    Closed(Option<(u16, String)>),
}

/// A `graphql-transport-ws` client that shows everything the server sends,
/// pings included.
struct Client {
    socket: WebSocketStream<TcpStream>,
}

impl Client {
    async fn connect(app: &TestApp) -> Client {
        Client::connect_with(app, None).await
    }

    /// Connects with the socket's receive buffer set to `receive_buffer`
    /// bytes, so that a client that does not read is full quickly.
    async fn connect_with(app: &TestApp, receive_buffer: Option<u32>) -> Client {
        let address: SocketAddr = app.address.trim_start_matches("http://").parse().unwrap();
        let tcp = TcpSocket::new_v4().unwrap();
        if let Some(bytes) = receive_buffer {
            tcp.set_recv_buffer_size(bytes).unwrap();
        }
        let stream = tcp.connect(address).await.expect("the server listens");
        let mut request = app.ws_url().into_client_request().unwrap();
        request.headers_mut().insert(
            "Sec-WebSocket-Protocol",
            HeaderValue::from_static("graphql-transport-ws"),
        );
        let (socket, response) = tokio::time::timeout(
            READ_TIMEOUT,
            tokio_tungstenite::client_async(request, stream),
        )
        .await
        .expect("the websocket handshake finishes in time")
        .expect("the server accepts the websocket");
        assert_eq!(
            response.headers()["sec-websocket-protocol"],
            "graphql-transport-ws"
        );
        Client { socket }
    }

    /// Connects and initialises with `token`; panics unless acknowledged.
    async fn connect_as(app: &TestApp, token: &str) -> Client {
        let mut client = Client::connect(app).await;
        client.init_as(token).await;
        client
    }

    /// Sends `connection_init` with `payload` and returns the answer.
    async fn init(&mut self, payload: Value) -> Incoming {
        self.send(json!({"type": "connection_init", "payload": payload}))
            .await;
        self.recv().await
    }

    async fn init_as(&mut self, token: &str) {
        let answer = self
            .init(json!({"authorization": format!("Bearer {token}")}))
            .await;
        assert!(
            matches!(&answer, Incoming::Json(m) if m["type"] == "connection_ack"),
            "expected connection_ack, got {answer:?}"
        );
    }

    async fn send(&mut self, message: Value) {
        self.send_text(&message.to_string()).await;
    }

    async fn send_text(&mut self, text: &str) {
        self.socket
            .send(Message::text(text))
            .await
            .expect("the message is sent");
    }

    async fn subscribe(&mut self, id: &str, werkplaats: &str, after: i64) {
        self.send(json!({
            "id": id,
            "type": "subscribe",
            "payload": {"query": EVENTS, "variables": {"id": werkplaats, "after": after}},
        }))
        .await;
    }

    /// Anything the server sends within `wait`, pings included; `None` when
    /// it stays silent.
    async fn recv_any_within(&mut self, wait: Duration) -> Option<Incoming> {
        let deadline = Instant::now() + wait;
        loop {
            let message = tokio::time::timeout_at(deadline, self.socket.next())
                .await
                .ok()?;
            return Some(match message {
                None | Some(Err(_)) => Incoming::Closed(None),
                Some(Ok(Message::Close(frame))) => {
                    Incoming::Closed(frame.map(|f| (u16::from(f.code), f.reason.to_string())))
                }
                Some(Ok(Message::Text(text))) => Incoming::Json(
                    serde_json::from_str(text.as_str())
                        .unwrap_or_else(|e| panic!("not JSON ({e}): {text}")),
                ),
                // Websocket-level pings are answered by tungstenite itself.
                Some(Ok(_)) => continue,
            });
        }
    }

    /// The next message within `wait` other than a protocol ping, which is
    /// answered.
    async fn recv_within(&mut self, wait: Duration) -> Option<Incoming> {
        let deadline = Instant::now() + wait;
        loop {
            let incoming = self.recv_any_within(deadline - Instant::now()).await?;
            match incoming {
                Incoming::Json(message) if message["type"] == "ping" => {
                    self.send(json!({"type": "pong"})).await;
                }
                incoming => return Some(incoming),
            }
        }
    }

    async fn recv(&mut self) -> Incoming {
        self.recv_within(READ_TIMEOUT)
            .await
            .expect("a websocket message within the timeout")
    }

    /// The next message, which must be `type` for operation `id`.
    async fn expect(&mut self, kind: &str, id: &str) -> Value {
        match self.recv().await {
            Incoming::Json(message) if message["type"] == kind && message["id"] == id => message,
            other => panic!("expected {kind} for {id}, got {other:?}"),
        }
    }

    /// The payload of the next `next` for `id`, then its `complete`.
    async fn single_result(&mut self, id: &str) -> Value {
        let next = self.expect("next", id).await;
        self.expect("complete", id).await;
        next["payload"].clone()
    }

    /// The version of the next event of operation `id`.
    async fn next_version(&mut self, id: &str) -> i64 {
        let next = self.expect("next", id).await;
        assert!(next["payload"].get("errors").is_none(), "{next}");
        next["payload"]["data"]["werkplaatsEvents"]["version"]
            .as_i64()
            .unwrap()
    }

    /// The close frame, skipping whatever comes before it; panics when the
    /// socket ends without one or nothing closes within [`READ_TIMEOUT`].
    async fn expect_close(&mut self) -> (u16, String) {
        loop {
            match self.recv().await {
                Incoming::Closed(Some(frame)) => return frame,
                Incoming::Closed(None) => panic!("the socket ended without a close frame"),
                Incoming::Json(_) => continue,
            }
        }
    }

    async fn assert_quiet(&mut self) {
        if let Some(incoming) = self.recv_within(QUIET).await {
            panic!("expected nothing more, got {incoming:?}");
        }
    }
}

async fn record_problem(app: &TestApp, token: &str, werkplaats: &str, description: &str) -> i64 {
    let response = app
        .graphql(
            Some(token),
            RECORD_PROBLEM,
            json!({"input": {
                "werkplaatsId": werkplaats,
                "title": "Stapeling van boetes",
                "description": description,
                "perspective": "CLIENT",
            }}),
        )
        .await;
    assert_ok(&response);
    response["data"]["recordProblem"]["version"]
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
    let mut silent = Client::connect(&app).await;
    let mut prompt = Client::connect_as(&app, &facilitator).await;
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
    let mut client = Client::connect_as(&app, &facilitator).await;
    let answer = client
        .init(json!({"authorization": format!("Bearer {facilitator}")}))
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
        let mut client = Client::connect(&app).await;
        let answer = client.init(json!({"authorization": authorization})).await;
        match answer {
            Incoming::Closed(Some(frame)) => {
                assert_eq!(frame, (4403, "Forbidden".to_owned()), "{authorization:?}")
            }
            other => panic!("{authorization:?}: expected close 4403, got {other:?}"),
        }
    }
    // The admin's token is acknowledged.
    Client::connect_as(&app, &app.admin_token).await;
    println!("ws_protocol: unknown or malformed token -> 4403 Forbidden");
}

#[tokio::test]
async fn subscribing_before_connection_ack_closes_with_4401() {
    let app = spawn_app().await;
    let (werkplaats, _) = create_werkplaats(&app, "SCHOUDERS_ERONDER").await;
    let mut client = Client::connect(&app).await;
    client.subscribe("1", &werkplaats, 0).await;
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
    let mut client = Client::connect_as(&app, &facilitator).await;
    client.subscribe("live", &werkplaats, 0).await;
    assert_eq!(client.next_version("live").await, 1);
    assert_eq!(client.next_version("live").await, 2);
    client.subscribe("live", &werkplaats, 0).await;
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
            Client::connect_as(&app, &facilitator).await
        } else {
            Client::connect(&app).await
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
    let mut client = Client::connect_as(&app, &facilitator).await;

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
    let mut client = Client::connect_as(&app, &facilitator).await;
    client.subscribe("a", &werkplaats, 0).await;
    client.subscribe("b", &werkplaats, 0).await;
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
    let version = record_problem(&app, &facilitator, &werkplaats, "Laat").await;
    assert_eq!(client.next_version("b").await, version);
    client.assert_quiet().await;

    // The id is free again.
    client.subscribe("a", &werkplaats, version - 1).await;
    assert_eq!(client.next_version("a").await, version);
    // Completing an id that is not running is no error.
    client
        .send(json!({"type": "complete", "id": "never"}))
        .await;
    let version = record_problem(&app, &facilitator, &werkplaats, "Laat").await;
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
    let mut client = Client::connect_as(&app, &facilitator).await;

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

    // Errors the engine raises itself carry a code, as over HTTP.
    client
        .send(json!({"id": "bad", "type": "subscribe", "payload": {"query": "{ werkplaats("}}))
        .await;
    let answer = client.single_result("bad").await;
    assert_eq!(
        answer["errors"][0]["extensions"]["code"], "BAD_USER_INPUT",
        "{answer}"
    );

    // Without a token: acknowledged, and every operation is unauthenticated.
    let mut anonymous = Client::connect(&app).await;
    let ack = anonymous.init(json!({})).await;
    assert!(
        matches!(&ack, Incoming::Json(m) if m["type"] == "connection_ack"),
        "{ack:?}"
    );
    for query in ["{ werkplaatsen { id } }", "{ werkplaats("] {
        anonymous
            .send(json!({"id": "1", "type": "subscribe", "payload": {"query": query}}))
            .await;
        let answer = anonymous.single_result("1").await;
        assert_eq!(
            answer["errors"][0]["extensions"]["code"], "UNAUTHENTICATED",
            "{answer}"
        );
    }
    println!("ws_protocol: query, mutation and bad query over the socket -> next + complete");
}

#[tokio::test]
async fn a_connection_runs_at_most_100_operations_at_a_time() {
    let app = spawn_app().await;
    let (werkplaats, facilitator) = create_werkplaats(&app, "SCHOUDERS_ERONDER").await;
    let mut client = Client::connect_as(&app, &facilitator).await;
    for n in 0..100 {
        client.subscribe(&format!("s{n}"), &werkplaats, 0).await;
    }
    client.subscribe("one-too-many", &werkplaats, 0).await;
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
    client.subscribe("one-more", &werkplaats, 1).await;
    assert_eq!(client.next_version("one-more").await, 2);
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
        let mut client = Client::connect_as(&app, &facilitator).await;
        for n in 0..OPERATIONS {
            client.subscribe(&n.to_string(), &werkplaats, 0).await;
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
            client.socket.close(None).await.unwrap();
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

    let mut stalled = Client::connect_with(&app, Some(4_096)).await;
    stalled.init_as(&facilitator).await;
    for n in 0..STALLED_OPERATIONS {
        stalled.subscribe(&n.to_string(), &werkplaats, 0).await;
    }

    let mut reader = Client::connect_as(&app, &facilitator).await;
    reader.subscribe("live", &werkplaats, 2).await;
    let received = tokio::spawn(async move {
        let mut arrivals = Vec::new();
        for version in 3..=2 + WRITES {
            assert_eq!(reader.next_version("live").await, version);
            arrivals.push(Instant::now());
        }
        arrivals
    });

    let mut sent = Vec::new();
    for n in 1..=WRITES {
        sent.push(Instant::now());
        assert_eq!(
            record_problem(&app, &facilitator, &werkplaats, &description).await,
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

    let mut stalled = Client::connect_with(&app, Some(4_096)).await;
    stalled.init_as(&facilitator).await;
    for n in 0..OPERATIONS {
        stalled.subscribe(&n.to_string(), &werkplaats, 0).await;
    }
    for _ in 1..=WRITES {
        record_problem(&app, &facilitator, &werkplaats, &description).await;
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
    let mut client = Client::connect_as(&app, &facilitator).await;
    client.subscribe("1", &werkplaats, 2 + WRITES - 1).await;
    assert_eq!(client.next_version("1").await, 2 + WRITES);
}
