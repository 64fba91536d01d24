//! The GraphQL API: the contract's schema, served over HTTP and websockets.
//!
//! The schema is a library value ([`build_schema`]); [`http`] is a thin
//! shell around it. Resolvers translate GraphQL input into application
//! calls and application results into GraphQL objects; they never decide.
//! Errors become the contract's `extensions.code` in [`error`], and any
//! error the GraphQL engine raises itself (a malformed query, a wrong
//! variable type, a limit exceeded) is bad input from the client.

mod audit;
mod checkpoint;
mod enums;
pub mod error;
mod export;
pub mod http;
mod live;
mod mutation;
mod query;
mod report;
mod scalars;
mod subscription;
mod types;
mod ws;

use async_graphql::{Context, MergedObject, Schema};

use crate::app::{App, Caller};

pub use query::Query;
pub use subscription::SubscriptionRoot;

/// Every mutation: the core contract's and those of later contracts.
#[derive(MergedObject, Default)]
#[graphql(name = "Mutation")]
pub struct Mutation(
    mutation::CoreMutation,
    live::LiveMutation,
    checkpoint::CheckpointMutation,
);

pub type WerkplaatsSchema = Schema<Query, Mutation, SubscriptionRoot>;

/// Limits a request must stay within.
#[derive(Clone, Copy, Debug)]
pub struct Limits {
    pub max_depth: usize,
    pub max_complexity: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_depth: 16,
            max_complexity: 1_000,
        }
    }
}

pub fn build_schema(app: Option<App>, limits: Limits) -> WerkplaatsSchema {
    let builder = Schema::build(Query, Mutation::default(), SubscriptionRoot)
        .limit_depth(limits.max_depth)
        .limit_complexity(limits.max_complexity)
        .limit_recursive_depth(limits.max_depth * 2);
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
