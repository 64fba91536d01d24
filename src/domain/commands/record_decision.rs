//! `recordDecision`: a planner records a decision with what it was based
//! on, optionally superseding an earlier decision (once only).

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::{Actor, Evolve, Rule};
use crate::domain::decide::{
    bad, check_list_len, name_of, note_named, reference, references, text_of, Allowed, Decided,
};
use crate::domain::{DomainError, Name, Note, State, Text};

#[derive(Clone, Debug, PartialEq)]
pub struct RecordDecision {
    pub decision_id: Uuid,
    pub title: String,
    pub context: String,
    pub options_considered: Vec<String>,
    pub decision: String,
    pub rationale: String,
    pub based_on: Vec<String>,
    pub supersedes_decision_id: Option<String>,
    pub review_on: Option<NaiveDate>,
    pub consequences: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DecisionRecorded {
    pub decision_id: Uuid,
    pub title: Name,
    pub context: Text,
    pub options_considered: Vec<Name>,
    pub decision: Text,
    pub rationale: Text,
    pub based_on: Vec<Uuid>,
    pub supersedes_decision_id: Option<Uuid>,
    /// When the partners mean to look at this decision again.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub review_on: Option<NaiveDate>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub consequences: Option<Note>,
}

impl Rule for RecordDecision {
    const ALLOWED: Allowed = Allowed::PLANNERS;

    fn decide(self, state: &State, _: Actor) -> Result<Decided, DomainError> {
        let title = name_of(&self.title, "title")?;
        let context = text_of(&self.context, "context")?;
        check_list_len(self.options_considered.len(), "optionsConsidered")?;
        let options_considered = self
            .options_considered
            .iter()
            .map(|option| name_of(option, "optionsConsidered"))
            .collect::<Result<Vec<_>, _>>()?;
        let decision = text_of(&self.decision, "decision")?;
        let rationale = text_of(&self.rationale, "rationale")?;
        let consequences = self
            .consequences
            .map(|c| note_named(&c, "consequences"))
            .transpose()?;
        let based_on = references(&self.based_on, "basedOn", |id| state.is_referable(id))?;
        let supersedes_decision_id = self
            .supersedes_decision_id
            .map(|id| {
                let id = reference(&id, "supersedesDecisionId", |id| {
                    state.decisions.contains_key(id)
                })?;
                if state.decisions.get(&id) == Some(&true) {
                    return Err(bad("that decision has been superseded already"));
                }
                Ok(id)
            })
            .transpose()?;
        Ok(DecisionRecorded {
            decision_id: self.decision_id,
            title,
            context,
            options_considered,
            decision,
            rationale,
            based_on,
            supersedes_decision_id,
            review_on: self.review_on,
            consequences,
        }
        .into())
    }
}

impl Evolve for DecisionRecorded {
    fn evolve(&self, state: &mut State) {
        if let Some(superseded) = self.supersedes_decision_id {
            state.decisions.insert(superseded, true);
        }
        state.decisions.insert(self.decision_id, false);
    }
}
