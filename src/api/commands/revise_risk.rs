//! `reviseRisk`: a planner updates a risk.

use async_graphql::{Context, InputObject, MaybeUndefined, Object, Result, ID};

use super::{clearable, execute, own, RiskPayload};
use crate::api::enums::{RiskLevel, RiskStatus};
use crate::domain::{ReviseRisk, RiskRevised};

#[derive(InputObject)]
pub struct ReviseRiskInput {
    pub werkplaats_id: ID,
    pub risk_id: ID,
    /// The risk's `version` as the client last saw it.
    pub expected_version: i32,
    pub title: Option<String>,
    pub description: Option<String>,
    pub likelihood: Option<RiskLevel>,
    pub impact: Option<RiskLevel>,
    /// An explicit `null`, or empty, clears it.
    pub mitigation: MaybeUndefined<String>,
    /// An explicit `null` leaves the risk without an owner.
    pub owner_partner_id: MaybeUndefined<ID>,
    /// A `CLOSED` risk is final.
    pub status: Option<RiskStatus>,
    pub command_id: Option<ID>,
}

#[derive(Default)]
pub struct ReviseRiskMutation;

#[Object]
impl ReviseRiskMutation {
    /// Changes the given fields of a risk.
    async fn revise_risk(&self, ctx: &Context<'_>, input: ReviseRiskInput) -> Result<RiskPayload> {
        let command = ReviseRisk {
            risk_id: input.risk_id.0,
            expected_version: i64::from(input.expected_version),
            title: input.title,
            description: input.description,
            likelihood: input.likelihood.map(Into::into),
            impact: input.impact.map(Into::into),
            mitigation: clearable(input.mitigation, |m| m),
            owner_partner_id: clearable(input.owner_partner_id, |id| id.0),
            status: input.status.map(Into::into),
        };
        let (werkplaats, executed) =
            execute(ctx, &input.werkplaats_id, command, input.command_id).await?;
        let revised: &RiskRevised = own(&executed)?;
        RiskPayload::of(&werkplaats, &executed, revised.risk_id)
    }
}
