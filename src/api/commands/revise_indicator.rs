//! `reviseIndicator`: a facilitator corrects an indicator.

use async_graphql::{Context, InputObject, MaybeUndefined, Object, Result, ID};

use super::{clearable, execute, own, IndicatorPayload};
use crate::api::enums::IndicatorKind;
use crate::domain::{IndicatorRevised, ReviseIndicator};

/// Corrections to an indicator; only the fields given change.
#[derive(InputObject)]
pub struct ReviseIndicatorInput {
    /// The werkplaats the indicator belongs to.
    pub werkplaats_id: ID,
    /// The indicator to correct.
    pub indicator_id: ID,
    /// The indicator's `version` as you last saw it: if the indicator changed
    /// since, nothing is changed and you are told so.
    pub expected_version: i32,
    /// A new name for what is measured.
    pub name: Option<String>,
    /// A new unit.
    pub unit: Option<String>,
    /// Must still lie beyond the baseline in the indicator's direction.
    pub norm: Option<f64>,
    /// What it monitors: the process, its output or the outcome.
    pub kind: Option<IndicatorKind>,
    /// An explicit `null` unlinks the indicator from its goal.
    pub goal_id: MaybeUndefined<ID>,
    /// Send the same id again after a timeout and the command is not applied
    /// twice.
    pub command_id: Option<ID>,
}

#[derive(Default)]
pub struct ReviseIndicatorMutation;

#[Object]
impl ReviseIndicatorMutation {
    /// Corrects the given fields of an indicator (facilitator).
    async fn revise_indicator(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The indicator and what to correct.")] input: ReviseIndicatorInput,
    ) -> Result<IndicatorPayload> {
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
