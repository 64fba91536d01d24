//! `recordRisk`: a planner records a risk.

use async_graphql::{Context, InputObject, Object, Result, ID};

use super::{execute, new_id, own, RiskPayload};
use crate::api::enums::RiskLevel;
use crate::domain::{RecordRisk, RiskRecorded};

/// A risk to add to the risk register.
#[derive(InputObject)]
pub struct RecordRiskInput {
    /// The werkplaats the risk belongs to.
    pub werkplaats_id: ID,
    /// A short name for the risk.
    pub title: String,
    /// The risk in full: what could go wrong, and what would follow.
    pub description: String,
    /// How likely it is to happen.
    pub likelihood: RiskLevel,
    /// How hard it would hit.
    pub impact: RiskLevel,
    /// What reduces it (a note; empty means none).
    pub mitigation: Option<String>,
    /// The partner that keeps an eye on it.
    pub owner_partner_id: Option<ID>,
    /// Send the same id again after a timeout and the command is not applied
    /// twice.
    pub command_id: Option<ID>,
}

#[derive(Default)]
pub struct RecordRiskMutation;

#[Object]
impl RecordRiskMutation {
    /// Records a risk in the risk register.
    async fn record_risk(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The risk to record.")] input: RecordRiskInput,
    ) -> Result<RiskPayload> {
        let command = RecordRisk {
            risk_id: new_id(),
            title: input.title,
            description: input.description,
            likelihood: input.likelihood.into(),
            impact: input.impact.into(),
            mitigation: input.mitigation,
            owner_partner_id: input.owner_partner_id.map(|id| id.0),
        };
        let (werkplaats, executed) =
            execute(ctx, &input.werkplaats_id, command, input.command_id).await?;
        let recorded: &RiskRecorded = own(&executed)?;
        RiskPayload::of(&werkplaats, &executed, recorded.risk_id)
    }
}
