//! Abuse limits on what one request may ask of the server.
//!
//! async-graphql limits depth and complexity itself; what it does not
//! limit, [`RequestLimits`] checks on the parsed document before anything is
//! validated or resolved, on every transport (HTTP, both websocket
//! protocols), for every operation of a batch:
//!
//! - **Fragment expansion.** async-graphql walks every fragment spread
//!   anew, so twenty fragments that each spread the next one twice make a
//!   600-byte query that its validation walks a million times (measured:
//!   42 s and 5.5 GB before it could refuse it as too complex). Here each
//!   fragment is weighed once and its weight reused, so the expanded size
//!   is known in time linear in the document; over the complexity limit it
//!   is refused before validation starts. Fragment cycles and chains nested
//!   deeper than the recursion limit are refused the same way.
//! - **Aliases**, counted in the expanded document: they are how one
//!   request repeats an expensive field (or a mutation) many times.
//! - **The mutation rate.** Each mutation field of an operation costs one
//!   from the caller's bucket ([`RateLimiter`]), all or nothing, before any
//!   of them runs: a refused request writes nothing. A refusal answers
//!   `RATE_LIMITED` with `extensions.retryAfter` in whole seconds. An HTTP
//!   request that is one command and nothing else leaves its charge to the
//!   command's append ([`Charge`]), which takes it in the same statement;
//!   whatever the append did not take is settled when the request is done,
//!   and a refusal then answers exactly as one up front would.
//!
//! Websocket connections per caller are counted by [`Connections`]. Both
//! per-caller limits hold over all instances on the database, not per
//! instance: see [`RateLimiter`] and [`SharedConnections`] for how.

use std::any::TypeId;
use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, AtomicI64, Ordering};
use std::sync::{Arc, Mutex, Weak};
use std::time::Duration;

use async_graphql::extensions::{
    Extension, ExtensionContext, ExtensionFactory, NextPrepareRequest, NextRequest,
};
use async_graphql::parser::types::{
    ExecutableDocument, FragmentDefinition, OperationDefinition, OperationType, Selection,
    SelectionSet,
};
use async_graphql::{Data, Name, Positioned, Request, Response, ServerResult};
use uuid::Uuid;

use super::commands;
use super::error::limit_error;
use crate::app::{Caller, CallerKey, Charge, RateLimiter};
use crate::ops::logging::Throttle;
use crate::store::EventStore;

/// Why a request is refused before it runs.
#[derive(Debug, thiserror::Error, PartialEq)]
pub enum LimitError {
    #[error("the query is too large: it expands to more than {max} selections")]
    TooComplex { max: usize },
    #[error("fragments nest deeper than {max}")]
    TooDeep { max: usize },
    #[error("fragment {0} spreads itself")]
    FragmentCycle(String),
    #[error("introspection is switched off on this server")]
    Introspection,
    #[error("a request takes at most {max} aliases; this one has {count}")]
    TooManyAliases { count: usize, max: usize },
    #[error("mutation {0} appears twice; give each an alias of its own")]
    RepeatedMutation(String),
    #[error("a request takes at most {max} mutations; this one has {count}")]
    TooManyMutations { count: usize, max: u32 },
    #[error("too many mutations; retry after {} s", retry_after_secs(*retry_after))]
    RateLimited { retry_after: Duration },
    #[error("this token has {max} websocket connections open already")]
    TooManyConnections { max: usize },
    #[error("variable ${name} of required type {ty} was not provided")]
    MissingVariable { name: String, ty: String },
    #[error("a subscription selects exactly one root field; this one selects {0}")]
    SubscriptionRootFields(usize),
}

/// A wait as the whole seconds a client is told to wait (at least one, so
/// that waiting that long always suffices).
pub fn retry_after_secs(wait: Duration) -> u64 {
    wait.as_secs() + u64::from(wait.subsec_nanos() > 0)
}

/// What [`RequestLimits`] checks a document against.
#[derive(Clone)]
pub struct DocumentLimits {
    /// Most selections the document may expand to (the complexity limit).
    pub max_selections: usize,
    /// Deepest nesting of selections and fragment spreads.
    pub max_nesting: usize,
    pub max_aliases: usize,
    /// Whether `__schema` and `__type` may be asked. (async-graphql, told
    /// not to answer them, answers `null` without an error.)
    pub introspection: bool,
    pub mutations: RateLimiter,
}

/// The extension that applies [`DocumentLimits`] to every request.
pub struct RequestLimits(pub DocumentLimits);

impl ExtensionFactory for RequestLimits {
    fn create(&self) -> Arc<dyn Extension> {
        Arc::new(RequestLimitsExtension {
            limits: self.0.clone(),
            charge: Mutex::default(),
        })
    }
}

/// In a request's data: its transport runs it to one answer (HTTP), so a
/// charge left for the request's command can be settled before the answer
/// goes out. Websocket operations run as streams, which have no such end
/// here, and take their charge before they run.
pub struct DeferredCharges;

/// One per request.
struct RequestLimitsExtension {
    limits: DocumentLimits,
    /// The charge left for the command's append, settled at the end.
    charge: Mutex<Option<Charge>>,
}

#[async_graphql::async_trait::async_trait]
impl Extension for RequestLimitsExtension {
    async fn request(&self, ctx: &ExtensionContext<'_>, next: NextRequest<'_>) -> Response {
        let response = next.run(ctx).await;
        let charge = self.charge.lock().unwrap_or_else(|e| e.into_inner()).take();
        let Some(charge) = charge else {
            return response;
        };
        // Taken by the append, or now: a request refused here (or by the
        // append) wrote nothing, and is answered as one refused up front.
        match charge.settle().await {
            Ok(()) => response,
            Err(retry_after) => {
                Response::from_errors(vec![limit_error(LimitError::RateLimited { retry_after })
                    .into_server_error(Default::default())])
            }
        }
    }

    async fn prepare_request(
        &self,
        ctx: &ExtensionContext<'_>,
        mut request: Request,
        next: NextPrepareRequest<'_>,
    ) -> ServerResult<Request> {
        // Parsed once here; the engine reuses the parsed document.
        let caller = caller(&request.data).or_else(|| caller(ctx.session_data));
        let defer = request.data.contains_key(&TypeId::of::<DeferredCharges>());
        let operation = request.operation_name.clone();
        let variables = request.variables.clone();
        let document = request.parsed_query()?;
        let refuse = |error| limit_error(error).into_server_error(Default::default());
        required_variables(document, operation.as_deref(), &variables).map_err(refuse)?;
        let charge = self
            .limits
            .check(document, operation.as_deref(), caller, defer)
            .await
            .map_err(refuse)?;
        if let Some(charge) = charge {
            *self.charge.lock().unwrap_or_else(|e| e.into_inner()) = Some(charge.clone());
            request = request.data(charge);
        }
        next.run(ctx, request).await
    }
}

/// The caller the transport put into the request's data (HTTP and
/// `graphql-transport-ws`) or the connection's (legacy `graphql-ws`).
fn caller(data: &Data) -> Option<Caller> {
    data.get(&TypeId::of::<Caller>())
        .and_then(|data| data.downcast_ref::<Caller>())
        .copied()
}

impl DocumentLimits {
    /// Checks the document's size, then charges the mutations of the
    /// operation that will run (`operation`, or the only one) to `caller`.
    /// When `defer` and the operation is one command and nothing else, the
    /// charge is not taken but returned, for the command's append to take
    /// ([`Charge`]).
    pub async fn check(
        &self,
        document: &ExecutableDocument,
        operation: Option<&str>,
        caller: Option<Caller>,
        defer: bool,
    ) -> Result<Option<Charge>, LimitError> {
        let Some((caller, cost)) = self.weigh(document, operation, caller)? else {
            return Ok(None);
        };
        if defer && cost == 1 && one_command(document, operation) {
            if let Some(charge) = self.mutations.defer(caller, cost) {
                return Ok(Some(charge));
            }
        }
        self.take(caller, cost).await.map(|()| None)
    }

    async fn take(&self, caller: CallerKey, cost: u32) -> Result<(), LimitError> {
        self.mutations
            .check(caller, cost)
            .await
            .map_err(|retry_after| LimitError::RateLimited { retry_after })
    }

    /// Checks the document's size; returns what to charge to whom.
    fn weigh(
        &self,
        document: &ExecutableDocument,
        operation: Option<&str>,
        caller: Option<Caller>,
    ) -> Result<Option<(CallerKey, u32)>, LimitError> {
        let mut weigher = Weigher {
            limits: self,
            fragments: &document.fragments,
            weighed: HashMap::new(),
        };
        let mut total = Weight::default();
        let mut mutations = 0;
        let only = document.operations.iter().count() == 1;
        for (name, definition) in document.operations.iter() {
            let weight = weigher.selection_set(&definition.node.selection_set.node, 0)?;
            total.add(&weight);
            let runs = match operation {
                Some(wanted) => name.is_some_and(|name| name.as_str() == wanted),
                None => only,
            };
            if runs && definition.node.ty == OperationType::Mutation {
                mutations = weight.top;
                // async-graphql runs a field as often as it is selected and
                // answers once: two identical mutations would append twice.
                let mut keys = Vec::new();
                root_keys(
                    &definition.node.selection_set.node,
                    &document.fragments,
                    &mut keys,
                );
                keys.sort_unstable();
                if let Some(pair) = keys.windows(2).find(|pair| pair[0] == pair[1]) {
                    return Err(LimitError::RepeatedMutation(pair[0].to_owned()));
                }
            }
            if definition.node.ty == OperationType::Subscription {
                // The spec's "Single root field": one stream per operation.
                let mut keys = Vec::new();
                root_keys(
                    &definition.node.selection_set.node,
                    &document.fragments,
                    &mut keys,
                );
                keys.sort_unstable();
                keys.dedup();
                if keys.len() != 1 {
                    return Err(LimitError::SubscriptionRootFields(keys.len()));
                }
            }
            if total.selections > self.max_selections {
                return Err(LimitError::TooComplex {
                    max: self.max_selections,
                });
            }
        }
        if total.introspects && !self.introspection {
            return Err(LimitError::Introspection);
        }
        if total.aliases > self.max_aliases {
            return Err(LimitError::TooManyAliases {
                count: total.aliases,
                max: self.max_aliases,
            });
        }
        // Anonymous callers may not write; their mutations are refused
        // (UNAUTHENTICATED) without costing anything.
        let Some(caller) = caller.filter(|_| mutations > 0) else {
            return Ok(None);
        };
        let burst = self.mutations.burst();
        let cost = u32::try_from(mutations)
            .ok()
            .filter(|cost| *cost <= burst)
            .ok_or(LimitError::TooManyMutations {
                count: mutations,
                max: burst,
            })?;
        Ok(Some((CallerKey::from(caller), cost)))
    }
}

/// The operation that runs: the one named `operation`, or the only one.
fn running<'a>(
    document: &'a ExecutableDocument,
    operation: Option<&str>,
) -> Option<&'a Positioned<OperationDefinition>> {
    let mut operations = document.operations.iter();
    let (_, definition) = match operation {
        Some(wanted) => {
            operations.find(|(name, _)| name.is_some_and(|name| name.as_str() == wanted))
        }
        None => match (operations.next(), operations.next()) {
            (Some(only), None) => Some(only),
            _ => None,
        },
    }?;
    Some(definition)
}

/// Whether the operation that runs is a mutation whose one root selection
/// is a field that runs a command ([`commands::is_command`]).
fn one_command(document: &ExecutableDocument, operation: Option<&str>) -> bool {
    let Some(definition) = running(document, operation) else {
        return false;
    };
    let items = &definition.node.selection_set.node.items;
    definition.node.ty == OperationType::Mutation
        && matches!(items.as_slice(), [only] if matches!(
            &only.node,
            Selection::Field(field) if commands::is_command(field.node.name.node.as_str())
        ))
}

/// The variables of the operation that runs without which it cannot run
/// (non-null, without a default): their absence is a request error, before
/// anything executes. (async-graphql only notices it at the field.)
fn required_variables(
    document: &ExecutableDocument,
    operation: Option<&str>,
    variables: &async_graphql::Variables,
) -> Result<(), LimitError> {
    let Some(definition) = running(document, operation) else {
        return Ok(());
    };
    for variable in &definition.node.variable_definitions {
        let variable = &variable.node;
        let given = variables
            .get(&variable.name.node)
            .is_some_and(|value| *value != async_graphql::Value::Null);
        if !variable.var_type.node.nullable && variable.default_value.is_none() && !given {
            return Err(LimitError::MissingVariable {
                name: variable.name.node.to_string(),
                ty: variable.var_type.node.to_string(),
            });
        }
    }
    Ok(())
}

/// Whether every operation of the document is a query that asks only
/// `__schema`, `__type` and `__typename` at its root (fragments expanded):
/// a client loading the schema, which its own limits apply to.
pub fn introspection_only(document: &ExecutableDocument) -> bool {
    fn only(
        set: &SelectionSet,
        fragments: &HashMap<Name, Positioned<FragmentDefinition>>,
        nesting: usize,
    ) -> bool {
        // Fragments nested this deep at the root are no schema loader's.
        nesting < 8
            && set.items.iter().all(|selection| match &selection.node {
                Selection::Field(field) => matches!(
                    field.node.name.node.as_str(),
                    "__schema" | "__type" | "__typename"
                ),
                Selection::FragmentSpread(spread) => fragments
                    .get(&spread.node.fragment_name.node)
                    .is_some_and(|fragment| {
                        only(&fragment.node.selection_set.node, fragments, nesting + 1)
                    }),
                Selection::InlineFragment(inline) => {
                    only(&inline.node.selection_set.node, fragments, nesting + 1)
                }
            })
    }
    let mut operations = document.operations.iter().peekable();
    operations.peek().is_some()
        && operations.all(|(_, definition)| {
            definition.node.ty == OperationType::Query
                && only(&definition.node.selection_set.node, &document.fragments, 0)
        })
}

/// The response keys of the fields at the level of `set`, fragments
/// expanded. Called only on a document already weighed, so its expansion is
/// bounded and has no cycles.
fn root_keys<'a>(
    set: &'a SelectionSet,
    fragments: &'a HashMap<Name, Positioned<FragmentDefinition>>,
    keys: &mut Vec<&'a str>,
) {
    for selection in &set.items {
        match &selection.node {
            Selection::Field(field) => keys.push(field.node.response_key().node.as_str()),
            Selection::FragmentSpread(spread) => {
                if let Some(fragment) = fragments.get(&spread.node.fragment_name.node) {
                    root_keys(&fragment.node.selection_set.node, fragments, keys);
                }
            }
            Selection::InlineFragment(inline) => {
                root_keys(&inline.node.selection_set.node, fragments, keys)
            }
        }
    }
}

/// The size of a selection set with its fragments expanded.
#[derive(Clone, Copy, Default)]
struct Weight {
    /// Selections at every level: fields, as async-graphql counts
    /// complexity, and also fragment spreads and inline fragments, which
    /// its walks visit too (a spread of an unknown fragment included).
    selections: usize,
    aliases: usize,
    /// Fields at this level only: for an operation, its root fields.
    top: usize,
    /// Whether `__schema` or `__type` is among them.
    introspects: bool,
}

impl Weight {
    /// Saturating: a sum past any limit is refused anyway.
    fn add(&mut self, other: &Weight) {
        self.selections = self.selections.saturating_add(other.selections);
        self.aliases = self.aliases.saturating_add(other.aliases);
        self.top = self.top.saturating_add(other.top);
        self.introspects |= other.introspects;
    }
}

/// Weighs selection sets, each fragment once.
struct Weigher<'a> {
    limits: &'a DocumentLimits,
    fragments: &'a HashMap<Name, Positioned<FragmentDefinition>>,
    /// Fragments weighed so far; `None` while one is being weighed, so that
    /// meeting it again is a cycle.
    weighed: HashMap<&'a str, Option<Weight>>,
}

impl<'a> Weigher<'a> {
    fn selection_set(
        &mut self,
        set: &'a SelectionSet,
        nesting: usize,
    ) -> Result<Weight, LimitError> {
        // As async-graphql's recursion limit counts: every selection set
        // and fragment spread is one level. It also bounds our recursion.
        if nesting > self.limits.max_nesting {
            return Err(LimitError::TooDeep {
                max: self.limits.max_nesting,
            });
        }
        let mut weight = Weight::default();
        for selection in &set.items {
            match &selection.node {
                Selection::Field(field) => {
                    let field = &field.node;
                    let below = self.selection_set(&field.selection_set.node, nesting + 1)?;
                    weight.add(&Weight {
                        selections: below.selections.saturating_add(1),
                        aliases: below.aliases + usize::from(field.alias.is_some()),
                        top: 1,
                        introspects: matches!(field.name.node.as_str(), "__schema" | "__type"),
                    });
                }
                Selection::FragmentSpread(spread) => {
                    let name = spread.node.fragment_name.node.as_str();
                    let mut fragment = self.fragment(name, nesting + 1)?;
                    fragment.selections = fragment.selections.saturating_add(1);
                    weight.add(&fragment);
                }
                Selection::InlineFragment(inline) => {
                    let set = &inline.node.selection_set.node;
                    let mut inline = self.selection_set(set, nesting + 1)?;
                    inline.selections = inline.selections.saturating_add(1);
                    weight.add(&inline);
                }
            }
            if weight.selections > self.limits.max_selections {
                return Err(LimitError::TooComplex {
                    max: self.limits.max_selections,
                });
            }
        }
        Ok(weight)
    }

    fn fragment(&mut self, name: &'a str, nesting: usize) -> Result<Weight, LimitError> {
        match self.weighed.get(name) {
            Some(Some(weight)) => return Ok(*weight),
            Some(None) => return Err(LimitError::FragmentCycle(name.to_owned())),
            None => {}
        }
        // An unknown fragment weighs nothing here; validation refuses it.
        let Some(fragment) = self.fragments.get(name) else {
            return Ok(Weight::default());
        };
        self.weighed.insert(name, None);
        let weight = self.selection_set(&fragment.node.selection_set.node, nesting)?;
        self.weighed.insert(name, Some(weight));
        Ok(weight)
    }
}

/// Open websocket connections per caller, at most `max` each over all
/// instances on the database (see the module docs of [`SharedConnections`]).
#[derive(Clone)]
pub struct Connections {
    max: usize,
    local: Arc<LocalConnections>,
    /// `None`: counted on this instance only (no store, as in unit tests).
    shared: Option<SharedConnections>,
}

/// This instance's open connections, with their callers: the count when
/// the database cannot be reached, and what it registers again.
#[derive(Default)]
struct LocalConnections {
    open: Mutex<HashMap<i64, CallerKey>>,
    next_id: AtomicI64,
}

/// **Websockets across instances.** Each instance records the websockets it
/// holds in PostgreSQL, the one thing the instances share (an unlogged
/// table keyed by instance and connection id, with the caller), and admits
/// one more only when the caller's count over the live instances is below
/// the max: count and insert in one transaction under an advisory lock on
/// the caller ([`EventStore::open_websocket`]), so two instances cannot both
/// give away a last place. Opening costs a few round trips; a websocket
/// opens once and then lives for minutes, so this was not worth cheapening.
/// A guard dropped (the connection ended) deletes its row in a spawned task.
///
/// An instance that dies does not delete its rows, so instances say they
/// live every third of [`Config::instance_ttl_secs`](crate::config::Config)
/// and only rows of instances seen within the TTL count; any instance's
/// heartbeat deletes the dead ones with their rows. An instance that finds
/// it is not registered (new, paused past the TTL and swept, or the
/// database failed over and lost its unlogged tables) registers again with
/// the websockets it actually holds, and so does one whose write failed.
///
/// When the database does not answer (within [`OPEN_TIMEOUT`]), a
/// websocket is admitted against this instance's own count, as before this
/// was shared, with a warning; its row is written by the next heartbeat
/// that reaches the database. Refusing instead would close every websocket
/// for a blip the token did not cause; and signing in, which comes first,
/// needs the database too, so this mostly covers a slow answer.
#[derive(Clone)]
pub struct SharedConnections {
    store: EventStore,
    instance: Uuid,
    ttl: Duration,
    /// Taken shared by every write of one connection's row, alone by
    /// registering again: so a registration never writes back a
    /// connection that closed while it read the local set.
    writes: Arc<tokio::sync::RwLock<()>>,
    /// A write failed: the next heartbeat registers the instance again.
    stale: Arc<AtomicBool>,
    /// The fallback's warning: every websocket opened while the database
    /// is down would say it.
    warnings: Arc<Throttle>,
}

/// The fallback to counting on this instance is logged at most once per this.
const WARN_EVERY: Duration = Duration::from_secs(10);

/// Longest opening a websocket waits for the shared count before it counts
/// on this instance.
pub const OPEN_TIMEOUT: Duration = Duration::from_secs(2);

/// One counted connection; dropping it (the connection ended) frees it.
pub struct ConnectionGuard {
    id: i64,
    local: Arc<LocalConnections>,
    shared: Option<SharedConnections>,
}

impl Connections {
    /// At most `max` per caller, on this instance.
    pub fn new(max: usize) -> Connections {
        Connections {
            max,
            local: Arc::default(),
            shared: None,
        }
    }

    /// At most `max` per caller over all instances on `store`'s database;
    /// an instance not seen for `ttl` is taken for dead. Starts this
    /// instance's heartbeat, which ends when the last clone is dropped.
    pub fn shared(max: usize, store: EventStore, ttl: Duration) -> Connections {
        let shared = SharedConnections {
            store,
            instance: Uuid::new_v4(),
            ttl,
            writes: Arc::default(),
            stale: Arc::new(AtomicBool::new(true)),
            warnings: Arc::new(Throttle::new(WARN_EVERY)),
        };
        let local = Arc::new(LocalConnections::default());
        tokio::spawn(shared.clone().heartbeat(Arc::downgrade(&local)));
        Connections {
            max,
            local,
            shared: Some(shared),
        }
    }

    /// Counts one more connection of `caller`, unless it has `max` open.
    pub async fn open(&self, caller: Caller) -> Result<ConnectionGuard, LimitError> {
        let key = CallerKey::from(caller);
        let id = self.local.next_id.fetch_add(1, Ordering::Relaxed);
        let refused = LimitError::TooManyConnections { max: self.max };
        // Held until the connection is in the local set too, so that a
        // registration cannot write the set without it after its row.
        let (_writing, admitted) = match &self.shared {
            Some(shared) => {
                let writing = shared.writes.read().await;
                (Some(writing), shared.open(id, key, self.max).await)
            }
            None => (None, None),
        };
        let mut open = self.local.open.lock().expect("the connections lock");
        let admitted =
            admitted.unwrap_or_else(|| open.values().filter(|k| **k == key).count() < self.max);
        if !admitted {
            return Err(refused);
        }
        open.insert(id, key);
        Ok(ConnectionGuard {
            id,
            local: self.local.clone(),
            shared: self.shared.clone(),
        })
    }
}

impl SharedConnections {
    /// Whether the database admits the connection; `None` when it could not
    /// say (then the next heartbeat writes the row, if admitted locally).
    async fn open(&self, id: i64, key: CallerKey, max: usize) -> Option<bool> {
        let max = i64::try_from(max).unwrap_or(i64::MAX);
        let open = self
            .store
            .open_websocket(self.instance, id, key.shared_id(), max, self.ttl);
        let error = match tokio::time::timeout(OPEN_TIMEOUT, open).await {
            Ok(Ok(admitted)) => return Some(admitted),
            Ok(Err(error)) => error.to_string(),
            Err(_) => "no answer in time".to_owned(),
        };
        self.warnings.warn(
            &error,
            "cannot count websockets across instances; counting on this one",
        );
        self.stale.store(true, Ordering::Relaxed);
        None
    }

    async fn close(self, id: i64) {
        let _writing = self.writes.read().await;
        if let Err(error) = self.store.close_websocket(self.instance, id).await {
            tracing::warn!(%error, "cannot delete a closed websocket's row; the heartbeat will");
            self.stale.store(true, Ordering::Relaxed);
        }
    }

    async fn heartbeat(self, local: Weak<LocalConnections>) {
        let mut ticks = tokio::time::interval(self.ttl / 3);
        ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            ticks.tick().await;
            let Some(open) = local.upgrade() else {
                return;
            };
            if let Err(error) = self.beat(&open).await {
                tracing::warn!(%error, "the websocket heartbeat failed");
                self.stale.store(true, Ordering::Relaxed);
            }
        }
    }

    async fn beat(&self, local: &LocalConnections) -> Result<(), crate::store::StoreError> {
        let stale = self.stale.swap(false, Ordering::Relaxed);
        if stale || !self.store.instance_alive(self.instance).await? {
            let _alone = self.writes.write().await;
            let open: Vec<(i64, Uuid)> = local
                .open
                .lock()
                .expect("the connections lock")
                .iter()
                .map(|(id, key)| (*id, key.shared_id()))
                .collect();
            self.store.register_websockets(self.instance, &open).await?;
        }
        self.store.sweep_limits(self.ttl).await
    }
}

impl Drop for ConnectionGuard {
    fn drop(&mut self) {
        self.local
            .open
            .lock()
            .expect("the connections lock")
            .remove(&self.id);
        if let Some(shared) = self.shared.take() {
            // Drop cannot wait for the delete. Outside a runtime (it shut
            // down) the instance is gone too, and its rows go with the TTL.
            if let Ok(runtime) = tokio::runtime::Handle::try_current() {
                runtime.spawn(shared.close(self.id));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use async_graphql::parser::parse_query;
    use uuid::Uuid;

    use super::*;

    fn limits(max_selections: usize, max_aliases: usize, burst: u32) -> DocumentLimits {
        DocumentLimits {
            max_selections,
            max_nesting: 32,
            max_aliases,
            introspection: false,
            mutations: RateLimiter::new(burst, 1),
        }
    }

    async fn check(limits: &DocumentLimits, query: &str) -> Result<(), LimitError> {
        limits
            .check(
                &parse_query(query).unwrap(),
                None,
                Some(Caller::Admin),
                false,
            )
            .await
            .map(|deferred| assert!(deferred.is_none(), "nothing is deferred when not asked"))
    }

    #[tokio::test]
    async fn aliases_are_counted_with_fragments_expanded() {
        let limits = limits(1_000, 5, 10);
        let query = "query One { a: me { id } ...F ...G } \
                     fragment F on Query { b: me { n: name } } \
                     fragment G on Query { werkplaatsen { ...H } c: me { id } } \
                     fragment H on Werkplaats { x: id }";
        assert_eq!(check(&limits, query).await, Ok(()));
        let query = format!("{query} query Other {{ ...F }}");
        assert_eq!(
            check(&limits, &query).await,
            Err(LimitError::TooManyAliases { count: 7, max: 5 })
        );
    }

    #[tokio::test]
    async fn introspection_is_refused_when_switched_off_also_through_fragments() {
        let limits = limits(1_000, 30, 10);
        for query in [
            "{ __schema { types { name } } }",
            "{ ...F } fragment F on Query { ... on Query { __type(name: \"Werkplaats\") { name } } }",
        ] {
            assert_eq!(check(&limits, query).await, Err(LimitError::Introspection));
        }
        assert_eq!(check(&limits, "{ __typename me { id } }").await, Ok(()));
        let on = DocumentLimits {
            introspection: true,
            ..limits
        };
        assert_eq!(check(&on, "{ __schema { types { name } } }").await, Ok(()));
    }

    #[tokio::test]
    async fn a_fragment_bomb_is_refused_without_expanding_it() {
        // Ending in fields, or in spreads of a fragment that does not exist.
        for last in ["me { id }", "...Missing ...Missing"] {
            let mut query = String::from("query { ...F0 }");
            for n in 0..25 {
                query.push_str(&format!(
                    " fragment F{n} on Query {{ ...F{m} ...F{m} }}",
                    m = n + 1
                ));
            }
            query.push_str(&format!(" fragment F25 on Query {{ {last} }}"));
            assert_eq!(
                check(&limits(1_000, 30, 10), &query).await,
                Err(LimitError::TooComplex { max: 1_000 })
            );
        }
    }

    #[tokio::test]
    async fn cycles_and_long_chains_are_refused() {
        let cycle = "query { ...A } fragment A on Query { ...B } fragment B on Query { ...A }";
        assert_eq!(
            check(&limits(1_000, 30, 10), cycle).await,
            Err(LimitError::FragmentCycle("A".to_owned()))
        );
        let mut chain = String::from("query { ...F0 }");
        for n in 0..10_000 {
            chain.push_str(&format!(" fragment F{n} on Query {{ ...F{} }}", n + 1));
        }
        chain.push_str(" fragment F10000 on Query { me { id } }");
        assert_eq!(
            check(&limits(1_000, 30, 10), &chain).await,
            Err(LimitError::TooDeep { max: 32 })
        );
    }

    #[tokio::test]
    async fn each_mutation_field_costs_one_all_or_nothing() {
        let limits = limits(1_000, 30, 3);
        let two = "mutation { a: rotateToken { token } b: rotateToken { token } }";
        assert_eq!(check(&limits, two).await, Ok(()));
        // One left: two more are refused and take nothing.
        assert!(matches!(
            check(&limits, two).await,
            Err(LimitError::RateLimited { .. })
        ));
        assert_eq!(
            check(&limits, "mutation { rotateToken { token } }").await,
            Ok(())
        );
        // The same mutation twice under one name would run twice.
        let twice = "mutation { rotateToken { token } ...F } fragment F on Mutation { rotateToken { token } }";
        assert_eq!(
            check(&limits, twice).await,
            Err(LimitError::RepeatedMutation("rotateToken".to_owned()))
        );
        // Queries cost nothing.
        assert_eq!(check(&limits, "{ me { id } }").await, Ok(()));
        // More than a whole bucket can never pass.
        let four = "mutation { a: x b: x c: x d: x }";
        assert_eq!(
            check(&limits, four).await,
            Err(LimitError::TooManyMutations { count: 4, max: 3 })
        );
        // Nor do anonymous callers pay: they may not write at all.
        let anonymous = limits
            .check(&parse_query(two).unwrap(), None, None, false)
            .await;
        assert!(matches!(anonymous, Ok(None)));
        // Only the operation that runs is charged.
        let both = format!(
            "query Q {{ me {{ id }} }} {}",
            two.replacen("mutation", "mutation M", 1)
        );
        let document = parse_query(&both).unwrap();
        assert!(matches!(
            limits
                .check(&document, Some("Q"), Some(Caller::Admin), false)
                .await,
            Ok(None)
        ));
        assert!(limits
            .check(&document, Some("M"), Some(Caller::Admin), false)
            .await
            .is_err());
    }

    #[test]
    fn only_a_request_of_one_command_leaves_its_charge_to_the_append() {
        let one = |query: &str, operation: Option<&str>| {
            one_command(&parse_query(query).unwrap(), operation)
        };
        assert!(one("mutation { planAction(input: {}) { version } }", None));
        assert!(one(
            "query Q { me { id } } mutation M { a: recordProblem(input: {}) { version } }",
            Some("M")
        ));
        assert!(!one(
            "query Q { me { id } } mutation M { recordProblem(input: {}) { version } }",
            Some("Q")
        ));
        assert!(!one("mutation { a: planAction(input: {}) { version } b: planAction(input: {}) { version } }", None));
        assert!(!one(
            "mutation { setPresence(input: {}) { version } }",
            None
        ));
        assert!(!one(
            "mutation { ...F } fragment F on Mutation { planAction(input: {}) { version } }",
            None
        ));
        assert!(!one("{ planAction }", None));
    }

    #[tokio::test]
    async fn a_subscription_selects_one_root_field() {
        let limits = limits(1_000, 30, 10);
        assert_eq!(check(&limits, "subscription { a { id } }").await, Ok(()));
        assert_eq!(
            check(&limits, "subscription { a { id } b { id } }").await,
            Err(LimitError::SubscriptionRootFields(2))
        );
        assert_eq!(
            check(
                &limits,
                "subscription { a { id } ...F } fragment F on Subscription { __typename }"
            )
            .await,
            Err(LimitError::SubscriptionRootFields(2))
        );
    }

    #[test]
    fn introspection_only_documents_are_told_apart() {
        let only = |query| introspection_only(&parse_query(query).unwrap());
        assert!(only("{ __schema { types { name } } }"));
        assert!(only(
            "query Q { ...F } fragment F on Query { __type(name: \"X\") { name } __typename }"
        ));
        assert!(!only("{ __schema { types { name } } me { id } }"));
        assert!(!only("query A { __typename } query B { me { id } }"));
        assert!(!only("mutation { __typename }"));
    }

    #[tokio::test]
    async fn connections_are_counted_per_caller_and_freed_on_drop() {
        let connections = Connections::new(2);
        let member = Caller::Member {
            member_id: Uuid::new_v4(),
            werkplaats_id: Uuid::new_v4(),
        };
        let first = connections.open(member).await.unwrap();
        let _second = connections.open(member).await.unwrap();
        assert_eq!(
            connections.open(member).await.err(),
            Some(LimitError::TooManyConnections { max: 2 })
        );
        assert!(connections.open(Caller::Admin).await.is_ok());
        drop(first);
        assert!(connections.open(member).await.is_ok());
    }

    #[tokio::test]
    async fn without_the_database_connections_are_counted_on_the_instance() {
        let pool = sqlx::postgres::PgPoolOptions::new()
            .acquire_timeout(Duration::from_millis(500))
            .connect_lazy("postgres://nobody@127.0.0.1:1/none")
            .unwrap();
        let connections = Connections::shared(1, EventStore::new(pool), Duration::from_secs(3));
        let first = connections.open(Caller::Admin).await.unwrap();
        assert_eq!(
            connections.open(Caller::Admin).await.err(),
            Some(LimitError::TooManyConnections { max: 1 })
        );
        drop(first);
        assert!(connections.open(Caller::Admin).await.is_ok());
    }

    #[test]
    fn retry_after_rounds_up_to_whole_seconds() {
        assert_eq!(retry_after_secs(Duration::from_millis(100)), 1);
        assert_eq!(retry_after_secs(Duration::from_secs(2)), 2);
        assert_eq!(retry_after_secs(Duration::from_millis(2_001)), 3);
    }
}
