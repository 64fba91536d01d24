//! `recordRisk`: a planner records a risk to the approach, how likely it is,
//! what it would do, what reduces it and which partner watches it
//! (Movisie step 3).

use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::{Actor, Evolve, Rule};
use crate::domain::decide::{name_of, optional_note, reference, text_of, Allowed, Decided};
use crate::domain::{DomainError, Name, Note, RiskLevel, RiskState, RiskStatus, State, Text};

#[derive(Clone, Debug, PartialEq)]
pub struct RecordRisk {
    pub risk_id: Uuid,
    pub title: String,
    pub description: String,
    pub likelihood: RiskLevel,
    pub impact: RiskLevel,
    pub mitigation: Option<String>,
    pub owner_partner_id: Option<String>,
}

/// A risk starts `OPEN`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RiskRecorded {
    pub risk_id: Uuid,
    pub title: Name,
    pub description: Text,
    pub likelihood: RiskLevel,
    pub impact: RiskLevel,
    pub mitigation: Option<Note>,
    pub owner_partner_id: Option<Uuid>,
}

impl Rule for RecordRisk {
    const ALLOWED: Allowed = Allowed::PLANNERS;

    fn decide(self, state: &State, _: Actor) -> Result<Decided, DomainError> {
        Ok(RiskRecorded {
            risk_id: self.risk_id,
            title: name_of(&self.title, "title")?,
            description: text_of(&self.description, "description")?,
            likelihood: self.likelihood,
            impact: self.impact,
            mitigation: match self.mitigation {
                Some(m) => optional_note(&m, "mitigation")?,
                None => None,
            },
            owner_partner_id: self
                .owner_partner_id
                .map(|id| reference(&id, "ownerPartnerId", |id| state.partners.contains(id)))
                .transpose()?,
        }
        .into())
    }
}

impl Evolve for RiskRecorded {
    fn evolve(&self, state: &mut State) {
        let risk = RiskState {
            status: RiskStatus::Open,
            version: state.version,
        };
        state.risks.insert(self.risk_id, risk);
    }
}
