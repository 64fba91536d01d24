//! `advancePhase`: a facilitator moves the werkplaats to the next phase of
//! its step plan, against the phase the client believes is current.

use serde::{Deserialize, Serialize};

use super::{Actor, Evolve, Rule};
use crate::domain::decide::{note_of, Allowed, Decided};
use crate::domain::{ConflictOn, DomainError, ItemKind, Note, State};

#[derive(Clone, Debug, PartialEq)]
pub struct AdvancePhase {
    pub expected_phase: i64,
    pub note: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PhaseAdvanced {
    pub from: u32,
    pub to: u32,
    pub note: Option<Note>,
}

impl Rule for AdvancePhase {
    const ALLOWED: Allowed = Allowed::FACILITATORS;

    fn decide(self, state: &State, _: Actor) -> Result<Decided, DomainError> {
        let note = self.note.map(|n| note_of(&n)).transpose()?;
        if self.expected_phase != i64::from(state.phase) {
            return Err(DomainError::Conflict(ConflictOn::Phase {
                current: state.phase,
            }));
        }
        let methodology = state
            .methodology
            .ok_or(DomainError::NotFound(ItemKind::Werkplaats))?;
        let to = methodology.next_phase(state.phase).ok_or_else(|| {
            DomainError::InvalidState("this is the last phase of the step plan".into())
        })?;
        Ok(PhaseAdvanced {
            from: state.phase,
            to,
            note,
        }
        .into())
    }
}

impl Evolve for PhaseAdvanced {
    fn evolve(&self, state: &mut State) {
        state.phase = self.to;
    }
}
