//! `reviseSolution`: a contributor corrects a proposed solution, with the
//! same limits and references as proposing it, against the solution's
//! version as the client last saw it.

use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::{Actor, Evolve, Rule};
use crate::domain::decide::{
    acted_on_version, bad, distinct, name_of, references, some_change, text_of, Allowed, Decided,
};
use crate::domain::{
    DomainError, EmpowermentCapital, EvidenceBasis, ItemKind, Limits, Name, RecognitionLevel,
    State, Text,
};

#[derive(Clone, Debug, PartialEq)]
pub struct ReviseSolution {
    pub solution_id: String,
    pub expected_version: i64,
    pub title: Option<String>,
    pub description: Option<String>,
    pub basis: Option<Vec<EvidenceBasis>>,
    pub addresses_problem_ids: Option<Vec<String>>,
    pub capitals: Option<Vec<EmpowermentCapital>>,
    pub recognition: Option<RecognitionLevel>,
}

/// Only the fields present changed; a list present replaces the old one.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SolutionRevised {
    pub solution_id: Uuid,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<Name>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<Text>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub basis: Option<Vec<EvidenceBasis>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub addresses_problem_ids: Option<Vec<Uuid>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub capitals: Option<Vec<EmpowermentCapital>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub recognition: Option<RecognitionLevel>,
}

impl Rule for ReviseSolution {
    const ALLOWED: Allowed = Allowed::CONTRIBUTORS;

    fn decide(self, state: &State, _: Actor) -> Result<Decided, DomainError> {
        let title = self.title.map(|t| name_of(&t, "title")).transpose()?;
        let description = self
            .description
            .map(|d| text_of(&d, "description"))
            .transpose()?;
        if let Some(basis) = &self.basis {
            if basis.is_empty() || basis.len() > Limits::LIST_MAX {
                return Err(bad(format!("basis takes 1 to {} items", Limits::LIST_MAX)));
            }
        }
        let addresses_problem_ids = self
            .addresses_problem_ids
            .map(|ids| {
                references(&ids, "addressesProblemIds", |id| {
                    state.problems.contains_key(id)
                })
            })
            .transpose()?;
        if let Some(capitals) = &self.capitals {
            distinct(capitals, "capitals")?;
        }
        some_change(&[
            title.is_some(),
            description.is_some(),
            self.basis.is_some(),
            addresses_problem_ids.is_some(),
            self.capitals.is_some(),
            self.recognition.is_some(),
        ])?;
        let solution_id = acted_on_version(
            &self.solution_id,
            ItemKind::Solution,
            self.expected_version,
            |id| state.solutions.get(id).copied(),
        )?;
        Ok(SolutionRevised {
            solution_id,
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

impl Evolve for SolutionRevised {
    fn evolve(&self, state: &mut State) {
        state.solutions.insert(self.solution_id, state.version);
    }
}
