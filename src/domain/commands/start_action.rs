//! `startAction`: a planner starts a planned action, or an adapted one in
//! its next cycle (PDCA: Do).

use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::{Actor, Evolve, Rule};
use crate::domain::decide::{acted_on_action, transition, Allowed, Decided};
use crate::domain::{ActionStatus, DomainError, State};

#[derive(Clone, Debug, PartialEq)]
pub struct StartAction {
    pub action_id: String,
    pub expected_version: Option<i64>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ActionStarted {
    pub action_id: Uuid,
    /// The PDCA cycle this Do step belongs to.
    pub cycle: u32,
}

impl Rule for StartAction {
    const ALLOWED: Allowed = Allowed::PLANNERS;

    fn decide(self, state: &State, _: Actor) -> Result<Decided, DomainError> {
        let (action_id, action) = acted_on_action(state, &self.action_id, self.expected_version)?;
        let cycle = match action.status {
            ActionStatus::Planned => action.cycle,
            ActionStatus::Adapted => action.cycle + 1,
            other => return Err(transition("start", other)),
        };
        Ok(ActionStarted { action_id, cycle }.into())
    }
}

impl Evolve for ActionStarted {
    fn evolve(&self, state: &mut State) {
        state.touch(self.action_id, |action| {
            action.status = ActionStatus::Doing;
            action.cycle = self.cycle;
        });
    }
}
