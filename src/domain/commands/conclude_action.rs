//! `concludeAction`: a planner adopts, adapts or abandons a checked action
//! (PDCA: Act).

use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::{Actor, Evolve, Rule};
use crate::domain::decide::{acted_on_action, text_of, transition, Allowed, Decided};
use crate::domain::{ActOutcome, ActionStatus, DomainError, State, Text};

#[derive(Clone, Debug, PartialEq)]
pub struct ConcludeAction {
    pub action_id: String,
    pub outcome: ActOutcome,
    pub rationale: String,
    pub expected_version: Option<i64>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ActionConcluded {
    pub action_id: Uuid,
    pub outcome: ActOutcome,
    pub rationale: Text,
}

impl Rule for ConcludeAction {
    const ALLOWED: Allowed = Allowed::PLANNERS;

    fn decide(self, state: &State, _: Actor) -> Result<Decided, DomainError> {
        let rationale = text_of(&self.rationale, "rationale")?;
        let (action_id, action) = acted_on_action(state, &self.action_id, self.expected_version)?;
        if action.status != ActionStatus::Checking {
            return Err(transition("conclude", action.status));
        }
        Ok(ActionConcluded {
            action_id,
            outcome: self.outcome,
            rationale,
        }
        .into())
    }
}

impl Evolve for ActionConcluded {
    fn evolve(&self, state: &mut State) {
        state.touch(self.action_id, |action| {
            action.status = self.outcome.status();
        });
    }
}
