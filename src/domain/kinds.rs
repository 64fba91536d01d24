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

/// The tools of the step plans a step guide points to (the Movisie/Divosa
/// hulpmiddelen and the NJi worksheets), in the contract's order.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum MethodTool {
    Checklist,
    Klantreis,
    Pdca,
    Goals,
    Risks,
    Indicators,
}

/// What an indicator monitors, after NJi step 6: the process, its output, or
/// the outcome for households.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum IndicatorKind {
    Process,
    Output,
    #[default]
    Outcome,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum RiskLevel {
    Low,
    Medium,
    High,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum RiskStatus {
    #[default]
    Open,
    Mitigated,
    Occurred,
    Closed,
}

/// The empowerment capitals a solution invests in.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum EmpowermentCapital {
    Psychological,
    Social,
    Societal,
}

/// The rungs of the Dutch recognition of social interventions.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum RecognitionLevel {
    #[default]
    NotAssessed,
    WellDescribed,
    WellFounded,
    EffectiveFirstIndications,
    EffectiveGoodIndications,
    EffectiveStrongIndications,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum ReviewOutcome {
    Keep,
    Revise,
    Retire,
}

/// A judgement of one step of a client journey.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum Quality {
    Good,
    Adequate,
    Poor,
}

/// The three competences of the checklist kennis, houding en vaardigheden.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum Competence {
    Knowledge,
    Attitude,
    Skills,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum ChecklistAnswerValue {
    Yes,
    Partly,
    No,
}
