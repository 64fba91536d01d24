//! `planAction`: a planner plans an action, owned by a partner and
//! optionally trying out a solution (PDCA: Plan).

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::{Actor, Evolve, Rule};
use crate::domain::decide::{name_of, reference, references, text_of, Allowed, Decided};
use crate::domain::{ActionState, ActionStatus, DomainError, Name, State, Text};

#[derive(Clone, Debug, PartialEq)]
pub struct PlanAction {
    pub action_id: Uuid,
    pub title: String,
    pub goal: String,
    pub owner_partner_id: String,
    pub solution_id: Option<String>,
    pub due_date: Option<NaiveDate>,
    pub indicator_ids: Vec<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ActionPlanned {
    pub action_id: Uuid,
    pub title: Name,
    pub goal: Text,
    pub owner_partner_id: Uuid,
    pub solution_id: Option<Uuid>,
    pub due_date: Option<NaiveDate>,
    /// The indicators the action should move.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub indicator_ids: Vec<Uuid>,
}

impl Rule for PlanAction {
    const ALLOWED: Allowed = Allowed::PLANNERS;

    fn decide(self, state: &State, _: Actor) -> Result<Decided, DomainError> {
        Ok(ActionPlanned {
            action_id: self.action_id,
            title: name_of(&self.title, "title")?,
            goal: text_of(&self.goal, "goal")?,
            owner_partner_id: reference(&self.owner_partner_id, "ownerPartnerId", |id| {
                state.partners.contains(id)
            })?,
            solution_id: self
                .solution_id
                .map(|id| reference(&id, "solutionId", |id| state.solutions.contains_key(id)))
                .transpose()?,
            due_date: self.due_date,
            indicator_ids: references(&self.indicator_ids, "indicatorIds", |id| {
                state.indicators.contains_key(id)
            })?,
        }
        .into())
    }
}

impl Evolve for ActionPlanned {
    fn evolve(&self, state: &mut State) {
        let planned = ActionState {
            status: ActionStatus::Planned,
            cycle: 1,
            version: state.version,
        };
        state.actions.insert(self.action_id, planned);
    }
}
