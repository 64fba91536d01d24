//! `reviseRisk`: a planner updates a risk.

use async_graphql::{Context, InputObject, MaybeUndefined, Object, Result, ID};

use super::{clearable, execute, own, RiskPayload};
use crate::api::enums::{RiskLevel, RiskStatus};
use crate::domain::{ReviseRisk, RiskRevised};

/// Changes to a risk; only the fields given change.
#[derive(InputObject)]
pub struct ReviseRiskInput {
    /// The werkplaats the risk belongs to.
    pub werkplaats_id: ID,
    /// The risk to change.
    pub risk_id: ID,
    /// The risk's `version` as you last saw it: if the risk changed since,
    /// nothing is changed and you are told so.
    pub expected_version: i32,
    /// A new short name.
    pub title: Option<String>,
    /// A new description of the risk.
    pub description: Option<String>,
    /// How likely it is now.
    pub likelihood: Option<RiskLevel>,
    /// How hard it would hit now.
    pub impact: Option<RiskLevel>,
    /// An explicit `null`, or empty, clears it.
    pub mitigation: MaybeUndefined<String>,
    /// An explicit `null` leaves the risk without an owner.
    pub owner_partner_id: MaybeUndefined<ID>,
    /// A `CLOSED` risk is final.
    pub status: Option<RiskStatus>,
    /// Send the same id again after a timeout and the command is not applied
    /// twice.
    pub command_id: Option<ID>,
}

#[derive(Default)]
pub struct ReviseRiskMutation;

#[Object]
impl ReviseRiskMutation {
    /// Changes the given fields of a risk.
    async fn revise_risk(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The risk and what to change.")] input: ReviseRiskInput,
    ) -> Result<RiskPayload> {
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
