//! `assessJourneyStep`: a contributor judges one step of a client journey on
//! the checklist's three competences and on how client-centred it was, and
//! names its bottleneck, against the step's version as the client last saw
//! it.

use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::revise_action::present;
use super::{Actor, Evolve, Rule};
use crate::domain::decide::{optional_note, some_change, Allowed, Decided};
use crate::domain::{ConflictOn, DomainError, ItemKind, Note, Quality, State};

#[derive(Clone, Debug, PartialEq)]
pub struct AssessJourneyStep {
    pub journey_id: String,
    pub step_id: String,
    pub expected_version: i64,
    /// For each judgement: absent leaves it, `Some(None)` clears it.
    pub knowledge: Option<Option<Quality>>,
    pub attitude: Option<Option<Quality>>,
    pub skills: Option<Option<Quality>>,
    pub client_centred: Option<Option<Quality>>,
    /// `Some(None)`, or an empty note, clears the bottleneck.
    pub bottleneck: Option<Option<String>>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct JourneyStepAssessed {
    pub journey_id: Uuid,
    pub step_id: Uuid,
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "present"
    )]
    pub knowledge: Option<Option<Quality>>,
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "present"
    )]
    pub attitude: Option<Option<Quality>>,
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "present"
    )]
    pub skills: Option<Option<Quality>>,
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "present"
    )]
    pub client_centred: Option<Option<Quality>>,
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "present"
    )]
    pub bottleneck: Option<Option<Note>>,
}

impl Rule for AssessJourneyStep {
    const ALLOWED: Allowed = Allowed::CONTRIBUTORS;

    fn decide(self, state: &State, _: Actor) -> Result<Decided, DomainError> {
        let bottleneck = match self.bottleneck {
            Some(Some(b)) => Some(optional_note(&b, "bottleneck")?),
            Some(None) => Some(None),
            None => None,
        };
        some_change(&[
            self.knowledge.is_some(),
            self.attitude.is_some(),
            self.skills.is_some(),
            self.client_centred.is_some(),
            bottleneck.is_some(),
        ])?;
        // An unknown journey and a step of another journey are both the
        // step not being found where the client looked.
        let found = Uuid::parse_str(&self.journey_id)
            .ok()
            .and_then(|journey_id| {
                let journey = state.journeys.get(&journey_id)?;
                let step_id = Uuid::parse_str(&self.step_id).ok()?;
                let version = *journey.steps.get(&step_id)?;
                Some((journey_id, step_id, version))
            });
        let kind = if found.is_none()
            && Uuid::parse_str(&self.journey_id)
                .ok()
                .is_none_or(|id| !state.journeys.contains_key(&id))
        {
            ItemKind::Journey
        } else {
            ItemKind::JourneyStep
        };
        let (journey_id, step_id, current_version) = found.ok_or(DomainError::NotFound(kind))?;
        if self.expected_version != current_version {
            return Err(DomainError::Conflict(ConflictOn::Item {
                kind: ItemKind::JourneyStep,
                id: step_id,
                current_version,
            }));
        }
        Ok(JourneyStepAssessed {
            journey_id,
            step_id,
            knowledge: self.knowledge,
            attitude: self.attitude,
            skills: self.skills,
            client_centred: self.client_centred,
            bottleneck,
        }
        .into())
    }
}

impl Evolve for JourneyStepAssessed {
    fn evolve(&self, state: &mut State) {
        let version = state.version;
        if let Some(journey) = state.journeys.get_mut(&self.journey_id) {
            journey.steps.insert(self.step_id, version);
        }
    }
}
