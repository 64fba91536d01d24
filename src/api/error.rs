//! The one place where application errors become GraphQL errors with the
//! contract's `extensions.code`.

use async_graphql::{ErrorExtensions, Value};

use super::limits::{retry_after_secs, LimitError};
use crate::app::{render, AppError, WerkplaatsAt};
use crate::domain::{ConflictOn, ItemKind};

/// The contract's error codes.
pub mod code {
    pub const UNAUTHENTICATED: &str = "UNAUTHENTICATED";
    pub const FORBIDDEN: &str = "FORBIDDEN";
    pub const NOT_FOUND: &str = "NOT_FOUND";
    pub const BAD_USER_INPUT: &str = "BAD_USER_INPUT";
    pub const CONFLICT: &str = "CONFLICT";
    pub const INVALID_STATE: &str = "INVALID_STATE";
    pub const RATE_LIMITED: &str = "RATE_LIMITED";
    pub const INTERNAL: &str = "INTERNAL";
}

pub fn with_code(message: impl Into<String>, code: &'static str) -> async_graphql::Error {
    async_graphql::Error::new(message).extend_with(|_, e| e.set("code", code))
}

pub fn graphql_error(error: AppError) -> async_graphql::Error {
    match error {
        AppError::Unauthenticated => with_code(error.to_string(), code::UNAUTHENTICATED),
        AppError::NotFound => with_code("not found", code::NOT_FOUND),
        AppError::Forbidden => with_code(error.to_string(), code::FORBIDDEN),
        AppError::BadInput(message) => with_code(message, code::BAD_USER_INPUT),
        AppError::InvalidState(message) => with_code(message, code::INVALID_STATE),
        AppError::Busy { current_version } => with_code(error.to_string(), code::CONFLICT)
            .extend_with(|_, e| {
                e.set("currentVersion", current_version);
            }),
        AppError::Conflict { on, ref werkplaats } => {
            let (current_version, current) = conflicting(on, werkplaats);
            with_code(error.to_string(), code::CONFLICT).extend_with(|_, e| {
                e.set("currentVersion", current_version);
                e.set("current", Value::from_json(current).unwrap_or(Value::Null));
            })
        }
        AppError::RateLimited { retry_after } => {
            limit_error(LimitError::RateLimited { retry_after })
        }
        AppError::Internal(source) => {
            // The cause goes to the log, never to the client.
            tracing::error!(error = ?source, "internal error");
            with_code("internal error", code::INTERNAL)
        }
    }
}

pub fn limit_error(error: LimitError) -> async_graphql::Error {
    match error {
        LimitError::RateLimited { retry_after } => with_code(error.to_string(), code::RATE_LIMITED)
            .extend_with(|_, e| e.set("retryAfter", retry_after_secs(retry_after))),
        LimitError::TooManyConnections { .. } => with_code(error.to_string(), code::RATE_LIMITED),
        LimitError::TooComplex { .. }
        | LimitError::TooDeep { .. }
        | LimitError::FragmentCycle(_)
        | LimitError::Introspection
        | LimitError::TooManyAliases { .. }
        | LimitError::TooManyMutations { .. }
        | LimitError::RepeatedMutation(_)
        | LimitError::SubscriptionRootFields(_)
        | LimitError::MissingVariable { .. } => with_code(error.to_string(), code::BAD_USER_INPUT),
    }
}

/// The item a stale version collided with, as the werkplaats query shows it.
fn conflicting(on: ConflictOn, wp: &WerkplaatsAt) -> (i64, serde_json::Value) {
    match on {
        ConflictOn::Phase { current } => (
            i64::from(current),
            render::phase(wp.view.methodology, current),
        ),
        ConflictOn::Action {
            id,
            current_version,
        } => (
            current_version,
            wp.view
                .action(&id)
                .map_or(serde_json::Value::Null, |a| render::action(wp, a)),
        ),
        ConflictOn::Item {
            kind: ItemKind::JourneyStep,
            id,
            current_version,
        } => (
            current_version,
            wp.view
                .journey_step(&id)
                .map_or(serde_json::Value::Null, |(_, s)| {
                    render::journey_step(wp, s)
                }),
        ),
        ConflictOn::Item {
            id,
            current_version,
            ..
        } => (
            current_version,
            render::item(wp, &id).map_or(serde_json::Value::Null, |item| item.json),
        ),
    }
}
