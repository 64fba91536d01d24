//! The contract's enums, mirrored from the domain's (which know nothing of
//! GraphQL).

use async_graphql::Enum;

use crate::domain;

#[derive(Enum, Clone, Copy, PartialEq, Eq)]
#[graphql(remote = "domain::Methodology")]
pub enum Methodology {
    SchoudersEronder,
    MovisieVijfStappen,
    NjiZevenStappen,
}

#[derive(Enum, Clone, Copy, PartialEq, Eq)]
#[graphql(remote = "domain::Role")]
pub enum Role {
    Facilitator,
    Partner,
    ClientVoice,
    Evaluator,
    Observer,
}

#[derive(Enum, Clone, Copy, PartialEq, Eq)]
#[graphql(remote = "domain::PartnerKind")]
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

#[derive(Enum, Clone, Copy, PartialEq, Eq)]
#[graphql(remote = "domain::Perspective")]
pub enum Perspective {
    Client,
    Professional,
    Policy,
    Data,
}

#[derive(Enum, Clone, Copy, PartialEq, Eq)]
#[graphql(remote = "domain::EvidenceBasis")]
pub enum EvidenceBasis {
    Casuistry,
    Science,
    Practice,
}

#[derive(Enum, Clone, Copy, PartialEq, Eq)]
#[graphql(remote = "domain::ActionStatus")]
pub enum ActionStatus {
    Planned,
    Doing,
    Checking,
    Adopted,
    Adapted,
    Abandoned,
}

#[derive(Enum, Clone, Copy, PartialEq, Eq)]
#[graphql(remote = "domain::ActOutcome")]
pub enum ActOutcome {
    Adopt,
    Adapt,
    Abandon,
}

#[derive(Enum, Clone, Copy, PartialEq, Eq)]
#[graphql(remote = "domain::Direction")]
pub enum Direction {
    Increase,
    Decrease,
}

/// A tool of the step plans that serves a step.
#[derive(Enum, Clone, Copy, PartialEq, Eq)]
#[graphql(remote = "domain::MethodTool")]
pub enum MethodTool {
    /// The checklist kennis, houding en vaardigheden (Movisie hulpmiddel 1).
    Checklist,
    /// The client journey (Movisie hulpmiddel 2).
    Klantreis,
    /// The Plan-Do-Check-Act form (Movisie hulpmiddel 3).
    Pdca,
    /// Shared goals and societal results with their indicators.
    Goals,
    /// Risks and what reduces them.
    Risks,
    /// Indicators with baseline, norm and measurements.
    Indicators,
}

/// What an indicator monitors: the process, its output or the outcome.
#[derive(Enum, Clone, Copy, PartialEq, Eq)]
#[graphql(remote = "domain::IndicatorKind")]
pub enum IndicatorKind {
    /// How the work goes, e.g. how fast signals are followed up.
    Process,
    /// What the work delivers, e.g. how many use a provision.
    Output,
    /// What changes for households, e.g. fewer on social assistance.
    Outcome,
}

/// How likely a risk is, or how hard it would hit.
#[derive(Enum, Clone, Copy, PartialEq, Eq)]
#[graphql(remote = "domain::RiskLevel")]
pub enum RiskLevel {
    /// Small.
    Low,
    /// Medium.
    Medium,
    /// Large.
    High,
}

/// Where a risk stands.
#[derive(Enum, Clone, Copy, PartialEq, Eq)]
#[graphql(remote = "domain::RiskStatus")]
pub enum RiskStatus {
    /// Still possible, nothing done yet.
    Open,
    /// Reduced by what the partners did.
    Mitigated,
    /// It happened.
    Occurred,
    /// No longer relevant; final.
    Closed,
}

/// An empowerment capital a solution invests in.
#[derive(Enum, Clone, Copy, PartialEq, Eq)]
#[graphql(remote = "domain::EmpowermentCapital")]
pub enum EmpowermentCapital {
    /// Confidence, hope, grip on one's own life.
    Psychological,
    /// Family, friends and the network around someone.
    Social,
    /// Work, income, education and taking part in society.
    Societal,
}

/// The rungs of the Dutch recognition of social interventions.
#[derive(Enum, Clone, Copy, PartialEq, Eq)]
#[graphql(remote = "domain::RecognitionLevel")]
pub enum RecognitionLevel {
    /// Not assessed.
    NotAssessed,
    /// Well described.
    WellDescribed,
    /// Well founded in theory.
    WellFounded,
    /// Effective, first indications.
    EffectiveFirstIndications,
    /// Effective, good indications.
    EffectiveGoodIndications,
    /// Effective, strong indications.
    EffectiveStrongIndications,
}

/// What a review concluded about a decision.
#[derive(Enum, Clone, Copy, PartialEq, Eq)]
#[graphql(remote = "domain::ReviewOutcome")]
pub enum ReviewOutcome {
    /// The decision stands as it is.
    Keep,
    /// The decision stands but needs working out again.
    Revise,
    /// The decision no longer applies; it leaves the review cycle.
    Retire,
}

/// A judgement of one step of a client journey.
#[derive(Enum, Clone, Copy, PartialEq, Eq)]
#[graphql(remote = "domain::Quality")]
pub enum Quality {
    /// Good.
    Good,
    /// Adequate.
    Adequate,
    /// Poor.
    Poor,
}

/// The three competences of the checklist kennis, houding en vaardigheden.
#[derive(Enum, Clone, Copy, PartialEq, Eq)]
#[graphql(remote = "domain::Competence")]
pub enum Competence {
    /// Knowledge (kennis).
    Knowledge,
    /// Attitude (houding).
    Attitude,
    /// Skills (vaardigheden).
    Skills,
}

/// A partner's answer to a checklist statement.
#[derive(Enum, Clone, Copy, PartialEq, Eq)]
#[graphql(remote = "domain::ChecklistAnswerValue")]
pub enum ChecklistAnswerValue {
    /// Yes, this holds for our organisation.
    Yes,
    /// Partly.
    Partly,
    /// No, not yet.
    No,
}
