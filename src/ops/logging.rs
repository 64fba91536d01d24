//! Logs: one JSON object per line on stdout (or plain text for a person at
//! a terminal), and a request id on every HTTP request.
//!
//! Each request runs in a `request` span carrying its id, method, path and,
//! once the query is known, the GraphQL operation type and first root
//! field; JSON lines list the spans an event happened in, so every line a
//! request causes carries its id. The id is the client's `x-request-id`
//! when that is a plain token (a load balancer's or ingress's id), otherwise
//! a new UUID, and it is echoed in the response's `x-request-id`.
//!
//! What never goes into a log: names of members, tokens, IP addresses,
//! query text and variables. Paths carry at most a werkplaats id.

use std::sync::Mutex;
use std::time::{Duration, Instant};

use axum::body::Body;
use axum::http::{HeaderName, Request};
use axum::Router;
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::trace::{DefaultOnResponse, TraceLayer};
use tracing::field::Empty;
use tracing::Level;
use tracing_subscriber::EnvFilter;

/// The environment variable choosing the format: `json` (default) or `text`.
pub const FORMAT_VARIABLE: &str = "WERKPLAATS_LOG_FORMAT";

const REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");

/// Longest request id taken from a client; longer ones are replaced.
const MAX_REQUEST_ID: usize = 64;

/// Installs the global subscriber; `RUST_LOG` filters (`info` by default).
pub fn init() -> anyhow::Result<()> {
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| "info".into());
    let format = std::env::var(FORMAT_VARIABLE).unwrap_or_default();
    match format.as_str() {
        "" | "json" => tracing_subscriber::fmt()
            .json()
            .flatten_event(true)
            .with_current_span(false)
            .with_span_list(true)
            .with_env_filter(filter)
            .init(),
        "text" => tracing_subscriber::fmt().with_env_filter(filter).init(),
        other => anyhow::bail!("{FORMAT_VARIABLE} is `json` or `text`, not `{other}`"),
    }
    Ok(())
}

/// Wraps every route: request id (kept or made), the request's span and a
/// log line per response with its status and latency.
pub fn requests(router: Router) -> Router {
    router
        .layer(PropagateRequestIdLayer::new(REQUEST_ID))
        .layer(
            TraceLayer::new_for_http()
                .make_span_with(request_span)
                .on_response(DefaultOnResponse::new().level(Level::INFO)),
        )
        .layer(SetRequestIdLayer::new(REQUEST_ID, MakeRequestUuid))
        .layer(axum::middleware::map_request(drop_unusable_request_id))
}

fn request_span(request: &Request<Body>) -> tracing::Span {
    let id = request
        .headers()
        .get(REQUEST_ID)
        .and_then(|id| id.to_str().ok())
        .unwrap_or_default();
    tracing::info_span!(
        "request",
        request_id = id,
        method = %request.method(),
        path = request.uri().path(),
        operation_type = Empty,
        operation = Empty,
    )
}

/// A client's request id goes into every log line of its request, so only
/// a short plain token is kept: anything else (free text that might carry
/// personal data) is dropped and a new id made.
async fn drop_unusable_request_id(mut request: Request<Body>) -> Request<Body> {
    let usable = request.headers().get(REQUEST_ID).is_none_or(|id| {
        !id.is_empty()
            && id.len() <= MAX_REQUEST_ID
            && id
                .as_bytes()
                .iter()
                .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'))
    });
    if !usable {
        request.headers_mut().remove(REQUEST_ID);
    }
    request
}

/// A warning that would repeat on every request while something is down
/// (the database, for the shared limits) is said at most once per
/// interval, with how often it was held back since: one line every few
/// seconds tells an operator as much as thousands, and does not bury the
/// rest of the log.
#[derive(Debug)]
pub struct Throttle {
    interval: Duration,
    state: Mutex<Option<Said>>,
}

#[derive(Debug)]
struct Said {
    at: Instant,
    held_back: u64,
}

impl Throttle {
    pub fn new(interval: Duration) -> Throttle {
        Throttle {
            interval,
            state: Mutex::new(None),
        }
    }

    /// Logs `message` with `error` as a warning, unless it is held back.
    pub fn warn(&self, error: &str, message: &str) {
        if let Some(held_back) = self.admit(Instant::now()) {
            tracing::warn!(%error, held_back, "{message}");
        }
    }

    /// `Some(held back)` when the warning is to be said now, `None` when it
    /// is held back.
    fn admit(&self, now: Instant) -> Option<u64> {
        let mut state = self.state.lock().unwrap_or_else(|e| e.into_inner());
        match state.as_mut() {
            Some(said) if now.saturating_duration_since(said.at) < self.interval => {
                said.held_back += 1;
                None
            }
            _ => {
                let held_back = state.take().map_or(0, |said| said.held_back);
                *state = Some(Said {
                    at: now,
                    held_back: 0,
                });
                Some(held_back)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_throttled_warning_is_said_once_per_interval_with_what_was_held_back() {
        let throttle = Throttle::new(Duration::from_secs(10));
        let start = Instant::now();
        assert_eq!(throttle.admit(start), Some(0));
        assert_eq!(throttle.admit(start + Duration::from_secs(1)), None);
        assert_eq!(throttle.admit(start + Duration::from_secs(9)), None);
        assert_eq!(throttle.admit(start + Duration::from_secs(10)), Some(2));
        assert_eq!(throttle.admit(start + Duration::from_secs(11)), None);
        assert_eq!(throttle.admit(start + Duration::from_secs(30)), Some(1));
    }
}
