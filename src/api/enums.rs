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
