//! `proposeSolution`: a contributor proposes a solution for known problems,
//! saying what it is based on.

use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::{Actor, Evolve, Rule};
use crate::domain::decide::{bad, distinct, name_of, references, text_of, Allowed, Decided};
use crate::domain::{
    DomainError, EmpowermentCapital, EvidenceBasis, Limits, Name, RecognitionLevel, State, Text,
};

#[derive(Clone, Debug, PartialEq)]
pub struct ProposeSolution {
    pub solution_id: Uuid,
    pub title: String,
    pub description: String,
    pub basis: Vec<EvidenceBasis>,
    pub addresses_problem_ids: Vec<String>,
    pub capitals: Vec<EmpowermentCapital>,
    pub recognition: RecognitionLevel,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SolutionProposed {
    pub solution_id: Uuid,
    pub title: Name,
    pub description: Text,
    pub basis: Vec<EvidenceBasis>,
    pub addresses_problem_ids: Vec<Uuid>,
    /// Absent in events stored before solutions had them: none, and not
    /// assessed.
    #[serde(default)]
    pub capitals: Vec<EmpowermentCapital>,
    #[serde(default)]
    pub recognition: RecognitionLevel,
}

impl Rule for ProposeSolution {
    const ALLOWED: Allowed = Allowed::CONTRIBUTORS;

    fn decide(self, state: &State, _: Actor) -> Result<Decided, DomainError> {
        let title = name_of(&self.title, "title")?;
        let description = text_of(&self.description, "description")?;
        if self.basis.is_empty() || self.basis.len() > Limits::LIST_MAX {
            return Err(bad(format!("basis takes 1 to {} items", Limits::LIST_MAX)));
        }
        let addresses_problem_ids =
            references(&self.addresses_problem_ids, "addressesProblemIds", |id| {
                state.problems.contains_key(id)
            })?;
        distinct(&self.capitals, "capitals")?;
        Ok(SolutionProposed {
            solution_id: self.solution_id,
            title,
            description,
            basis: self.basis,
            addresses_problem_ids,
            capitals: self.capitals,
            recognition: self.recognition,
        }
        .into())
    }
}

impl Evolve for SolutionProposed {
    fn evolve(&self, state: &mut State) {
        state.solutions.insert(self.solution_id, state.version);
    }
}
