//! `reviseProblem`: a contributor corrects a recorded problem, against the
//! problem's version as the client last saw it.

use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::{Actor, Evolve, Rule};
use crate::domain::decide::{acted_on_version, name_of, some_change, text_of, Allowed, Decided};
use crate::domain::{DomainError, ItemKind, Name, Perspective, State, Text};

#[derive(Clone, Debug, PartialEq)]
pub struct ReviseProblem {
    pub problem_id: String,
    pub expected_version: i64,
    pub title: Option<String>,
    pub description: Option<String>,
    pub perspective: Option<Perspective>,
}

/// Only the fields present changed.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ProblemRevised {
    pub problem_id: Uuid,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<Name>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<Text>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub perspective: Option<Perspective>,
}

impl Rule for ReviseProblem {
    const ALLOWED: Allowed = Allowed::CONTRIBUTORS;

    fn decide(self, state: &State, _: Actor) -> Result<Decided, DomainError> {
        let title = self.title.map(|t| name_of(&t, "title")).transpose()?;
        let description = self
            .description
            .map(|d| text_of(&d, "description"))
            .transpose()?;
        some_change(&[
            title.is_some(),
            description.is_some(),
            self.perspective.is_some(),
        ])?;
        let problem_id = acted_on_version(
            &self.problem_id,
            ItemKind::Problem,
            self.expected_version,
            |id| state.problems.get(id).copied(),
        )?;
        Ok(ProblemRevised {
            problem_id,
            title,
            description,
            perspective: self.perspective,
        }
        .into())
    }
}

impl Evolve for ProblemRevised {
    fn evolve(&self, state: &mut State) {
        state.problems.insert(self.problem_id, state.version);
    }
}
