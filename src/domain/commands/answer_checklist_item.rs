//! `answerChecklistItem`: a partner organisation answers a checklist
//! statement for itself (a facilitator may answer for any partner). A new
//! answer replaces the partner's earlier one.

use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::{Actor, Evolve, Rule};
use crate::domain::decide::{acted_on, note_of, reference, Allowed, Decided};
use crate::domain::{ChecklistAnswerValue, DomainError, ItemKind, Note, Role, State};

#[derive(Clone, Debug, PartialEq)]
pub struct AnswerChecklistItem {
    pub item_id: String,
    pub partner_id: String,
    pub answer: ChecklistAnswerValue,
    pub note: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ChecklistItemAnswered {
    pub item_id: Uuid,
    pub partner_id: Uuid,
    pub answer: ChecklistAnswerValue,
    pub note: Option<Note>,
}

impl Rule for AnswerChecklistItem {
    const ALLOWED: Allowed = Allowed::PLANNERS;

    fn decide(self, state: &State, by: Actor) -> Result<Decided, DomainError> {
        let partner_id = reference(&self.partner_id, "partnerId", |id| {
            state.partners.contains(id)
        })?;
        let note = self.note.map(|n| note_of(&n)).transpose()?;
        let item_id = acted_on(&self.item_id, ItemKind::ChecklistItem, |id| {
            state.checklist.contains(id)
        })?;
        // The contract ranks this after the item: only a partner's own
        // organisation is theirs to answer for.
        if let Actor::Member(member) = by {
            let facilitator = state.members.get(&member) == Some(&Role::Facilitator);
            if !facilitator && state.partner_of(&member) != Some(partner_id) {
                return Err(DomainError::Forbidden);
            }
        }
        Ok(ChecklistItemAnswered {
            item_id,
            partner_id,
            answer: self.answer,
            note,
        }
        .into())
    }
}

impl Evolve for ChecklistItemAnswered {
    fn evolve(&self, _: &mut State) {}
}
