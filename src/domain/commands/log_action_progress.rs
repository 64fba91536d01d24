//! `logActionProgress`: a planner notes what was done in an action's current
//! cycle, and when (the log of the PDCA form's Do). Entries only add, so
//! they take no `expectedVersion`.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::{Actor, Evolve, Rule};
use crate::domain::decide::{acted_on_action, text_of, transition, Allowed, Decided};
use crate::domain::{ActionStatus, DomainError, State, Text};

#[derive(Clone, Debug, PartialEq)]
pub struct LogActionProgress {
    pub action_id: String,
    pub text: String,
    pub occurred_on: NaiveDate,
}

/// `cycle` is the cycle the entry belongs to, so the PDCA form can place it
/// without replaying the statuses.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ActionProgressLogged {
    pub action_id: Uuid,
    pub cycle: u32,
    pub text: Text,
    pub occurred_on: NaiveDate,
}

impl Rule for LogActionProgress {
    const ALLOWED: Allowed = Allowed::PLANNERS;

    fn decide(self, state: &State, _: Actor) -> Result<Decided, DomainError> {
        let text = text_of(&self.text, "text")?;
        let (action_id, action) = acted_on_action(state, &self.action_id, None)?;
        if action.status != ActionStatus::Doing {
            return Err(transition("log progress on", action.status));
        }
        Ok(ActionProgressLogged {
            action_id,
            cycle: action.cycle,
            text,
            occurred_on: self.occurred_on,
        }
        .into())
    }
}

impl Evolve for ActionProgressLogged {
    fn evolve(&self, state: &mut State) {
        state.touch(self.action_id, |_| {});
    }
}
