//! `reviseIndicator`: a facilitator corrects an indicator.

use async_graphql::{Context, InputObject, MaybeUndefined, Object, Result, ID};

use super::{clearable, execute, own, IndicatorPayload};
use crate::api::enums::IndicatorKind;
use crate::domain::{IndicatorRevised, ReviseIndicator};

#[derive(InputObject)]
pub struct ReviseIndicatorInput {
    pub werkplaats_id: ID,
    pub indicator_id: ID,
    /// The indicator's `version` as the client last saw it.
    pub expected_version: i32,
    pub name: Option<String>,
    pub unit: Option<String>,
    /// Must still lie beyond the baseline in the indicator's direction.
    pub norm: Option<f64>,
    pub kind: Option<IndicatorKind>,
    /// An explicit `null` unlinks the indicator from its goal.
    pub goal_id: MaybeUndefined<ID>,
    pub command_id: Option<ID>,
}

#[derive(Default)]
pub struct ReviseIndicatorMutation;

#[Object]
impl ReviseIndicatorMutation {
    /// Corrects the given fields of an indicator (facilitator).
    async fn revise_indicator(&self, ctx: &Context<'_>, input: ReviseIndicatorInput) -> Result<IndicatorPayload> {
        let command = ReviseIndicator {
            indicator_id: input.indicator_id.0,
            expected_version: i64::from(input.expected_version),
            name: input.name,
            unit: input.unit,
            norm: input.norm,
            kind: input.kind.map(Into::into),
            goal_id: clearable(input.goal_id, |id| id.0),
        };
        let (werkplaats, executed) =
            execute(ctx, &input.werkplaats_id, command, input.command_id).await?;
        let revised: &IndicatorRevised = own(&executed)?;
        IndicatorPayload::of(&werkplaats, &executed, revised.indicator_id)
    }
}
