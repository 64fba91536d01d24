//! `recordGoal`: a contributor records a shared goal or societal result
//! (Movisie step 3, NJi step 4), optionally with the year it should be
//! reached.

use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::{Actor, Evolve, Rule};
use crate::domain::decide::{bad, text_of, Allowed, Decided};
use crate::domain::{DomainError, State, Text};

/// The years a target may name.
const TARGET_YEARS: std::ops::RangeInclusive<i32> = 2000..=2100;

#[derive(Clone, Debug, PartialEq)]
pub struct RecordGoal {
    pub goal_id: Uuid,
    pub statement: String,
    pub target_year: Option<i32>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct GoalRecorded {
    pub goal_id: Uuid,
    pub statement: Text,
    pub target_year: Option<i32>,
}

pub(super) fn target_year(year: Option<i32>) -> Result<Option<i32>, DomainError> {
    match year {
        Some(year) if !TARGET_YEARS.contains(&year) => Err(bad(format!(
            "targetYear lies between {} and {}, got {year}",
            TARGET_YEARS.start(),
            TARGET_YEARS.end()
        ))),
        year => Ok(year),
    }
}

impl Rule for RecordGoal {
    const ALLOWED: Allowed = Allowed::CONTRIBUTORS;

    fn decide(self, _: &State, _: Actor) -> Result<Decided, DomainError> {
        Ok(GoalRecorded {
            goal_id: self.goal_id,
            statement: text_of(&self.statement, "statement")?,
            target_year: target_year(self.target_year)?,
        }
        .into())
    }
}

impl Evolve for GoalRecorded {
    fn evolve(&self, state: &mut State) {
        state.goals.insert(self.goal_id, state.version);
    }
}
