//! HTTP and websocket endpoints: `POST /graphql`, GraphiQL and websockets on
//! `GET /graphql`, `/healthz` and `/readyz`, and the evaluation report on
//! `GET /werkplaatsen/{id}/report` (handled in `report.rs`), the trail
//! export on `GET /werkplaatsen/{id}/export` (`export.rs`), and the web
//! client's files (`crate::web`).

use async_graphql::http::GraphiQLSource;
use async_graphql::{
    BatchRequest, BatchResponse, Data, ErrorExtensionValues, Response, ServerError,
};
use async_graphql_axum::{GraphQLProtocol, GraphQLWebSocket};
use axum::body::Body;
use axum::extract::{State, WebSocketUpgrade};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{Html, IntoResponse, Response as HttpResponse};
use axum::routing::get;
use axum::{Json, Router};

use super::error::{code, graphql_error, limit_error};
use super::limits::Connections;
use super::{build_schema, ws, Limits, WerkplaatsSchema};
use crate::app::App;
use crate::config::Config;
use crate::ops::metrics;

/// Initial read buffer of a websocket connection.
const WS_READ_BUFFER: usize = 8 * 1024;

/// Which werkplaats a person signed in with the identity provider acts in,
/// when they are a member of several.
pub(super) const WERKPLAATS_HEADER: &str = "x-werkplaats-id";

/// The websocket subprotocol async-graphql serves for older clients.
const LEGACY_PROTOCOL: &str = "graphql-ws";

#[derive(Clone)]
pub struct ServerState {
    pub app: App,
    pub schema: WerkplaatsSchema,
    pub max_body_bytes: usize,
    /// Most operations one batched request may carry.
    pub max_batch: usize,
    /// Whether `GET /graphql` serves GraphiQL (else 404).
    pub graphiql: bool,
    pub websocket: WebsocketSettings,
    /// Open websockets per caller, on this instance.
    pub connections: Connections,
    /// Turns true when the server begins to shut down: websockets close.
    pub shutdown: tokio::sync::watch::Receiver<bool>,
}

/// How websocket connections are kept.
#[derive(Clone, Copy, Debug)]
pub struct WebsocketSettings {
    /// How long a client may take to send `connection_init`.
    pub init_timeout: std::time::Duration,
    /// How often the server pings.
    pub ping_interval: std::time::Duration,
    /// Longest a `graphql-transport-ws` send may wait for a client that does
    /// not read before the connection is closed with 4499.
    pub send_timeout: std::time::Duration,
    /// Largest message a client may send (then closed with 1009).
    pub max_message_bytes: usize,
    /// Most operations one `graphql-transport-ws` connection runs at a time.
    pub max_operations: usize,
}

impl ServerState {
    /// The schema and the endpoints' settings as `config` says.
    pub fn new(
        app: App,
        config: &Config,
        shutdown: tokio::sync::watch::Receiver<bool>,
    ) -> ServerState {
        let seconds = std::time::Duration::from_secs;
        ServerState {
            schema: build_schema(Some(app.clone()), Limits::from(config)),
            app,
            max_body_bytes: config.max_body_bytes,
            max_batch: config.max_batch,
            graphiql: config.graphiql,
            websocket: WebsocketSettings {
                init_timeout: seconds(config.ws_init_timeout_secs),
                ping_interval: seconds(config.ws_ping_interval_secs),
                send_timeout: seconds(config.ws_send_timeout_secs),
                max_message_bytes: config.ws_max_message_bytes,
                max_operations: config.ws_max_operations,
            },
            connections: Connections::new(config.ws_max_connections_per_token),
            shutdown,
        }
    }
}

pub fn router(state: ServerState) -> Router {
    Router::new()
        .route("/graphql", get(graphql_get).post(graphql_post))
        .route("/healthz", get(|| async { "ok" }))
        .route("/readyz", get(readyz))
        .route("/werkplaatsen/{id}/report", get(super::report::report))
        .route("/werkplaatsen/{id}/export", get(super::export::export))
        .merge(crate::web::routes())
        .with_state(state)
}

/// Longest `/readyz` waits for the database: a pool waiting for a
/// connection that will not come must not hold the probe past its timeout.
const READY_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(1);

async fn readyz(State(state): State<ServerState>) -> HttpResponse {
    match tokio::time::timeout(READY_TIMEOUT, state.app.store().ping()).await {
        Ok(Ok(())) => (StatusCode::OK, "ready").into_response(),
        Ok(Err(error)) => {
            tracing::warn!(%error, "not ready");
            (StatusCode::SERVICE_UNAVAILABLE, "database unreachable").into_response()
        }
        Err(_) => {
            tracing::warn!("not ready: the database did not answer in time");
            (StatusCode::SERVICE_UNAVAILABLE, "database unreachable").into_response()
        }
    }
}

/// A GraphQL-shaped error for a request that never reached the engine.
fn refuse(status: StatusCode, message: impl Into<String>, code: &'static str) -> HttpResponse {
    let mut error = ServerError::new(message, None);
    let mut extensions = ErrorExtensionValues::default();
    extensions.set("code", code);
    error.extensions = Some(extensions);
    (status, Json(Response::from_errors(vec![error]))).into_response()
}

async fn graphql_post(
    State(state): State<ServerState>,
    headers: HeaderMap,
    body: Body,
) -> HttpResponse {
    let Ok(bytes) = axum::body::to_bytes(body, state.max_body_bytes).await else {
        return refuse(
            StatusCode::PAYLOAD_TOO_LARGE,
            format!("the request body exceeds {} bytes", state.max_body_bytes),
            code::BAD_USER_INPUT,
        );
    };
    let request: BatchRequest = match serde_json::from_slice(&bytes) {
        Ok(request) => request,
        Err(error) => {
            return refuse(
                StatusCode::BAD_REQUEST,
                format!("the body is not a GraphQL request: {error}"),
                code::BAD_USER_INPUT,
            )
        }
    };
    if let BatchRequest::Batch(requests) = &request {
        if requests.len() > state.max_batch {
            return refuse(
                StatusCode::BAD_REQUEST,
                format!("a batch takes at most {} operations", state.max_batch),
                code::BAD_USER_INPUT,
            );
        }
    }
    let authorization = headers
        .get(header::AUTHORIZATION)
        .and_then(|value| value.to_str().ok());
    let werkplaats = headers
        .get(WERKPLAATS_HEADER)
        .and_then(|value| value.to_str().ok());
    let signed_in = state.app.authenticate_for(authorization, werkplaats).await;
    let (request, anonymous) = match signed_in {
        Ok(Some(caller)) => (request.data(caller), false),
        Ok(None) => (request, true),
        Err(error) => {
            let error = graphql_error(error).into_server_error(Default::default());
            return Json(Response::from_errors(vec![error])).into_response();
        }
    };
    let with_codes = |response| with_codes(response, anonymous);
    let response = match state.schema.execute_batch(request).await {
        BatchResponse::Single(response) => BatchResponse::Single(with_codes(response)),
        BatchResponse::Batch(responses) => {
            BatchResponse::Batch(responses.into_iter().map(with_codes).collect())
        }
    };
    let responses = match &response {
        BatchResponse::Single(response) => std::slice::from_ref(response),
        BatchResponse::Batch(responses) => responses.as_slice(),
    };
    match rate_limited(responses) {
        Some(wait) => (
            StatusCode::TOO_MANY_REQUESTS,
            [(header::RETRY_AFTER, wait.to_string())],
            Json(response),
        )
            .into_response(),
        None => Json(response).into_response(),
    }
}

/// When the rate limit refused every operation of a POST, the HTTP answer
/// says so too, with the longest `retryAfter` as the `Retry-After` header.
fn rate_limited(responses: &[Response]) -> Option<u64> {
    responses
        .iter()
        .map(|response| {
            let refusal = response.errors.first()?.extensions.as_ref()?;
            if response.data != async_graphql::Value::Null
                || refusal.get("code")? != &async_graphql::Value::from(code::RATE_LIMITED)
            {
                return None;
            }
            match refusal.get("retryAfter")? {
                async_graphql::Value::Number(seconds) => seconds.as_u64(),
                _ => None,
            }
        })
        .try_fold(0, |longest, wait| Some(longest.max(wait?)))
}

/// Errors the engine raised itself (parse, validation, variable coercion,
/// limits) carry no code: all of them are the client's bad input — unless
/// the client sent no token, which the contract's order of errors puts
/// first. (Anonymous requests still reach the engine so that GraphiQL can
/// introspect the schema.)
pub(super) fn with_codes(mut response: Response, anonymous: bool) -> Response {
    let code = if anonymous {
        code::UNAUTHENTICATED
    } else {
        code::BAD_USER_INPUT
    };
    for error in &mut response.errors {
        let extensions = error.extensions.get_or_insert_with(Default::default);
        if extensions.get("code").is_none() {
            extensions.set("code", code);
        }
    }
    response
}

/// GraphiQL for a browser, the subscription protocol for a websocket:
/// our own [`ws`] for `graphql-transport-ws`, async-graphql's for the
/// legacy `graphql-ws`.
async fn graphql_get(
    State(state): State<ServerState>,
    protocol: Result<GraphQLProtocol, StatusCode>,
    upgrade: Result<WebSocketUpgrade, axum::extract::ws::rejection::WebSocketUpgradeRejection>,
) -> HttpResponse {
    let (Ok(protocol), Ok(upgrade)) = (protocol, upgrade) else {
        if !state.graphiql {
            return StatusCode::NOT_FOUND.into_response();
        }
        return Html(
            GraphiQLSource::build()
                .endpoint("/graphql")
                .subscription_endpoint("/graphql")
                .finish(),
        )
        .into_response();
    };
    // Frames too: a frame's size is known from its header, before its
    // payload is read into memory.
    let upgrade = upgrade
        .protocols([ws::PROTOCOL, LEGACY_PROTOCOL])
        .max_message_size(state.websocket.max_message_bytes)
        .max_frame_size(state.websocket.max_message_bytes)
        // tungstenite allocates its read buffer up front (128 KiB by
        // default); client messages are small and it grows when needed, so
        // a small start keeps 10,000 subscribers from costing 1.3 GiB.
        .read_buffer_size(WS_READ_BUFFER);
    // Preferred when offered; otherwise the client asked for the legacy
    // protocol only, which is then what `protocol` holds.
    if upgrade.selected_protocol().map(HeaderValue::as_bytes) == Some(ws::PROTOCOL.as_bytes()) {
        return upgrade.on_upgrade(move |socket| metrics::websocket(ws::serve(socket, state)));
    }
    let schema = state.schema.clone();
    upgrade.on_upgrade(move |socket| {
        metrics::websocket(
            GraphQLWebSocket::new(socket, schema, protocol)
                .on_connection_init(move |payload| authenticate_socket(state, payload))
                .serve(),
        )
    })
}

/// `connection_init` of the legacy protocol: a token nobody holds, or one
/// with too many connections open, is a `connection_error`.
async fn authenticate_socket(
    state: ServerState,
    payload: serde_json::Value,
) -> async_graphql::Result<Data> {
    let mut data = Data::default();
    if let Some(caller) = state
        .app
        .authenticate_for(ws::authorization(&payload), ws::werkplaats(&payload))
        .await
        .map_err(graphql_error)?
    {
        // Kept in the connection's data, so dropped when it ends.
        data.insert(state.connections.open(caller).map_err(limit_error)?);
        data.insert(caller);
    }
    Ok(data)
}
