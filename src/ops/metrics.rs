//! Prometheus metrics of this instance, served on `GET /metrics` in the
//! text exposition format.
//!
//! The `prometheus` crate rather than `metrics` + its exporter: metrics
//! live in a [`Registry`] of our own that we encode on request, with no
//! global recorder to install and no exporter thread or listener of its
//! own. The registry is process-wide because an instance is a process: the
//! counters are bumped where things happen (an append in the store, a
//! delivery in a feed, a websocket in the HTTP shell) without handing a
//! handle through every layer. Database pool figures are read from the pool
//! when scraped.
//!
//! Labels are bounded: GraphQL requests are labelled with the operation
//! type and the first root field — a schema field, known only after
//! validation — never with the client's own operation name, which would let
//! any client create series without end.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, LazyLock, Mutex};
use std::time::Instant;

use async_graphql::extensions::{
    Extension, ExtensionContext, ExtensionFactory, NextExecute, NextParseQuery, NextPrepareRequest,
    NextRequest,
};
use async_graphql::parser::types::{
    DocumentOperations, ExecutableDocument, OperationType, Selection,
};
use async_graphql::{Request, Response, ServerResult, Variables};
use axum::extract::State;
use axum::http::header;
use axum::response::IntoResponse;
use axum::routing::get;
use axum::Router;
use chrono::{DateTime, Utc};
use prometheus::{
    Encoder, Histogram, HistogramOpts, HistogramVec, IntCounter, IntCounterVec, IntGauge,
    IntGaugeVec, Opts, Registry, TextEncoder,
};
use sqlx::PgPool;

/// Buckets for request latency and delivery lag, in seconds: from a cached
/// read (milliseconds) to a replay of a long stream or a stalled delivery.
const LATENCY_BUCKETS: &[f64] = &[
    0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0,
];

struct Metrics {
    registry: Registry,
    requests: HistogramVec,
    errors: IntCounterVec,
    conflicts: IntCounter,
    commands_appended: IntCounter,
    events_appended: IntCounter,
    subscriptions: IntGauge,
    websockets: IntGauge,
    live_executions: IntCounter,
    live_sent: IntCounter,
    forks: IntCounter,
    delivery_lag: Histogram,
    pool_connections: IntGaugeVec,
    pool_max: IntGauge,
}

static METRICS: LazyLock<Metrics> = LazyLock::new(Metrics::new);

impl Metrics {
    fn new() -> Metrics {
        let registry = Registry::new();
        let requests = HistogramVec::new(
            HistogramOpts::new(
                "werkplaats_graphql_request_duration_seconds",
                "GraphQL queries and mutations over HTTP, from parse to response, by operation type and first root field",
            )
            .buckets(LATENCY_BUCKETS.to_vec()),
            &["type", "field"],
        )
        .expect("valid histogram");
        let errors = IntCounterVec::new(
            Opts::new(
                "werkplaats_graphql_errors_total",
                "GraphQL errors answered over HTTP, by contract error code",
            ),
            &["code"],
        )
        .expect("valid counter");
        let conflicts = IntCounter::new(
            "werkplaats_conflicts_total",
            "Mutations answered with CONFLICT (a stale expectedVersion or expectedPhase)",
        )
        .expect("valid counter");
        let commands_appended = IntCounter::new(
            "werkplaats_appends_total",
            "Commands whose events this instance committed (a repeated commandId is not counted)",
        )
        .expect("valid counter");
        let events_appended = IntCounter::new(
            "werkplaats_appended_events_total",
            "Events this instance committed",
        )
        .expect("valid counter");
        let subscriptions = IntGauge::new(
            "werkplaats_active_subscriptions",
            "GraphQL subscriptions running on this instance",
        )
        .expect("valid gauge");
        let websockets = IntGauge::new(
            "werkplaats_websocket_connections",
            "Open websocket connections on this instance",
        )
        .expect("valid gauge");
        let live_executions = IntCounter::new(
            "werkplaats_live_executions_total",
            "Live results executed once for every subscriber of the same selection on this instance",
        )
        .expect("valid counter");
        let live_sent = IntCounter::new(
            "werkplaats_live_results_sent_total",
            "Live results sent to subscribers after they caught up; divided by the executions, the sharing",
        )
        .expect("valid counter");
        let forks = IntCounter::new(
            "werkplaats_rewound_histories_total",
            "Times this instance found a werkplaats's stored history shorter or other than what it had cached or sent (a failover to a standby that missed events)",
        )
        .expect("valid counter");
        let delivery_lag = Histogram::with_opts(
            HistogramOpts::new(
                "werkplaats_delivery_lag_seconds",
                "From an event's commit (its recordedAt) to its hand-over to this instance's subscribers: NOTIFY, wake-up and read",
            )
            .buckets(LATENCY_BUCKETS.to_vec()),
        )
        .expect("valid histogram");
        let pool_connections = IntGaugeVec::new(
            Opts::new(
                "werkplaats_db_pool_connections",
                "Database connections of this instance's pool, by state (idle or in_use)",
            ),
            &["state"],
        )
        .expect("valid gauge");
        let pool_max = IntGauge::new(
            "werkplaats_db_pool_max_connections",
            "Most connections this instance's pool opens (--db-pool-size)",
        )
        .expect("valid gauge");
        // Which release each instance runs, e.g. during a rolling update.
        let build = IntGaugeVec::new(
            Opts::new(
                "werkplaats_build_info",
                "Always 1, labelled with the version",
            ),
            &["version"],
        )
        .expect("valid gauge");
        build.with_label_values(&[env!("CARGO_PKG_VERSION")]).set(1);
        for collector in [
            Box::new(requests.clone()) as Box<dyn prometheus::core::Collector>,
            Box::new(errors.clone()),
            Box::new(conflicts.clone()),
            Box::new(commands_appended.clone()),
            Box::new(events_appended.clone()),
            Box::new(subscriptions.clone()),
            Box::new(websockets.clone()),
            Box::new(live_executions.clone()),
            Box::new(live_sent.clone()),
            Box::new(forks.clone()),
            Box::new(delivery_lag.clone()),
            Box::new(pool_connections.clone()),
            Box::new(pool_max.clone()),
            Box::new(build),
        ] {
            registry
                .register(collector)
                .expect("each metric is registered once");
        }
        Metrics {
            registry,
            requests,
            errors,
            conflicts,
            commands_appended,
            events_appended,
            subscriptions,
            websockets,
            live_executions,
            live_sent,
            forks,
            delivery_lag,
            pool_connections,
            pool_max,
        }
    }
}

/// A command's events were committed.
pub fn appended(events: i64) {
    METRICS.commands_appended.inc();
    METRICS.events_appended.inc_by(events.max(0).unsigned_abs());
}

/// An event recorded at `recorded_at` is handed to this instance's subscribers.
pub fn delivered(recorded_at: DateTime<Utc>) {
    let lag = (Utc::now() - recorded_at).to_std().unwrap_or_default();
    METRICS.delivery_lag.observe(lag.as_secs_f64());
}

/// A live result was executed, for all who share it.
pub fn live_executed() {
    METRICS.live_executions.inc();
}

/// A shared live result was sent to one subscriber.
pub fn live_sent() {
    METRICS.live_sent.inc();
}

/// A stored history was found rewound under what was cached or sent.
pub fn fork_detected() {
    METRICS.forks.inc();
}

/// Runs a websocket connection, counted as open while it runs.
pub async fn websocket<F: std::future::Future<Output = ()>>(connection: F) {
    let _open = GaugeGuard::up(&METRICS.websockets);
    connection.await;
}

/// Counts one up while it lives, also when its future is dropped midway.
struct GaugeGuard(&'static IntGauge);

impl GaugeGuard {
    fn up(gauge: &'static IntGauge) -> GaugeGuard {
        gauge.inc();
        GaugeGuard(gauge)
    }
}

impl Drop for GaugeGuard {
    fn drop(&mut self) {
        self.0.dec();
    }
}

/// `GET /metrics`, reading the pool's figures at each scrape.
pub fn routes(pool: PgPool) -> Router {
    Router::new()
        .route("/metrics", get(scrape))
        .with_state(pool)
}

async fn scrape(State(pool): State<PgPool>) -> impl IntoResponse {
    let idle = i64::try_from(pool.num_idle()).unwrap_or(i64::MAX);
    let size = i64::from(pool.size());
    METRICS
        .pool_connections
        .with_label_values(&["idle"])
        .set(idle);
    METRICS
        .pool_connections
        .with_label_values(&["in_use"])
        .set((size - idle).max(0));
    METRICS
        .pool_max
        .set(i64::from(pool.options().get_max_connections()));
    let encoder = TextEncoder::new();
    let mut body = Vec::new();
    // Encoding into a Vec of our own, well-formed metrics cannot fail.
    encoder
        .encode(&METRICS.registry.gather(), &mut body)
        .expect("metrics encode");
    (
        [(header::CONTENT_TYPE, encoder.format_type().to_owned())],
        body,
    )
}

/// The schema extension that times requests, counts error codes and keeps
/// the gauge of running subscriptions.
pub struct GraphqlMetrics;

impl ExtensionFactory for GraphqlMetrics {
    fn create(&self) -> Arc<dyn Extension> {
        Arc::new(RequestMetrics::default())
    }
}

/// One request's (or subscription's) view; async-graphql creates one per
/// operation and drops it with the operation, which ends a subscription's count.
#[derive(Default)]
struct RequestMetrics {
    operation_name: Mutex<Option<String>>,
    /// `(type, first root field)`, once the query parsed.
    labels: Mutex<Option<(&'static str, String)>>,
    /// Whether the request passed validation, so its field is the schema's.
    executed: AtomicBool,
    subscription: AtomicBool,
}

impl Drop for RequestMetrics {
    fn drop(&mut self) {
        if self.subscription.load(Ordering::Relaxed) {
            METRICS.subscriptions.dec();
        }
    }
}

/// The selected operation's type and its first root field (`-` when it
/// starts with a fragment).
fn labels(document: &ExecutableDocument, name: Option<&str>) -> Option<(&'static str, String)> {
    let operation = match (&document.operations, name) {
        (DocumentOperations::Single(operation), _) => operation,
        (DocumentOperations::Multiple(operations), Some(name)) => operations.get(name)?,
        (DocumentOperations::Multiple(operations), None) => operations.values().next()?,
    };
    let kind = match operation.node.ty {
        OperationType::Query => "query",
        OperationType::Mutation => "mutation",
        OperationType::Subscription => "subscription",
    };
    let field = operation
        .node
        .selection_set
        .node
        .items
        .iter()
        .find_map(|selection| match &selection.node {
            Selection::Field(field) => Some(field.node.name.node.to_string()),
            _ => None,
        })
        .unwrap_or_else(|| "-".to_owned());
    Some((kind, field))
}

#[async_graphql::async_trait::async_trait]
impl Extension for RequestMetrics {
    async fn prepare_request(
        &self,
        ctx: &ExtensionContext<'_>,
        request: Request,
        next: NextPrepareRequest<'_>,
    ) -> ServerResult<Request> {
        *self
            .operation_name
            .lock()
            .unwrap_or_else(|p| p.into_inner()) = request.operation_name.clone();
        next.run(ctx, request).await
    }

    async fn parse_query(
        &self,
        ctx: &ExtensionContext<'_>,
        query: &str,
        variables: &Variables,
        next: NextParseQuery<'_>,
    ) -> ServerResult<ExecutableDocument> {
        let document = next.run(ctx, query, variables).await?;
        let name = self
            .operation_name
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .clone();
        let labels = labels(&document, name.as_deref());
        if labels
            .as_ref()
            .is_some_and(|(kind, _)| *kind == "subscription")
            && !self.subscription.swap(true, Ordering::Relaxed)
        {
            METRICS.subscriptions.inc();
        }
        *self.labels.lock().unwrap_or_else(|p| p.into_inner()) = labels;
        Ok(document)
    }

    async fn execute(
        &self,
        ctx: &ExtensionContext<'_>,
        operation_name: Option<&str>,
        next: NextExecute<'_>,
    ) -> Response {
        self.executed.store(true, Ordering::Relaxed);
        if let Some((kind, field)) = &*self.labels.lock().unwrap_or_else(|p| p.into_inner()) {
            let span = tracing::Span::current();
            span.record("operation_type", *kind);
            span.record("operation", field.as_str());
        }
        next.run(ctx, operation_name).await
    }

    async fn request(&self, ctx: &ExtensionContext<'_>, next: NextRequest<'_>) -> Response {
        let started = Instant::now();
        let response = next.run(ctx).await;
        let labels = self
            .labels
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .clone();
        let (kind, field) = match labels {
            Some(labels) if self.executed.load(Ordering::Relaxed) => labels,
            // Refused before execution: a field name could be anything.
            _ => ("invalid", "-".to_owned()),
        };
        METRICS
            .requests
            .with_label_values(&[kind, field.as_str()])
            .observe(started.elapsed().as_secs_f64());
        for error in &response.errors {
            let code = error
                .extensions
                .as_ref()
                .and_then(|extensions| extensions.get("code"))
                .and_then(|code| match code {
                    async_graphql::Value::String(code) => Some(code.as_str()),
                    _ => None,
                })
                // Parse, validation and limit errors, which the HTTP shell
                // codes only after this point.
                .unwrap_or("VALIDATION");
            METRICS.errors.with_label_values(&[code]).inc();
            if code == "CONFLICT" {
                METRICS.conflicts.inc();
            }
        }
        response
    }
}
