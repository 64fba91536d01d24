//! `checkAction`: a planner records what a running action found (PDCA:
//! Check).

use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::{Actor, Evolve, Rule};
use crate::domain::decide::{acted_on_action, text_of, transition, Allowed, Decided};
use crate::domain::{ActionStatus, DomainError, State, Text};

#[derive(Clone, Debug, PartialEq)]
pub struct CheckAction {
    pub action_id: String,
    pub findings: String,
    pub expected_version: Option<i64>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ActionChecked {
    pub action_id: Uuid,
    pub findings: Text,
}

impl Rule for CheckAction {
    const ALLOWED: Allowed = Allowed::PLANNERS;

    fn decide(self, state: &State, _: Actor) -> Result<Decided, DomainError> {
        let findings = text_of(&self.findings, "findings")?;
        let (action_id, action) = acted_on_action(state, &self.action_id, self.expected_version)?;
        if action.status != ActionStatus::Doing {
            return Err(transition("check", action.status));
        }
        Ok(ActionChecked {
            action_id,
            findings,
        }
        .into())
    }
}

impl Evolve for ActionChecked {
    fn evolve(&self, state: &mut State) {
        state.touch(self.action_id, |action| {
            action.status = ActionStatus::Checking;
        });
    }
}
