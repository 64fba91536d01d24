//! The closed vocabularies of a werkplaats, spelled as the contract spells
//! them (they are stored in event payloads with these names).

use serde::{Deserialize, Serialize};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum Role {
    Facilitator,
    Partner,
    ClientVoice,
    Evaluator,
    Observer,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum PartnerKind {
    Gemeente,
    Schuldhulpverlening,
    SociaalWerk,
    Clientenraad,
    Onderwijs,
    Werkgever,
    Woningcorporatie,
    Zorg,
    Fonds,
    Overig,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum Perspective {
    Client,
    Professional,
    Policy,
    Data,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum EvidenceBasis {
    Casuistry,
    Science,
    Practice,
}

/// Where an action stands in its PDCA cycle.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum ActionStatus {
    Planned,
    Doing,
    Checking,
    Adopted,
    Adapted,
    Abandoned,
}

impl ActionStatus {
    /// Adopted and abandoned actions are done with: nothing moves them again.
    pub fn is_final(self) -> bool {
        matches!(self, ActionStatus::Adopted | ActionStatus::Abandoned)
    }
}

/// The Act step of PDCA: what the partners do with what the check showed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum ActOutcome {
    Adopt,
    Adapt,
    Abandon,
}

impl ActOutcome {
    pub fn status(self) -> ActionStatus {
        match self {
            ActOutcome::Adopt => ActionStatus::Adopted,
            ActOutcome::Adapt => ActionStatus::Adapted,
            ActOutcome::Abandon => ActionStatus::Abandoned,
        }
    }
}

/// Which way an indicator should move to get better.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum Direction {
    Increase,
    Decrease,
}
