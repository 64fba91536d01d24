//! Why the domain refuses a command. These are answers, not failures: the
//! API maps each to the contract's error code.

use uuid::Uuid;

/// The kinds of item a werkplaats holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ItemKind {
    Werkplaats,
    Partner,
    Member,
    Problem,
    Solution,
    Decision,
    Action,
    Reflection,
    Indicator,
    Goal,
    Risk,
    Journey,
    JourneyStep,
    ChecklistItem,
}

/// What a stale `expectedVersion` or `expectedPhase` collided with.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ConflictOn {
    Action {
        id: Uuid,
        current_version: i64,
    },
    /// Any other item a revision names with its `expectedVersion`.
    Item {
        kind: ItemKind,
        id: Uuid,
        current_version: i64,
    },
    Phase {
        current: u32,
    },
}

#[derive(Clone, Debug, PartialEq, thiserror::Error)]
pub enum DomainError {
    #[error("this role may not do this")]
    Forbidden,
    #[error("{0}")]
    BadInput(String),
    #[error("no such {0:?}")]
    NotFound(ItemKind),
    #[error("stale version: {0:?}")]
    Conflict(ConflictOn),
    #[error("{0}")]
    InvalidState(String),
}
