//! `addJourneyStep`: a contributor adds the next step of a client journey:
//! what happened, at which partner, and how many days it took.

use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::{Actor, Evolve, Rule};
use crate::domain::decide::{acted_on, bad, name_of, reference, text_of, Allowed, Decided};
use crate::domain::{DomainError, ItemKind, Name, State, Text};

/// About ten years: longer than any route to help should take.
const DAYS_MAX: i32 = 3_650;

#[derive(Clone, Debug, PartialEq)]
pub struct AddJourneyStep {
    pub journey_id: String,
    pub step_id: Uuid,
    pub title: String,
    pub description: String,
    pub partner_id: Option<String>,
    pub days: Option<i32>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct JourneyStepAdded {
    pub journey_id: Uuid,
    pub step_id: Uuid,
    pub title: Name,
    pub description: Text,
    pub partner_id: Option<Uuid>,
    pub days: Option<i32>,
}

impl Rule for AddJourneyStep {
    const ALLOWED: Allowed = Allowed::CONTRIBUTORS;

    fn decide(self, state: &State, _: Actor) -> Result<Decided, DomainError> {
        let title = name_of(&self.title, "title")?;
        let description = text_of(&self.description, "description")?;
        let partner_id = self
            .partner_id
            .map(|id| reference(&id, "partnerId", |id| state.partners.contains(id)))
            .transpose()?;
        if let Some(days) = self.days.filter(|days| !(0..=DAYS_MAX).contains(days)) {
            return Err(bad(format!("days lies between 0 and {DAYS_MAX}, got {days}")));
        }
        let journey_id = acted_on(&self.journey_id, ItemKind::Journey, |id| {
            state.journeys.contains_key(id)
        })?;
        Ok(JourneyStepAdded {
            journey_id,
            step_id: self.step_id,
            title,
            description,
            partner_id,
            days: self.days,
        }
        .into())
    }
}

impl Evolve for JourneyStepAdded {
    fn evolve(&self, state: &mut State) {
        let version = state.version;
        if let Some(journey) = state.journeys.get_mut(&self.journey_id) {
            journey.steps.insert(self.step_id, version);
        }
    }
}
