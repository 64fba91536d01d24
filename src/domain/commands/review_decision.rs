//! `reviewDecision`: a planner looks at a decision again on or after its
//! review date and keeps it, revises it or retires it. Keeping and revising
//! set the next review date; retiring takes the decision out of the review
//! cycle for good.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::{Actor, Evolve, Rule};
use crate::domain::decide::{acted_on, bad, text_of, Allowed, Decided};
use crate::domain::{DomainError, ItemKind, ReviewOutcome, State, Text};

#[derive(Clone, Debug, PartialEq)]
pub struct ReviewDecision {
    pub decision_id: String,
    pub outcome: ReviewOutcome,
    pub note: String,
    pub next_review_on: Option<NaiveDate>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DecisionReviewed {
    pub decision_id: Uuid,
    pub outcome: ReviewOutcome,
    pub note: Text,
    pub next_review_on: Option<NaiveDate>,
}

impl Rule for ReviewDecision {
    const ALLOWED: Allowed = Allowed::PLANNERS;

    fn decide(self, state: &State, _: Actor) -> Result<Decided, DomainError> {
        let note = text_of(&self.note, "note")?;
        if self.outcome == ReviewOutcome::Retire && self.next_review_on.is_some() {
            return Err(bad("a retired decision has no next review date"));
        }
        let decision_id = acted_on(&self.decision_id, ItemKind::Decision, |id| {
            state.decisions.contains_key(id)
        })?;
        if state.decisions[&decision_id] {
            return Err(DomainError::InvalidState(
                "a superseded decision cannot be reviewed".into(),
            ));
        }
        if state.retired.contains(&decision_id) {
            return Err(DomainError::InvalidState(
                "a retired decision cannot be reviewed".into(),
            ));
        }
        Ok(DecisionReviewed {
            decision_id,
            outcome: self.outcome,
            note,
            next_review_on: self.next_review_on,
        }
        .into())
    }
}

impl Evolve for DecisionReviewed {
    fn evolve(&self, state: &mut State) {
        if self.outcome == ReviewOutcome::Retire {
            state.retired.insert(self.decision_id);
        }
    }
}
