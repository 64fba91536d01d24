//! The werkplaats as a pure event-sourced aggregate.
//!
//! A werkplaats changes only through events. [`decide`] takes the current
//! [`State`], who is asking and a [`Command`], and answers with the events to
//! append or with the rule that refuses the command; [`State::apply`] folds an
//! event into the state. Each command is one module under `commands/`
//! holding its input, who may send it, its rule, its event and how that
//! event changes the state. Nothing here does I/O, knows about PostgreSQL or
//! GraphQL, reads a clock or draws a random number: ids of new items arrive in
//! the command, time is stamped by the store. That keeps every rule testable
//! as given events / when command / then events, without a database.
//!
//! The state holds only what the rules need (who may do what, which items
//! exist, where each action stands in its PDCA cycle). The richer read models
//! — plan, decision log, evaluation — are folds in `crate::projections`.

mod commands;
mod decide;
mod error;
mod event;
mod guides;
mod kinds;
mod methodology;
mod state;
#[cfg(test)]
mod tests;
mod text;

// Every command and event by name, as the store, projections and API use them.
pub use commands::*;
pub use decide::{decide, Decided, MemberIdentity, MemberProfile};
pub use error::{ConflictOn, DomainError, ItemKind};
pub use event::UnknownEvent;
pub use guides::{
    guide, template, ChecklistStatement, IndicatorTemplate, StepGuide, INDICATOR_TEMPLATES,
    STANDARD_CHECKLIST,
};
pub use kinds::{
    ActOutcome, ActionStatus, ChecklistAnswerValue, Competence, Direction, EmpowermentCapital,
    EvidenceBasis, IndicatorKind, MethodTool, PartnerKind, Perspective, Quality, RecognitionLevel,
    ReviewOutcome, RiskLevel, RiskStatus, Role,
};
pub use methodology::{Methodology, Phase};
pub use state::{
    standard_checklist_ids, ActionState, IndicatorState, JourneyState, RiskState, State,
};
#[cfg(test)]
pub(crate) use text::given;
pub use text::{Limits, Name, Note, Text};

/// Who sends a command: the server's bootstrap administrator, or a member of
/// the werkplaats the command is for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Actor {
    Admin,
    Member(uuid::Uuid),
}

impl Actor {
    /// The member id recorded as the event's actor; `None` for the admin.
    pub fn member_id(self) -> Option<uuid::Uuid> {
        match self {
            Actor::Admin => None,
            Actor::Member(id) => Some(id),
        }
    }
}
