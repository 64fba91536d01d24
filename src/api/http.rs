//! HTTP and websocket endpoints: `POST /graphql`; on `GET /graphql` queries
//! in the URL, websockets, and GraphiQL for a browser (`graphiql.rs`);
//! `/healthz` and `/readyz`, and the evaluation report on
//! `GET /werkplaatsen/{id}/report` (handled in `report.rs`), the trail
//! export on `GET /werkplaatsen/{id}/export` (`export.rs`), and the web
//! client's files (`crate::web`).
//!
//! GraphQL over HTTP as its spec says
//! (<https://graphql.github.io/graphql-over-http/draft/>): a client that
//! accepts `application/graphql-response+json` gets it, and a request the
//! engine refused before executing it (it does not parse or validate, its
//! variables do not fit, a limit refuses it) is then a 400 without `data`;
//! other clients get `application/json` with 200 as before. A POST must say
//! `Content-Type: application/json` (else 415); a mutation over GET is 405.
//! Rate-limited requests are 429 in either media type. Automatic persisted
//! queries are filled in (`apq.rs`) before anything else.

use std::collections::HashMap;
use std::sync::Arc;

use async_graphql::{BatchRequest, ErrorExtensionValues, Request, Response, ServerError};
use async_graphql_axum::GraphQLProtocol;
use axum::body::Body;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, State, WebSocketUpgrade};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response as HttpResponse};
use axum::routing::get;
use axum::Router;

use super::apq::PersistedQueries;
use super::error::{code, graphql_error};
use super::limits::{Connections, DeferredCharges};
use super::{build_schema, ws, Limits, WerkplaatsSchema};
use crate::app::App;
use crate::config::Config;
use crate::ops::metrics;

/// Read buffer of a websocket connection: also how much tungstenite reads
/// (and zeroes first) at a time. Clients send small messages; a larger one
/// grows the buffer.
const WS_READ_BUFFER: usize = 1024;

/// Which werkplaats a person signed in with the identity provider acts in,
/// when they are a member of several.
pub(super) const WERKPLAATS_HEADER: &str = "x-werkplaats-id";

#[derive(Clone)]
pub struct ServerState {
    pub app: App,
    pub schema: WerkplaatsSchema,
    /// The same schema under the introspection limits, for documents that
    /// only introspect (schema loaders' queries run deeper than any other).
    pub introspection_schema: WerkplaatsSchema,
    /// Automatic persisted queries this instance remembers.
    pub persisted_queries: PersistedQueries,
    pub max_body_bytes: usize,
    /// Most operations one batched request may carry.
    pub max_batch: usize,
    /// Whether `GET /graphql` serves GraphiQL (else 404).
    pub graphiql: bool,
    pub websocket: WebsocketSettings,
    /// Open websockets per caller, over all instances.
    pub connections: Connections,
    /// Live subscriptions that share their results, on this instance.
    pub groups: super::shared::Groups,
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
        let connections = Connections::shared(
            config.ws_max_connections_per_token,
            app.store().clone(),
            seconds(config.instance_ttl_secs),
        );
        ServerState {
            schema: build_schema(Some(app.clone()), Limits::from(config)),
            introspection_schema: build_schema(
                Some(app.clone()),
                Limits {
                    max_depth: config.max_introspection_depth,
                    max_complexity: config.max_introspection_complexity,
                    ..Limits::from(config)
                },
            ),
            persisted_queries: PersistedQueries::new(config.persisted_queries),
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
            connections,
            groups: Default::default(),
            shutdown,
        }
    }
}

/// The state every request shares: one allocation for all of them, since
/// each websocket connection keeps it for as long as it lasts.
pub type Shared = Arc<ServerState>;

pub fn router(state: ServerState) -> Router {
    Router::new()
        .route("/graphql", get(graphql_get).post(graphql_post))
        .route("/healthz", get(|| async { "ok" }))
        .route("/readyz", get(readyz))
        .route("/werkplaatsen/{id}/report", get(super::report::report))
        .route("/werkplaatsen/{id}/export", get(super::export::export))
        .merge(super::graphiql::routes())
        .merge(crate::web::routes())
        .with_state(Arc::new(state))
}

/// Longest `/readyz` waits for the database: a pool waiting for a
/// connection that will not come must not hold the probe past its timeout.
const READY_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(1);

async fn readyz(State(state): State<Shared>) -> HttpResponse {
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

/// What a client reads the answer as: the GraphQL-over-HTTP spec's
/// `application/graphql-response+json` when it accepts that, else the
/// legacy `application/json`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Media {
    GraphqlResponse,
    Json,
}

const GRAPHQL_RESPONSE_TYPE: &str = "application/graphql-response+json";
const JSON_TYPE: &str = "application/json";

impl Media {
    fn of(headers: &HeaderMap) -> Media {
        if accepted(headers).any(|media| media == GRAPHQL_RESPONSE_TYPE) {
            Media::GraphqlResponse
        } else {
            Media::Json
        }
    }

    fn content_type(self) -> HeaderValue {
        HeaderValue::from_static(match self {
            Media::GraphqlResponse => "application/graphql-response+json; charset=utf-8",
            Media::Json => "application/json; charset=utf-8",
        })
    }
}

/// The media types of the `Accept` headers, lower case, without
/// parameters, leaving out those refused with `q=0`.
fn accepted(headers: &HeaderMap) -> impl Iterator<Item = String> + '_ {
    headers
        .get_all(header::ACCEPT)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(','))
        .filter_map(|entry| {
            let mut parts = entry.split(';').map(str::trim);
            let media = parts.next()?.to_ascii_lowercase();
            let refused = parts.any(|parameter| {
                parameter
                    .strip_prefix("q=")
                    .and_then(|q| q.parse::<f32>().ok())
                    .is_some_and(|q| q <= 0.0)
            });
            (!media.is_empty() && !refused).then_some(media)
        })
}

/// A browser asking for a page (or a client that takes anything): they get
/// GraphiQL on `GET /graphql` without a query.
fn wants_page(headers: &HeaderMap) -> bool {
    let mut accepted = accepted(headers).peekable();
    accepted.peek().is_none() || accepted.any(|media| media == "text/html" || media == "*/*")
}

/// A GraphQL-shaped error for a request that never reached the engine.
fn refuse(
    status: StatusCode,
    message: impl Into<String>,
    code: &'static str,
    media: Media,
) -> HttpResponse {
    let mut error = ServerError::new(message, None);
    let mut extensions = ErrorExtensionValues::default();
    extensions.set("code", code);
    error.extensions = Some(extensions);
    let mut body =
        serde_json::to_value(Response::from_errors(vec![error])).expect("a response serialises");
    if media == Media::GraphqlResponse {
        strip_data(&mut body);
    }
    answer(status, media, &body)
}

/// A request error answers no `data` at all (the spec's "request error").
fn strip_data(body: &mut serde_json::Value) {
    if let Some(body) = body.as_object_mut() {
        body.remove("data");
    }
}

fn answer(status: StatusCode, media: Media, body: &serde_json::Value) -> HttpResponse {
    let body = serde_json::to_vec(body).expect("JSON serialises");
    let headers = [
        (header::CONTENT_TYPE, media.content_type()),
        // GET answers differ by what the client accepts.
        (header::VARY, HeaderValue::from_static("accept")),
    ];
    (status, headers, body).into_response()
}

/// Whether the engine refused the request before executing it (parse,
/// validation, variable coercion, limits): `data` is null and no error
/// belongs to a field. (A field's error always has its path.)
pub(super) fn never_executed(response: &Response) -> bool {
    response.data == async_graphql::Value::Null
        && !response.errors.is_empty()
        && response.errors.iter().all(|error| error.path.is_empty())
}

/// Whether the body of a POST says it is JSON (in UTF-8, if it says).
fn json_body(headers: &HeaderMap) -> bool {
    let Some(value) = headers
        .get(header::CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
    else {
        return false;
    };
    let mut parts = value.split(';').map(str::trim);
    let media = parts.next().unwrap_or_default().to_ascii_lowercase();
    media == JSON_TYPE
        && parts.all(|parameter| {
            let parameter = parameter.to_ascii_lowercase();
            match parameter.strip_prefix("charset=") {
                Some(charset) => matches!(charset.trim_matches('"'), "utf-8" | "utf8"),
                None => true,
            }
        })
}

async fn graphql_post(State(state): State<Shared>, headers: HeaderMap, body: Body) -> HttpResponse {
    let media = Media::of(&headers);
    if !json_body(&headers) {
        return refuse(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "send the request as Content-Type: application/json",
            code::BAD_USER_INPUT,
            media,
        );
    }
    let Ok(bytes) = axum::body::to_bytes(body, state.max_body_bytes).await else {
        return refuse(
            StatusCode::PAYLOAD_TOO_LARGE,
            format!("the request body exceeds {} bytes", state.max_body_bytes),
            code::BAD_USER_INPUT,
            media,
        );
    };
    let request: BatchRequest = match serde_json::from_slice(&bytes) {
        Ok(request) => request,
        Err(error) => {
            return refuse(
                StatusCode::BAD_REQUEST,
                format!("the body is not a GraphQL request: {error}"),
                code::BAD_USER_INPUT,
                media,
            )
        }
    };
    if let BatchRequest::Batch(requests) = &request {
        if requests.len() > state.max_batch {
            return refuse(
                StatusCode::BAD_REQUEST,
                format!("a batch takes at most {} operations", state.max_batch),
                code::BAD_USER_INPUT,
                media,
            );
        }
    }
    run(&state, &headers, request, media, false).await
}

/// One request of a batch, on its way to the engine or answered already.
enum Prepared {
    Run(Request),
    Answered(Response),
}

/// Runs a request that came by POST or (`get`) by GET: persisted queries
/// filled in, then authentication, then the engine (its own, more generous
/// schema for documents that only introspect).
async fn run(
    state: &ServerState,
    headers: &HeaderMap,
    request: BatchRequest,
    media: Media,
    get: bool,
) -> HttpResponse {
    let (requests, batched) = match request {
        BatchRequest::Single(request) => (vec![request], false),
        BatchRequest::Batch(requests) => (requests, true),
    };
    let mut prepared = Vec::with_capacity(requests.len());
    // Apollo's link reads `PersistedQueryNotFound` from a 200, as its
    // servers answer it.
    let mut persisted_refusal = false;
    for request in requests {
        match state.persisted_queries.resolve(request) {
            Ok(mut request) => {
                if get && is_mutation(&mut request) {
                    return refuse_mutation_over_get(media);
                }
                prepared.push(Prepared::Run(request));
            }
            Err(error) => {
                persisted_refusal = true;
                prepared.push(Prepared::Answered(Response::from_errors(vec![
                    error.into_server_error(Default::default())
                ])))
            }
        }
    }
    let authorization = headers
        .get(header::AUTHORIZATION)
        .and_then(|value| value.to_str().ok());
    let werkplaats = headers
        .get(WERKPLAATS_HEADER)
        .and_then(|value| value.to_str().ok());
    let signed_in = state.app.authenticate_for(authorization, werkplaats).await;
    let (caller, anonymous) = match signed_in {
        Ok(Some(caller)) => (Some(caller), false),
        Ok(None) => (None, true),
        Err(error) => {
            let unauthenticated = matches!(error, crate::app::AppError::Unauthenticated);
            let error = graphql_error(error).into_server_error(Default::default());
            let mut body = serde_json::to_value(Response::from_errors(vec![error]))
                .expect("a response serialises");
            let status = match media {
                Media::Json => StatusCode::OK,
                Media::GraphqlResponse if unauthenticated => StatusCode::UNAUTHORIZED,
                Media::GraphqlResponse => StatusCode::INTERNAL_SERVER_ERROR,
            };
            if media == Media::GraphqlResponse {
                strip_data(&mut body);
            }
            return answer(status, media, &body);
        }
    };
    let responses: Vec<Response> =
        futures::future::join_all(prepared.into_iter().map(|prepared| async move {
            let response = match prepared {
                Prepared::Answered(response) => response,
                Prepared::Run(mut request) => {
                    let introspective = request
                        .parsed_query()
                        .is_ok_and(super::limits::introspection_only);
                    let request = match caller {
                        Some(caller) => request.data(caller),
                        None => request,
                    }
                    .data(DeferredCharges);
                    let schema = if introspective {
                        &state.introspection_schema
                    } else {
                        &state.schema
                    };
                    schema.execute(request).await
                }
            };
            with_codes(response, anonymous)
        }))
        .await;
    let status = if let Some(wait) = rate_limited(&responses) {
        let body = batch_body(&responses, batched, media);
        let mut response = answer(StatusCode::TOO_MANY_REQUESTS, media, &body);
        if let Ok(wait) = HeaderValue::from_str(&wait.to_string()) {
            response.headers_mut().insert(header::RETRY_AFTER, wait);
        }
        return response;
    } else if media == Media::GraphqlResponse
        && !batched
        && !persisted_refusal
        && never_executed(&responses[0])
    {
        StatusCode::BAD_REQUEST
    } else {
        StatusCode::OK
    };
    answer(status, media, &batch_body(&responses, batched, media))
}

/// The body of the answer: one response, or a batch's list of them; in the
/// spec's media type, those the engine refused carry no `data`.
fn batch_body(responses: &[Response], batched: bool, media: Media) -> serde_json::Value {
    let mut bodies = responses.iter().map(|response| {
        let mut body = serde_json::to_value(response).expect("a response serialises");
        if media == Media::GraphqlResponse && never_executed(response) {
            strip_data(&mut body);
        }
        body
    });
    if batched {
        serde_json::Value::Array(bodies.collect())
    } else {
        bodies.next().unwrap_or_default()
    }
}

/// Whether the operation a request runs is a mutation (a document that
/// does not parse, or names no operation it has, is left to the engine).
fn is_mutation(request: &mut Request) -> bool {
    let name = request.operation_name.clone();
    let Ok(document) = request.parsed_query() else {
        return false;
    };
    let mut operations = document.operations.iter();
    let operation = match name {
        Some(name) => {
            operations.find(|(operation, _)| operation.is_some_and(|o| o.as_str() == name))
        }
        None => match (operations.next(), operations.next()) {
            (Some(only), None) => Some(only),
            _ => None,
        },
    };
    operation.is_some_and(|(_, definition)| {
        definition.node.ty == async_graphql::parser::types::OperationType::Mutation
    })
}

/// GET is safe: it never changes anything.
fn refuse_mutation_over_get(media: Media) -> HttpResponse {
    let mut response = refuse(
        StatusCode::METHOD_NOT_ALLOWED,
        "mutations are sent with POST",
        code::BAD_USER_INPUT,
        media,
    );
    response
        .headers_mut()
        .insert(header::ALLOW, HeaderValue::from_static("POST"));
    response
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

/// The subscription protocol for a websocket: our own [`ws`] for
/// `graphql-transport-ws`, async-graphql's for the legacy `graphql-ws`;
/// a query in the URL (`query`, `variables`, `operationName`,
/// `extensions`) runs as over POST, mutations excepted (405); without one,
/// GraphiQL for a browser.
async fn graphql_get(
    State(state): State<Shared>,
    headers: HeaderMap,
    params: Result<Query<HashMap<String, String>>, QueryRejection>,
    protocol: Result<GraphQLProtocol, StatusCode>,
    upgrade: Result<WebSocketUpgrade, axum::extract::ws::rejection::WebSocketUpgradeRejection>,
) -> HttpResponse {
    let (Ok(_), Ok(upgrade)) = (protocol, upgrade) else {
        let media = Media::of(&headers);
        let Ok(Query(params)) = params else {
            return refuse(
                StatusCode::BAD_REQUEST,
                "the query string does not parse",
                code::BAD_USER_INPUT,
                media,
            );
        };
        if !params.contains_key("query")
            && !params.contains_key("extensions")
            && wants_page(&headers)
        {
            if !state.graphiql {
                return StatusCode::NOT_FOUND.into_response();
            }
            return super::graphiql::page();
        }
        return match request_from_url(params) {
            Ok(request) => run(&state, &headers, BatchRequest::Single(request), media, true).await,
            Err(message) => refuse(
                StatusCode::BAD_REQUEST,
                message,
                code::BAD_USER_INPUT,
                media,
            ),
        };
    };
    // Frames too: a frame's size is known from its header, before its
    // payload is read into memory.
    let upgrade = upgrade
        .protocols([ws::PROTOCOL, ws::LEGACY_PROTOCOL])
        .max_message_size(state.websocket.max_message_bytes)
        .max_frame_size(state.websocket.max_message_bytes)
        // tungstenite allocates its read buffer up front (128 KiB by
        // default); client messages are small and it grows when needed, so
        // a small start keeps 10,000 subscribers from costing 1.3 GiB.
        .read_buffer_size(WS_READ_BUFFER);
    // Preferred when offered; otherwise the client asked for the legacy
    // protocol only.
    let protocol = match upgrade.selected_protocol().map(HeaderValue::as_bytes) {
        Some(name) if name == ws::PROTOCOL.as_bytes() => ws::Protocol::TransportWs,
        _ => ws::Protocol::Legacy,
    };
    upgrade.on_upgrade(move |socket| metrics::websocket(ws::serve(socket, state, protocol)))
}

/// A GraphQL request from the parameters of a GET.
fn request_from_url(mut params: HashMap<String, String>) -> Result<Request, String> {
    let mut request = Request::new(params.remove("query").unwrap_or_default());
    if let Some(name) = params
        .remove("operationName")
        .filter(|name| !name.is_empty())
    {
        request = request.operation_name(name);
    }
    if let Some(variables) = params.remove("variables").filter(|v| !v.is_empty()) {
        let variables = serde_json::from_str(&variables)
            .map_err(|error| format!("variables is not a JSON object: {error}"))?;
        request = request.variables(variables);
    }
    if let Some(extensions) = params.remove("extensions").filter(|e| !e.is_empty()) {
        request.extensions = serde_json::from_str(&extensions)
            .map_err(|error| format!("extensions is not a JSON object: {error}"))?;
    }
    Ok(request)
}
