//! The server side of `graphql-transport-ws`
//! (<https://github.com/enisdenjo/graphql-ws/blob/master/PROTOCOL.md>),
//! and of the legacy `graphql-ws` of subscriptions-transport-ws, which
//! names the same messages differently (`start`/`stop`/`data`, `ka` for
//! keep-alive, `connection_error` before a refusing close,
//! `connection_terminate`): one connection logic for both, so the legacy
//! protocol has the same limits, closes and revocation ([`Protocol`]).
//!
//! Each connection runs in two tasks: a reader that handles the client's
//! messages, and a writer that owns the socket's sending half and takes
//! what to send from a bounded queue; the reader's task ends after the
//! writer's. Every operation runs in a task
//! of its own that hands each result to the queue and waits until there is
//! room before it asks its stream for the next one. So a client that reads
//! slowly holds back only its own operations, and what a connection buffers
//! is bounded by the queue plus one result per operation; a paused
//! `werkplaatsEvents` follower resumes from the table, so pausing it costs no
//! memory. A client that stops reading altogether is closed once one send
//! has waited [`WebsocketSettings::send_timeout`]: other connections never
//! wait for it. When the socket closes, every operation task is aborted and
//! awaited before the connection's task ends.
//!
//! Results travel as `next` (with the errors, if any, each carrying
//! `extensions.code` as over HTTP) followed by `complete`. A subscribe
//! request that fails before it executes (it does not parse, does not
//! validate, its variables do not fit, a limit refuses it, or a
//! subscription selects more than one root field) is answered with the
//! protocol's `error` message instead, its payload the list of errors
//! (with their codes), as `graphql-ws` clients expect.
//!
//! Close codes: the protocol's 4400 (invalid message), 4401 (`subscribe`
//! before `connection_ack`), 4403 (a token nobody holds), 4408 (no
//! `connection_init` in time), 4409 (an operation id already running) and
//! 4429 (a second `connection_init`); 4500 when authentication fails inside
//! the server; and our own 4499, "too slow; resubscribe": the client did not
//! take a message within the send timeout. It is not among the codes the
//! `graphql-ws` client treats as fatal, so that client reconnects and
//! subscribes again; a `werkplaatsEvents` client passes the last version it
//! saw as `afterVersion` and misses nothing. Our 4498 closes a peer that
//! answered nothing for three ping intervals. Our 4410 closes a connection
//! whose live subscription found the werkplaats's stored history rewound
//! under what it sent (a failover to a standby that missed the last
//! events): the client subscribes again and decides what to trust of what
//! it had. A connection runs at most
//! [`WebsocketSettings::max_operations`] operations at a time; one more is
//! answered with a `RATE_LIMITED` error and the connection stays open. A
//! token holds at most so many connections on one instance
//! ([`Connections`]): one more is closed at `connection_init` with 4429, a
//! code the `graphql-ws` client does not retry. A message over
//! [`WebsocketSettings::max_message_bytes`] closes the connection with
//! 1009 ("message too big").
//!
//! A member's access can end while their socket is open: removed, forgotten
//! or a rotated token. Every instance hears of it (NOTIFY) and the
//! connections of that member authenticate again; those that no longer pass
//! are closed with 4403. When the server shuts down, every connection is
//! closed with 1012 ("service restart"), which clients treat as "reconnect",
//! reaching another instance behind the load balancer.
//!
//! [`WebsocketSettings::send_timeout`]: super::http::WebsocketSettings::send_timeout
//! [`WebsocketSettings::max_operations`]: super::http::WebsocketSettings::max_operations
//! [`WebsocketSettings::max_message_bytes`]: super::http::WebsocketSettings::max_message_bytes
//! [`Connections`]: super::limits::Connections

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

use async_graphql::{Request, Response, ServerError, Variables};
use axum::extract::ws::{CloseFrame, Message, WebSocket};
use futures::future::BoxFuture;
use futures::stream::{BoxStream, SplitSink, SplitStream};
use futures::{SinkExt, StreamExt};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use tokio::sync::mpsc::error::TrySendError;
use tokio::sync::{broadcast, mpsc};
use tokio::task::{AbortHandle, JoinSet};
use tokio::time::{timeout, Instant, MissedTickBehavior};

use super::error::{code, with_code};
use super::http::{never_executed, with_codes, Shared};
use super::limits::ConnectionGuard;
use super::shared::{Ended, Groups, Handoff, Offer, Recipient, Subscribed};
use super::WerkplaatsSchema;
use crate::app::{App, AppError, Caller, Oidc};
use crate::store::AccessWake;

/// The subprotocol this module prefers.
pub const PROTOCOL: &str = "graphql-transport-ws";
/// The legacy subprotocol it speaks too.
pub const LEGACY_PROTOCOL: &str = "graphql-ws";

/// Which of the two a connection speaks.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Protocol {
    TransportWs,
    Legacy,
}

/// Messages waiting for the writer.
const QUEUE: usize = 16;

/// How long the closing handshake may take once a connection is over.
const CLOSE_GRACE: Duration = Duration::from_secs(1);

/// Longest close reason a close frame can carry, in bytes.
const MAX_REASON: usize = 123;

const INVALID_MESSAGE: u16 = 4400;
const UNAUTHORIZED: u16 = 4401;
const FORBIDDEN: u16 = 4403;
const INIT_TIMEOUT: u16 = 4408;
const SUBSCRIBER_EXISTS: u16 = 4409;
const TOO_MANY_INITS: u16 = 4429;
/// The protocol's "too many" also closes a token's connection beyond the
/// limit: `graphql-ws` clients take it as fatal, so they do not retry in a loop.
const TOO_MANY_CONNECTIONS: u16 = 4429;
/// RFC 6455: a message too big to process.
const MESSAGE_TOO_BIG: u16 = 1009;
const TOO_SLOW: u16 = 4499;
/// Nothing heard for [`SILENCE_PINGS`] ping intervals: the peer is gone
/// without closing (a dropped network), so its presence must end.
const SILENT: u16 = 4498;
const SILENCE_PINGS: u32 = 3;
const INTERNAL_ERROR: u16 = 4500;
/// The stored history no longer holds events a live subscription sent (a
/// failover to a standby that missed them): resubscribe. Not among the
/// codes `graphql-ws` clients take as fatal, so they reconnect.
const HISTORY_REWOUND: u16 = 4410;
/// The server is going away: reconnect (to another instance).
const SERVICE_RESTART: u16 = 1012;

/// The token in a `connection_init` payload: `{"authorization": "Bearer <token>"}`.
pub(super) fn authorization(payload: &Value) -> Option<&str> {
    payload
        .get("authorization")
        .or_else(|| payload.get("Authorization"))
        .and_then(Value::as_str)
}

/// Which werkplaats a person signed in with the identity provider acts in:
/// `{"werkplaatsId": "..."}`, as `X-Werkplaats-Id` over HTTP.
pub(super) fn werkplaats(payload: &Value) -> Option<&str> {
    payload.get("werkplaatsId").and_then(Value::as_str)
}

/// Serves one connection until either side ends it.
pub async fn serve(socket: WebSocket, state: Shared, protocol: Protocol) {
    let (sink, incoming) = socket.split();
    let (queue, outgoing) = mpsc::channel(QUEUE);
    let send_timeout = state.websocket.send_timeout;
    let access = state.app.access_changes();
    let connection = Connection {
        protocol,
        state,
        queue,
        access,
        credentials: Credentials::default(),
        session: Session::AwaitingInit,
        counted: None,
        operations: HashMap::new(),
        tasks: JoinSet::new(),
    };
    // The writer is a task of its own: each result it sends then wakes
    // only the writer, not the reader's wait on everything else too.
    let writer = tokio::spawn(write(sink, outgoing, send_timeout));
    connection.run(incoming).await;
    let _ = writer.await;
}

#[derive(Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
enum ClientMessage {
    ConnectionInit {
        payload: Option<Map<String, Value>>,
    },
    Ping,
    Pong,
    Subscribe {
        id: String,
        payload: SubscribePayload,
    },
    Complete {
        id: String,
    },
    /// The legacy protocol's goodbye.
    ConnectionTerminate,
}

/// The legacy protocol's names for the same messages.
#[derive(Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
enum LegacyClientMessage {
    ConnectionInit {
        payload: Option<Map<String, Value>>,
    },
    Start {
        id: String,
        payload: SubscribePayload,
    },
    Stop {
        id: String,
    },
    ConnectionTerminate,
}

impl From<LegacyClientMessage> for ClientMessage {
    fn from(message: LegacyClientMessage) -> ClientMessage {
        match message {
            LegacyClientMessage::ConnectionInit { payload } => {
                ClientMessage::ConnectionInit { payload }
            }
            LegacyClientMessage::Start { id, payload } => ClientMessage::Subscribe { id, payload },
            LegacyClientMessage::Stop { id } => ClientMessage::Complete { id },
            LegacyClientMessage::ConnectionTerminate => ClientMessage::ConnectionTerminate,
        }
    }
}

impl ClientMessage {
    fn parse(data: &[u8], protocol: Protocol) -> serde_json::Result<ClientMessage> {
        match protocol {
            Protocol::TransportWs => serde_json::from_slice(data),
            Protocol::Legacy => serde_json::from_slice::<LegacyClientMessage>(data).map(Into::into),
        }
    }
}

/// What `subscribe` asks for. (async-graphql's `Request` would take a
/// missing `query` as empty; the protocol requires one.)
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct SubscribePayload {
    query: String,
    operation_name: Option<String>,
    #[serde(default)]
    variables: Variables,
}

impl From<SubscribePayload> for Request {
    fn from(payload: SubscribePayload) -> Request {
        let request = Request::new(payload.query).variables(payload.variables);
        match payload.operation_name {
            Some(name) => request.operation_name(name),
            None => request,
        }
    }
}

/// What the server sends, in either protocol's words ([`ServerMessage::frame`]).
enum ServerMessage<'a> {
    ConnectionAck,
    Ping,
    Pong,
    Next {
        id: &'a str,
        payload: &'a Response,
    },
    Error {
        id: &'a str,
        payload: &'a [ServerError],
    },
    Complete {
        id: &'a str,
    },
}

impl ServerMessage<'_> {
    /// The message's `type` in `protocol`.
    fn kind(&self, protocol: Protocol) -> &'static str {
        match (self, protocol) {
            (ServerMessage::ConnectionAck, _) => "connection_ack",
            (ServerMessage::Ping, Protocol::TransportWs) => "ping",
            (ServerMessage::Pong, Protocol::TransportWs) => "pong",
            // The legacy protocol has no ping: it keeps alive with `ka`.
            (ServerMessage::Ping | ServerMessage::Pong, Protocol::Legacy) => "ka",
            (ServerMessage::Next { .. }, _) => next_kind(protocol),
            (ServerMessage::Error { .. }, _) => "error",
            (ServerMessage::Complete { .. }, _) => "complete",
        }
    }

    fn frame(&self, protocol: Protocol) -> Message {
        // JSON with string keys only: serialising cannot fail.
        let text = serde_json::to_string(&InProtocol(self, protocol));
        Message::text(text.expect("a server message serialises"))
    }
}

/// The `type` of a result in `protocol`.
fn next_kind(protocol: Protocol) -> &'static str {
    match protocol {
        Protocol::TransportWs => "next",
        Protocol::Legacy => "data",
    }
}

/// A message as `protocol` writes it: `type` first, then `id` and `payload`.
struct InProtocol<'a>(&'a ServerMessage<'a>, Protocol);

impl Serialize for InProtocol<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let InProtocol(message, protocol) = self;
        let mut map = serializer.serialize_map(None)?;
        map.serialize_entry("type", message.kind(*protocol))?;
        match message {
            ServerMessage::Next { id, payload } => {
                map.serialize_entry("id", id)?;
                map.serialize_entry("payload", payload)?;
            }
            ServerMessage::Error { id, payload } => {
                map.serialize_entry("id", id)?;
                map.serialize_entry("payload", payload)?;
            }
            ServerMessage::Complete { id } => map.serialize_entry("id", id)?,
            ServerMessage::ConnectionAck | ServerMessage::Ping | ServerMessage::Pong => {}
        }
        map.end()
    }
}

/// The legacy protocol says why before it closes a refused `connection_init`.
fn connection_error(reason: &str) -> Message {
    let message = serde_json::json!({"type": "connection_error", "payload": {"message": reason}});
    Message::text(message.to_string())
}

/// A close frame to send.
struct Close {
    code: u16,
    reason: String,
}

impl Close {
    fn new(code: u16, reason: impl Into<String>) -> Close {
        let mut reason = reason.into();
        if reason.len() > MAX_REASON {
            let mut end = MAX_REASON;
            while !reason.is_char_boundary(end) {
                end -= 1;
            }
            reason.truncate(end);
        }
        Close { code, reason }
    }

    fn frame(self) -> Message {
        Message::Close(Some(CloseFrame {
            code: self.code,
            reason: self.reason.into(),
        }))
    }
}

/// A frame for the writer. The frame is boxed: the queue's channel makes
/// room for 32 entries when the connection opens, and an idle connection
/// should not keep 32 frames' worth of it.
struct Outgoing {
    frame: Box<Message>,
    /// Set for the results of an operation once the client completed it (or
    /// the connection ended): those still queued are dropped unsent, so a
    /// client that reuses the id never sees results of the old operation.
    completed: Option<Arc<AtomicBool>>,
}

impl Outgoing {
    fn control(frame: Message) -> Outgoing {
        Outgoing {
            frame: Box::new(frame),
            completed: None,
        }
    }

    fn wanted(&self) -> bool {
        !self
            .completed
            .as_ref()
            .is_some_and(|completed| completed.load(Ordering::Relaxed))
    }
}

enum Session {
    AwaitingInit,
    /// Acknowledged; `None` is an anonymous client.
    Ready(Option<Caller>),
}

impl Session {
    fn caller(&self) -> Option<Caller> {
        match self {
            Session::AwaitingInit => None,
            Session::Ready(caller) => *caller,
        }
    }
}

struct Operation {
    task: AbortHandle,
    completed: Arc<AtomicBool>,
}

impl Operation {
    fn stop(&self) {
        self.completed.store(true, Ordering::Relaxed);
        self.task.abort();
    }
}

/// What the client authenticated with, to check again when access changes.
#[derive(Default)]
struct Credentials {
    authorization: Option<String>,
    werkplaats: Option<String>,
}

impl Credentials {
    /// Whether the credential is an identity provider's JWT, which stops
    /// working at its `exp` without anyone telling us.
    fn expires(&self) -> bool {
        self.authorization
            .as_deref()
            .and_then(|header| header.split_whitespace().nth(1))
            .is_some_and(Oidc::looks_like_jwt)
    }

    async fn sign_in(&self, app: &App) -> Result<Option<Caller>, AppError> {
        app.authenticate_for(self.authorization.as_deref(), self.werkplaats.as_deref())
            .await
    }
}

struct Connection {
    protocol: Protocol,
    state: Shared,
    queue: mpsc::Sender<Outgoing>,
    access: broadcast::Receiver<AccessWake>,
    credentials: Credentials,
    session: Session,
    /// This connection, counted against its caller's limit while it lasts.
    counted: Option<ConnectionGuard>,
    /// Running operations by the client's id.
    operations: HashMap<String, Operation>,
    tasks: JoinSet<()>,
}

impl Connection {
    async fn run(mut self, mut incoming: SplitStream<WebSocket>) {
        let close = self.read(&mut incoming).await;
        for operation in self.operations.values() {
            operation.stop();
        }
        self.tasks.shutdown().await;
        if let Some(close) = close {
            if self.protocol == Protocol::Legacy && close.code != SERVICE_RESTART {
                if let Session::AwaitingInit = self.session {
                    self.send(connection_error(&close.reason)).await;
                }
            }
            self.send(close.frame()).await;
        }
        // Dropping `self` drops the last sender, which ends the writer.
    }

    /// Handles the client's messages until the connection is over; returns
    /// the close frame to send, if any. What it does on a message (sign in,
    /// subscribe) is boxed: an idle connection's task would otherwise be as
    /// large as the largest of those futures, for every idle subscriber.
    async fn read(&mut self, incoming: &mut SplitStream<WebSocket>) -> Option<Close> {
        let settings = self.state.websocket;
        let init_deadline = tokio::time::sleep(settings.init_timeout);
        tokio::pin!(init_deadline);
        let mut pings = tokio::time::interval_at(
            Instant::now() + settings.ping_interval,
            settings.ping_interval,
        );
        pings.set_missed_tick_behavior(MissedTickBehavior::Delay);
        let mut last_heard = Instant::now();
        let mut shutdown = self.state.shutdown.clone();
        let stopping = async move {
            // A server that can no longer say it stops never will.
            if shutdown.wait_for(|stopping| *stopping).await.is_err() {
                std::future::pending::<()>().await;
            }
        };
        tokio::pin!(stopping);
        loop {
            tokio::select! {
                biased;
                () = &mut stopping => {
                    return Some(Close::new(SERVICE_RESTART, "server restarting; reconnect"));
                }
                wake = self.access.recv() => {
                    if let Err(close) = Box::pin(self.recheck(wake)).await {
                        return Some(close);
                    }
                }
                // First, so that an id the client has seen complete is free
                // again before its next message is handled.
                Some(finished) = self.tasks.join_next_with_id() => {
                    let task = match finished {
                        Ok((task, ())) => task,
                        Err(error) => error.id(),
                    };
                    self.operations.retain(|_, operation| operation.task.id() != task);
                }
                // The writer gave up: the client is gone or too slow.
                () = self.queue.closed() => return None,
                () = &mut init_deadline, if matches!(self.session, Session::AwaitingInit) => {
                    return Some(Close::new(INIT_TIMEOUT, "Connection initialisation timeout"));
                }
                _ = pings.tick() => {
                    if last_heard.elapsed() >= settings.ping_interval * SILENCE_PINGS {
                        return Some(Close::new(SILENT, "no answer to pings; reconnect"));
                    }
                    // An identity provider's token expires on its own: its
                    // connection checks it again at every ping.
                    if self.credentials.expires() {
                        if let Err(close) = Box::pin(self.still_admitted()).await {
                            return Some(close);
                        }
                    }
                    // A client with a full queue is busy receiving already;
                    // it needs no keep-alive. The websocket-level ping is
                    // answered by any websocket library, so even a client
                    // that ignores the protocol's ping shows it is there.
                    let _ = self.queue.try_send(Outgoing::control(ServerMessage::Ping.frame(self.protocol)));
                    let _ = self.queue.try_send(Outgoing::control(Message::Ping(Default::default())));
                }
                message = incoming.next() => {
                    last_heard = Instant::now();
                    let data = match message {
                        Some(Ok(message @ (Message::Text(_) | Message::Binary(_)))) => {
                            message.into_data()
                        }
                        // tungstenite answers websocket pings itself.
                        Some(Ok(Message::Ping(_) | Message::Pong(_))) => continue,
                        Some(Err(error)) => {
                            return too_big(error)
                                .then(|| Close::new(MESSAGE_TOO_BIG, "message too big"));
                        }
                        Some(Ok(Message::Close(_))) | None => return None,
                    };
                    if let Err(close) = Box::pin(self.handle(&data)).await {
                        return Some(close);
                    }
                }
            }
        }
    }

    async fn handle(&mut self, data: &[u8]) -> Result<(), Close> {
        let message = ClientMessage::parse(data, self.protocol).map_err(|error| {
            Close::new(
                INVALID_MESSAGE,
                format!("Invalid message received: {error}"),
            )
        })?;
        if let ClientMessage::Subscribe { id, .. } | ClientMessage::Complete { id } = &message {
            if id.is_empty() {
                return Err(Close::new(
                    INVALID_MESSAGE,
                    "Invalid message received: an empty id",
                ));
            }
        }
        match message {
            ClientMessage::ConnectionInit { payload } => self.init(payload).await,
            ClientMessage::Ping => {
                self.send(ServerMessage::Pong.frame(self.protocol)).await;
                Ok(())
            }
            ClientMessage::ConnectionTerminate => Err(Close::new(1000, "terminated")),
            ClientMessage::Pong => Ok(()),
            ClientMessage::Subscribe { id, payload } => self.subscribe(id, payload).await,
            ClientMessage::Complete { id } => {
                if let Some(operation) = self.operations.remove(&id) {
                    operation.stop();
                    // The legacy protocol answers `stop` with `complete`.
                    if self.protocol == Protocol::Legacy {
                        let complete = ServerMessage::Complete { id: &id };
                        self.send(complete.frame(self.protocol)).await;
                    }
                }
                Ok(())
            }
        }
    }

    async fn init(&mut self, payload: Option<Map<String, Value>>) -> Result<(), Close> {
        if let Session::Ready(_) = self.session {
            return Err(Close::new(
                TOO_MANY_INITS,
                "Too many initialisation requests",
            ));
        }
        let payload = Value::Object(payload.unwrap_or_default());
        self.credentials = Credentials {
            authorization: authorization(&payload).map(str::to_owned),
            werkplaats: werkplaats(&payload).map(str::to_owned),
        };
        let signed_in = self.credentials.sign_in(&self.state.app).await;
        match signed_in {
            Ok(caller) => {
                if let Some(caller) = caller {
                    let counted = self
                        .state
                        .connections
                        .open(caller)
                        .await
                        .map_err(|error| Close::new(TOO_MANY_CONNECTIONS, error.to_string()))?;
                    self.counted = Some(counted);
                }
                self.session = Session::Ready(caller);
                self.send(ServerMessage::ConnectionAck.frame(self.protocol))
                    .await;
                Ok(())
            }
            Err(AppError::Unauthenticated) => Err(Close::new(FORBIDDEN, "Forbidden")),
            Err(error) => {
                tracing::error!(?error, "cannot authenticate a websocket");
                Err(Close::new(INTERNAL_ERROR, "Internal server error"))
            }
        }
    }

    /// After an access change that may concern this connection's member:
    /// do their credentials still admit them, as the same member?
    async fn recheck(
        &mut self,
        wake: Result<AccessWake, broadcast::error::RecvError>,
    ) -> Result<(), Close> {
        let Session::Ready(Some(Caller::Member { member_id, .. })) = self.session else {
            return Ok(());
        };
        let concerns = match wake {
            Ok(wake) => wake.concerns(member_id),
            // Missed some: any of them may have been ours.
            Err(broadcast::error::RecvError::Lagged(_)) => true,
            Err(broadcast::error::RecvError::Closed) => false,
        };
        if concerns {
            self.still_admitted().await
        } else {
            Ok(())
        }
    }

    /// Whether the credentials still admit the caller the connection was
    /// acknowledged for; closes with 4403 when they do not.
    async fn still_admitted(&self) -> Result<(), Close> {
        match self.credentials.sign_in(&self.state.app).await {
            Ok(caller) if caller == self.session.caller() => Ok(()),
            Ok(_) | Err(AppError::Unauthenticated) => {
                Err(Close::new(FORBIDDEN, "Forbidden: access revoked"))
            }
            // The database is away: keep the connection; the next access
            // change (or the listener's resync) asks again.
            Err(error) => {
                tracing::warn!(?error, "cannot check a websocket's access again");
                Ok(())
            }
        }
    }

    async fn subscribe(&mut self, id: String, payload: SubscribePayload) -> Result<(), Close> {
        let Session::Ready(caller) = self.session else {
            return Err(Close::new(UNAUTHORIZED, "Unauthorized"));
        };
        if self.operations.contains_key(&id) {
            return Err(Close::new(
                SUBSCRIBER_EXISTS,
                format!("Subscriber for {id} already exists"),
            ));
        }
        let max_operations = self.state.websocket.max_operations;
        if self.operations.len() >= max_operations {
            let error = with_code(
                format!("a connection runs at most {max_operations} operations at a time"),
                code::RATE_LIMITED,
            );
            let refusal = Response::from_errors(vec![error.into_server_error(Default::default())]);
            let next = ServerMessage::Next {
                id: &id,
                payload: &refusal,
            };
            self.send(next.frame(self.protocol)).await;
            let complete = ServerMessage::Complete { id: &id };
            self.send(complete.frame(self.protocol)).await;
            return Ok(());
        }
        let sharing = Sharing {
            subscribed: Subscribed {
                query: payload.query.clone(),
                operation_name: payload.operation_name.clone(),
                variables: payload.variables.clone(),
                caller,
            },
            handoff: Handoff::default(),
            groups: self.state.groups.clone(),
            schema: self.state.schema.clone(),
        };
        let request = Request::from(payload).data(sharing.handoff.clone());
        let request = match caller {
            Some(caller) => request.data(caller),
            None => request,
        };
        let results = self.state.schema.execute_stream(request);
        let completed = Arc::new(AtomicBool::new(false));
        let task = self.tasks.spawn(deliver(
            self.protocol,
            id.clone(),
            results,
            sharing,
            self.queue.clone(),
            completed.clone(),
        ));
        self.operations.insert(id, Operation { task, completed });
        Ok(())
    }

    /// Queues a frame. When the writer is gone the frame is dropped; the
    /// reader notices the closed queue and ends the connection.
    async fn send(&self, frame: Message) {
        let _ = self.queue.send(Outgoing::control(frame)).await;
    }
}

/// Whether a read failed because the client's message or frame was over
/// the size limit (rather than because the connection broke).
fn too_big(error: axum::Error) -> bool {
    error
        .into_inner()
        .downcast_ref::<tungstenite::Error>()
        .is_some_and(|error| matches!(error, tungstenite::Error::Capacity(_)))
}

/// What an operation needs to share its results once it is caught up
/// (`shared.rs`).
struct Sharing {
    subscribed: Subscribed,
    handoff: Handoff,
    groups: Groups,
    schema: WerkplaatsSchema,
}

/// Drives one operation: each result is queued before the next is asked
/// for, so a slow client holds its operations back instead of letting
/// results pile up. When its resolver hands the rest off, the results come
/// from its group, serialised once for all who share them.
async fn deliver(
    protocol: Protocol,
    id: String,
    results: BoxStream<'static, Response>,
    sharing: Sharing,
    queue: mpsc::Sender<Outgoing>,
    completed: Arc<AtomicBool>,
) {
    let recipient = Arc::new(Results::new(protocol, &id, queue, completed));
    let anonymous = sharing.subscribed.caller.is_none();
    // Boxed: the execution's room is given back once it is done, and a
    // live subscription waits for months after that.
    let executed = Box::pin(send_executed(&recipient, results, anonymous));
    if !executed.await {
        return;
    }
    let Sharing {
        subscribed,
        handoff,
        groups,
        schema,
    } = sharing;
    if let Some(live) = handoff.take() {
        let ended = groups
            .deliver(&schema, subscribed, live, recipient.clone())
            .await;
        if let Some(Ended::Rewound) = ended {
            // A live subscription ends only when the stored history was
            // rewound under what it sent: the client must start again from
            // what it can trust. The close ends the connection's other
            // operations too; they resubscribe with it.
            let rewound = Close::new(HISTORY_REWOUND, "history rewound; resubscribe");
            let _ = recipient
                .queue
                .send(Outgoing::control(rewound.frame()))
                .await;
        }
        return;
    }
    let complete = ServerMessage::Complete { id: &id };
    recipient.enqueue(complete.frame(protocol)).await;
}

/// One operation's end of its connection's queue, for results shared by
/// its group.
struct Results {
    protocol: Protocol,
    /// The operation's id as the client sent it.
    operation: String,
    /// The operation's id, as JSON.
    id: String,
    /// The message type and the id: what sets its frames apart.
    look: String,
    queue: mpsc::Sender<Outgoing>,
    completed: Arc<AtomicBool>,
}

impl Results {
    fn new(
        protocol: Protocol,
        id: &str,
        queue: mpsc::Sender<Outgoing>,
        completed: Arc<AtomicBool>,
    ) -> Results {
        let operation = id.to_owned();
        let id = serde_json::to_string(id).expect("a string serialises");
        Results {
            look: format!("{} {id}", next_kind(protocol)),
            protocol,
            operation,
            id,
            queue,
            completed,
        }
    }

    fn outgoing(&self, frame: Message) -> Outgoing {
        Outgoing {
            frame: Box::new(frame),
            completed: Some(self.completed.clone()),
        }
    }

    /// Queues a frame of this operation, waiting for room; `false` once the
    /// connection is gone.
    async fn enqueue(&self, frame: Message) -> bool {
        self.queue.send(self.outgoing(frame)).await.is_ok()
    }
}

impl Recipient for Results {
    fn look(&self) -> &str {
        &self.look
    }

    fn frame(&self, payload: &str) -> Message {
        next_frame(self.protocol, &self.id, payload)
    }

    fn offer(&self, frame: Message) -> Offer {
        if self.completed.load(Ordering::Relaxed) {
            return Offer::Gone;
        }
        match self.queue.try_send(self.outgoing(frame)) {
            Ok(()) => Offer::Queued,
            Err(TrySendError::Full(_)) => Offer::Full,
            Err(TrySendError::Closed(_)) => Offer::Gone,
        }
    }

    fn send(&self, frame: Message) -> BoxFuture<'_, bool> {
        Box::pin(self.enqueue(frame))
    }
}

/// Sends each result async-graphql executes for the operation, then
/// `true`; `false` when it never executed (its error was sent) or the
/// connection is gone.
async fn send_executed(
    to: &Results,
    mut results: BoxStream<'static, Response>,
    anonymous: bool,
) -> bool {
    let mut first = true;
    while let Some(response) = results.next().await {
        let response = with_codes(response, anonymous);
        if std::mem::take(&mut first) && never_executed(&response) {
            let error = ServerMessage::Error {
                id: &to.operation,
                payload: &response.errors,
            };
            to.enqueue(error.frame(to.protocol)).await;
            return false;
        }
        let next = ServerMessage::Next {
            id: &to.operation,
            payload: &response,
        };
        if !to.enqueue(next.frame(to.protocol)).await {
            return false;
        }
    }
    true
}

/// A `next` (legacy: `data`) message around a payload serialised once for
/// its group: the same text [`ServerMessage::Next`] writes. `id` is
/// already JSON.
fn next_frame(protocol: Protocol, id: &str, payload: &str) -> Message {
    let mut text = String::with_capacity(id.len() + payload.len() + 32);
    text.push_str(r#"{"type":""#);
    text.push_str(next_kind(protocol));
    text.push_str(r#"","id":"#);
    text.push_str(id);
    text.push_str(r#","payload":"#);
    text.push_str(payload);
    text.push('}');
    Message::text(text)
}

/// Sends the queued frames, all that are waiting at once with one flush:
/// a client that is behind gets them in one write instead of one each. A
/// write that cannot finish within `send_timeout` means the client stopped
/// reading: the connection is closed with [`TOO_SLOW`] rather than kept
/// waiting.
async fn write(
    mut sink: SplitSink<WebSocket, Message>,
    mut queue: mpsc::Receiver<Outgoing>,
    send_timeout: Duration,
) {
    while let Some(first) = queue.recv().await {
        let sent = timeout(send_timeout, async {
            let mut closing = false;
            let waiting = std::iter::from_fn(|| queue.try_recv().ok());
            // Nothing after our close frame goes out; at most a queue's
            // worth goes out in one write.
            for outgoing in std::iter::once(first).chain(waiting).take(QUEUE) {
                if !closing && outgoing.wanted() {
                    closing = matches!(*outgoing.frame, Message::Close(_));
                    sink.feed(*outgoing.frame).await?;
                }
            }
            sink.flush().await.map(|()| closing)
        });
        match sent.await {
            Ok(Ok(false)) => {}
            // Our close frame is out, or the client is gone.
            Ok(_) => break,
            Err(_) => {
                tracing::info!(
                    ?send_timeout,
                    "closing a websocket whose client stopped reading"
                );
                // Best effort: the socket is full, so the frame may not get out.
                let too_slow = Close::new(TOO_SLOW, "too slow; resubscribe").frame();
                let _ = timeout(CLOSE_GRACE, sink.send(too_slow)).await;
                return;
            }
        }
    }
    // Tell the reader at once, then finish the closing handshake (a client's
    // close is answered by tungstenite on the next flush).
    drop(queue);
    let _ = timeout(CLOSE_GRACE, sink.close()).await;
}
