//! `proposeSolution`: a contributor proposes a solution for known problems,
//! saying what it is based on.

use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::{Evolve, Rule};
use crate::domain::decide::{bad, name_of, references, text_of, Allowed, Decided};
use crate::domain::{DomainError, EvidenceBasis, Limits, Name, State, Text};

#[derive(Clone, Debug, PartialEq)]
pub struct ProposeSolution {
    pub solution_id: Uuid,
    pub title: String,
    pub description: String,
    pub basis: Vec<EvidenceBasis>,
    pub addresses_problem_ids: Vec<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SolutionProposed {
    pub solution_id: Uuid,
    pub title: Name,
    pub description: Text,
    pub basis: Vec<EvidenceBasis>,
    pub addresses_problem_ids: Vec<Uuid>,
}

impl Rule for ProposeSolution {
    const ALLOWED: Allowed = Allowed::CONTRIBUTORS;

    fn decide(self, state: &State) -> Result<Decided, DomainError> {
        let title = name_of(&self.title, "title")?;
        let description = text_of(&self.description, "description")?;
        if self.basis.is_empty() || self.basis.len() > Limits::LIST_MAX {
            return Err(bad(format!("basis takes 1 to {} items", Limits::LIST_MAX)));
        }
        let addresses_problem_ids =
            references(&self.addresses_problem_ids, "addressesProblemIds", |id| {
                state.problems.contains(id)
            })?;
        Ok(SolutionProposed {
            solution_id: self.solution_id,
            title,
            description,
            basis: self.basis,
            addresses_problem_ids,
        }
        .into())
    }
}

impl Evolve for SolutionProposed {
    fn evolve(&self, state: &mut State) {
        state.solutions.insert(self.solution_id);
    }
}
