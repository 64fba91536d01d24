//! `recordProblem`: a contributor records a problem from one perspective.

use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::{Actor, Evolve, Rule};
use crate::domain::decide::{name_of, text_of, Allowed, Decided};
use crate::domain::{DomainError, Name, Perspective, State, Text};

#[derive(Clone, Debug, PartialEq)]
pub struct RecordProblem {
    pub problem_id: Uuid,
    pub title: String,
    pub description: String,
    pub perspective: Perspective,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ProblemRecorded {
    pub problem_id: Uuid,
    pub title: Name,
    pub description: Text,
    pub perspective: Perspective,
}

impl Rule for RecordProblem {
    const ALLOWED: Allowed = Allowed::CONTRIBUTORS;

    fn decide(self, _: &State, _: Actor) -> Result<Decided, DomainError> {
        Ok(ProblemRecorded {
            problem_id: self.problem_id,
            title: name_of(&self.title, "title")?,
            description: text_of(&self.description, "description")?,
            perspective: self.perspective,
        }
        .into())
    }
}

impl Evolve for ProblemRecorded {
    fn evolve(&self, state: &mut State) {
        state.problems.insert(self.problem_id, state.version);
    }
}
