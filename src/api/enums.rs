//! The contract's enums, mirrored from the domain's (which know nothing of
//! GraphQL).

use async_graphql::Enum;

use crate::domain;

/// The step plan a werkplaats follows; it fixes the phases.
#[derive(Enum, Clone, Copy, PartialEq, Eq)]
#[graphql(remote = "domain::Methodology")]
pub enum Methodology {
    /// Schouders eronder, in three phases: probleemanalyse, oplossingen
    /// verkennen, actieplan en evaluatie.
    SchoudersEronder,
    /// Movisie's five steps: voorbereiden, verkennen, verbeelden, vormgeven,
    /// verankeren.
    MovisieVijfStappen,
    /// NJi's seven steps, from urgentie to uitvoeren; after the last step the
    /// cycle goes back to step 3 (gegevens).
    NjiZevenStappen,
}

/// What a member may do in the werkplaats.
#[derive(Enum, Clone, Copy, PartialEq, Eq)]
#[graphql(remote = "domain::Role")]
pub enum Role {
    /// Leads the werkplaats: invites members, advances the phase, defines
    /// indicators.
    Facilitator,
    /// Takes part for a partner organisation: records problems, solutions,
    /// decisions, actions and measurements, and runs the PDCA cycles.
    Partner,
    /// Brings in what clients experience (for example an expert by experience):
    /// records problems, solutions and reflections.
    ClientVoice,
    /// Follows the werkplaats to evaluate it: reads everything and may record
    /// checkpoints of the trail.
    Evaluator,
    /// Reads everything and writes nothing.
    Observer,
}

/// The kind of organisation a partner is.
#[derive(Enum, Clone, Copy, PartialEq, Eq)]
#[graphql(remote = "domain::PartnerKind")]
pub enum PartnerKind {
    /// The municipality (gemeente).
    Gemeente,
    /// Debt help (schuldhulpverlening).
    Schuldhulpverlening,
    /// Social work (sociaal werk).
    SociaalWerk,
    /// A client council (clientenraad).
    Clientenraad,
    /// A school or other education (onderwijs).
    Onderwijs,
    /// An employer (werkgever).
    Werkgever,
    /// A housing association (woningcorporatie).
    Woningcorporatie,
    /// Health care or social care (zorg).
    Zorg,
    /// A fund or charity (fonds).
    Fonds,
    /// Any other kind of organisation (overig).
    Overig,
}

/// Whose view a problem describes.
#[derive(Enum, Clone, Copy, PartialEq, Eq)]
#[graphql(remote = "domain::Perspective")]
pub enum Perspective {
    /// As the client experiences it.
    Client,
    /// As professionals see it in their work.
    Professional,
    /// As policy, rules and organisations shape it.
    Policy,
    /// As figures and research show it.
    Data,
}

/// Where the idea for a solution comes from.
#[derive(Enum, Clone, Copy, PartialEq, Eq)]
#[graphql(remote = "domain::EvidenceBasis")]
pub enum EvidenceBasis {
    /// Cases: what partners saw happen to real households.
    Casuistry,
    /// Research.
    Science,
    /// Experience from practice, here or elsewhere.
    Practice,
}

/// Where an action stands in its PDCA cycle.
#[derive(Enum, Clone, Copy, PartialEq, Eq)]
#[graphql(remote = "domain::ActionStatus")]
pub enum ActionStatus {
    /// Planned, not started yet (Plan).
    Planned,
    /// Being carried out (Do).
    Doing,
    /// Its results are being checked (Check).
    Checking,
    /// It worked and is kept as the way of working; final.
    Adopted,
    /// Changed after the check; it can start again in a new cycle.
    Adapted,
    /// Stopped, as it did not work; final.
    Abandoned,
}

/// What the partners conclude after checking an action (PDCA: Act).
#[derive(Enum, Clone, Copy, PartialEq, Eq)]
#[graphql(remote = "domain::ActOutcome")]
pub enum ActOutcome {
    /// Keep it: the action becomes the way of working.
    Adopt,
    /// Change it and try again in a new cycle.
    Adapt,
    /// Stop it.
    Abandon,
}

/// Which way an indicator should move to get better.
#[derive(Enum, Clone, Copy, PartialEq, Eq)]
#[graphql(remote = "domain::Direction")]
pub enum Direction {
    /// Higher is better; the norm lies above the baseline.
    Increase,
    /// Lower is better; the norm lies below the baseline.
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
