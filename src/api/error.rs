//! The one place where application errors become GraphQL errors with the
//! contract's `extensions.code`.

use async_graphql::{ErrorExtensions, Value};
use serde_json::json;

use super::types::phase;
use crate::app::{AppError, WerkplaatsAt};
use crate::domain::ConflictOn;

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
        AppError::Internal(source) => {
            // The cause goes to the log, never to the client.
            tracing::error!(error = ?source, "internal error");
            with_code("internal error", code::INTERNAL)
        }
    }
}

/// The item a stale version collided with, as the werkplaats query shows it.
fn conflicting(on: ConflictOn, wp: &WerkplaatsAt) -> (i64, serde_json::Value) {
    let view = &wp.view;
    match on {
        ConflictOn::Phase { current } => {
            let p = phase(view.methodology, current);
            (
                i64::from(current),
                json!({"number": p.number, "key": p.key, "title": p.title}),
            )
        }
        ConflictOn::Action {
            id,
            current_version,
        } => {
            let Some(action) = view.action(&id) else {
                return (current_version, serde_json::Value::Null);
            };
            let partner = |id| {
                view.partner(id)
                    .map(|p| json!({"id": p.id, "name": p.name, "kind": p.kind}))
            };
            let solution = action.solution.and_then(|s| view.solution(&s)).map(|s| {
                json!({
                    "id": s.id,
                    "title": s.title,
                    "description": s.description,
                    "basis": s.basis,
                    "addresses": s.addresses.iter().map(|p| json!({"id": p})).collect::<Vec<_>>(),
                    "version": s.version,
                })
            });
            (
                current_version,
                json!({
                    "id": action.id,
                    "title": action.title,
                    "goal": action.goal,
                    "status": action.status,
                    "cycle": action.cycle,
                    "owner": partner(&action.owner),
                    "dueDate": action.due_date.map(|d| d.format("%Y-%m-%d").to_string()),
                    "solution": solution,
                    "findings": action.findings,
                    "version": action.version,
                }),
            )
        }
    }
}
