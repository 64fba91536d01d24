//! `reviseAction`: a planner changes some fields of an action that is not
//! final yet, against the action's version as the client last saw it.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::{Actor, Evolve, Rule};
use crate::domain::decide::{
    acted_on_action, name_of, reference, references, some_change, text_of, transition, Allowed,
    Decided,
};
use crate::domain::{DomainError, Name, State, Text};

#[derive(Clone, Debug, PartialEq)]
pub struct ReviseAction {
    pub action_id: String,
    pub expected_version: i64,
    pub title: Option<String>,
    pub goal: Option<String>,
    pub owner_partner_id: Option<String>,
    /// `Some(None)` clears the due date.
    pub due_date: Option<Option<NaiveDate>>,
    /// Replaces the list of indicators the action should move.
    pub indicator_ids: Option<Vec<String>>,
}

/// Only the fields present changed. `dueDate: null` clears the date, which
/// is why it is an option of an option: absent, cleared, or set.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ActionRevised {
    pub action_id: Uuid,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<Name>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub goal: Option<Text>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub owner_partner_id: Option<Uuid>,
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "present"
    )]
    pub due_date: Option<Option<NaiveDate>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub indicator_ids: Option<Vec<Uuid>>,
}

/// Deserialises a field that is present (even as `null`) into `Some`, so an
/// absent field (`None` by default) differs from an explicit null.
pub(crate) fn present<'de, D, T>(deserializer: D) -> Result<Option<T>, D::Error>
where
    D: serde::Deserializer<'de>,
    T: Deserialize<'de>,
{
    T::deserialize(deserializer).map(Some)
}

impl Rule for ReviseAction {
    const ALLOWED: Allowed = Allowed::PLANNERS;

    fn decide(self, state: &State, _: Actor) -> Result<Decided, DomainError> {
        let title = self.title.map(|t| name_of(&t, "title")).transpose()?;
        let goal = self.goal.map(|g| text_of(&g, "goal")).transpose()?;
        let owner_partner_id = self
            .owner_partner_id
            .map(|id| reference(&id, "ownerPartnerId", |id| state.partners.contains(id)))
            .transpose()?;
        let due_date = self.due_date;
        let indicator_ids = self
            .indicator_ids
            .map(|ids| {
                references(&ids, "indicatorIds", |id| {
                    state.indicators.contains_key(id)
                })
            })
            .transpose()?;
        some_change(&[
            title.is_some(),
            goal.is_some(),
            owner_partner_id.is_some(),
            due_date.is_some(),
            indicator_ids.is_some(),
        ])?;
        let (action_id, action) =
            acted_on_action(state, &self.action_id, Some(self.expected_version))?;
        if action.status.is_final() {
            return Err(transition("revise", action.status));
        }
        Ok(ActionRevised {
            action_id,
            title,
            goal,
            owner_partner_id,
            due_date,
            indicator_ids,
        }
        .into())
    }
}

impl Evolve for ActionRevised {
    fn evolve(&self, state: &mut State) {
        state.touch(self.action_id, |_| {});
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::Event;

    #[test]
    fn a_payload_reads_back_as_the_same_event() {
        let revised = Event::ActionRevised(ActionRevised {
            action_id: Uuid::nil(),
            title: None,
            goal: Some(Text::parse("Sneller", "goal").unwrap()),
            owner_partner_id: None,
            due_date: Some(None),
            indicator_ids: None,
        });
        let payload = revised.payload();
        assert_eq!(payload["dueDate"], serde_json::Value::Null);
        assert!(payload.get("title").is_none());
        let back = Event::from_stored("ActionRevised", 1, &payload).unwrap();
        assert_eq!(back, revised);
    }
}
