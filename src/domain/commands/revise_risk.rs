//! `reviseRisk`: a planner updates a risk — its estimate, its mitigation,
//! its owner or its status — against the risk's version as the client last
//! saw it. A closed risk is final.

use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::revise_action::present;
use super::{Actor, Evolve, Rule};
use crate::domain::decide::{
    acted_on_version, name_of, optional_note, reference, some_change, text_of, Allowed, Decided,
};
use crate::domain::{DomainError, ItemKind, Name, Note, RiskLevel, RiskStatus, State, Text};

#[derive(Clone, Debug, PartialEq)]
pub struct ReviseRisk {
    pub risk_id: String,
    pub expected_version: i64,
    pub title: Option<String>,
    pub description: Option<String>,
    pub likelihood: Option<RiskLevel>,
    pub impact: Option<RiskLevel>,
    /// `Some(None)`, or an empty note, clears the mitigation.
    pub mitigation: Option<Option<String>>,
    /// `Some(None)` leaves the risk without an owner.
    pub owner_partner_id: Option<Option<String>>,
    pub status: Option<RiskStatus>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RiskRevised {
    pub risk_id: Uuid,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<Name>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<Text>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub likelihood: Option<RiskLevel>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub impact: Option<RiskLevel>,
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "present"
    )]
    pub mitigation: Option<Option<Note>>,
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "present"
    )]
    pub owner_partner_id: Option<Option<Uuid>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<RiskStatus>,
}

impl Rule for ReviseRisk {
    const ALLOWED: Allowed = Allowed::PLANNERS;

    fn decide(self, state: &State, _: Actor) -> Result<Decided, DomainError> {
        let title = self.title.map(|t| name_of(&t, "title")).transpose()?;
        let description = self
            .description
            .map(|d| text_of(&d, "description"))
            .transpose()?;
        let mitigation = match self.mitigation {
            Some(Some(m)) => Some(optional_note(&m, "mitigation")?),
            Some(None) => Some(None),
            None => None,
        };
        let owner_partner_id = match self.owner_partner_id {
            Some(Some(id)) => Some(Some(reference(&id, "ownerPartnerId", |id| {
                state.partners.contains(id)
            })?)),
            Some(None) => Some(None),
            None => None,
        };
        some_change(&[
            title.is_some(),
            description.is_some(),
            self.likelihood.is_some(),
            self.impact.is_some(),
            mitigation.is_some(),
            owner_partner_id.is_some(),
            self.status.is_some(),
        ])?;
        let risk_id = acted_on_version(&self.risk_id, ItemKind::Risk, self.expected_version, |id| {
            state.risks.get(id).map(|risk| risk.version)
        })?;
        if state.risks[&risk_id].status == RiskStatus::Closed {
            return Err(DomainError::InvalidState(
                "a closed risk cannot change any more".into(),
            ));
        }
        Ok(RiskRevised {
            risk_id,
            title,
            description,
            likelihood: self.likelihood,
            impact: self.impact,
            mitigation,
            owner_partner_id,
            status: self.status,
        }
        .into())
    }
}

impl Evolve for RiskRevised {
    fn evolve(&self, state: &mut State) {
        let version = state.version;
        if let Some(risk) = state.risks.get_mut(&self.risk_id) {
            if let Some(status) = self.status {
                risk.status = status;
            }
            risk.version = version;
        }
    }
}
