//! `reviseGoal`: a contributor rewords a goal or changes its target year,
//! against the goal's version as the client last saw it.

use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::record_goal::target_year;
use super::revise_action::present;
use super::{Actor, Evolve, Rule};
use crate::domain::decide::{acted_on_version, some_change, text_of, Allowed, Decided};
use crate::domain::{DomainError, ItemKind, State, Text};

#[derive(Clone, Debug, PartialEq)]
pub struct ReviseGoal {
    pub goal_id: String,
    pub expected_version: i64,
    pub statement: Option<String>,
    /// `Some(None)` clears the target year.
    pub target_year: Option<Option<i32>>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct GoalRevised {
    pub goal_id: Uuid,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub statement: Option<Text>,
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "present"
    )]
    pub target_year: Option<Option<i32>>,
}

impl Rule for ReviseGoal {
    const ALLOWED: Allowed = Allowed::CONTRIBUTORS;

    fn decide(self, state: &State, _: Actor) -> Result<Decided, DomainError> {
        let statement = self
            .statement
            .map(|s| text_of(&s, "statement"))
            .transpose()?;
        let target_year = self.target_year.map(target_year).transpose()?;
        some_change(&[statement.is_some(), target_year.is_some()])?;
        let goal_id = acted_on_version(
            &self.goal_id,
            ItemKind::Goal,
            self.expected_version,
            |id| state.goals.get(id).copied(),
        )?;
        Ok(GoalRevised {
            goal_id,
            statement,
            target_year,
        }
        .into())
    }
}

impl Evolve for GoalRevised {
    fn evolve(&self, state: &mut State) {
        state.goals.insert(self.goal_id, state.version);
    }
}
