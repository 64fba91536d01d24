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
//!   `RATE_LIMITED` with `extensions.retryAfter` in whole seconds.
//!
//! Websocket connections per caller are counted by [`Connections`].

use std::any::TypeId;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use async_graphql::extensions::{
    Extension, ExtensionContext, ExtensionFactory, NextPrepareRequest,
};
use async_graphql::parser::types::{
    ExecutableDocument, FragmentDefinition, OperationType, Selection, SelectionSet,
};
use async_graphql::{Data, Name, Positioned, Request, ServerResult};

use super::error::limit_error;
use crate::app::{Caller, CallerKey, RateLimiter};

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
        Arc::new(RequestLimitsExtension(self.0.clone()))
    }
}

struct RequestLimitsExtension(DocumentLimits);

#[async_graphql::async_trait::async_trait]
impl Extension for RequestLimitsExtension {
    async fn prepare_request(
        &self,
        ctx: &ExtensionContext<'_>,
        mut request: Request,
        next: NextPrepareRequest<'_>,
    ) -> ServerResult<Request> {
        // Parsed once here; the engine reuses the parsed document.
        let caller = caller(&request.data).or_else(|| caller(ctx.session_data));
        let operation = request.operation_name.clone();
        let variables = request.variables.clone();
        let document = request.parsed_query()?;
        let refuse = |error| limit_error(error).into_server_error(Default::default());
        required_variables(document, operation.as_deref(), &variables).map_err(refuse)?;
        self.0
            .check(document, operation.as_deref(), caller)
            .map_err(refuse)?;
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
    pub fn check(
        &self,
        document: &ExecutableDocument,
        operation: Option<&str>,
        caller: Option<Caller>,
    ) -> Result<(), LimitError> {
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
            return Ok(());
        };
        let burst = self.mutations.burst();
        let cost = u32::try_from(mutations)
            .ok()
            .filter(|cost| *cost <= burst)
            .ok_or(LimitError::TooManyMutations {
                count: mutations,
                max: burst,
            })?;
        self.mutations
            .check(CallerKey::from(caller), cost)
            .map_err(|retry_after| LimitError::RateLimited { retry_after })
    }
}

/// The variables of the operation that runs without which it cannot run
/// (non-null, without a default): their absence is a request error, before
/// anything executes. (async-graphql only notices it at the field.)
fn required_variables(
    document: &ExecutableDocument,
    operation: Option<&str>,
    variables: &async_graphql::Variables,
) -> Result<(), LimitError> {
    let mut operations = document.operations.iter();
    let runs = match operation {
        Some(wanted) => {
            operations.find(|(name, _)| name.is_some_and(|name| name.as_str() == wanted))
        }
        None => match (operations.next(), operations.next()) {
            (Some(only), None) => Some(only),
            _ => None,
        },
    };
    let Some((_, definition)) = runs else {
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

/// Open websocket connections per caller, at most `max` each.
#[derive(Clone)]
pub struct Connections {
    max: usize,
    open: Arc<Mutex<HashMap<CallerKey, usize>>>,
}

/// One counted connection; dropping it (the connection ended) frees it.
pub struct ConnectionGuard {
    key: CallerKey,
    open: Arc<Mutex<HashMap<CallerKey, usize>>>,
}

impl Connections {
    pub fn new(max: usize) -> Connections {
        Connections {
            max,
            open: Arc::default(),
        }
    }

    /// Counts one more connection of `caller`, unless it has `max` open.
    pub fn open(&self, caller: Caller) -> Result<ConnectionGuard, LimitError> {
        let key = CallerKey::from(caller);
        let mut open = self.open.lock().expect("the connections lock");
        let count = open.entry(key).or_default();
        if *count >= self.max {
            return Err(LimitError::TooManyConnections { max: self.max });
        }
        *count += 1;
        Ok(ConnectionGuard {
            key,
            open: self.open.clone(),
        })
    }
}

impl Drop for ConnectionGuard {
    fn drop(&mut self) {
        let mut open = self.open.lock().expect("the connections lock");
        if let Some(count) = open.get_mut(&self.key) {
            *count -= 1;
            if *count == 0 {
                open.remove(&self.key);
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

    fn check(limits: &DocumentLimits, query: &str) -> Result<(), LimitError> {
        limits.check(&parse_query(query).unwrap(), None, Some(Caller::Admin))
    }

    #[test]
    fn aliases_are_counted_with_fragments_expanded() {
        let limits = limits(1_000, 5, 10);
        let query = "query One { a: me { id } ...F ...G } \
                     fragment F on Query { b: me { n: name } } \
                     fragment G on Query { werkplaatsen { ...H } c: me { id } } \
                     fragment H on Werkplaats { x: id }";
        assert_eq!(check(&limits, query), Ok(()));
        let query = format!("{query} query Other {{ ...F }}");
        assert_eq!(
            check(&limits, &query),
            Err(LimitError::TooManyAliases { count: 7, max: 5 })
        );
    }

    #[test]
    fn introspection_is_refused_when_switched_off_also_through_fragments() {
        let limits = limits(1_000, 30, 10);
        for query in [
            "{ __schema { types { name } } }",
            "{ ...F } fragment F on Query { ... on Query { __type(name: \"Werkplaats\") { name } } }",
        ] {
            assert_eq!(check(&limits, query), Err(LimitError::Introspection));
        }
        assert_eq!(check(&limits, "{ __typename me { id } }"), Ok(()));
        let on = DocumentLimits {
            introspection: true,
            ..limits
        };
        assert_eq!(check(&on, "{ __schema { types { name } } }"), Ok(()));
    }

    #[test]
    fn a_fragment_bomb_is_refused_without_expanding_it() {
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
                check(&limits(1_000, 30, 10), &query),
                Err(LimitError::TooComplex { max: 1_000 })
            );
        }
    }

    #[test]
    fn cycles_and_long_chains_are_refused() {
        let cycle = "query { ...A } fragment A on Query { ...B } fragment B on Query { ...A }";
        assert_eq!(
            check(&limits(1_000, 30, 10), cycle),
            Err(LimitError::FragmentCycle("A".to_owned()))
        );
        let mut chain = String::from("query { ...F0 }");
        for n in 0..10_000 {
            chain.push_str(&format!(" fragment F{n} on Query {{ ...F{} }}", n + 1));
        }
        chain.push_str(" fragment F10000 on Query { me { id } }");
        assert_eq!(
            check(&limits(1_000, 30, 10), &chain),
            Err(LimitError::TooDeep { max: 32 })
        );
    }

    #[test]
    fn each_mutation_field_costs_one_all_or_nothing() {
        let limits = limits(1_000, 30, 3);
        let two = "mutation { a: rotateToken { token } b: rotateToken { token } }";
        assert_eq!(check(&limits, two), Ok(()));
        // One left: two more are refused and take nothing.
        assert!(matches!(
            check(&limits, two),
            Err(LimitError::RateLimited { .. })
        ));
        assert_eq!(check(&limits, "mutation { rotateToken { token } }"), Ok(()));
        // The same mutation twice under one name would run twice.
        let twice = "mutation { rotateToken { token } ...F } fragment F on Mutation { rotateToken { token } }";
        assert_eq!(
            check(&limits, twice),
            Err(LimitError::RepeatedMutation("rotateToken".to_owned()))
        );
        // Queries cost nothing.
        assert_eq!(check(&limits, "{ me { id } }"), Ok(()));
        // More than a whole bucket can never pass.
        let four = "mutation { a: x b: x c: x d: x }";
        assert_eq!(
            check(&limits, four),
            Err(LimitError::TooManyMutations { count: 4, max: 3 })
        );
        // Nor do anonymous callers pay: they may not write at all.
        let anonymous = limits.check(&parse_query(two).unwrap(), None, None);
        assert_eq!(anonymous, Ok(()));
        // Only the operation that runs is charged.
        let both = format!(
            "query Q {{ me {{ id }} }} {}",
            two.replacen("mutation", "mutation M", 1)
        );
        let document = parse_query(&both).unwrap();
        assert_eq!(
            limits.check(&document, Some("Q"), Some(Caller::Admin)),
            Ok(())
        );
        assert!(limits
            .check(&document, Some("M"), Some(Caller::Admin))
            .is_err());
    }

    #[test]
    fn a_subscription_selects_one_root_field() {
        let limits = limits(1_000, 30, 10);
        assert_eq!(check(&limits, "subscription { a { id } }"), Ok(()));
        assert_eq!(
            check(&limits, "subscription { a { id } b { id } }"),
            Err(LimitError::SubscriptionRootFields(2))
        );
        assert_eq!(
            check(
                &limits,
                "subscription { a { id } ...F } fragment F on Subscription { __typename }"
            ),
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

    #[test]
    fn connections_are_counted_per_caller_and_freed_on_drop() {
        let connections = Connections::new(2);
        let member = Caller::Member {
            member_id: Uuid::new_v4(),
            werkplaats_id: Uuid::new_v4(),
        };
        let first = connections.open(member).unwrap();
        let _second = connections.open(member).unwrap();
        assert_eq!(
            connections.open(member).err(),
            Some(LimitError::TooManyConnections { max: 2 })
        );
        assert!(connections.open(Caller::Admin).is_ok());
        drop(first);
        assert!(connections.open(member).is_ok());
    }

    #[test]
    fn retry_after_rounds_up_to_whole_seconds() {
        assert_eq!(retry_after_secs(Duration::from_millis(100)), 1);
        assert_eq!(retry_after_secs(Duration::from_secs(2)), 2);
        assert_eq!(retry_after_secs(Duration::from_millis(2_001)), 3);
    }
}
