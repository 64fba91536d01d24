//! The one websocket client: both GraphQL protocols, raw frames, a small
//! receive buffer on request, and everything the server sends visible
//! (protocol pings included) when a test asks for it. [`Subscription`] is
//! the same client cut down to one subscription, for tests that retry.

use std::net::SocketAddr;
use std::time::Duration;

use futures::{SinkExt, StreamExt};
use serde_json::{json, Value};
use tokio::net::{lookup_host, TcpSocket, TcpStream};
use tokio::time::Instant;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::http::HeaderValue;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::WebSocketStream;

/// Longest wait for the handshake and for any one message.
pub const READ_TIMEOUT: Duration = Duration::from_secs(10);

/// How long a stopped or finished operation must stay silent: longer than
/// the servers' one-second fallback poll.
pub const QUIET: Duration = Duration::from_millis(1_500);

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Protocol {
    /// `graphql-transport-ws`: `subscribe` / `next` / `error` / `complete`.
    TransportWs,
    /// The legacy `graphql-ws`: `start` / `data` / `error` / `complete`.
    LegacyWs,
}

impl Protocol {
    pub fn name(self) -> &'static str {
        match self {
            Protocol::TransportWs => "graphql-transport-ws",
            Protocol::LegacyWs => "graphql-ws",
        }
    }

    pub fn subscribe_type(self) -> &'static str {
        match self {
            Protocol::TransportWs => "subscribe",
            Protocol::LegacyWs => "start",
        }
    }

    pub fn result_type(self) -> &'static str {
        match self {
            Protocol::TransportWs => "next",
            Protocol::LegacyWs => "data",
        }
    }
}

/// What the server sent.
#[derive(Debug)]
pub enum Incoming {
    /// A protocol message.
    Json(Value),
    /// A close frame (code, reason), or the socket ended without one.
    Closed(Option<(u16, String)>),
}

impl Incoming {
    /// The close code, if this is a close frame.
    pub fn close_code(&self) -> Option<u16> {
        match self {
            Incoming::Closed(Some((code, _))) => Some(*code),
            _ => None,
        }
    }

    /// The message; panics if the connection closed instead.
    #[track_caller]
    pub fn json(self) -> Value {
        match self {
            Incoming::Json(message) => message,
            closed => panic!("expected a message, got {closed:?}"),
        }
    }

    pub fn is_ack(&self) -> bool {
        matches!(self, Incoming::Json(m) if m["type"] == "connection_ack")
    }
}

/// A websocket on `/graphql` speaking one of the two protocols.
pub struct WsClient {
    socket: WebSocketStream<TcpStream>,
    pub protocol: Protocol,
}

impl WsClient {
    /// Opens a websocket on `url` (`ws://host:port/graphql`), asking for
    /// `protocol`; panics unless the server accepts it with that protocol.
    pub async fn connect(url: &str, protocol: Protocol) -> WsClient {
        WsClient::connect_with(url, protocol, None).await
    }

    /// [`WsClient::connect`] with the socket's receive buffer set to
    /// `receive_buffer` bytes, so that a client that does not read is full
    /// quickly.
    pub async fn connect_with(
        url: &str,
        protocol: Protocol,
        receive_buffer: Option<u32>,
    ) -> WsClient {
        WsClient::try_connect(url, protocol, receive_buffer)
            .await
            .unwrap_or_else(|e| panic!("{e}"))
    }

    /// Connects and initialises with a bearer token; panics unless acknowledged.
    pub async fn connect_as(url: &str, protocol: Protocol, token: &str) -> WsClient {
        let mut client = WsClient::connect(url, protocol).await;
        client.init_as(token).await;
        client
    }

    /// [`WsClient::connect_with`] that says what went wrong instead of
    /// panicking, for callers that retry.
    pub async fn try_connect(
        url: &str,
        protocol: Protocol,
        receive_buffer: Option<u32>,
    ) -> Result<WsClient, String> {
        let mut request = url.into_client_request().map_err(|e| e.to_string())?;
        request.headers_mut().insert(
            "Sec-WebSocket-Protocol",
            HeaderValue::from_static(protocol.name()),
        );
        let uri = request.uri();
        let host = format!(
            "{}:{}",
            uri.host().unwrap_or_default(),
            uri.port_u16().unwrap_or(80)
        );
        let address: SocketAddr = lookup_host(&host)
            .await
            .map_err(|e| e.to_string())?
            .next()
            .ok_or_else(|| format!("no address for {host}"))?;
        let tcp = if address.is_ipv4() {
            TcpSocket::new_v4()
        } else {
            TcpSocket::new_v6()
        }
        .map_err(|e| e.to_string())?;
        if let Some(bytes) = receive_buffer {
            tcp.set_recv_buffer_size(bytes).map_err(|e| e.to_string())?;
        }
        let handshake = async {
            let stream = tcp.connect(address).await.map_err(|e| e.to_string())?;
            tokio_tungstenite::client_async(request, stream)
                .await
                .map_err(|e| e.to_string())
        };
        let (socket, response) = tokio::time::timeout(READ_TIMEOUT, handshake)
            .await
            .map_err(|_| "the websocket handshake timed out".to_owned())??;
        let agreed = response
            .headers()
            .get("sec-websocket-protocol")
            .and_then(|v| v.to_str().ok());
        if agreed != Some(protocol.name()) {
            return Err(format!(
                "asked for {}, the server chose {agreed:?}",
                protocol.name()
            ));
        }
        Ok(WsClient { socket, protocol })
    }

    pub async fn send(&mut self, message: Value) {
        self.send_text(&message.to_string()).await;
    }

    /// Sends any text frame, JSON or not.
    pub async fn send_text(&mut self, text: &str) {
        assert!(
            self.try_send_text(text).await.is_ok(),
            "the message is sent"
        );
    }

    /// Sends a message; `Err` when the connection is already closed.
    pub async fn try_send(&mut self, message: Value) -> Result<(), String> {
        self.try_send_text(&message.to_string()).await
    }

    async fn try_send_text(&mut self, text: &str) -> Result<(), String> {
        self.socket
            .send(Message::text(text))
            .await
            .map_err(|e| e.to_string())
    }

    /// Anything the server sends within `wait`, protocol pings included;
    /// `None` when it stays silent.
    pub async fn recv_any_within(&mut self, wait: Duration) -> Option<Incoming> {
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

    /// The next message within `wait` other than a keep-alive: protocol
    /// pings are answered, the legacy protocol's `ka` skipped.
    pub async fn recv_within(&mut self, wait: Duration) -> Option<Incoming> {
        let deadline = Instant::now() + wait;
        loop {
            match self.recv_any_within(deadline - Instant::now()).await? {
                Incoming::Json(message) if message["type"] == "ping" => {
                    // A closed socket shows on the next read.
                    let _ = self.try_send(json!({"type": "pong"})).await;
                }
                Incoming::Json(message)
                    if self.protocol == Protocol::LegacyWs && message["type"] == "ka" => {}
                incoming => return Some(incoming),
            }
        }
    }

    /// The next message or the close, within [`READ_TIMEOUT`].
    pub async fn recv(&mut self) -> Incoming {
        self.recv_within(READ_TIMEOUT)
            .await
            .expect("a websocket message within the timeout")
    }

    /// Sends `connection_init` (without a payload for `None`) and returns
    /// the server's answer.
    pub async fn init(&mut self, payload: Option<Value>) -> Incoming {
        let message = match payload {
            Some(payload) => json!({"type": "connection_init", "payload": payload}),
            None => json!({"type": "connection_init"}),
        };
        self.send(message).await;
        self.recv().await
    }

    /// Initialises with `token` as a bearer token; the server's answer.
    pub async fn init_with_token(&mut self, token: &str) -> Incoming {
        self.init(Some(json!({"authorization": format!("Bearer {token}")})))
            .await
    }

    /// Initialises with `token`; panics unless acknowledged.
    pub async fn init_as(&mut self, token: &str) {
        let answer = self.init_with_token(token).await;
        assert!(answer.is_ack(), "expected connection_ack, got {answer:?}");
    }

    /// Starts operation `id` (`subscribe` or `start`, as the protocol says).
    pub async fn subscribe(&mut self, id: &str, query: &str, variables: Value) {
        let message = json!({
            "id": id,
            "type": self.protocol.subscribe_type(),
            "payload": {"query": query, "variables": variables},
        });
        self.send(message).await;
    }

    /// The next message, which must be `kind` for operation `id`.
    pub async fn expect(&mut self, kind: &str, id: &str) -> Value {
        match self.recv().await {
            Incoming::Json(message) if message["type"] == kind && message["id"] == id => message,
            other => panic!("expected {kind} for {id}, got {other:?}"),
        }
    }

    /// The payload of the next `next` for `id`, then its `complete`.
    pub async fn single_result(&mut self, id: &str) -> Value {
        let next = self.expect("next", id).await;
        self.expect("complete", id).await;
        next["payload"].clone()
    }

    /// The `data` of the next result, of whichever operation; panics on
    /// errors or anything else.
    pub async fn next_data(&mut self) -> Value {
        match self.recv().await {
            Incoming::Json(message) if message["type"] == self.protocol.result_type() => {
                let payload = &message["payload"];
                assert!(
                    payload.get("errors").is_none(),
                    "an error instead of a result: {message}"
                );
                payload["data"].clone()
            }
            other => panic!("expected a result, got {other:?}"),
        }
    }

    /// The close frame, skipping whatever comes before it; panics when the
    /// socket ends without one or nothing closes within [`READ_TIMEOUT`].
    pub async fn expect_close(&mut self) -> (u16, String) {
        loop {
            match self.recv().await {
                Incoming::Closed(Some(frame)) => return frame,
                Incoming::Closed(None) => panic!("the socket ended without a close frame"),
                Incoming::Json(_) => continue,
            }
        }
    }

    /// Panics if anything but silence follows for [`QUIET`].
    pub async fn assert_quiet(&mut self) {
        if let Some(incoming) = self.recv_within(QUIET).await {
            panic!("expected nothing more, got {incoming:?}");
        }
    }

    /// Sends a close frame; whether that went through.
    pub async fn close(&mut self) -> bool {
        self.socket.close(None).await.is_ok()
    }
}

/// What the server sent for a [`Subscription`], or that it sent nothing.
pub enum Next {
    /// A result's `data`.
    Data(Value),
    /// A result with `errors`, or an `error` message: its errors.
    Errors(Value),
    /// The server ended the operation.
    Complete,
    /// The connection closed, with the close code if there was one.
    Closed(Option<u16>),
    /// Nothing within the wait.
    Silent,
}

impl std::fmt::Debug for Next {
    /// As the tests' failure messages show it.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Next::Data(data) => write!(f, "data {data}"),
            Next::Errors(errors) => write!(f, "errors {errors}"),
            Next::Complete => write!(f, "complete"),
            Next::Closed(Some(code)) => write!(f, "closed with {code}"),
            Next::Closed(None) => write!(f, "closed without a code"),
            Next::Silent => write!(f, "nothing"),
        }
    }
}

/// One `graphql-transport-ws` subscription on its own websocket.
pub struct Subscription {
    client: WsClient,
}

impl Subscription {
    /// Connects to `ws_url`, initialises with `token` and subscribes to
    /// `query` with `variables`. Any failure on the way is an `Err` with
    /// what happened, for callers that retry.
    pub async fn start(
        ws_url: &str,
        token: &str,
        query: &str,
        variables: Value,
    ) -> Result<Subscription, String> {
        let mut client = WsClient::try_connect(ws_url, Protocol::TransportWs, None).await?;
        client
            .try_send(json!({
                "type": "connection_init",
                "payload": {"authorization": format!("Bearer {token}")},
            }))
            .await?;
        match client.recv_within(READ_TIMEOUT).await {
            Some(answer) if answer.is_ack() => {}
            other => return Err(format!("expected connection_ack, got {other:?}")),
        }
        client
            .try_send(json!({
                "id": "1",
                "type": "subscribe",
                "payload": {"query": query, "variables": variables},
            }))
            .await?;
        Ok(Subscription { client })
    }

    /// What the server sends next for the subscription, waiting at most `wait`.
    pub async fn next(&mut self, wait: Duration) -> Next {
        let deadline = Instant::now() + wait;
        let message = loop {
            match self.client.recv_within(deadline - Instant::now()).await {
                None => return Next::Silent,
                Some(Incoming::Closed(frame)) => return Next::Closed(frame.map(|(code, _)| code)),
                Some(Incoming::Json(message)) if message["type"] == "pong" => {}
                Some(Incoming::Json(message)) => break message,
            }
        };
        match message["type"].as_str() {
            Some("next") if message["payload"].get("errors").is_some() => {
                Next::Errors(message["payload"]["errors"].clone())
            }
            Some("next") => Next::Data(message["payload"]["data"].clone()),
            Some("error") => Next::Errors(message["payload"].clone()),
            Some("complete") => Next::Complete,
            _ => panic!("unexpected message: {message}"),
        }
    }

    /// Closes the connection (and with it the subscription).
    pub async fn close(mut self) {
        self.client.close().await;
    }
}
