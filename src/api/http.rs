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

use super::error::{code, graphql_error};
use super::{ws, WerkplaatsSchema};
use crate::app::App;

/// Initial read buffer of a websocket connection.
const WS_READ_BUFFER: usize = 8 * 1024;

/// Most operations one batched request may carry.
const MAX_BATCH: usize = 10;

/// The websocket subprotocol async-graphql serves for older clients.
const LEGACY_PROTOCOL: &str = "graphql-ws";

#[derive(Clone)]
pub struct ServerState {
    pub app: App,
    pub schema: WerkplaatsSchema,
    pub max_body_bytes: usize,
    pub websocket: WebsocketSettings,
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

async fn readyz(State(state): State<ServerState>) -> HttpResponse {
    match state.app.store().ping().await {
        Ok(()) => (StatusCode::OK, "ready").into_response(),
        Err(error) => {
            tracing::warn!(%error, "not ready");
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
        if requests.len() > MAX_BATCH {
            return refuse(
                StatusCode::BAD_REQUEST,
                format!("a batch takes at most {MAX_BATCH} operations"),
                code::BAD_USER_INPUT,
            );
        }
    }
    let authorization = headers
        .get(header::AUTHORIZATION)
        .and_then(|value| value.to_str().ok());
    let (request, anonymous) = match state.app.authenticate(authorization).await {
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
    Json(response).into_response()
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
        return Html(
            GraphiQLSource::build()
                .endpoint("/graphql")
                .subscription_endpoint("/graphql")
                .finish(),
        )
        .into_response();
    };
    // A message larger than a request body would be refused over HTTP too.
    let upgrade = upgrade
        .protocols([ws::PROTOCOL, LEGACY_PROTOCOL])
        .max_message_size(state.max_body_bytes)
        // tungstenite allocates its read buffer up front (128 KiB by
        // default); client messages are small and it grows when needed, so
        // a small start keeps 10,000 subscribers from costing 1.3 GiB.
        .read_buffer_size(WS_READ_BUFFER);
    // Preferred when offered; otherwise the client asked for the legacy
    // protocol only, which is then what `protocol` holds.
    if upgrade.selected_protocol().map(HeaderValue::as_bytes) == Some(ws::PROTOCOL.as_bytes()) {
        return upgrade.on_upgrade(move |socket| ws::serve(socket, state));
    }
    let app = state.app.clone();
    let schema = state.schema.clone();
    upgrade.on_upgrade(move |socket| {
        GraphQLWebSocket::new(socket, schema, protocol)
            .on_connection_init(move |payload| authenticate_socket(app, payload))
            .serve()
    })
}

/// `connection_init` of the legacy protocol: a token nobody holds is a
/// `connection_error`.
async fn authenticate_socket(app: App, payload: serde_json::Value) -> async_graphql::Result<Data> {
    let mut data = Data::default();
    if let Some(caller) = app
        .authenticate(ws::authorization(&payload))
        .await
        .map_err(graphql_error)?
    {
        data.insert(caller);
    }
    Ok(data)
}
