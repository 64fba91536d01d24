//! `recordRisk`: a planner records a risk.

use async_graphql::{Context, InputObject, Object, Result, ID};

use super::{execute, new_id, own, RiskPayload};
use crate::api::enums::RiskLevel;
use crate::domain::{RecordRisk, RiskRecorded};

#[derive(InputObject)]
pub struct RecordRiskInput {
    pub werkplaats_id: ID,
    pub title: String,
    pub description: String,
    pub likelihood: RiskLevel,
    pub impact: RiskLevel,
    /// What reduces it (a note; empty means none).
    pub mitigation: Option<String>,
    /// The partner that keeps an eye on it.
    pub owner_partner_id: Option<ID>,
    pub command_id: Option<ID>,
}

#[derive(Default)]
pub struct RecordRiskMutation;

#[Object]
impl RecordRiskMutation {
    /// Records a risk in the risk register.
    async fn record_risk(&self, ctx: &Context<'_>, input: RecordRiskInput) -> Result<RiskPayload> {
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
