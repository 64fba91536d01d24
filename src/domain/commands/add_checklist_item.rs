//! `addChecklistItem`: a facilitator adds a statement of the werkplaats's
//! own to the checklist kennis, houding en vaardigheden, after the nine
//! standard ones.

use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::{Actor, Evolve, Rule};
use crate::domain::decide::{text_of, Allowed, Decided};
use crate::domain::{Competence, DomainError, State, Text};

#[derive(Clone, Debug, PartialEq)]
pub struct AddChecklistItem {
    pub item_id: Uuid,
    pub competence: Competence,
    pub statement: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ChecklistItemAdded {
    pub item_id: Uuid,
    pub competence: Competence,
    pub statement: Text,
}

impl Rule for AddChecklistItem {
    const ALLOWED: Allowed = Allowed::FACILITATORS;

    fn decide(self, _: &State, _: Actor) -> Result<Decided, DomainError> {
        Ok(ChecklistItemAdded {
            item_id: self.item_id,
            competence: self.competence,
            statement: text_of(&self.statement, "statement")?,
        }
        .into())
    }
}

impl Evolve for ChecklistItemAdded {
    fn evolve(&self, state: &mut State) {
        state.checklist.insert(self.item_id);
    }
}
