//! A small `graphql-transport-ws` client: one subscription per connection,
//! every read bounded by a timeout. Shared by the live tests and the
//! PostgreSQL restart test (`tests/restart.rs`).

use std::time::Duration;

use futures::{SinkExt, StreamExt};
use serde_json::{json, Value};
use tokio::net::TcpStream;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::http::HeaderValue;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream};

/// Longest wait for the handshake and for `connection_ack`.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);

/// What the server sent for the subscription, or that it sent nothing.
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

/// One subscription on its own websocket.
pub struct Subscription {
    socket: WebSocketStream<MaybeTlsStream<TcpStream>>,
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
        let mut request = ws_url.into_client_request().map_err(|e| e.to_string())?;
        request.headers_mut().insert(
            "Sec-WebSocket-Protocol",
            HeaderValue::from_static("graphql-transport-ws"),
        );
        let (socket, _) =
            tokio::time::timeout(CONNECT_TIMEOUT, tokio_tungstenite::connect_async(request))
                .await
                .map_err(|_| "the websocket handshake timed out".to_owned())?
                .map_err(|e| e.to_string())?;
        let mut subscription = Subscription { socket };
        subscription
            .send(json!({
                "type": "connection_init",
                "payload": {"authorization": format!("Bearer {token}")},
            }))
            .await?;
        match subscription.message(CONNECT_TIMEOUT).await {
            Ok(Some(message)) if message["type"] == "connection_ack" => {}
            other => return Err(format!("expected connection_ack, got {other:?}")),
        }
        subscription
            .send(json!({
                "id": "1",
                "type": "subscribe",
                "payload": {"query": query, "variables": variables},
            }))
            .await?;
        Ok(subscription)
    }

    async fn send(&mut self, message: Value) -> Result<(), String> {
        self.socket
            .send(Message::text(message.to_string()))
            .await
            .map_err(|e| e.to_string())
    }

    /// The next protocol message other than pings, `Ok(None)` when `wait`
    /// passes without one, `Err(code)` when the connection closes.
    async fn message(&mut self, wait: Duration) -> Result<Option<Value>, Option<u16>> {
        let deadline = tokio::time::Instant::now() + wait;
        loop {
            let Ok(message) = tokio::time::timeout_at(deadline, self.socket.next()).await else {
                return Ok(None);
            };
            match message {
                None | Some(Err(_)) => return Err(None),
                Some(Ok(Message::Close(frame))) => return Err(frame.map(|f| u16::from(f.code))),
                Some(Ok(Message::Text(text))) => {
                    let value: Value = serde_json::from_str(text.as_str())
                        .unwrap_or_else(|e| panic!("not JSON ({e}): {text}"));
                    match value["type"].as_str() {
                        Some("ping") => {
                            // A closed socket shows on the next read.
                            let _ = self.send(json!({"type": "pong"})).await;
                        }
                        Some("pong") => {}
                        _ => return Ok(Some(value)),
                    }
                }
                // Websocket pings are answered by tungstenite itself.
                Some(Ok(_)) => {}
            }
        }
    }

    /// What the server sends next for the subscription, waiting at most `wait`.
    pub async fn next(&mut self, wait: Duration) -> Next {
        match self.message(wait).await {
            Err(code) => Next::Closed(code),
            Ok(None) => Next::Silent,
            Ok(Some(message)) => match message["type"].as_str() {
                Some("next") if message["payload"].get("errors").is_some() => {
                    Next::Errors(message["payload"]["errors"].clone())
                }
                Some("next") => Next::Data(message["payload"]["data"].clone()),
                Some("error") => Next::Errors(message["payload"].clone()),
                Some("complete") => Next::Complete,
                _ => panic!("unexpected message: {message}"),
            },
        }
    }

    /// Closes the connection (and with it the subscription).
    pub async fn close(mut self) {
        let _ = self.socket.close(None).await;
    }
}
