//! The application's answer when it does not do what was asked.

use std::sync::Arc;

use crate::domain::{ConflictOn, DomainError};
use crate::store::StoreError;

use super::WerkplaatsAt;

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    #[error("no or unknown token")]
    Unauthenticated,
    #[error("not found")]
    NotFound,
    #[error("this role may not do this")]
    Forbidden,
    #[error("{0}")]
    BadInput(String),
    /// A stale `expectedVersion` or `expectedPhase`; carries the werkplaats
    /// as it is now so the client can show both sides.
    #[error("conflict: the item changed since you saw it")]
    Conflict {
        on: ConflictOn,
        werkplaats: Arc<WerkplaatsAt>,
    },
    /// Other commands kept winning the race for the stream.
    #[error("the werkplaats is busy; retry")]
    Busy { current_version: i64 },
    #[error("{0}")]
    InvalidState(String),
    /// The request's mutation budget is spent; nothing was written. It
    /// would fit after `retry_after`.
    #[error("too many mutations")]
    RateLimited { retry_after: std::time::Duration },
    #[error("internal error")]
    Internal(#[source] anyhow::Error),
}

impl From<StoreError> for AppError {
    fn from(error: StoreError) -> Self {
        AppError::Internal(error.into())
    }
}

impl AppError {
    /// The domain's refusal, with the current werkplaats for conflicts.
    pub(super) fn refused(error: DomainError, werkplaats: Option<&WerkplaatsAt>) -> Self {
        match error {
            DomainError::Forbidden => AppError::Forbidden,
            DomainError::BadInput(message) => AppError::BadInput(message),
            DomainError::NotFound(_) => AppError::NotFound,
            DomainError::Conflict(on) => match werkplaats {
                Some(werkplaats) => AppError::Conflict {
                    on,
                    werkplaats: Arc::new(werkplaats.clone()),
                },
                None => AppError::Internal(anyhow::anyhow!("a conflict without a werkplaats")),
            },
            DomainError::InvalidState(message) => AppError::InvalidState(message),
        }
    }
}
