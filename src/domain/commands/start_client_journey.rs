//! `startClientJourney`: a contributor starts a client journey (klantreis,
//! Movisie hulpmiddel 2): the route one pseudonymised household takes past
//! the partners, step by step.

use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::{Actor, Evolve, Rule};
use crate::domain::decide::{name_of, text_of, Allowed, Decided};
use crate::domain::{DomainError, JourneyState, Name, State, Text};

#[derive(Clone, Debug, PartialEq)]
pub struct StartClientJourney {
    pub journey_id: Uuid,
    pub title: String,
    pub situation: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ClientJourneyStarted {
    pub journey_id: Uuid,
    pub title: Name,
    /// A pseudonymised situation, never a real client's name.
    pub situation: Text,
}

impl Rule for StartClientJourney {
    const ALLOWED: Allowed = Allowed::CONTRIBUTORS;

    fn decide(self, _: &State, _: Actor) -> Result<Decided, DomainError> {
        Ok(ClientJourneyStarted {
            journey_id: self.journey_id,
            title: name_of(&self.title, "title")?,
            situation: text_of(&self.situation, "situation")?,
        }
        .into())
    }
}

impl Evolve for ClientJourneyStarted {
    fn evolve(&self, state: &mut State) {
        state
            .journeys
            .insert(self.journey_id, JourneyState::default());
    }
}
