//! The GraphQL API: the contract's schema, served over HTTP and websockets.
//!
//! The schema is a library value ([`build_schema`]); [`http`] is a thin
//! shell around it. Resolvers translate GraphQL input into application
//! calls and application results into GraphQL objects; they never decide.
//! Errors become the contract's `extensions.code` in [`error`], and any
//! error the GraphQL engine raises itself (a malformed query, a wrong
//! variable type, a limit exceeded) is bad input from the client.

mod apq;
mod audit;
mod checkpoint;
mod commands;
mod enums;
pub mod error;
mod export;
mod graphiql;
pub mod http;
mod library;
mod limits;
mod live;
mod method;
mod nulls;
mod query;
mod report;
mod scalars;
mod shared;
mod subscription;
mod trust;
mod types;
mod ws;

use async_graphql::{Context, MergedObject, Schema};

use crate::app::{App, Caller, RateLimiter};
use crate::config::Config;

pub use shared::LiveCounts;
pub use subscription::SubscriptionRoot;

// Those that run a domain command come from `commands` (one module each);
// presence and token rotation decide nothing and live beside them.
/// Everything there is to read: werkplaatsen (now or as they were), your own
/// membership, indicator templates and the library (wat werkt).
#[derive(MergedObject, Default)]
#[graphql(name = "Query")]
pub struct Query(query::CoreQuery, library::LibraryQuery);

/// Everything there is to change. Each change to a werkplaats is recorded as
/// one event in its audit trail.
#[derive(MergedObject, Default)]
#[graphql(name = "Mutation")]
pub struct Mutation(
    commands::CommandMutation,
    live::LiveMutation,
    trust::TrustMutation,
);

pub type WerkplaatsSchema = Schema<Query, Mutation, SubscriptionRoot>;

/// Limits a request must stay within; see [`limits`] and the README's
/// configuration section.
#[derive(Clone, Copy, Debug)]
pub struct Limits {
    pub max_depth: usize,
    pub max_complexity: usize,
    pub max_aliases: usize,
    pub mutation_burst: u32,
    pub mutations_per_second: u32,
    pub introspection: bool,
}

impl From<&Config> for Limits {
    fn from(config: &Config) -> Limits {
        Limits {
            max_depth: config.max_query_depth,
            max_complexity: config.max_query_complexity,
            max_aliases: config.max_aliases,
            mutation_burst: config.mutation_burst,
            mutations_per_second: config.mutations_per_second,
            introspection: config.introspection,
        }
    }
}

impl Default for Limits {
    fn default() -> Self {
        Limits::from(&Config::default())
    }
}

pub fn build_schema(app: Option<App>, limits: Limits) -> WerkplaatsSchema {
    // async-graphql's own limit on nesting, which counts fragment spreads
    // as levels too; ours walks the document the same way.
    let max_nesting = limits.max_depth * 2;
    let mut mutations = RateLimiter::new(limits.mutation_burst, limits.mutations_per_second);
    if let Some(app) = &app {
        mutations = mutations.shared(app.store().clone());
    }
    let mut builder = Schema::build(Query::default(), Mutation::default(), SubscriptionRoot)
        .limit_depth(limits.max_depth)
        .limit_complexity(limits.max_complexity)
        .limit_recursive_depth(max_nesting)
        .extension(crate::ops::metrics::GraphqlMetrics)
        .extension(limits::RequestLimits(limits::DocumentLimits {
            max_selections: limits.max_complexity,
            max_nesting,
            max_aliases: limits.max_aliases,
            introspection: limits.introspection,
            mutations,
        }))
        .extension(nulls::FieldErrors);
    if !limits.introspection {
        builder = builder.disable_introspection();
    }
    match app {
        Some(app) => builder.data(app).finish(),
        None => builder.finish(),
    }
}

/// The schema in SDL, as `werkplaats schema` prints it.
pub fn sdl() -> String {
    build_schema(None, Limits::default()).sdl()
}

/// The authenticated caller of this request, if any.
fn caller(ctx: &Context<'_>) -> Option<Caller> {
    ctx.data_opt::<Caller>().copied()
}
